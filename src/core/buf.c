/* Growable buffer: doubles its capacity, refuses to pass its cap. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"

void tp__buf_init(tp_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

void tp__buf_free(tp_buf *b)
{
	free(b->data);
	tp__buf_init(b, b->max);
}

void tp__buf_reset(tp_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* realloc, except that a big block moves to memory asked to sit on huge
 * pages (tp__malloc_huge) before anything touches it. */
static void *grow_block(void *old, size_t old_bytes, size_t bytes)
{
	if (bytes < TP_HUGE_MIN)
		return realloc(old, bytes);
	void *p = tp__malloc_huge(bytes);
	if (!p)
		return NULL;
	if (old_bytes)
		memcpy(p, old, old_bytes);
	free(old);
	return p;
}

static int reserve(tp_buf *b, size_t n)
{
	if (b->max && b->len + n > b->max)
		return -1;
	if (b->len + n + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + n + 1)
		cap *= 2;
	char *p = grow_block(b->data, b->data ? b->len + 1 : 0, cap);
	if (!p)
		return -1;
	b->data = p;
	b->cap = cap;
	return 0;
}

int tp__buf_add(tp_buf *b, const void *p, size_t n)
{
	if (reserve(b, n) != 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int tp__grow(void **arr, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 64;
	while (n < need) {
		if (n > SIZE_MAX / 2 / size)
			return -1;
		n *= 2;
	}
	void *p = grow_block(*arr, *cap * size, n * size);
	if (!p)
		return -1;
	*arr = p;
	*cap = n;
	return 0;
}
