/* What spreadsheet-like exports have in common, for the CSV importers:
 * text in UTF-8 or UTF-16 (Excel's "Unicode text"), commas, tabs or
 * semicolons between cells, report titles above the header, and header
 * names that vary in case and punctuation ("Impr.", "Amount spent (USD)"). */
#ifndef TP_INGEST_SHEET_H
#define TP_INGEST_SHEET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "touchpoint/csv.h"
#include "touchpoint/ctx.h"
#include "touchpoint/import.h"
#include "touchpoint/store.h"

/* Reads all of `in`: UTF-16 (with a byte order mark) is converted to UTF-8,
 * and the delimiter is the one of comma, tab and semicolon seen most often
 * in the first lines outside quotes. Rows go to fn as with tp_csv_reader. */
tp_status tp__sheet_read(tp_ctx *ctx, FILE *in, tp_csv_row_fn fn, void *user);

/* Folds a header name: ASCII letters lower-cased, digits kept, everything
 * else dropped ("Impr." → "impr", "First Name" → "firstname"). */
void tp__fold(const char *in, char *out, size_t cap);

/* The first column whose folded name is one of `names` (NULL-ended; a name
 * ending in '*' matches as a prefix); -1 when none. */
int tp__sheet_column(const char *const *fields, size_t n, const char *const *names);

/* Finds each of `count` columns by its names (tp__sheet_column; NULL names:
 * absent) into column[] (-1 = absent), and keeps the file's own header text
 * of each found one in header[] for messages (copies; free with
 * tp__sheet_headers_free). Returns 0, or -1 when out of memory. */
int tp__sheet_columns(const char *const *fields, size_t n, const char *const *const *names,
                      int count, int *column, char **header);
void tp__sheet_headers_free(char **header, int count);

/* A cell trimmed of spaces; NULL when absent or empty. Into buf. */
const char *tp__sheet_cell(const char *const *fields, size_t n, int column, char *buf,
                           size_t cap);

/* What a CSV importer shares: where refusals go, and the one transaction. */
typedef struct tp__sheet_job {
	tp_ctx *ctx;
	tp_store *store;
	int strict;               /* the first refusal fails the import */
	tp_reject_fn on_reject;
	void *user;
	int64_t *rejected;        /* the importer's counter */
	int header_seen;
	tp_status rc;             /* set to stop the read */
} tp__sheet_job;

/* Sets up j; fails with a usage error when `currency` (the --currency
 * option, may be NULL) is not a currency code. */
tp_status tp__sheet_job_init(tp__sheet_job *j, tp_ctx *ctx, tp_store *store, int strict,
                             tp_reject_fn on_reject, void *user, int64_t *rejected,
                             const char *currency);

/* Counts and reports a refused row: "FIELD: message" with `value` put in
 * fmt's %s. In strict mode it also fails the import. */
void tp__sheet_reject(tp__sheet_job *j, int64_t row, const char *field, const char *fmt,
                      const char *value);

/* Reads `in` (tp__sheet_read) inside one transaction, committed when the
 * read, j->rc and the header all are fine, else rolled back. */
tp_status tp__sheet_import(tp__sheet_job *j, FILE *in, tp_csv_row_fn fn, void *user,
                           const char *no_header);

/* A day as exports write it: "2026-11-01" (a time after it is ignored),
 * "2026/11/01", or "11/1/2026" (month first, as US-locale exports write it).
 * Writes "2026-11-01" into out; returns 0 or -1. */
int tp__sheet_date(const char *s, char out[11]);

/* A count: "12345", "12,345"; "--" (a report's "no data") and empty are 0.
 * Returns 0 or -1. */
int tp__sheet_count(const char *s, int64_t *out);

#endif
