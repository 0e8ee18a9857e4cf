#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "epoll_state.h"
#include "epolltrace.h"
#include "fd_desc.h"
#include "line.h"

/* Socket inode -> endpoint text, parsed from /proc/PID/net/ on a miss. */
static struct hashmap sockets;
static struct timespec last_parse;

static void ipv4_text(const char *hex, char *out, size_t len)
{
	unsigned int addr, port;
	struct in_addr a;

	if (sscanf(hex, "%8X:%X", &addr, &port) != 2) {
		snprintf(out, len, "?");
		return;
	}
	a.s_addr = addr;
	snprintf(out, len, "%s:%u", inet_ntoa(a), port);
}

static void ipv6_text(const char *hex, char *out, size_t len)
{
	struct in6_addr a;
	unsigned int port, w[4];
	char buf[INET6_ADDRSTRLEN];

	if (sscanf(hex, "%8X%8X%8X%8X:%X", &w[0], &w[1], &w[2], &w[3], &port) != 5) {
		snprintf(out, len, "?");
		return;
	}
	memcpy(&a, w, sizeof(a));
	inet_ntop(AF_INET6, &a, buf, sizeof(buf));
	snprintf(out, len, "[%s]:%u", buf, port);
}

static void parse_inet(uint32_t pid, const char *file, const char *proto, bool v6)
{
	char path[64], line[512], local[64], remote[64], l[80], r[80];
	unsigned long ino;
	unsigned int state;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/net/%s", pid, file);
	f = fopen(path, "r");
	if (!f)
		return;
	fgets(line, sizeof(line), f);
	while (fgets(line, sizeof(line), f)) {
		char *desc;

		if (sscanf(line, "%*d: %63s %63s %X %*s %*s %*s %*d %*d %lu",
			   local, remote, &state, &ino) != 4 || !ino)
			continue;
		(v6 ? ipv6_text : ipv4_text)(local, l, sizeof(l));
		(v6 ? ipv6_text : ipv4_text)(remote, r, sizeof(r));
		desc = malloc(200);
		if (strstr(r, ":0") && (!strcmp(r, "0.0.0.0:0") || !strcmp(r, "[::]:0")))
			snprintf(desc, 200, "%s:%s", proto, l);
		else
			snprintf(desc, 200, "%s:%s->%s", proto, l, r);
		free(hashmap_del(&sockets, ino));
		hashmap_put(&sockets, ino, desc);
	}
	fclose(f);
}

static void parse_unix(uint32_t pid)
{
	char path[64], line[512], name[256];
	unsigned long ino;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/net/unix", pid);
	f = fopen(path, "r");
	if (!f)
		return;
	fgets(line, sizeof(line), f);
	while (fgets(line, sizeof(line), f)) {
		char *desc;
		int n;

		name[0] = 0;
		n = sscanf(line, "%*s %*s %*s %*s %*s %*s %lu %255s", &ino, name);
		if (n < 1)
			continue;
		desc = malloc(300);
		if (name[0])
			snprintf(desc, 300, "UNIX:%s", name);
		else
			snprintf(desc, 300, "UNIX:[%lu]", ino);
		free(hashmap_del(&sockets, ino));
		hashmap_put(&sockets, ino, desc);
	}
	fclose(f);
}

/* Re-reading every table is costly on a busy host: at most 20 times a second. */
static void parse_sockets(uint32_t pid)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((now.tv_sec - last_parse.tv_sec) * 1000000000L + now.tv_nsec - last_parse.tv_nsec < 50000000L)
		return;
	last_parse = now;
	parse_inet(pid, "tcp", "TCP", false);
	parse_inet(pid, "tcp6", "TCPv6", true);
	parse_inet(pid, "udp", "UDP", false);
	parse_inet(pid, "udp6", "UDPv6", true);
	parse_unix(pid);
}

