/* Linear probing over key/value slots; load factor under 1/2. */
#include <stdlib.h>

#include "core/arena.h"
#include "core/i64map.h"

static size_t slot_of(int64_t key, size_t cap)
{
	uint64_t h = (uint64_t)key * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 17) & (cap - 1);
}

void tp__i64map_init(tp_i64map *m)
{
	m->slots = NULL;
	m->cap = m->len = 0;
}

size_t tp__i64map_bytes(const tp_i64map *m)
{
	return m->cap * sizeof *m->slots;
}

void tp__i64map_free(tp_i64map *m)
{
	free(m->slots);
	tp__i64map_init(m);
}

int tp__i64map_get(const tp_i64map *m, int64_t key, int64_t *value)
{
	if (!m->cap)
		return 0;
	for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (m->slots[i].key == key) {
			*value = m->slots[i].value;
			return 1;
		}
		if (m->slots[i].key == 0)
			return 0;
	}
}

static int grow(tp_i64map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	tp_i64map_slot *slots = tp__table_calloc(cap, sizeof *slots);
	if (!slots)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->slots[i].key)
			continue;
		size_t j = slot_of(m->slots[i].key, cap);
		while (slots[j].key)
			j = (j + 1) & (cap - 1);
		slots[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

int tp__i64map_put(tp_i64map *m, int64_t key, int64_t value)
{
	if ((m->len + 1) * 2 > m->cap && grow(m) != 0)
		return -1;
	size_t i = slot_of(key, m->cap);
	while (m->slots[i].key && m->slots[i].key != key)
		i = (i + 1) & (m->cap - 1);
	if (!m->slots[i].key) {
		m->slots[i].key = key;
		m->len++;
	}
	m->slots[i].value = value;
	return 0;
}

size_t tp__i64_lower_bound(const int64_t *a, size_t n, int64_t key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
