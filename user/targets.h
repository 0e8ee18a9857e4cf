/* What a trace or a census is about when no pid is given: every process
 * (-a), the processes of a cgroup v2 subtree (--cgroup), or processes by
 * name (--comm).  The kernel side is told through the tracer (it lets a
 * process of the target join at its first epoll call); here, which live
 * processes are members now, from /proc. */
#ifndef TARGETS_H
#define TARGETS_H
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "epolltrace.h"

struct options;

struct target {
	enum target_mode mode;		/* TM_PIDS: -p or a command, no target */
	/* --cgroup: the directory, its path as /proc/PID/cgroup names it
	 * ("/system.slice/nginx.service", "/" for the root), its id (the
	 * directory's inode number, which is the kernel's cgroup id) and
	 * depth (0 for the root). */
	char cgroup_dir[PATH_MAX];
	char cgroup_path[PATH_MAX];
	uint64_t cgroup_id;
	uint32_t cgroup_level;
	/* --comm: the names, as the kernel keeps them (15 bytes at most) */
	char comms[TARGET_COMMS_MAX][COMM_LEN];
	int ncomms;
};

/* From the options.  0, or -1 after one line on stderr saying why (a
 * --cgroup that is no cgroup v2 directory). */
int target_init(struct target *t, const struct options *o);
/* Is live process pid one of the target's now?  (Never epolltrace.) */
bool target_has(const struct target *t, uint32_t pid);
/* Calls fn for each live process of the target, by increasing pid;
 * returns how many, or -1 when /proc cannot be read. */
int target_each(const struct target *t, void (*fn)(uint32_t pid, void *arg), void *arg);
/* "all processes", "cgroup /system.slice/nginx.service", "comm nginx,redis" */
const char *target_describe(const struct target *t, char *buf, size_t len);
#endif