static char *describe_link(uint32_t pid, const char *link)
{
	unsigned long ino;
	char buf[300];

	if (!strcmp(link, "anon_inode:[eventpoll]"))
		return strdup("epoll");
	if (!strncmp(link, "anon_inode:[", 12)) {
		snprintf(buf, sizeof(buf), "%s", link + 12);
		buf[strcspn(buf, "]")] = 0;
		return strdup(buf);
	}
	if (!strncmp(link, "anon_inode:", 11))
		return strdup(link + 11);
	if (sscanf(link, "socket:[%lu]", &ino) == 1) {
		const char *s = hashmap_get(&sockets, ino);

		if (!s) {
			parse_sockets(pid);
			s = hashmap_get(&sockets, ino);
		}
		return strdup(s ? s : link);
	}
	return strdup(link);
}

static char *describe_link(uint32_t pid, const char *link);

/* A cached description; `provisional` when it was taken from a socket
 * not yet bound or connected, which its later state will rename. */
struct fd_name {
	bool provisional;
	bool plain;		/* no byte of text needs escaping */
	size_t len;
	char text[];
};

static struct fd_name *fd_name_new(const char *text, bool provisional)
{
	size_t n = strlen(text) + 1;
	struct fd_name *d = malloc(sizeof(*d) + n);

	if (d) {
		d->provisional = provisional;
		d->plain = line_is_plain(text);
		d->len = n - 1;
		memcpy(d->text, text, n);
	}
	return d;
}

static struct fd_name *cached(const struct state *st, uint32_t pid, int fd)
{
	struct proc *p = proc_find(st, pid);

	return p ? hashmap_get(&p->fd_desc, (uint32_t)fd) : NULL;
}

static void cache_put(struct state *st, uint32_t pid, int fd, struct fd_name *d)
{
	struct proc *p = proc_get(st, pid);

	free(hashmap_del(&p->fd_desc, (uint32_t)fd));
	if (d && hashmap_put(&p->fd_desc, (uint32_t)fd, d))
		free(d);
}

const char *fd_desc_refresh(struct state *st, uint32_t pid, int fd)
{
	char path[64], link[256], *text;
	struct fd_name *d;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%u/fd/%d", pid, fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0) {
		d = cached(st, pid, fd);
		return d ? d->text : NULL;
	}
	link[n] = 0;
	text = describe_link(pid, link);
	if (!text)
		return NULL;
	cache_put(st, pid, fd, fd_name_new(text, false));
	free(text);
	d = cached(st, pid, fd);
	return d ? d->text : NULL;
}

const char *fd_desc(struct state *st, uint32_t pid, int fd)
{
	struct fd_name *d = cached(st, pid, fd);

	return d ? d->text : fd_desc_refresh(st, pid, fd);
}

const char *fd_desc_sized(struct state *st, uint32_t pid, int fd, size_t *len, bool *plain)
{
	struct fd_name *d = cached(st, pid, fd);

	if (!d && fd_desc_refresh(st, pid, fd))
		d = cached(st, pid, fd);
	if (!d)
		return NULL;
	*len = d->len;
	*plain = d->plain;
	return d->text;
}

bool fd_desc_rename_socket(struct state *st, uint32_t pid, int fd)
{
	char path[64], link[64];
	unsigned long ino;
	const char *text;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%u/fd/%d", pid, fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return false;
	link[n] = 0;
	if (sscanf(link, "socket:[%lu]", &ino) != 1)
		return false;
	parse_sockets(pid);
	text = hashmap_get(&sockets, ino);
	if (!text || !strstr(text, "->"))
		return false;	/* not known connected yet: keep what we have */
	cache_put(st, pid, fd, fd_name_new(text, false));
	return true;
}

bool fd_desc_rename(struct state *st, uint32_t pid, int fd, const struct sock_info *si)
{
	char buf[160];

	if (sock_info_unsettled(si) || !sock_text(si, buf, sizeof(buf)))
		return false;
	cache_put(st, pid, fd, fd_name_new(buf, false));
	return true;
}

