/* Renderers: one per output format, chosen once at start; everything
 * printed goes through render().  A renderer is a table with one print
 * function per event kind, in the manner of bpftool's print_*_plain /
 * print_*_json pairs; a kind it leaves NULL is not printed in that format.
 *
 * To add a format: write user/render_NAME.c defining
 *	const struct render_ops render_NAME_ops = { .name = "NAME", .print = { ... } };
 * declare it below, and add it to the table in render_ops_find() (render.c).
 * No producer of events changes.
 *
 * A renderer may have another fed the same events after it
 * (render_also()): --perfetto's picture is written so, besides the
 * trace in the format chosen. */
#ifndef RENDER_H
#define RENDER_H
#include <stdbool.h>
#include <stdint.h>
#include "event.h"
#include "line.h"

struct renderer;
struct selection;
struct sink;
struct state;

typedef void (*render_fn)(struct renderer *r, const struct event *ev);

struct render_ops {
	const char *name;
	render_fn print[EVK_COUNT];
	/* For a format that frames its records (one JSON document), or
	 * keeps state of its own (r->fmt); either may be NULL.  begin is
	 * called by render_init, end by render_end (or render_free). */
	void (*begin)(struct renderer *r);
	void (*end)(struct renderer *r);
};

struct renderer {
	const struct render_ops *ops;
	struct sink *out;	/* the trace */
	struct sink *err;	/* the terminal, for what must be seen there too; may be NULL */
	struct state *state;	/* fd and process names (read only) */
	uint64_t start_ns;	/* times are printed relative to it */
	const struct selection *select;	/* what is shown (-e, -q); NULL: everything */
	struct line line;	/* one record's text, its memory reused */
	void *fmt;		/* the format's own state (begin/end) */
	bool ended;
	struct renderer *also;	/* fed the same events after this one, or NULL */
};

extern const struct render_ops render_text_ops, render_json_ops, render_perfetto_ops;

/* "text", "json" or "perfetto"; NULL if there is no such format. */
const struct render_ops *render_ops_find(const char *name);
void render_init(struct renderer *r, const struct render_ops *ops, struct sink *out,
		 struct sink *err, struct state *st, uint64_t start_ns);
/* Feed also (render_init'ed, selecting for itself) every event r gets. */
void render_also(struct renderer *r, struct renderer *also);
/* Times are printed relative to start_ns: r's, and those fed after it. */
void render_set_start(struct renderer *r, uint64_t start_ns);
/* Show only what sel selects (-e, -q); sel must outlive the renderer. */
void render_select(struct renderer *r, const struct selection *sel);
/* Is this kind of record (SHOW_* of selection.h) shown? */
bool render_shows_kind(const struct renderer *r, unsigned int kind);
void render(struct renderer *r, const struct event *ev);
/* What the user must know about epolltrace itself (checks that cannot
 * run): one line "epolltrace: MESSAGE" on standard error, whatever the
 * format, and a note of that kind in the trace (in text, only when the
 * trace goes to a file: on the terminal it would be said twice). */
void render_tell(struct renderer *r, uint64_t ts_ns, uint32_t pid, const char *kind,
		 const char *message);
/* The end of the records: a format that frames them closes its frame
 * (r's and those fed after it; once). */
void render_end(struct renderer *r);
/* Ends r if it was not (not those fed after it), and frees it. */
void render_free(struct renderer *r);

/* For the renderers: microseconds since the start; the process's name
 * (the event's own, else the one known); the record built in r->line
 * written out whole. */
uint64_t render_since_start_us(const struct renderer *r, uint64_t ts_ns);
const char *render_comm(const struct renderer *r, const struct event *ev);
/* Where a readiness record came from (enum ready_source): its name, the
 * same in every format. */
const char *render_source_name(int source);
void render_emit(struct renderer *r);
#endif
