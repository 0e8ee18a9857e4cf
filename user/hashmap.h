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

/* Where a key's probing starts (the slot it hashes to). */
static inline size_t hashmap_slot(uint64_t key, size_t cap)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return key & (cap - 1);
}

/* The marker of a deleted slot. */
extern char hashmap_tombstone;

/* The whole search, past the first slot. */
void *hashmap_probe(const struct hashmap *m, uint64_t key);

/* Inline for the common case, the key in its own slot: lookups are
 * several per trace record. */
static inline void *hashmap_get(const struct hashmap *m, uint64_t key)
{
	if (m->cap) {
		size_t i = hashmap_slot(key, m->cap);

		if (m->keys[i] == key && m->vals[i] && m->vals[i] != &hashmap_tombstone)
			return m->vals[i];
	}
	return hashmap_probe(m, key);
}
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
