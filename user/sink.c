#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "line.h"
#include "sink.h"

/* A file is written in large blocks: fewer syscalls at high rates. */
#define FILE_BATCH	(1u << 20)

void sink_attach(struct sink *s, int fd)
{
	struct stat st;

	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->regular_file = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

static int open_file(const char *path, bool append)
{
	/* Not inherited by the traced command. */
	return open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0666);
}

int sink_open(struct sink *s, const char *path, bool append)
{
	int fd = STDOUT_FILENO;

	if (path && (fd = open_file(path, append)) < 0)
		return -1;
	sink_attach(s, fd);
	return 0;
}

int sink_reopen(struct sink *s, const char *path)
{
	struct stat st;
	int fd;

	sink_flush(s);
	fd = open_file(path, true);
	if (fd < 0)
		return -1;
	if (s->fd > STDERR_FILENO)
		close(s->fd);
	s->fd = fd;
	s->regular_file = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	s->failed = false;	/* a full disk freed by the rotation: write again */
	return 0;
}

static void write_all(struct sink *s, const char *p, size_t n)
{
	while (n && !s->failed) {
		ssize_t w = write(s->fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			s->failed = true;
			s->error = w < 0 ? errno : EIO;
			return;
		}
		p += w;
		n -= w;
	}
}

/* Whole records, PIPE_BUF bytes at most per write where that is possible
 * (a pipe keeps such a write in one piece). */
static void write_records(struct sink *s, const char *p, size_t n)
{
	while (n) {
		size_t take = n, cut;

		if (!s->regular_file && n > PIPE_BUF) {
			/* The last record end within PIPE_BUF, or the end of
			 * the first record when it alone is longer. */
			cut = PIPE_BUF;
			while (cut && p[cut - 1] != '\n')
				cut--;
			if (!cut) {
				const char *nl = memchr(p, '\n', n);

				cut = nl ? (size_t)(nl - p) + 1 : n;
			}
			take = cut;
		}
		write_all(s, p, take);
		p += take;
		n -= take;
	}
}

void sink_flush(struct sink *s)
{
	if (s->len)
		write_records(s, s->buf, s->len);
	s->len = 0;
}

void sink_record(struct sink *s, const struct line *l)
{
	size_t need = l->len + 1;

	if (s->len + need > s->cap) {
		size_t cap = s->cap ? s->cap : 64 * 1024;
		char *buf;

		while (cap < s->len + need)
			cap *= 2;
		buf = realloc(s->buf, cap);
		if (!buf) {
			/* Out of memory: write what is queued and this record directly. */
			sink_flush(s);
			write_records(s, l->buf, l->len);
			write_records(s, "\n", 1);
			return;
		}
		s->buf = buf;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, l->buf, l->len);
	s->buf[s->len + l->len] = '\n';
	s->len += need;
	if (s->len >= FILE_BATCH)
		sink_flush(s);
}

int sink_close(struct sink *s)
{
	int failed;

	sink_flush(s);
	failed = s->failed;
	if (s->fd > STDERR_FILENO && close(s->fd) && !failed) {
		failed = 1;
		s->error = errno;
	}
	free(s->buf);
	s->buf = NULL;
	s->cap = s->len = 0;
	return failed ? -1 : 0;
}
