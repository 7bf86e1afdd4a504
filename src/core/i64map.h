/* int64 → int64 hash map (open addressing), for caches keyed by row id. */
#ifndef TP_CORE_I64MAP_H
#define TP_CORE_I64MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct tp_i64map_slot {
	int64_t key;     /* 0 = empty slot: row ids start at 1 */
	int64_t value;
} tp_i64map_slot;

typedef struct tp_i64map {
	tp_i64map_slot *slots;  /* key and value side by side: a hit is one cache miss */
	size_t cap, len;
} tp_i64map;

void tp__i64map_init(tp_i64map *m);
void tp__i64map_free(tp_i64map *m);
/* The memory the map holds. */
size_t tp__i64map_bytes(const tp_i64map *m);
int tp__i64map_get(const tp_i64map *m, int64_t key, int64_t *value);
/* key must not be 0. Returns 0, or -1 when out of memory. */
int tp__i64map_put(tp_i64map *m, int64_t key, int64_t value);

/* The first index of sorted a[0..n) whose value is >= key (n when none). */
size_t tp__i64_lower_bound(const int64_t *a, size_t n, int64_t key);

#endif
