/* Open addressing with linear probing; load factor kept under 1/2.
 * No deletion: the caches only grow, and are cleared whole. */
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"

uint64_t tp__hash_str(const char *s)
{
	/* Eight bytes per multiply: the keys (message and anonymous ids) are
	 * some 36 bytes, and a byte-at-a-time hash was a chain of 36 multiplies
	 * on the import's hottest look-up. The final avalanche (splitmix64's)
	 * spreads the low bits that linear probing uses. */
	size_t n = strlen(s), total = n;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
	for (; n >= 8; s += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	if (n) {
		uint64_t w = 0;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		if (total >= 8) {
			/* The last eight bytes, shifted down to the n not yet mixed:
			 * the same word as the loop below builds, in one load. */
			memcpy(&w, s + n - 8, 8);
			w >>= 8 * (8 - n);
		} else
#endif
			for (size_t i = 0; i < n; i++)
				w |= (uint64_t)(unsigned char)s[i] << (8 * i);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
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

size_t tp__strmap_bytes(const tp_strmap *m)
{
	return m->cap * sizeof *m->slots + tp__arena_used(&m->keys);
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

void tp__strmap_prefetch(const tp_strmap *m, const char *key)
{
	if (m->cap)
		__builtin_prefetch(&m->slots[tp__hash_str(key) & (m->cap - 1)]);
}

int64_t tp__strmap_prefetch_key(const tp_strmap *m, const char *key)
{
	if (!m->cap)
		return -1;
	uint64_t h = tp__hash_str(key);
	const tp_strmap_slot *s = &m->slots[h & (m->cap - 1)];
	if (!s->key || s->hash != h)
		return -1;  /* absent, or further along its probe: left to the look-up */
	__builtin_prefetch(s->key);
	return s->value;
}

static int grow(tp_strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	tp_strmap_slot *slots = tp__table_calloc(cap, sizeof *slots);
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

/* key's slot, added (value 0) when absent; NULL when out of memory. */
static tp_strmap_slot *slot_of(tp_strmap *m, const char *key)
{
	if ((m->len + 1) * 2 > m->cap && grow(m) != 0)
		return NULL;
	uint64_t h = tp__hash_str(key);
	tp_strmap_slot *s = find(m->slots, m->cap, key, h);
	if (!s->key) {
		size_t n = strlen(key);
		char *copy = tp__arena_strndup(&m->keys, key, n);
		if (!copy)
			return NULL;
		s->key = copy;
		s->hash = h;
		s->value = 0;
		m->len++;
	}
	return s;
}

int tp__strmap_put(tp_strmap *m, const char *key, int64_t value)
{
	tp_strmap_slot *s = slot_of(m, key);
	if (!s)
		return -1;
	s->value = value;
	return 0;
}

const char *tp__strmap_intern(tp_strmap *m, const char *key)
{
	tp_strmap_slot *s = slot_of(m, key);
	return s ? s->key : NULL;
}
