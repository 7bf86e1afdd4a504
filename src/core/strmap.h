/* String → int64 hash map with open addressing, for the identity caches
 * (anonymous id, email, user id, domain → row id). Keys are copied. */
#ifndef TP_CORE_STRMAP_H
#define TP_CORE_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

typedef struct tp_strmap_slot {
	const char *key;   /* NULL = empty */
	uint64_t hash;
	int64_t value;
} tp_strmap_slot;

typedef struct tp_strmap {
	tp_strmap_slot *slots;
	size_t cap, len;
	tp_arena keys;
} tp_strmap;

void tp__strmap_init(tp_strmap *m);
void tp__strmap_free(tp_strmap *m);
/* Returns 1 and sets *value when key is present, else 0. */
int tp__strmap_get(const tp_strmap *m, const char *key, int64_t *value);
/* Inserts or replaces; returns 0, or -1 when out of memory. */
int tp__strmap_put(tp_strmap *m, const char *key, int64_t value);
/* The map's own copy of key, added (with value 0) when absent: one copy
 * of each of many repeated strings. NULL when out of memory. */
const char *tp__strmap_intern(tp_strmap *m, const char *key);
/* A hint that key will be looked up soon: starts loading its slot. */
void tp__strmap_prefetch(const tp_strmap *m, const char *key);
/* The second hint, a while after the first, when the slot has arrived:
 * starts loading the key it holds (the look-up compares it). Returns the
 * slot's value when the slot is key's (by hash), for the caller to start
 * loading what the value points at; -1 otherwise. */
int64_t tp__strmap_prefetch_key(const tp_strmap *m, const char *key);
uint64_t tp__hash_str(const char *s);
/* The memory the map holds: its slots and its keys. */
size_t tp__strmap_bytes(const tp_strmap *m);

#endif
