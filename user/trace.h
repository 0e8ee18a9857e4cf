/* A trace: the BPF side started, the processes launched or attached, the
 * ring buffer read until they are gone or we are told to stop, then the
 * summaries.  Everything lives in one struct passed down, no globals. */
#ifndef TRACE_H
#define TRACE_H

struct options;
struct sink;

/* Returns the exit status for epolltrace: the command's in launch mode.
 * picture: where --perfetto's file goes, or NULL. */
int trace_main(const struct options *o, struct sink *out, struct sink *err,
	       struct sink *picture);
#endif
