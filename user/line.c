#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decode.h"
#include "line.h"

void line_free(struct line *l)
{
	free(l->buf);
	*l = (struct line){ 0 };
}

void line_reset(struct line *l)
{
	l->len = 0;
	if (l->buf)
		l->buf[0] = 0;
	l->need_comma = false;
}

/* Room for n more bytes and a NUL.  Out of memory is fatal: a record
 * must be whole or not at all, and there is no sane way to go on. */
void line_grow(struct line *l, size_t n)
{
	size_t cap;
	char *buf;

	if (l->len + n + 1 <= l->cap)
		return;
	cap = l->cap ? l->cap : 512;
	while (cap < l->len + n + 1)
		cap *= 2;
	buf = realloc(l->buf, cap);
	if (!buf) {
		fprintf(stderr, "epolltrace: out of memory building a record of %zu bytes\n",
			l->len + n);
		exit(1);
	}
	l->buf = buf;
	l->cap = cap;
}

void line_printf(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	line_grow(l, 64);
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, l->cap - l->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= l->cap - l->len) {
		line_grow(l, n);
		va_start(ap, fmt);
		vsnprintf(l->buf + l->len, l->cap - l->len, fmt, ap);
		va_end(ap);
	}
	l->len += n;
}

void line_str(struct line *l, const char *s)
{
	line_append(l, s, strlen(s));
}

/* Printable ASCII but the backslash: the bytes a name shows as they are. */
static inline bool shown_as_is(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\';
}

bool line_is_plain(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (shown_as_is(*p))
		p++;
	return !*p;
}

void line_str_escaped(struct line *l, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t plain = 0;

		while (shown_as_is(p[plain]))
			plain++;
		line_append(l, (const char *)p, plain);
		p += plain;
		if (!*p)
			break;
		switch (*p) {
		case '\n': line_append(l, "\\n", 2); break;
		case '\t': line_append(l, "\\t", 2); break;
		case '\r': line_append(l, "\\r", 2); break;
		case '\\': line_append(l, "\\\\", 2); break;
		default: {
			/* As few octal digits as strace uses: three only when an
			 * octal digit follows, which would read as part of it. */
			char oct[4] = { '\\' };
			int n = 1;

			if (*p >= 0100 || (p[1] >= '0' && p[1] <= '7'))
				oct[n++] = '0' + (*p >> 6);
			if (*p >= 010 || n > 1)
				oct[n++] = '0' + ((*p >> 3) & 7);
			oct[n++] = '0' + (*p & 7);
			line_append(l, oct, n);
		}
		}
		p++;
	}
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

/* Length of the UTF-8 sequence at s, or 0 if it is not a valid one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are not UTF-8. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void json_str(struct line *l, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;

	comma(l);
	line_append(l, "\"", 1);
	while (*p) {
		size_t plain = 0, n;

		while (p[plain] >= 0x20 && p[plain] < 0x80 && p[plain] != '"' && p[plain] != '\\')
			plain++;
		line_append(l, (const char *)p, plain);
		p += plain;
		if (!*p)
			break;
		if (*p == '"' || *p == '\\') {
			char esc[2] = { '\\', (char)*p };

			line_append(l, esc, 2);
			p++;
		} else if (*p >= 0x80 && (n = utf8_len(p)) > 0) {
			line_append(l, (const char *)p, n);
			p += n;
		} else {
			/* A control byte, or a byte that is not UTF-8. */
			char esc[6] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15] };

			line_append(l, esc, 6);
			p++;
		}
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
	/* every flag and unknown bits: 180 and 230 bytes at most */
	char text[200], json[240];
};

static void text_event_name(const char *name, void *arg);

static const struct events_form *events_form(uint32_t events)
{
	static struct events_form cache[64];
	struct events_form *f = &cache[(events * 2654435761u) >> 26];
	struct line tmp = { 0 };

	if (f->valid && f->mask == events)
		return f;
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
	line_free(&tmp);
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
