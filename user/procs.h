/* The processes under trace: launching a command held until the
 * programs are attached, and checking pids given with -p. */
#ifndef PROCS_H
#define PROCS_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct launch {
	pid_t pid;
	int release_fd;	/* write a byte to let the child exec */
	int error_fd;	/* the child writes its exec errno here */
};

/* Can `name` be executed, found as a shell finds a command (a name with a
 * '/' is a path, any other is looked for in PATH)?  0, or why not:
 * ENOENT (not found), EACCES (not executable), EISDIR. */
int command_check(const char *name);
/* The exit status a shell gives such a command: 127 not found, 126 else. */
int command_check_status(int err);
/* Forks a child that waits on a pipe before it execs argv. */
int launch_held(char **argv, struct launch *l);
/* Lets it exec; returns 0, or the errno of a failed exec. */
int launch_release(struct launch *l);
/* Kills a held child when tracing could not start. */
void launch_abort(struct launch *l);

/* The thread group of `pid` (it may name a thread), or 0 with one line
 * printed on stderr when there is no such process or it is a kernel
 * thread. */
uint32_t pid_to_tgid(uint32_t pid);
int pid_alive(uint32_t pid);
/* Is pid in the first n of list? */
bool pid_listed(const uint32_t *list, int n, uint32_t pid);
/* A pidfd of pid, or -1 with errno set. */
int open_pidfd(uint32_t pid);
/* Do fds a and b of pid name the same open file (kcmp)?  False also
 * when that cannot be told. */
bool same_open_file(uint32_t pid, int a, int b);
/* Does fd a of pid_a name the same open file as fd b of pid_b (kcmp)?
 * 1 or 0; -1 when that cannot be told (no kcmp, no ptrace access). */
int same_file_of(uint32_t pid_a, int a, uint32_t pid_b, int b);
/* When the process started (clock ticks since boot, /proc/PID/stat), or
 * ~0ull when it is gone. */
unsigned long long proc_start_time(uint32_t pid);
/* Did process a start before b?  (Ties, within a clock tick: the lower
 * pid.) */
bool proc_started_before(uint32_t a, uint32_t b);
#endif
