/* One trace record being built: a text line or one NDJSON object.  The
 * buffer grows as needed, so no record is ever cut; a renderer keeps one
 * line and reuses its memory from record to record.  The JSON pieces
 * follow bpftool's json_writer: key then value, objects and arrays
 * nested by hand.  Depends on nothing above it. */
#ifndef LINE_H
#define LINE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct line {
	char *buf;
	size_t len, cap;
	bool need_comma;	/* JSON: a member was written at this level */
};

void line_free(struct line *l);
void line_reset(struct line *l);
void line_printf(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Room for n more bytes and a NUL, the buffer grown (line_append's
 * rare path). */
void line_grow(struct line *l, size_t n);
/* Text pieces without printf: the hot path of every record, inline so
 * that a few bytes cost a compare and a copy. */
static inline void line_append(struct line *l, const char *p, size_t n)
{
	if (l->len + n + 1 > l->cap)
		line_grow(l, n);
	memcpy(l->buf + l->len, p, n);
	l->len += n;
	l->buf[l->len] = 0;
}
void line_str(struct line *l, const char *s);
/* A string from outside (a path, a process name) in strace's manner:
 * control and non-ASCII bytes as \n, \t or octal \NNN, backslash doubled,
 * so that no name can forge a line or reach the terminal raw. */
void line_str_escaped(struct line *l, const char *s);
/* True when line_str_escaped would write s as it is. */
bool line_is_plain(const char *s);
void line_u64(struct line *l, unsigned long long v);
void line_i64(struct line *l, long long v);
void line_hex(struct line *l, unsigned long long v);		/* 0x1f */
void line_fixed(struct line *l, unsigned long long units, int decimals);
void line_events(struct line *l, uint32_t events);		/* EPOLLIN|EPOLLET */

/* JSON pieces.  Keys are string literals, quoted and measured at compile
 * time (JSON_QKEY). */
#define JSON_QKEY(k) "\"" k "\":", sizeof("\"" k "\":") - 1
void json_key_q(struct line *l, const char *qkey, size_t n);
/* Escaped and quoted; bytes that are not UTF-8 become \u00XX, so that a
 * hostile name cannot make the line unparsable. */
void json_str(struct line *l, const char *s);
void json_int(struct line *l, long long v);	/* an array element */
void json_open(struct line *l, char c);		/* '{' or '[' */
void json_close(struct line *l, char c);
void json_kv_int_q(struct line *l, const char *qkey, size_t n, long long v);
void json_kv_str_q(struct line *l, const char *qkey, size_t n, const char *s);
void json_kv_bool_q(struct line *l, const char *qkey, size_t n, bool v);
void json_kv_null_q(struct line *l, const char *qkey, size_t n);
void json_kv_hex_q(struct line *l, const char *qkey, size_t n, unsigned long long v);
void json_kv_events_q(struct line *l, const char *qkey, size_t n, uint32_t events);
void json_kv_double_q(struct line *l, const char *qkey, size_t n, double v, int decimals);
/* units / 10^decimals, printed exactly: ns as us with 3 decimals, etc. */
void json_kv_fixed_q(struct line *l, const char *qkey, size_t n, unsigned long long units,
		     int decimals);
#define json_key(l, k)			json_key_q(l, JSON_QKEY(k))
#define json_kv_int(l, k, v)		json_kv_int_q(l, JSON_QKEY(k), v)
#define json_kv_str(l, k, v)		json_kv_str_q(l, JSON_QKEY(k), v)
#define json_kv_bool(l, k, v)		json_kv_bool_q(l, JSON_QKEY(k), v)
#define json_kv_null(l, k)		json_kv_null_q(l, JSON_QKEY(k))
#define json_kv_hex(l, k, v)		json_kv_hex_q(l, JSON_QKEY(k), v)
#define json_kv_events(l, k, v)		json_kv_events_q(l, JSON_QKEY(k), v)
#define json_kv_double(l, k, v, d)	json_kv_double_q(l, JSON_QKEY(k), v, d)
#define json_kv_fixed(l, k, u, d)	json_kv_fixed_q(l, JSON_QKEY(k), u, d)
#endif
