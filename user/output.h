/* Where trace lines go, and a small builder for one line of text or
 * one NDJSON object at a time. */
#ifndef OUTPUT_H
#define OUTPUT_H
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct line {
	char buf[16384];
	size_t len;
	bool need_comma;	/* JSON: a member was written at this level */
};

void line_reset(struct line *l);
void line_printf(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text pieces without printf: the hot path of every record. */
void line_append(struct line *l, const char *p, size_t n);
void line_str(struct line *l, const char *s);
void line_u64(struct line *l, unsigned long long v);
void line_i64(struct line *l, long long v);
void line_hex(struct line *l, unsigned long long v);		/* 0x1f */
void line_fixed(struct line *l, unsigned long long units, int decimals);
void line_events(struct line *l, uint32_t events);		/* EPOLLIN|EPOLLET */
/* JSON pieces: key then value; objects and arrays nest by hand. */
void json_key(struct line *l, const char *key);
void json_str(struct line *l, const char *s);	/* escaped, quoted */
void json_int(struct line *l, long long v);	/* an array element */
void json_open(struct line *l, char c);		/* '{' or '[' */
void json_close(struct line *l, char c);
void json_kv_int(struct line *l, const char *key, long long v);
void json_kv_str(struct line *l, const char *key, const char *s);
void json_kv_bool(struct line *l, const char *key, bool v);
void json_kv_null(struct line *l, const char *key);
void json_kv_hex(struct line *l, const char *key, unsigned long long v);
void json_kv_events(struct line *l, const char *key, uint32_t events);
void json_kv_double(struct line *l, const char *key, double v, int decimals);
/* units / 10^decimals, printed exactly: ns as us with 3 decimals, etc. */
void json_kv_fixed(struct line *l, const char *key, unsigned long long units, int decimals);

extern FILE *trace_out;
void line_emit(struct line *l);	/* writes it and a newline to trace_out */
#endif
