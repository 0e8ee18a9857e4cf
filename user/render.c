#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "clock.h"
#include "epoll_state.h"
#include "epolltrace.h"
#include "render.h"
#include "selection.h"
#include "sink.h"

const struct render_ops *render_ops_find(const char *name)
{
	static const struct render_ops *const all[] = {
		&render_text_ops, &render_json_ops, &render_perfetto_ops,
	};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(all[i]->name, name))
			return all[i];
	return NULL;
}

void render_init(struct renderer *r, const struct render_ops *ops, struct sink *out,
		 struct sink *err, struct state *st, uint64_t start_ns)
{
	*r = (struct renderer){ .ops = ops, .out = out, .err = err, .state = st,
				.start_ns = start_ns };
	if (ops->begin)
		ops->begin(r);
}

void render_also(struct renderer *r, struct renderer *also)
{
	while (r->also)
		r = r->also;
	r->also = also;
}

void render_set_start(struct renderer *r, uint64_t start_ns)
{
	for (; r; r = r->also)
		r->start_ns = start_ns;
}

void render_select(struct renderer *r, const struct selection *sel)
{
	r->select = sel;
}

bool render_shows_kind(const struct renderer *r, unsigned int kind)
{
	return !r->select || selection_shows_kind(r->select, kind);
}

void render(struct renderer *r, const struct event *ev)
{
	for (; r; r = r->also) {
		render_fn fn = ev->kind < EVK_COUNT ? r->ops->print[ev->kind] : NULL;

		if (fn && !r->ended && (!r->select || selection_shows(r->select, ev)))
			fn(r, ev);
	}
}

void render_tell(struct renderer *r, uint64_t ts_ns, uint32_t pid, const char *kind,
		 const char *message)
{
	struct note n = { .kind = kind, .message = message, .epfd = -1, .fd = -1,
			  .on_stderr = true };
	struct event ev = { .kind = EVK_NOTE, .ts_ns = ts_ns, .pid = pid, .note = &n };

	fprintf(stderr, "epolltrace: %s\n", message);
	render(r, &ev);
}

static void end_one(struct renderer *r)
{
	if (!r->ended && r->ops->end)
		r->ops->end(r);
	r->ended = true;
}

void render_end(struct renderer *r)
{
	for (; r; r = r->also)
		end_one(r);
}

void render_free(struct renderer *r)
{
	end_one(r);
	line_free(&r->line);
}

uint64_t render_since_start_us(const struct renderer *r, uint64_t ts_ns)
{
	return ts_ns > r->start_ns ? (ts_ns - r->start_ns) / NS_PER_US : 0;
}

const char *render_comm(const struct renderer *r, const struct event *ev)
{
	const struct proc *p;

	if (ev->comm && ev->comm[0])
		return ev->comm;
	p = proc_find(r->state, ev->pid);
	return p ? p->comm : "";
}

void render_emit(struct renderer *r)
{
	sink_record(r->out, &r->line);
}

const char *render_source_name(int source)
{
	switch (source) {
	case RS_EP_POLL_CALLBACK: return "ep_poll_callback";
	case RS_SK_DATA_READY: return "sk_data_ready";
	case RS_RDLIST: return "rdllist";
	default: return "?";
	}
}
