/* Time as the kernel's records carry it (CLOCK_MONOTONIC, ns), and the
 * units the frontend converts between. */
#ifndef CLOCK_H
#define CLOCK_H
#include <errno.h>
#include <stdint.h>
#include <time.h>

#define NS_PER_US	1000ULL
#define NS_PER_MS	1000000ULL
#define NS_PER_SEC	1000000000ULL

static inline uint64_t monotonic_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * NS_PER_SEC + now.tv_nsec;
}

static inline uint64_t ms_to_ns(long long ms)
{
	return (uint64_t)ms * NS_PER_MS;
}

static inline void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * (long)NS_PER_MS };

	while (nanosleep(&t, &t) != 0 && errno == EINTR)
		;	/* a signal: sleep the rest */
}
#endif
