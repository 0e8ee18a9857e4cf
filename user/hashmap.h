/* A small open-addressing hash map from 64-bit keys to pointers. */
#ifndef HASHMAP_H
#define HASHMAP_H
#include <stddef.h>
#include <stdint.h>

/* The hash map owns nothing: values are the caller's.  Deleting while
 * walking with hashmap_next() is safe; adding is not. */

struct hashmap {
	uint64_t *keys;
	void **vals;
	size_t cap;	/* power of two */
	size_t len;	/* slots in use, deleted ones included (the load) */
	size_t count;	/* live entries */
};

void *hashmap_get(const struct hashmap *m, uint64_t key);
/* Returns 0, or -1 when memory ran out. */
int hashmap_put(struct hashmap *m, uint64_t key, void *val);
void *hashmap_del(struct hashmap *m, uint64_t key);
void hashmap_free(struct hashmap *m);

/* for (size_t i = 0; hashmap_next(m, &i, &k, &v); ) ... */
int hashmap_next(const struct hashmap *m, size_t *iter, uint64_t *key, void **val);

static inline uint64_t pair_key(uint32_t a, uint32_t b)
{
	return (uint64_t)a << 32 | b;
}
#endif
