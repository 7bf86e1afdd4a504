/* Open addressing with linear probing; load factor kept under 1/2.
 * No deletion: the caches only grow, and are cleared whole. */
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"

uint64_t tp__hash_str(const char *s)
{
	/* FNV-1a, then a final avalanche (from splitmix64) so that linear
	 * probing sees well-spread low bits. */
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

void tp__strmap_init(tp_strmap *m)
{
	m->slots = NULL;
	m->cap = m->len = 0;
	tp__arena_init(&m->keys, 256 * 1024);
}

void tp__strmap_free(tp_strmap *m)
{
	free(m->slots);
	tp__arena_free(&m->keys);
	m->slots = NULL;
	m->cap = m->len = 0;
}

static tp_strmap_slot *find(tp_strmap_slot *slots, size_t cap, const char *key,
                            uint64_t h)
{
	size_t i = h & (cap - 1);
	for (;;) {
		tp_strmap_slot *s = &slots[i];
		if (!s->key || (s->hash == h && strcmp(s->key, key) == 0))
			return s;
		i = (i + 1) & (cap - 1);
	}
}

int tp__strmap_get(const tp_strmap *m, const char *key, int64_t *value)
{
	if (!m->cap)
		return 0;
	tp_strmap_slot *s = find(m->slots, m->cap, key, tp__hash_str(key));
	if (!s->key)
		return 0;
	*value = s->value;
	return 1;
}

static int grow(tp_strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	tp_strmap_slot *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		tp_strmap_slot *old = &m->slots[i];
		if (old->key)
			*find(slots, cap, old->key, old->hash) = *old;
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

int tp__strmap_put(tp_strmap *m, const char *key, int64_t value)
{
	if ((m->len + 1) * 2 > m->cap && grow(m) != 0)
		return -1;
	uint64_t h = tp__hash_str(key);
	tp_strmap_slot *s = find(m->slots, m->cap, key, h);
	if (!s->key) {
		size_t n = strlen(key);
		char *copy = tp__arena_strndup(&m->keys, key, n);
		if (!copy)
			return -1;
		s->key = copy;
		s->hash = h;
		m->len++;
	}
	s->value = value;
	return 0;
}
