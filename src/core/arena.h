/* Bump allocator for per-record work: parsing one JSON line allocates only
 * from an arena that is reset before the next line, so the ingest hot path
 * does no malloc/free per value. */
#ifndef TP_CORE_ARENA_H
#define TP_CORE_ARENA_H

#include <stddef.h>

typedef struct tp_arena_chunk tp_arena_chunk;
typedef struct tp_arena {
	tp_arena_chunk *head;  /* current chunk; older ones follow */
	size_t chunk_size;
} tp_arena;

void tp__arena_init(tp_arena *a, size_t chunk_size);
/* Frees every chunk; the arena can be used again afterwards. */
void tp__arena_free(tp_arena *a);
/* Forgets every allocation but keeps the first chunk for reuse. */
void tp__arena_reset(tp_arena *a);
/* Returns memory aligned to 16 bytes, owned by the arena; NULL when out of memory. */
void *tp__arena_alloc(tp_arena *a, size_t n);
/* Returns a NUL-terminated copy of s[0..n), owned by the arena. */
char *tp__arena_strndup(tp_arena *a, const char *s, size_t n);
/* Returns true when p was handed out by this arena and not yet reset. */
int tp__arena_owns(const tp_arena *a, const void *p);

/* Zeroed memory for a hash table's slots, freed with free(). Tables of 2 MB
 * and more sit on huge pages where the kernel allows: their look-ups land at
 * random, and with 4 KB pages each one also misses the TLB. */
void *tp__table_calloc(size_t n, size_t size);

#endif
