#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include "options.h"
#include "targets.h"

/* statfs(2)'s f_type of a cgroup v2 file system (linux/magic.h). */
#define CGROUP2_SUPER_MAGIC 0x63677270

/* Where the cgroup v2 hierarchy is mounted, and which of its directories
 * the mount shows at its top (mountinfo's root: "/" but for bind mounts). */
static int cgroup2_mount(char *mnt, size_t mlen, char *root, size_t rlen)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	int found = -1;

	if (!f)
		return -1;
	while (found && fgets(line, sizeof(line), f)) {
		char r[PATH_MAX], m[PATH_MAX], type[64];
		const char *dash = strstr(line, " - ");

		if (!dash || sscanf(dash, " - %63s", type) != 1 || strcmp(type, "cgroup2"))
			continue;
		if (sscanf(line, "%*s %*s %*s %4095s %4095s", r, m) != 2)
			continue;
		snprintf(mnt, mlen, "%s", m);
		snprintf(root, rlen, "%s", r);
		found = 0;
	}
	fclose(f);
	return found;
}

static int resolve_cgroup(struct target *t, const char *arg)
{
	char mnt[PATH_MAX], root[PATH_MAX], want[2 * PATH_MAX], *real;
	const char *below;
	struct statfs sfs;
	struct stat st;
	size_t mlen;

	if (cgroup2_mount(mnt, sizeof(mnt), root, sizeof(root))) {
		fprintf(stderr, "epolltrace: --cgroup %s: no cgroup v2 file system is mounted\n", arg);
		return -1;
	}
	/* A directory as given, else a path below the mount
	 * ("/system.slice/nginx.service", as /proc/PID/cgroup shows it). */
	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		snprintf(want, sizeof(want), "%s", arg);
	else
		snprintf(want, sizeof(want), "%s/%s", mnt, arg[0] == '/' ? arg + 1 : arg);
	real = realpath(want, NULL);
	mlen = strlen(mnt);
	if (!real || stat(real, &st) || !S_ISDIR(st.st_mode) || statfs(real, &sfs) ||
	    sfs.f_type != CGROUP2_SUPER_MAGIC || strncmp(real, mnt, mlen) ||
	    (real[mlen] && real[mlen] != '/')) {
		fprintf(stderr, "epolltrace: --cgroup %s: not a cgroup v2 directory (the cgroup v2 "
			"hierarchy is mounted at %s)\n", arg, mnt);
		free(real);
		return -1;
	}
	below = real + mlen;
	snprintf(t->cgroup_dir, sizeof(t->cgroup_dir), "%s", real);
	snprintf(t->cgroup_path, sizeof(t->cgroup_path), "%s%s", strcmp(root, "/") ? root : "",
		 below);
	if (!t->cgroup_path[0])
		snprintf(t->cgroup_path, sizeof(t->cgroup_path), "/");
	free(real);
	t->cgroup_id = st.st_ino;
	t->cgroup_level = 0;
	for (const char *p = t->cgroup_path; *p; p++)
		if (*p == '/' && p[1] && p[1] != '/')
			t->cgroup_level++;
	return 0;
}

int target_init(struct target *t, const struct options *o)
{
	memset(t, 0, sizeof(*t));
	t->mode = o->target;
	if (t->mode == TM_CGROUP)
		return resolve_cgroup(t, o->cgroup);
	if (t->mode == TM_COMM) {
		t->ncomms = o->ncomms;
		memcpy(t->comms, o->comms, sizeof(t->comms));
	}
	return 0;
}

/* A small /proc file's first line that starts with prefix, without it. */
static bool proc_line(uint32_t pid, const char *file, const char *prefix, char *out, size_t len)
{
	char path[64], line[PATH_MAX + 64];
	size_t plen = strlen(prefix);
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/%s", pid, file);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, prefix, plen))
			continue;
		line[strcspn(line, "\n")] = 0;
		snprintf(out, len, "%s", line + plen);
		found = true;
	}
	fclose(f);
	return found;
}

static bool in_cgroup(const struct target *t, uint32_t pid)
{
	char path[PATH_MAX];
	size_t n = strlen(t->cgroup_path);

	if (!proc_line(pid, "cgroup", "0::", path, sizeof(path)))
		return false;
	if (!strcmp(t->cgroup_path, "/"))
		return true;
	return !strncmp(path, t->cgroup_path, n) && (path[n] == 0 || path[n] == '/');
}

static bool comm_matches(const struct target *t, uint32_t pid)
{
	char comm[64];

	if (!proc_line(pid, "comm", "", comm, sizeof(comm)))
		return false;
	for (int i = 0; i < t->ncomms; i++)
		if (!strncmp(comm, t->comms[i], COMM_LEN - 1))
			return true;
	return false;
}

bool target_has(const struct target *t, uint32_t pid)
{
	if (pid == (uint32_t)getpid())
		return false;
	switch (t->mode) {
	case TM_ALL: return true;
	case TM_CGROUP: return in_cgroup(t, pid);
	case TM_COMM: return comm_matches(t, pid);
	default: return false;
	}
}

int target_each(const struct target *t, void (*fn)(uint32_t pid, void *arg), void *arg)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char *end;
		unsigned long pid = strtoul(de->d_name, &end, 10);

		if (!pid || *end || !target_has(t, pid))
			continue;
		fn(pid, arg);
		n++;
	}
	closedir(d);
	return n;
}

const char *target_describe(const struct target *t, char *buf, size_t len)
{
	size_t used;

	switch (t->mode) {
	case TM_ALL:
		snprintf(buf, len, "all processes");
		break;
	case TM_CGROUP:
		snprintf(buf, len, "cgroup %s", t->cgroup_path);
		break;
	case TM_COMM:
		used = snprintf(buf, len, "comm ");
		for (int i = 0; i < t->ncomms && used < len; i++)
			used += snprintf(buf + used, len - used, "%s%s", i ? "," : "", t->comms[i]);
		break;
	default:
		snprintf(buf, len, "pids");
		break;
	}
	return buf;
}
