/* Open addressing with linear probing, load factor under 1/2, no deletion.
 * A key's slot is taken from the top bits of its hash, which are also its
 * tag: growing moves slots without hashing their keys again (up to 2^24
 * slots; beyond, the keys are hashed again). */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/strmap.h"
#include "core/strset.h"

#define OFFSET_BITS 40
#define OFFSET_MASK ((UINT64_C(1) << OFFSET_BITS) - 1)

void tp__strset_init(tp_strset *s)
{
	memset(s, 0, sizeof *s);
	tp__buf_init(&s->keys, OFFSET_MASK - 1);
	s->tag_bits = 64 - OFFSET_BITS;
}

void tp__strset_free(tp_strset *s)
{
	free(s->slots);
	tp__buf_free(&s->keys);
	tp__strset_init(s);
}

static uint64_t tag_of(uint64_t h)
{
	return h >> OFFSET_BITS << OFFSET_BITS;
}

static size_t home(uint64_t h, int bits)
{
	return (size_t)(h >> (64 - bits));
}

/* The slot holding key, or the empty slot where it would go. */
static uint64_t *find(const tp_strset *s, const char *key, uint64_t h)
{
	uint64_t tag = tag_of(h);
	for (size_t i = home(h, s->bits);; i = (i + 1) & (s->cap - 1)) {
		uint64_t v = s->slots[i];
		if (!v || ((v & ~OFFSET_MASK) == tag && strcmp(s->keys.data + (v & OFFSET_MASK) - 1, key) == 0))
			return &s->slots[i];
	}
}

int tp__strset_has(const tp_strset *s, const char *key)
{
	return s->cap && *find(s, key, tp__hash_str(key)) != 0;
}

void tp__strset_prefetch(const tp_strset *s, const char *key)
{
	if (s->cap)
		__builtin_prefetch(&s->slots[home(tp__hash_str(key), s->bits)]);
}

static int grow(tp_strset *s)
{
	int bits = s->cap ? s->bits + 1 : 10;
	size_t cap = (size_t)1 << bits;
	uint64_t *slots = tp__table_calloc(cap, sizeof *slots);
	if (!slots)
		return -1;
	for (size_t i = 0; i < s->cap; i++) {
		uint64_t v = s->slots[i];
		if (!v)
			continue;
		size_t j = bits <= s->tag_bits ? home(v, bits)
		                                    : home(tp__hash_str(s->keys.data + (v & OFFSET_MASK) - 1), bits);
		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = v;
	}
	free(s->slots);
	s->slots = slots;
	s->cap = cap;
	s->bits = bits;
	return 0;
}

int tp__strset_add(tp_strset *s, const char *key)
{
	if ((s->len + 1) * 2 > s->cap && grow(s) != 0)
		return -1;
	uint64_t h = tp__hash_str(key);
	uint64_t *slot = find(s, key, h);
	if (*slot)
		return 0;
	size_t at = s->keys.len, n = strlen(key) + 1;
	if (tp__buf_add(&s->keys, key, n) != 0)
		return -1;
	*slot = tag_of(h) | (at + 1);
	s->len++;
	return 0;
}
