/* Linear probing over two parallel arrays; load factor under 1/2. */
#include <stdlib.h>

#include "core/i64map.h"

static size_t slot_of(int64_t key, size_t cap)
{
	uint64_t h = (uint64_t)key * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 17) & (cap - 1);
}

void tp__i64map_init(tp_i64map *m)
{
	m->keys = m->values = NULL;
	m->cap = m->len = 0;
}

void tp__i64map_free(tp_i64map *m)
{
	free(m->keys);
	free(m->values);
	tp__i64map_init(m);
}

int tp__i64map_get(const tp_i64map *m, int64_t key, int64_t *value)
{
	if (!m->cap)
		return 0;
	for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			*value = m->values[i];
			return 1;
		}
		if (m->keys[i] == 0)
			return 0;
	}
}

static int grow(tp_i64map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	int64_t *keys = calloc(cap, sizeof *keys), *values = malloc(cap * sizeof *values);
	if (!keys || !values) {
		free(keys);
		free(values);
		return -1;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		size_t j = slot_of(m->keys[i], cap);
		while (keys[j])
			j = (j + 1) & (cap - 1);
		keys[j] = m->keys[i];
		values[j] = m->values[i];
	}
	free(m->keys);
	free(m->values);
	m->keys = keys;
	m->values = values;
	m->cap = cap;
	return 0;
}

int tp__i64map_put(tp_i64map *m, int64_t key, int64_t value)
{
	if ((m->len + 1) * 2 > m->cap && grow(m) != 0)
		return -1;
	size_t i = slot_of(key, m->cap);
	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->len++;
	}
	m->values[i] = value;
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
