/* Which runtime a process runs on, when it is one that keeps epoll
 * readiness in user space (Go's netpoller, tokio/mio, Netty's native
 * epoll transport).  Recognised from the process itself, never guessed
 * from its name. */
#ifndef RUNTIME_H
#define RUNTIME_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Fills `name` ("Go go1.19.8", "tokio", "Netty") and returns true when
 * one is recognised; `why` says from what. */
bool runtime_recognise(uint32_t pid, char *name, size_t len, const char **why);
/* The Go version recorded in an executable's .go.buildinfo section
 * ("go1.19.8", or "" when the section predates inline strings); false
 * when it is not a Go program.  Exposed for the tests. */
bool go_buildinfo_version(const char *path, char *version, size_t len);
#endif
