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

/* Raw bytes, no formatting: the hot path of every record. */
void line_append(struct line *l, const char *p, size_t n)
{
	if (n > sizeof(l->buf) - 1 - l->len)
		n = sizeof(l->buf) - 1 - l->len;
	memcpy(l->buf + l->len, p, n);
	l->len += n;
	l->buf[l->len] = 0;
}

void line_str(struct line *l, const char *s)
{
	line_append(l, s, strlen(s));
}

void line_u64(struct line *l, unsigned long long v)
{
	char tmp[24];
	int i = sizeof(tmp);

	do
		tmp[--i] = '0' + v % 10;
	while (v /= 10);
	line_append(l, tmp + i, sizeof(tmp) - i);
}

void line_i64(struct line *l, long long v)
{
	if (v < 0) {
		line_append(l, "-", 1);
		line_u64(l, -(unsigned long long)v);
	} else {
		line_u64(l, v);
	}
}

static void comma(struct line *l)
{
	if (l->need_comma)
		line_append(l, ",", 1);
	l->need_comma = true;
}

void json_key(struct line *l, const char *key)
{
	comma(l);
	line_append(l, "\"", 1);
	line_append(l, key, strlen(key));
	line_append(l, "\":", 2);
	l->need_comma = false;
}

void json_str(struct line *l, const char *s)
{
	comma(l);
	line_append(l, "\"", 1);
	while (*s) {
		size_t plain = 0;

		while (s[plain] && s[plain] != '"' && s[plain] != '\\' &&
		       (unsigned char)s[plain] >= 0x20)
			plain++;
		line_append(l, s, plain);
		s += plain;
		if (!*s)
			break;
		if (*s == '"' || *s == '\\') {
			char esc[2] = { '\\', *s };

			line_append(l, esc, 2);
		} else {
			line_printf(l, "\\u%04x", (unsigned char)*s);
		}
		s++;
	}
	line_append(l, "\"", 1);
}

void json_int(struct line *l, long long v)
{
	comma(l);
	line_i64(l, v);
}

void json_open(struct line *l, char c)
{
	comma(l);
	line_append(l, &c, 1);
	l->need_comma = false;
}

void json_close(struct line *l, char c)
{
	line_append(l, &c, 1);
	l->need_comma = true;
}

void json_kv_int(struct line *l, const char *key, long long v)
{
	json_key(l, key);
	comma(l);
	line_i64(l, v);
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
	if (v)
		line_append(l, "true", 4);
	else
		line_append(l, "false", 5);
}

void json_kv_null(struct line *l, const char *key)
{
	json_key(l, key);
	comma(l);
	line_printf(l, "null");
}

void line_hex(struct line *l, unsigned long long v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[20];
	int i = sizeof(tmp);

	do
		tmp[--i] = digits[v & 15];
	while (v >>= 4);
	line_append(l, "0x", 2);
	line_append(l, tmp + i, sizeof(tmp) - i);
}

void line_fixed(struct line *l, unsigned long long units, int decimals)
{
	unsigned long long scale = 1;
	char frac[12];

	if (decimals > (int)sizeof(frac))
		decimals = sizeof(frac);
	for (int i = 0; i < decimals; i++)
		scale *= 10;
	line_u64(l, units / scale);
	line_append(l, ".", 1);
	for (int i = decimals - 1; i >= 0; i--, units /= 10)
		frac[i] = '0' + units % 10;
	line_append(l, frac, decimals);
}

void json_kv_hex(struct line *l, const char *key, unsigned long long v)
{
	json_key(l, key);
	comma(l);
	line_append(l, "\"", 1);
	line_hex(l, v);
	line_append(l, "\"", 1);
}

void json_kv_fixed(struct line *l, const char *key, unsigned long long units, int decimals)
{
	json_key(l, key);
	comma(l);
	line_fixed(l, units, decimals);
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

static void text_event_name(const char *name, void *arg)
{
	struct line *l = arg;

	if (l->need_comma)
		line_append(l, "|", 1);
	line_str(l, name);
	l->need_comma = true;
}

void line_events(struct line *l, uint32_t events)
{
	bool saved = l->need_comma;

	if (!events) {
		line_append(l, "0", 1);
		return;
	}
	l->need_comma = false;
	epoll_events_each(events, text_event_name, l);
	l->need_comma = saved;
}

void line_emit(struct line *l)
{
	l->buf[l->len] = '\n';
	fwrite(l->buf, 1, l->len + 1, trace_out);
	l->buf[l->len] = 0;
}
