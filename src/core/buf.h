/* Growable byte buffer with a cap, for building JSON, SQL-free text and
 * lines of unknown length. Always NUL-terminated. */
#ifndef TP_CORE_BUF_H
#define TP_CORE_BUF_H

#include <stddef.h>

#include "touchpoint/api.h"

typedef struct tp_buf {
	char *data;
	size_t len, cap, max;
} tp_buf;

/* max = largest length allowed (0: no cap). */
void tp__buf_init(tp_buf *b, size_t max);
void tp__buf_free(tp_buf *b);
void tp__buf_reset(tp_buf *b);
/* Each returns 0, or -1 when out of memory or over the cap (nothing appended). */
int tp__buf_add(tp_buf *b, const void *p, size_t n);

/* Makes the array *arr of elements of `size` bytes hold at least `need`,
 * doubling *cap. Returns 0, or -1 when out of memory (nothing changed). */
int tp__grow(void **arr, size_t *cap, size_t need, size_t size);

#endif
