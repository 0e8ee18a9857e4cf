#include <string.h>
#include "decode.h"
#include "output.h"

FILE *trace_out;

void line_reset(struct line *l)
{
	l->len = 0;
	l->buf[0] = 0;
	l->need_comma = false;
}

static void vappend(struct line *l, const char *fmt, va_list ap)
{
	int n;

	if (l->len >= sizeof(l->buf) - 1)
		return;
	n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	if (n > 0)
		l->len += (size_t)n < sizeof(l->buf) - l->len ? (size_t)n : sizeof(l->buf) - l->len - 1;
}

void line_printf(struct line *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(l, fmt, ap);
	va_end(ap);
}

static void comma(struct line *l)
{
	if (l->need_comma)
		line_printf(l, ",");
	l->need_comma = true;
}

void json_key(struct line *l, const char *key)
{
	comma(l);
	line_printf(l, "\"%s\":", key);
	l->need_comma = false;
}

void json_str(struct line *l, const char *s)
{
	comma(l);
	line_printf(l, "\"");
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			line_printf(l, "\\%c", c);
		else if (c < 0x20)
			line_printf(l, "\\u%04x", c);
		else
			line_printf(l, "%c", c);
	}
	line_printf(l, "\"");
}

void json_int(struct line *l, long long v)
{
	comma(l);
	line_printf(l, "%lld", v);
}

void json_open(struct line *l, char c)
{
	comma(l);
	line_printf(l, "%c", c);
	l->need_comma = false;
}

void json_close(struct line *l, char c)
{
	line_printf(l, "%c", c);
	l->need_comma = true;
}

void json_kv_int(struct line *l, const char *key, long long v)
{
	json_key(l, key);
	comma(l);
	line_printf(l, "%lld", v);
}

void json_kv_str(struct line *l, const char *key, const char *s)
{
	json_key(l, key);
	json_str(l, s);
}

void json_kv_bool(struct line *l, const char *key, bool v)
{
	json_key(l, key);
	comma(l);
	line_printf(l, v ? "true" : "false");
}

void json_kv_null(struct line *l, const char *key)
{
	json_key(l, key);
	comma(l);
	line_printf(l, "null");
}

void json_kv_hex(struct line *l, const char *key, unsigned long long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", v);
	json_kv_str(l, key, buf);
}

void json_kv_double(struct line *l, const char *key, double v, int decimals)
{
	json_key(l, key);
	comma(l);
	line_printf(l, "%.*f", decimals, v);
}

static void json_event_name(const char *name, void *arg)
{
	json_str(arg, name);
}

void json_kv_events(struct line *l, const char *key, uint32_t events)
{
	json_key(l, key);
	json_open(l, '[');
	epoll_events_each(events, json_event_name, l);
	json_close(l, ']');
}

void line_emit(struct line *l)
{
	l->buf[l->len] = 0;
	fputs(l->buf, trace_out);
	fputc('\n', trace_out);
}
