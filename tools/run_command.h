/* For a tool that runs a COMMAND beside what it does to the machine
 * (hook_floor, cpu_burn): start it as a child, pass it the signals that
 * ask it to stop, and end with its status as a shell would give it. */
#ifndef RUN_COMMAND_H
#define RUN_COMMAND_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile pid_t command_pid;

/* Asked to stop: the command is asked; the tool ends when it does. */
static void command_forward(int sig)
{
	if (command_pid > 0)
		kill(command_pid, sig);
}

/* Runs argv[0] with argv; `tool` names us in messages.  A fork that fails
 * ends the tool (125), an exec that fails the child (127). */
static inline pid_t command_start(const char *tool, char **argv)
{
	pid_t child = fork();

	if (child < 0) {
		fprintf(stderr, "%s: cannot fork: %s\n", tool, strerror(errno));
		exit(125);
	}
	if (child == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "%s: cannot run %s: %s\n", tool, argv[0], strerror(errno));
		_exit(127);
	}
	command_pid = child;
	signal(SIGINT, command_forward);
	signal(SIGTERM, command_forward);
	return child;
}

/* The command's wait status as an exit code: 128 + N for signal N. */
static inline int command_exit_code(int status)
{
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

#endif
