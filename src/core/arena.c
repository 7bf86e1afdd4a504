/* Bump allocator: chunks of memory carved front to back, freed all at once. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "core/arena.h"

void tp__arena_init(tp_arena *a, size_t chunk_size)
{
	a->head = NULL;
	a->chunk_size = chunk_size ? chunk_size : 64 * 1024;
}

void tp__arena_free(tp_arena *a)
{
	tp_arena_chunk *c = a->head;
	while (c) {
		tp_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
}

void tp__arena_reset(tp_arena *a)
{
	if (!a->head)
		return;
	/* Keep the oldest chunk (the last in the list): steady state is one chunk. */
	tp_arena_chunk *c = a->head, *keep = NULL;
	while (c) {
		tp_arena_chunk *next = c->next;
		if (next)
			free(c);
		else
			keep = c;
		c = next;
	}
	keep->used = 0;
	a->head = keep;
}

void *tp__malloc_huge(size_t bytes)
{
	void *p = malloc(bytes);
	if (!p || bytes < TP_HUGE_MIN)
		return p;
	/* The whole pages inside the block: malloc's own header shares the first. */
	const uintptr_t page = 4096;
	uintptr_t from = ((uintptr_t)p + page - 1) & ~(page - 1);
	uintptr_t to = ((uintptr_t)p + bytes) & ~(page - 1);
	(void)madvise((void *)from, to - from, MADV_HUGEPAGE);
	return p;
}

void *tp__arena_alloc_chunk(tp_arena *a, size_t n)
{
	size_t size = n > a->chunk_size ? n : a->chunk_size;
	/* An arena that keeps growing (identity's texts) takes chunks twice as
	 * big each time up to TP_HUGE_MIN, which go on huge pages. One reset
	 * per record keeps the first chunk and does not grow. */
	if (a->head && a->chunk_size < TP_HUGE_MIN)
		a->chunk_size *= 2;
	tp_arena_chunk *c = tp__malloc_huge(sizeof *c + size);
	if (!c)
		return NULL;
	c->size = size;
	c->used = n;
	c->next = a->head;
	a->head = c;
	return c->data;
}

int tp__arena_owns(const tp_arena *a, const void *p)
{
	const unsigned char *q = p;
	for (const tp_arena_chunk *c = a->head; c; c = c->next)
		if (q >= c->data && q < c->data + c->size)
			return 1;
	return 0;
}

size_t tp__arena_used(const tp_arena *a)
{
	size_t used = 0;
	for (const tp_arena_chunk *c = a->head; c; c = c->next)
		used += c->used;
	return used;
}

void *tp__table_calloc(size_t n, size_t size)
{
	enum { HUGE_PAGE = 2 * 1024 * 1024 };
	if (size && n > SIZE_MAX / size)
		return NULL;
	size_t bytes = n * size;
	if (bytes < HUGE_PAGE)
		return calloc(n, size);
	bytes = (bytes + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
	void *p = aligned_alloc(HUGE_PAGE, bytes);
	if (!p)
		return NULL;
	/* Only a hint: without it (or when refused) the table works the same. */
	(void)madvise(p, bytes, MADV_HUGEPAGE);
	memset(p, 0, bytes);
	return p;
}

#ifdef __GLIBC__
/* glibc's main heap grows by brk, and the kernel gives a brk extension
 * plain pages however the memory before it was advised. So the heap is
 * made to grow in big steps (M_TOP_PAD: what a step leaves untouched costs
 * no memory) and each step's untouched rest is advised as soon as it is
 * seen: what glibc does itself under GLIBC_TUNABLES=glibc.malloc.hugetlb=1,
 * which a process cannot set for itself. Measured in docs/PERFORMANCE.md. */
void tp__heap_prefer_huge(void)
{
	static _Atomic uintptr_t advised;  /* the heap's end when last advised */
	const uintptr_t page = 4096;
	uintptr_t was = atomic_load_explicit(&advised, memory_order_relaxed);
	if (!was && mallopt(M_TOP_PAD, TP_HEAP_STEP) != 1)
		return;
	void *brk_now = sbrk(0);
	if (brk_now == (void *)-1)
		return;
	uintptr_t end = (uintptr_t)brk_now & ~(page - 1);
	/* The first call only notes the end; a trimmed heap grows back
	 * unadvised, so it starts again from its new end. */
	if (!was || end <= was) {
		if (end != was)
			atomic_store_explicit(&advised, end, memory_order_relaxed);
		return;
	}
	if (!atomic_compare_exchange_strong_explicit(&advised, &was, end, memory_order_relaxed,
	                                             memory_order_relaxed))
		return;
	(void)madvise((void *)was, end - was, MADV_HUGEPAGE);
}
#else
void tp__heap_prefer_huge(void)
{
}
#endif
