#include <dirent.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "proc_scan.h"

int scan_one_set(uint32_t pid, int epfd, const struct scan_callbacks *cb)
{
	char path[64], line[256];
	struct scanned_item it;
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%u/fdinfo/%d", pid, epfd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	/* Large sets (100k items) make this file big: read it buffered. */
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "tfd:", 4))
			continue;
		it.ino = 0;
		if (sscanf(line, "tfd: %d events: %x data: %lx pos:%*d ino:%lx",
			   &it.tfd, &it.events, &it.data, &it.ino) < 3)
			continue;
		if (cb->on_item)
			cb->on_item(pid, epfd, &it, cb->arg);
		n++;
	}
	fclose(f);
	return n;
}

const char *registration_stale(bool fd_open, unsigned long registered_ino,
			       unsigned long current_ino)
{
	if (!fd_open)
		return "fd closed; the file is still open elsewhere";
	if (registered_ino && current_ino != registered_ino)
		return "fd now names another file";
	return NULL;
}

int each_epoll_fd(uint32_t pid, bool (*fn)(uint32_t pid, int epfd, void *arg), void *arg)
{
	char path[64], link[64], lpath[320];
	struct dirent *de;
	DIR *d;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%u/fd", pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(lpath, sizeof(lpath), "%s/%s", path, de->d_name);
		n = readlink(lpath, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = 0;
		if (strcmp(link, "anon_inode:[eventpoll]"))
			continue;
		found++;
		if (!fn(pid, atoi(de->d_name), arg))
			break;
	}
	closedir(d);
	return found;
}

static bool stop_at_first(uint32_t pid, int epfd, void *arg)
{
	return false;
}

bool proc_has_epoll(uint32_t pid)
{
	return each_epoll_fd(pid, stop_at_first, NULL) > 0;
}

static bool scan_found_set(uint32_t pid, int epfd, void *arg)
{
	const struct scan_callbacks *cb = arg;

	if (cb->on_set)
		cb->on_set(pid, epfd, cb->arg);
	scan_one_set(pid, epfd, cb);
	if (cb->on_set_end)
		cb->on_set_end(pid, epfd, cb->arg);
	return true;
}

int scan_epoll_sets(uint32_t pid, const struct scan_callbacks *cb)
{
	return each_epoll_fd(pid, scan_found_set, (void *)cb);
}

unsigned int proc_uid(uint32_t pid)
{
	char path[64], line[128];
	unsigned int uid = ~0u;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/status", pid);
	f = fopen(path, "r");
	if (!f)
		return uid;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Uid: %u", &uid) == 1)
			break;
	fclose(f);
	return uid;
}

long long epoll_max_user_watches(void)
{
	long long v = -1;
	FILE *f = fopen("/proc/sys/fs/epoll/max_user_watches", "r");

	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static void count_item(uint32_t pid, int epfd, const struct scanned_item *it, void *arg)
{
	(*(long long *)arg)++;
}

static void read_comm(uint32_t pid, char *comm, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	comm[0] = 0;
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(comm, len, f))
		comm[strcspn(comm, "\n")] = 0;
	fclose(f);
}

/* The kernel charges each item to the user who created its set; the
 * sets are found here through the processes that hold them. */
long long user_epoll_watches(unsigned int uid, struct watch_holder *top, int ntop,
			      uint32_t known_pid, long long known)
{
	struct scan_callbacks cb = { NULL, count_item, NULL, NULL };
	long long total = 0;
	struct dirent *de;
	DIR *d = opendir("/proc");

	memset(top, 0, ntop * sizeof(*top));
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		uint32_t pid = strtoul(de->d_name, NULL, 10);
		long long n = 0;

		if (!pid || proc_uid(pid) != uid)
			continue;
		cb.arg = &n;
		if (pid == known_pid)
			n = known;
		else if (scan_epoll_sets(pid, &cb) <= 0)
			continue;
		if (n == 0)
			continue;
		total += n;
		watch_holder_insert(top, ntop, pid, n, NULL);
	}
	closedir(d);
	return total;
}

void watch_holder_insert(struct watch_holder *top, int ntop, uint32_t pid, long long n,
			 const char *comm)
{
	for (int i = 0; i < ntop; i++) {
		if (n <= top[i].watches)
			continue;
		memmove(&top[i + 1], &top[i], (ntop - 1 - i) * sizeof(*top));
		top[i].pid = pid;
		top[i].watches = n;
		if (comm)
			snprintf(top[i].comm, sizeof(top[i].comm), "%s", comm);
		else
			read_comm(pid, top[i].comm, sizeof(top[i].comm));
		return;
	}
}

long long user_epoll_watches_but(unsigned int uid, bool (*skip)(uint32_t pid, void *arg),
				 void *arg, struct watch_holder *top, int ntop)
{
	struct scan_callbacks cb = { NULL, count_item, NULL, NULL };
	long long total = 0;
	struct dirent *de;
	DIR *d = opendir("/proc");

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		uint32_t pid = strtoul(de->d_name, NULL, 10);
		long long n = 0;

		if (!pid || skip(pid, arg) || proc_uid(pid) != uid)
			continue;
		cb.arg = &n;
		if (scan_epoll_sets(pid, &cb) <= 0 || n == 0)
			continue;
		total += n;
		watch_holder_insert(top, ntop, pid, n, NULL);
	}
	closedir(d);
	return total;
}

/* The address of a kernel function from /proc/kallsyms; 0 when it is not
 * there or addresses are hidden (kptr_restrict). */
unsigned long long kernel_symbol_address(const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[256], sym[128], type;
	unsigned long long addr, found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %127s", &addr, &type, sym) == 3 &&
		    strcmp(sym, name) == 0) {
			found = addr;
			break;
		}
	}
	fclose(f);
	return found;
}
