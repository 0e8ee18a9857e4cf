#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "options.h"
#include "output.h"
#include "trace_events.h"
#include "warning.h"

/* Kept for the recap at exit. */
struct said {
	const char *kind;
	uint32_t pid;
	int epfd, fd;
};
static struct said said[64];
static unsigned int nsaid;

void warnings_recap(void)
{
	if (opts.json || !nsaid)
		return;
	fprintf(trace_out, "epolltrace: %u warning%s:", nsaid, nsaid == 1 ? "" : "s");
	for (unsigned int i = 0; i < nsaid && i < 64; i++)
		fprintf(trace_out, "%s %s [%u] fd %d in epoll %d", i ? ";" : "", said[i].kind,
			said[i].pid, said[i].fd, said[i].epfd);
	fprintf(trace_out, "%s\n", nsaid > 64 ? "; ..." : "");
}

void warning_emit(const struct warning *w, const char *fmt, ...)
{
	char message[2048];
	struct line l;
	va_list ap;

	if (nsaid < 64)
		said[nsaid] = (struct said){ w->kind, w->pid, w->epfd, w->fd };
	nsaid++;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	if (!opts.json) {
		line_reset(&l);
		line_printf(&l, "epolltrace: WARNING %s: [%u] %s", w->kind, w->pid, message);
		line_emit(&l);
		fflush(trace_out);
		/* Also on the terminal when the trace goes to a file. */
		if (opts.output)
			fprintf(stderr, "epolltrace: WARNING %s: [%u] %s\n", w->kind, w->pid, message);
		return;
	}
	line_head(&l, "warning", w->ts_ns, w->pid, w->tid, NULL);
	json_kv_str(&l, "kind", w->kind);
	json_kv_int(&l, "epfd", w->epfd);
	json_kv_int(&l, "fd", w->fd);
	json_kv_str(&l, "message", message);
	if (w->has_data)
		json_kv_hex(&l, "data", w->data);
	if (w->bytes > 0)
		json_kv_int(&l, "bytes_queued", w->bytes);
	if (w->eventfd_count > 0)
		json_kv_int(&l, "eventfd_count", w->eventfd_count);
	if (w->since_delivery_ms)
		json_kv_int(&l, "since_delivery_ms", w->since_delivery_ms);
	if (w->waiting_ms)
		json_kv_int(&l, "waiting_ms", w->waiting_ms);
	if (w->has_since_edge) {
		json_key(&l, "since_edge");
		json_open(&l, '{');
		json_kv_int(&l, "queued", w->edge_queued);
		json_kv_int(&l, "read", w->edge_taken);
		json_kv_str(&l, "unit", w->edge_unit);
		json_close(&l, '}');
	}
	if (w->has_watches) {
		json_kv_int(&l, "uid", w->uid);
		json_kv_int(&l, "watches", w->watches);
		json_kv_int(&l, "max_user_watches", w->watch_limit);
	}
	json_close(&l, '}');
	line_emit(&l);
	fflush(trace_out);
}
