/* cpu_burn: what a tracer's CPU time alone costs a load, for the
 * benchmark (tests/bench/run).
 *
 *   cpu_burn SHARE BURST_US -- COMMAND [ARGS...]
 *
 * Runs COMMAND and, until it ends, spins for BURST_US microseconds at a
 * time and sleeps in between, so as to use SHARE of one CPU (0 < SHARE <
 * 1), as a tracer process does that wakes for a batch of records and
 * formats them.  Set SHARE to the tracer's measured CPU seconds per
 * second: the load's loss under the burner is what that much CPU costs,
 * whatever the tracer does with it.  Exits with COMMAND's status. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static volatile pid_t command;

/* Asked to stop: the command is asked; we end when it does. */
static void forward(int sig)
{
	if (command > 0)
		kill(command, sig);
}

int main(int argc, char **argv)
{
	double share = argc > 3 ? strtod(argv[1], NULL) : 0;
	long burst_us = argc > 3 ? strtol(argv[2], NULL, 10) : 0;
	struct timespec pause;
	uint64_t burst_ns, rest_ns;
	int status;
	pid_t child;

	if (argc < 5 || strcmp(argv[3], "--") || !(share > 0 && share < 1) || burst_us <= 0) {
		fprintf(stderr, "usage: cpu_burn SHARE BURST_US -- COMMAND [ARGS...]  (0 < SHARE < 1)\n");
		return 2;
	}
	burst_ns = burst_us * 1000ULL;
	rest_ns = burst_ns * (1 - share) / share;
	pause = (struct timespec){ .tv_sec = rest_ns / 1000000000ULL,
				   .tv_nsec = rest_ns % 1000000000ULL };
	child = fork();
	if (child < 0) {
		fprintf(stderr, "cpu_burn: cannot fork: %s\n", strerror(errno));
		return 125;
	}
	if (child == 0) {
		execvp(argv[4], argv + 4);
		fprintf(stderr, "cpu_burn: cannot run %s: %s\n", argv[4], strerror(errno));
		_exit(127);
	}
	command = child;
	signal(SIGINT, forward);
	signal(SIGTERM, forward);
	for (;;) {
		pid_t done = waitpid(child, &status, WNOHANG);
		uint64_t start = now_ns();

		if (done == child)
			break;
		if (done < 0 && errno != EINTR) {
			fprintf(stderr, "cpu_burn: waitpid: %s\n", strerror(errno));
			return 125;
		}
		while (now_ns() - start < burst_ns)
			;
		nanosleep(&pause, NULL);
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
