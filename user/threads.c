#include <dirent.h>
#include <sched.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "clock.h"
#include "threads.h"

bool is_epoll_wait_nr(long nr)
{
	switch (nr) {
#ifdef SYS_epoll_wait
	case SYS_epoll_wait:
#endif
	case SYS_epoll_pwait:
#ifdef SYS_epoll_pwait2
	case SYS_epoll_pwait2:
#endif
		return true;
	default:
		return false;
	}
}

/* "232 0x4 0x7ffd... 0x8 0x5dc 0x0 0x0 0x7ffd... 0x7f..." for a thread
 * in a syscall; "running" or "-1 ..." otherwise. */
static bool read_syscall(uint32_t pid, uint32_t tid, long *nr, uint64_t args[6])
{
	char path[64], line[512];
	bool ok = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/task/%u/syscall", pid, tid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fgets(line, sizeof(line), f))
		ok = sscanf(line, "%ld %lx %lx %lx %lx %lx %lx", nr, &args[0], &args[1], &args[2],
			    &args[3], &args[4], &args[5]) == 7;
	fclose(f);
	return ok;
}

/* se.exec_start of a thread: when it last ran, in ms of the scheduler's
 * clock (needs CONFIG_SCHED_DEBUG's /proc/.../sched); -1 unknown. */
static double exec_start_ms(const char *path)
{
	char line[256];
	double v = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "se.exec_start : %lf", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* The CPU a thread last ran on (field 39 of its stat), -1 unknown. */
static int last_cpu(uint32_t pid, uint32_t tid)
{
	char path[64], buf[1024], *p;
	int cpu = -1, field = 3;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/task/%u/stat", pid, tid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	/* After "pid (comm)" come the fields from 3 on, space separated. */
	for (p = p ? p + 2 : NULL; p && field < 39; field++) {
		p = strchr(p, ' ');
		p = p ? p + 1 : NULL;
	}
	if (p)
		cpu = atoi(p);
	return cpu;
}

/* How long a sleeping thread has not run: the scheduler's clock of the
 * CPU it last ran on, now (our own last start there: we move there to
 * read it), minus its last start.  Each CPU keeps its own clock, so the
 * two must come from the same one; where we cannot run on that CPU the
 * time is unknown. */
static long long asleep_ms(uint32_t pid, uint32_t tid)
{
	char path[64];
	cpu_set_t saved, there;
	int cpu = last_cpu(pid, tid);
	double now = -1, then;

	if (cpu < 0 || cpu >= CPU_SETSIZE || sched_getaffinity(0, sizeof(saved), &saved))
		return -1;
	CPU_ZERO(&there);
	CPU_SET(cpu, &there);
	if (sched_setaffinity(0, sizeof(there), &there) == 0) {
		now = exec_start_ms("/proc/thread-self/sched");
		sched_setaffinity(0, sizeof(saved), &saved);
	}
	snprintf(path, sizeof(path), "/proc/%u/task/%u/sched", pid, tid);
	then = exec_start_ms(path);
	/* Ran meanwhile on another CPU: its start is on another clock. */
	if (now < 0 || then < 0 || then > now || last_cpu(pid, tid) != cpu)
		return -1;
	return (long long)(now - then);
}

/* The timeout of a blocked wait: epoll_wait and epoll_pwait take ms in
 * their fourth argument, epoll_pwait2 a struct timespec it points to
 * (read from the process's memory; NULL: none). */
static long long wait_timeout_ns(uint32_t pid, const struct blocked_wait *w)
{
	struct { long long sec, nsec; } ts;
	char path[64];
	ssize_t n;
	int fd;

#ifdef SYS_epoll_pwait2
	if (w->nr == SYS_epoll_pwait2) {
		if (!w->args[3])
			return -1;
		snprintf(path, sizeof(path), "/proc/%u/mem", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -2;
		n = pread(fd, &ts, sizeof(ts), (off_t)w->args[3]);
		close(fd);
		if (n != sizeof(ts) || ts.sec < 0 || ts.nsec < 0)
			return -2;
		return ts.sec * (long long)NS_PER_SEC + ts.nsec;
	}
#endif
	return (int)w->args[3] < 0 ? -1 : (int)w->args[3] * (long long)NS_PER_MS;
}

/* The CPU time a thread has run, in ns (the first field of its
 * schedstat; CONFIG_SCHED_INFO): it does not move while the thread
 * sleeps.  0 unknown. */
static unsigned long long run_time_ns(uint32_t pid, uint32_t tid)
{
	char path[64];
	unsigned long long ns = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/task/%u/schedstat", pid, tid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%llu", &ns) != 1)
		ns = 0;
	fclose(f);
	return ns;
}

int blocked_waits(uint32_t pid, struct blocked_wait *out, int max)
{
	char path[64];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%u/task", pid);
	d = opendir(path);
	if (!d)
		return -1;
	while (n < max && (de = readdir(d))) {
		struct blocked_wait *w = &out[n];

		if (de->d_name[0] == '.')
			continue;
		w->tid = strtoul(de->d_name, NULL, 10);
		if (!read_syscall(pid, w->tid, &w->nr, w->args) || !is_epoll_wait_nr(w->nr))
			continue;
		/* Taken before any probe: a run after it shows in the recheck. */
		w->run_ns = run_time_ns(pid, w->tid);
		w->epfd = (int)w->args[0];
		w->timeout_ns = wait_timeout_ns(pid, w);
		w->blocked_ms = asleep_ms(pid, w->tid);
		/* Asleep far longer than its timeout: the CPUs' clocks disagree
		 * (seen under emulation: 124 s in a 400 ms wait), not the wait. */
		if (w->timeout_ns >= 0 &&
		    w->blocked_ms > (w->timeout_ns + (long long)NS_PER_SEC) / (long long)NS_PER_MS)
			w->blocked_ms = -1;
		w->since_ns = w->blocked_ms >= 0 && ms_to_ns(w->blocked_ms) < monotonic_ns() ?
			      monotonic_ns() - ms_to_ns(w->blocked_ms) : 0;
		n++;
	}
	closedir(d);
	return n;
}

bool still_blocked(uint32_t pid, const struct blocked_wait *w)
{
	uint64_t args[6];
	long nr;

	return read_syscall(pid, w->tid, &nr, args) && nr == w->nr &&
	       !memcmp(args, w->args, sizeof(args));
}

bool slept_through(uint32_t pid, const struct blocked_wait *w)
{
	return still_blocked(pid, w) && (!w->run_ns || run_time_ns(pid, w->tid) == w->run_ns);
}
