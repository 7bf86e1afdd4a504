/* CSV in (a streaming reader over libcsv, with caps) and out (cells quoted
 * per RFC 4180 and neutralised against spreadsheet formula injection). */
#ifndef TOUCHPOINT_CSV_H
#define TOUCHPOINT_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "touchpoint/ctx.h"

typedef struct tp_csv_reader tp_csv_reader;

/* One complete row; fields are NUL-terminated and borrowed for the call.
 * Return non-zero to stop. `row` counts from 1 (the header). */
typedef int (*tp_csv_row_fn)(void *user, int64_t row, const char *const *fields, size_t n);

/* Returns new — free with tp_csv_reader_destroy(); NULL when out of memory. */
TP_API tp_csv_reader *tp_csv_reader_create(tp_csv_row_fn fn, void *user);
TP_API void tp_csv_reader_destroy(tp_csv_reader *r);
/* Cells are separated by `c` (',' unless set; '\t' for tab-separated). */
TP_API void tp_csv_reader_set_delimiter(tp_csv_reader *r, unsigned char c);
/* Feeds bytes (any split). A UTF-8 byte order mark at the start is skipped.
 * Fails with TP_ERR_TOO_BIG (field, row or column cap) or TP_ERR_PARSE. */
TP_API tp_status tp_csv_feed(tp_csv_reader *r, tp_ctx *ctx, const char *data, size_t len);
/* Ends the input: delivers a last row without a newline. */
TP_API tp_status tp_csv_finish(tp_csv_reader *r, tp_ctx *ctx);
/* Reads a whole stream through the reader. */
TP_API tp_status tp_csv_read_file(tp_csv_reader *r, tp_ctx *ctx, FILE *in);

/* Writes one cell: quoted when needed; a value that a spreadsheet would run
 * as a formula (starting with = + - @ TAB CR) gets a leading apostrophe
 * (OWASP "CSV Injection"). Returns 0 or -1 on a write error. */
TP_API int tp_csv_write_cell(FILE *out, const char *value);

#endif
