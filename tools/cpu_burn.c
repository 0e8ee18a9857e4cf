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
#include "run_command.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
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
	child = command_start("cpu_burn", argv + 4);
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
	return command_exit_code(status);
}
