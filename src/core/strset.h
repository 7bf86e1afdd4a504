/* A set of strings for message-id dedup. A slot is eight bytes: 24 bits of
 * the key's hash and the key's offset in one buffer of keys, so a million
 * ids take a 16 MB table instead of the 48 MB of a tp_strmap (which keeps a
 * pointer, the whole hash and a value per slot), and most of it stays in
 * the cache. Keys are copied. */
#ifndef TP_CORE_STRSET_H
#define TP_CORE_STRSET_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

typedef struct tp_strset {
	uint64_t *slots;   /* tag << 40 | (offset + 1); 0 = empty */
	size_t cap, len;
	int bits;          /* cap is 1 << bits */
	int tag_bits;      /* a slot's tag places it up to 1 << tag_bits slots (24;
	                    * tests lower it to reach the path that hashes again) */
	tp_buf keys;       /* the keys, each with its NUL */
} tp_strset;

void tp__strset_init(tp_strset *s);
void tp__strset_free(tp_strset *s);
/* Whether key is in the set. */
int tp__strset_has(const tp_strset *s, const char *key);
/* Adds key (once); 0, or -1 when out of memory. */
int tp__strset_add(tp_strset *s, const char *key);
/* A hint that key will be looked up soon: starts loading its slot. */
void tp__strset_prefetch(const tp_strset *s, const char *key);

#endif
