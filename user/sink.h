/* Where records go: a file, a pipe or a terminal.  Records are written
 * whole: they pile up in a buffer that is written out only at record
 * boundaries and, where the destination may be shared with the traced
 * program (a pipe, a terminal), at most PIPE_BUF bytes of whole records
 * per write, so the program's own output cannot land inside a record. */
#ifndef SINK_H
#define SINK_H
#include <stdbool.h>
#include <stddef.h>

struct line;

struct sink {
	int fd;
	bool regular_file;
	bool failed;		/* a write failed: what follows is lost */
	int error;		/* its errno */
	char *buf;
	size_t len, cap;
};

/* path NULL: standard output.  A file is truncated, or with append
 * (a monitor's log) added to.  0, or -1 with errno set. */
int sink_open(struct sink *s, const char *path, bool append);
/* Log rotation moved the file: what is queued goes to the old one, what
 * follows to a file opened anew at path (appended to, created if need
 * be).  0, or -1 with errno set (the old file is kept). */
int sink_reopen(struct sink *s, const char *path);
/* An already open descriptor (standard error), not closed by sink_close. */
void sink_attach(struct sink *s, int fd);
/* Queues the line and a newline. */
void sink_record(struct sink *s, const struct line *l);
void sink_flush(struct sink *s);
/* Flushes; returns -1 if any write failed. */
int sink_close(struct sink *s);
#endif