bool fd_desc_provisional(const struct state *st, uint32_t pid, int fd)
{
	struct fd_name *d = cached(st, pid, fd);

	return d && d->provisional;
}

void fd_desc_inherit(struct state *st, uint32_t parent, uint32_t child)
{
	struct proc *from = proc_get(st, parent), *to = proc_get(st, child);
	uint64_t fd;
	void *v;

	for (size_t i = 0; hashmap_next(&from->fd_desc, &i, &fd, &v);) {
		const struct fd_name *d = v;
		struct fd_name *copy;

		if (hashmap_get(&to->fd_desc, fd))
			continue;
		copy = fd_name_new(d->text, d->provisional);
		if (copy && hashmap_put(&to->fd_desc, fd, copy))
			free(copy);
	}
}

void fd_desc_forget(struct state *st, uint32_t pid, int fd)
{
	struct proc *p = proc_find(st, pid);

	if (st->keep_closed)	/* -c names fds after they are closed */
		return;
	if (p)
		free(hashmap_del(&p->fd_desc, (uint32_t)fd));
}

static void endpoint_text(int family, const unsigned char *addr, unsigned int port,
			  char *out, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(family, addr, a, sizeof(a));
	snprintf(out, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
}

/* "TCP:127.0.0.1:8080->127.0.0.1:51234", like the /proc path gives. */
bool sock_text(const struct sock_info *si, char *buf, size_t len)
{
	const char *proto;
	char l[64], r[64];

	if (!si || (si->family != AF_INET && si->family != AF_INET6))
		return false;
	if (si->type == SOCK_STREAM)
		proto = si->family == AF_INET ? "TCP" : "TCPv6";
	else if (si->type == SOCK_DGRAM)
		proto = si->family == AF_INET ? "UDP" : "UDPv6";
	else
		return false;
	endpoint_text(si->family, si->saddr, si->sport, l, sizeof(l));
	if (!si->dport) {
		snprintf(buf, len, "%s:%s", proto, l);
		return true;
	}
	endpoint_text(si->family, si->daddr, si->dport, r, sizeof(r));
	snprintf(buf, len, "%s:%s->%s", proto, l, r);
	return true;
}

bool fd_desc_from_kernel(struct state *st, uint32_t pid, int fd, unsigned int mode,
			 unsigned long long ino, const char *dname, const struct sock_info *si)
{
	bool provisional = false;
	char buf[160];
	char *text = NULL;

	if (S_ISSOCK(mode) && si && sock_text(si, buf, sizeof(buf))) {
		/* nginx and Traffic Server add an upstream socket before connect() */
		provisional = sock_info_unsettled(si);
	} else if (S_ISSOCK(mode)) {
		/* A UNIX or other socket: named as /proc would, by its inode. */
		snprintf(buf, sizeof(buf), "socket:[%llu]", ino);
		text = describe_link(pid, buf);
	} else if (S_ISFIFO(mode) && !dname[0]) {
		snprintf(buf, sizeof(buf), "pipe:[%llu]", ino);	/* a pipe; a FIFO has a path */
	} else if ((mode & S_IFMT) == 0 && dname[0] == '[' && !strcmp(dname, "[eventpoll]")) {
		snprintf(buf, sizeof(buf), "epoll");
	} else if ((mode & S_IFMT) == 0 && dname[0] == '[') {
		/* anon_inode:[eventfd], [timerfd], [signalfd], ... */
		snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(dname + 1, "]"), dname + 1);
	} else if ((mode & S_IFMT) == 0 && dname[0]) {
		snprintf(buf, sizeof(buf), "%s", dname);	/* anon_inode:inotify */
	} else {
		return false;	/* a path: only /proc can tell it */
	}
	cache_put(st, pid, fd, fd_name_new(text ? text : buf, provisional));
	free(text);
	return true;
}
