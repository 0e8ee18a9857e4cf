/* One warning, as a text line "epolltrace: WARNING kind: ..." or a JSON
 * {"event":"warning",...} object with the facts behind it. */
#ifndef WARNING_H
#define WARNING_H
#include <stdbool.h>
#include <stdint.h>

struct warning {
	const char *kind;
	uint64_t ts_ns;
	uint32_t pid, tid;
	int epfd, fd;
	bool has_data;
	uint64_t data;
	/* what is still queued (-1 or 0: not said) */
	long long bytes, eventfd_count;
	uint64_t since_delivery_ms, waiting_ms;
	/* a socket's input at its last edge, and how much the program took */
	bool has_since_edge;
	const char *edge_unit;
	long long edge_queued, edge_taken;
	bool has_watches;
	unsigned int uid;
	long long watches, watch_limit;
};

void warning_emit(const struct warning *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Text mode, at exit: one line listing the warnings given. */
void warnings_recap(void);
#endif
