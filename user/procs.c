#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/kcmp.h>
#include "procs.h"

int launch_held(char **argv, struct launch *l)
{
	int hold[2], err[2];
	char c;

	if (pipe2(hold, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
		return -1;
	l->pid = fork();
	if (l->pid < 0)
		return -1;
	if (l->pid == 0) {
		close(hold[1]);
		close(err[0]);
		/* EOF without a byte: the tracer gave up. */
		if (read(hold[0], &c, 1) != 1)
			_exit(1);
		close(hold[0]);
		execvp(argv[0], argv);
		int e = errno;
		if (write(err[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(hold[0]);
	close(err[1]);
	l->release_fd = hold[1];
	l->error_fd = err[0];
	return 0;
}

int launch_release(struct launch *l)
{
	int e = 0;
	ssize_t n;

	if (write(l->release_fd, "x", 1) != 1)
		return errno;
	close(l->release_fd);
	/* Closed on a successful exec (CLOEXEC), or holds the errno. */
	do
		n = read(l->error_fd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(l->error_fd);
	return n == sizeof(e) ? e : 0;
}

void launch_abort(struct launch *l)
{
	close(l->release_fd);
	close(l->error_fd);
	waitpid(l->pid, NULL, 0);
}

uint32_t pid_to_tgid(uint32_t pid)
{
	char path[64], line[256];
	uint32_t tgid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/status", pid);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "epolltrace: no such process: %u\n", pid);
		return 0;
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %u", &tgid) == 1)
			break;
	fclose(f);
	if (!tgid)
		fprintf(stderr, "epolltrace: cannot read /proc/%u/status\n", pid);
	return tgid;
}

int pid_alive(uint32_t pid)
{
	char path[64], state = 0;
	FILE *f;

	if (kill(pid, 0) && errno == ESRCH)
		return 0;
	/* A zombie is gone for our purposes. */
	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1) {
		/* comm may hold ')' or spaces: find the last ')' instead */
		state = 'R';
	}
	fclose(f);
	return state != 'Z' && state != 'X';
}

int open_pidfd(uint32_t pid)
{
	int fd = syscall(SYS_pidfd_open, pid, 0);

	return fd < 0 ? -errno : fd;
}

bool same_open_file(uint32_t pid, int a, int b)
{
	return syscall(SYS_kcmp, pid, pid, KCMP_FILE, a, b) == 0;
}
