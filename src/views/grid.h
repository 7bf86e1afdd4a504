/* A report as a grid: one row per key, one number per column, written as an
 * aligned table, JSON or CSV from the same values, so the three agree.
 * An undefined number (a zero denominator) is NAN: "-" in the table, null
 * in JSON, an empty cell in CSV. */
#ifndef TP_VIEWS_GRID_H
#define TP_VIEWS_GRID_H

#include <stddef.h>
#include <stdio.h>

#include "touchpoint/touchpoint.h"

typedef enum grid_kind {
	GRID_COUNT,     /* a whole number */
	GRID_MONEY,     /* minor units; JSON and CSV in major units */
	GRID_PERCENT,   /* already × 100 */
	GRID_RATIO,     /* a plain number, two decimals in the table */
	GRID_SECONDS,
} grid_kind;

typedef struct grid_col {
	const char *key;      /* JSON and CSV name */
	const char *title;    /* table header */
	grid_kind kind;
	const char *formula;  /* shown by the vertical table; may be NULL */
} grid_col;

typedef struct grid {
	const char *key_name, *key_title;   /* "month", "MONTH" */
	const grid_col *cols;
	int n_cols;
	const char **keys;                  /* borrowed strings */
	double *values;                     /* n_rows × n_cols */
	size_t n_rows;
	const char *currency;               /* for money columns; may be NULL */
} grid;

/* Allocates keys and values for n rows (zeroed). */
tp_status grid_rows(grid *g, tp_ctx *ctx, size_t n);
/* A row's values: g->values + row * n_cols. */
double *grid_row(grid *g, size_t row);
void grid_free(grid *g);

/* Table: one line per row; or, when `vertical`, one line per column (with
 * its formula), for a single row. */
void grid_print(const grid *g, tp_format f, int vertical, FILE *out);

#endif
