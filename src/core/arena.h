/* Bump allocator for per-record work: parsing one JSON line allocates only
 * from an arena that is reset before the next line, so the ingest hot path
 * does no malloc/free per value. */
#ifndef TP_CORE_ARENA_H
#define TP_CORE_ARENA_H

#include <stddef.h>
#include <string.h>

typedef struct tp_arena_chunk tp_arena_chunk;
struct tp_arena_chunk {
	tp_arena_chunk *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

typedef struct tp_arena {
	tp_arena_chunk *head;  /* current chunk; older ones follow */
	size_t chunk_size;
} tp_arena;

void tp__arena_init(tp_arena *a, size_t chunk_size);
/* Frees every chunk; the arena can be used again afterwards. */
void tp__arena_free(tp_arena *a);
/* Forgets every allocation but keeps the first chunk for reuse. */
void tp__arena_reset(tp_arena *a);
/* tp__arena_alloc when the current chunk has no room: a new chunk. */
void *tp__arena_alloc_chunk(tp_arena *a, size_t n);

/* Returns memory aligned to 16 bytes, owned by the arena; NULL when out of
 * memory. Inline: a parse makes some fifteen allocations per call, and the
 * call was a third of their cost. */
static inline void *tp__arena_alloc(tp_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	tp_arena_chunk *c = a->head;
	if (!c || c->size - c->used < n)
		return tp__arena_alloc_chunk(a, n);
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

/* Returns a NUL-terminated copy of s[0..n), owned by the arena. */
static inline char *tp__arena_strndup(tp_arena *a, const char *s, size_t n)
{
	char *p = tp__arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}
/* Returns true when p was handed out by this arena and not yet reset. */
int tp__arena_owns(const tp_arena *a, const void *p);
/* The bytes handed out since the last reset (rounded as allocated). */
size_t tp__arena_used(const tp_arena *a);

/* Zeroed memory for a hash table's slots, freed with free(). Tables of 2 MB
 * and more sit on huge pages where the kernel allows: their look-ups land at
 * random, and with 4 KB pages each one also misses the TLB. */
void *tp__table_calloc(size_t n, size_t size);

/* malloc for a block of TP_HUGE_MIN bytes or more that is asked to sit on
 * huge pages before it is touched: a bulk load fills hundreds of MB, and
 * each first touch of a 4 KB page is a fault (in a virtual machine some
 * 5 us). Freed with free(). Only a hint: without it the block is the same. */
#define TP_HUGE_MIN ((size_t)8 << 20)
void *tp__malloc_huge(size_t bytes);

/* The same for what malloc hands out from its heap, called every few
 * hundred records while a long import fills it: the heap then grows in
 * TP_HEAP_STEP steps, and what is new since the last call is advised
 * before most of it is touched. A no-op without glibc. */
#define TP_HEAP_STEP (64 << 20)
void tp__heap_prefer_huge(void);

#endif
