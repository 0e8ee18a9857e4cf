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
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	char tmp[24];
	int i = sizeof(tmp);

	/* Two digits per division: numbers are most of every record. */
	while (v >= 100) {
		unsigned int d = v % 100;

		v /= 100;
		tmp[--i] = pairs[2 * d + 1];
		tmp[--i] = pairs[2 * d];
	}
	if (v >= 10) {
		tmp[--i] = pairs[2 * v + 1];
		tmp[--i] = pairs[2 * v];
	} else {
		tmp[--i] = '0' + v;
	}
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

void json_key_q(struct line *l, const char *qkey, size_t n)
{
	comma(l);
	line_append(l, qkey, n);
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

void json_kv_int_q(struct line *l, const char *qkey, size_t n, long long v)
{
	json_key_q(l, qkey, n);
	comma(l);
	line_i64(l, v);
}

void json_kv_str_q(struct line *l, const char *qkey, size_t n, const char *s)
{
	json_key_q(l, qkey, n);
	json_str(l, s);
}

void json_kv_bool_q(struct line *l, const char *qkey, size_t n, bool v)
{
	json_key_q(l, qkey, n);
	comma(l);
	if (v)
		line_append(l, "true", 4);
	else
		line_append(l, "false", 5);
}

void json_kv_null_q(struct line *l, const char *qkey, size_t n)
{
	json_key_q(l, qkey, n);
	comma(l);
	line_append(l, "null", 4);
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

void json_kv_hex_q(struct line *l, const char *qkey, size_t n, unsigned long long v)
{
	json_key_q(l, qkey, n);
	comma(l);
	line_append(l, "\"", 1);
	line_hex(l, v);
	line_append(l, "\"", 1);
}

void json_kv_fixed_q(struct line *l, const char *qkey, size_t n, unsigned long long units, int decimals)
{
	json_key_q(l, qkey, n);
	comma(l);
	line_fixed(l, units, decimals);
}

void json_kv_double_q(struct line *l, const char *qkey, size_t n, double v, int decimals)
{
	json_key_q(l, qkey, n);
	comma(l);
	line_printf(l, "%.*f", decimals, v);
}

/* Flag names need no escaping. */
static void json_event_name(const char *name, void *arg)
{
	struct line *l = arg;

	comma(l);
	line_append(l, "\"", 1);
	line_str(l, name);
	line_append(l, "\"", 1);
}

/* Masks repeat: each one's text and JSON forms are built once. */
struct events_form {
	uint32_t mask;
	bool valid;
	unsigned short text_len, json_len;
	char text[160], json[224];
};

static void text_event_name(const char *name, void *arg);

static const struct events_form *events_form(uint32_t events)
{
	static struct events_form cache[64];
	struct events_form *f = &cache[(events * 2654435761u) >> 26];
	struct line tmp;

	if (f->valid && f->mask == events)
		return f;
	line_reset(&tmp);
	if (events)
		epoll_events_each(events, text_event_name, &tmp);
	else
		line_append(&tmp, "0", 1);
	if (tmp.len >= sizeof(f->text))
		tmp.len = sizeof(f->text) - 1;
	memcpy(f->text, tmp.buf, tmp.len);
	f->text_len = tmp.len;
	line_reset(&tmp);
	json_open(&tmp, '[');
	epoll_events_each(events, json_event_name, &tmp);
	json_close(&tmp, ']');
	if (tmp.len >= sizeof(f->json))
		tmp.len = sizeof(f->json) - 1;
	memcpy(f->json, tmp.buf, tmp.len);
	f->json_len = tmp.len;
	f->mask = events;
	f->valid = true;
	return f;
}

void json_kv_events_q(struct line *l, const char *qkey, size_t n, uint32_t events)
{
	const struct events_form *f = events_form(events);

	json_key_q(l, qkey, n);
	line_append(l, f->json, f->json_len);
	l->need_comma = true;
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
	const struct events_form *f = events_form(events);

	line_append(l, f->text, f->text_len);
}

void line_emit(struct line *l)
{
	l->buf[l->len] = '\n';
	fwrite(l->buf, 1, l->len + 1, trace_out);
	l->buf[l->len] = 0;
}
