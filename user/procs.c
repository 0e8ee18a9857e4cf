#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/kcmp.h>
#include "procs.h"

static int file_check(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return errno == ENOTDIR ? ENOENT : errno;
	if (S_ISDIR(st.st_mode))
		return EISDIR;
	if (!S_ISREG(st.st_mode) || access(path, X_OK))
		return EACCES;
	return 0;
}

int command_check(const char *name)
{
	const char *path = getenv("PATH"), *dir, *end;
	int err = ENOENT;

	if (!*name)
		return ENOENT;
	if (strchr(name, '/'))
		return file_check(name);
	if (!path)
		path = "/bin:/usr/bin";		/* execvp's when PATH is unset */
	for (dir = path; ; dir = end + 1) {
		size_t len;
		char *full;
		int e;

		end = strchr(dir, ':');
		len = end ? (size_t)(end - dir) : strlen(dir);
		/* An empty entry is the current directory. */
		if (asprintf(&full, "%.*s%s%s", (int)len, len ? dir : ".", "/", name) < 0)
			return ENOMEM;
		e = file_check(full);
		free(full);
		if (!e)
			return 0;
		if (e != ENOENT)
			err = e;	/* found, not executable: unless found further on */
		if (!end)
			return err;
	}
}

int command_check_status(int err)
{
	return err == ENOENT ? 127 : 126;
}

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

/* PF_KTHREAD in the flags of /proc/PID/stat (include/linux/sched.h). */
#define PF_KTHREAD 0x00200000u

static bool is_kernel_thread(uint32_t pid)
{
	char path[64], buf[512], *after;
	unsigned int flags = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	/* The name may hold anything: the fields go on after its last ')'. */
	after = strrchr(buf, ')');
	return after && sscanf(after + 1, " %*c %*d %*d %*d %*d %*d %u", &flags) == 1 &&
	       (flags & PF_KTHREAD);
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
	if (!tgid) {
		fprintf(stderr, "epolltrace: cannot read /proc/%u/status\n", pid);
	} else if (is_kernel_thread(tgid)) {
		fprintf(stderr, "epolltrace: pid %u is a kernel thread: it makes no system calls "
			"to trace\n", pid);
		tgid = 0;
	}
	return tgid;
}

bool pid_listed(const uint32_t *list, int n, uint32_t pid)
{
	for (int i = 0; i < n; i++)
		if (list[i] == pid)
			return true;
	return false;
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
	return syscall(SYS_pidfd_open, pid, 0);
}

bool same_open_file(uint32_t pid, int a, int b)
{
	return syscall(SYS_kcmp, pid, pid, KCMP_FILE, a, b) == 0;
}

int same_file_of(uint32_t pid_a, int a, uint32_t pid_b, int b)
{
	long r = syscall(SYS_kcmp, pid_a, pid_b, KCMP_FILE, a, b);

	return r < 0 ? -1 : r == 0;
}

unsigned long long proc_start_time(uint32_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long t = ~0ull;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return t;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return t;
	buf[n] = 0;
	/* after the name, which may hold anything: field 22 is the 20th */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
			 "%*d %*d %*d %llu", &t) != 1)
		t = ~0ull;
	return t;
}

bool proc_started_before(uint32_t a, uint32_t b)
{
	unsigned long long ta = proc_start_time(a), tb = proc_start_time(b);

	return ta < tb || (ta == tb && a < b);
}
