#include <stdlib.h>
#include "hashmap.h"

/* Slots hold a non-NULL value when used; a deleted slot is a tombstone
 * value so that probing chains stay intact. */
char hashmap_tombstone;
#define TOMB ((void *)&hashmap_tombstone)

static void **find(const struct hashmap *m, uint64_t key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = hashmap_slot(key, m->cap), n = 0; n < m->cap; n++, i = (i + 1) & (m->cap - 1)) {
		if (!m->vals[i])
			return NULL;
		if (m->vals[i] != TOMB && m->keys[i] == key)
			return &m->vals[i];
	}
	return NULL;
}

void *hashmap_probe(const struct hashmap *m, uint64_t key)
{
	void **v = find(m, key);

	return v ? *v : NULL;
}

/* The smallest capacity that holds `live` entries at most half full: a
 * table of mostly tombstones is rebuilt at the size its live entries
 * need, not doubled, so churn (add, delete, add...) keeps it small. */
static size_t capacity_for(size_t live)
{
	size_t cap = 16;

	while (cap < live * 2)
		cap *= 2;
	return cap;
}

static int rehash(struct hashmap *m)
{
	struct hashmap fresh = { 0 };

	fresh.cap = capacity_for(m->count + 1);
	fresh.keys = calloc(fresh.cap, sizeof(*fresh.keys));
	fresh.vals = calloc(fresh.cap, sizeof(*fresh.vals));
	if (!fresh.keys || !fresh.vals) {
		free(fresh.keys);
		free(fresh.vals);
		return -1;
	}
	for (size_t i = 0; i < m->cap; i++)
		if (m->vals[i] && m->vals[i] != TOMB)
			hashmap_put(&fresh, m->keys[i], m->vals[i]);
	free(m->keys);
	free(m->vals);
	*m = fresh;
	return 0;
}

int hashmap_put(struct hashmap *m, uint64_t key, void *val)
{
	void **old = find(m, key);
	size_t i;

	if (old) {
		*old = val;
		return 0;
	}
	/* Tombstones count toward the load so chains stay short. */
	if ((m->len + 1) * 4 >= m->cap * 3 && rehash(m))
		return -1;
	for (i = hashmap_slot(key, m->cap); m->vals[i] && m->vals[i] != TOMB; i = (i + 1) & (m->cap - 1))
		;
	if (!m->vals[i])
		m->len++;	/* a tombstone's slot was counted already */
	m->keys[i] = key;
	m->vals[i] = val;
	m->count++;
	return 0;
}

void *hashmap_del(struct hashmap *m, uint64_t key)
{
	void **slot = find(m, key);
	void *val;

	if (!slot)
		return NULL;
	val = *slot;
	*slot = TOMB;
	m->count--;
	return val;	/* len keeps counting the tombstone until it is reused or rehashed */
}

int hashmap_next(const struct hashmap *m, size_t *iter, uint64_t *key, void **val)
{
	for (; *iter < m->cap; (*iter)++) {
		if (m->vals[*iter] && m->vals[*iter] != TOMB) {
			*key = m->keys[*iter];
			*val = m->vals[*iter];
			(*iter)++;
			return 1;
		}
	}
	return 0;
}

void hashmap_free(struct hashmap *m)
{
	free(m->keys);
	free(m->vals);
	m->keys = NULL;
	m->vals = NULL;
	m->cap = m->len = m->count = 0;
}
