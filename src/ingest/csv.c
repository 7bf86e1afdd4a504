/* CSV reading on libcsv (RFC 4180, quoted fields with newlines), plus the
 * caps libcsv does not have: a field, a row and a column count. */
#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "touchpoint/csv.h"
#include "touchpoint/limits.h"

struct tp_csv_reader {
	struct csv_parser parser;
	tp_csv_row_fn fn;
	void *user;
	char **fields;
	size_t n, cap, row_bytes;
	int64_t row;
	int stopped, too_many, nomem, started;
};

tp_csv_reader *tp_csv_reader_create(tp_csv_row_fn fn, void *user)
{
	tp_csv_reader *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	if (csv_init(&r->parser, CSV_APPEND_NULL | CSV_EMPTY_IS_NULL) != 0) {
		free(r);
		return NULL;
	}
	r->fn = fn;
	r->user = user;
	return r;
}

void tp_csv_reader_set_delimiter(tp_csv_reader *r, unsigned char c)
{
	csv_set_delim(&r->parser, c);
}

static void clear_row(tp_csv_reader *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->fields[i]);
	r->n = 0;
	r->row_bytes = 0;
	r->too_many = 0;
}

void tp_csv_reader_destroy(tp_csv_reader *r)
{
	if (!r)
		return;
	clear_row(r);
	free(r->fields);
	csv_free(&r->parser);
	free(r);
}

static void on_field(void *data, size_t len, void *user)
{
	tp_csv_reader *r = user;
	if (r->stopped || r->nomem)
		return;
	if (r->n >= TP_MAX_CSV_COLUMNS) {
		r->too_many = 1;
		return;
	}
	if (tp__grow((void **)&r->fields, &r->cap, r->n + 1, sizeof *r->fields) != 0) {
		r->nomem = 1;
		return;
	}
	char *f = malloc(len + 1);
	if (!f) {
		r->nomem = 1;
		return;
	}
	if (len)
		memcpy(f, data, len);
	f[len] = '\0';
	r->fields[r->n++] = f;
	r->row_bytes += len;
}

static void on_row(int c, void *user)
{
	(void)c;
	tp_csv_reader *r = user;
	if (r->stopped || r->nomem)
		return;
	r->row++;
	if (!r->too_many && r->row_bytes <= TP_MAX_CSV_ROW_BYTES &&
	    r->fn(r->user, r->row, (const char *const *)r->fields, r->n))
		r->stopped = 1;
	if (r->too_many || r->row_bytes > TP_MAX_CSV_ROW_BYTES)
		r->stopped = 2;
	clear_row(r);
}

static tp_status check(tp_csv_reader *r, tp_ctx *ctx)
{
	if (r->nomem)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	if (r->stopped == 2)
		return tp_ctx_fail(ctx, TP_ERR_TOO_BIG, "", "row %lld has more than %d columns or %d bytes",
		                   (long long)r->row, TP_MAX_CSV_COLUMNS, TP_MAX_CSV_ROW_BYTES);
	if (r->parser.entry_pos > TP_MAX_CSV_FIELD_BYTES)
		return tp_ctx_fail(ctx, TP_ERR_TOO_BIG, "", "row %lld has a field longer than %d bytes",
		                   (long long)r->row + 1, TP_MAX_CSV_FIELD_BYTES);
	return TP_OK;
}

tp_status tp_csv_feed(tp_csv_reader *r, tp_ctx *ctx, const char *data, size_t len)
{
	if (!r->started) {
		if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
			data += 3;
			len -= 3;
		}
		r->started = 1;
	}
	/* Feed in slices so that a runaway field is caught before it grows far. */
	while (len && !r->stopped) {
		size_t n = len < 65536 ? len : 65536;
		if (csv_parse(&r->parser, data, n, on_field, on_row, r) != n)
			return tp_ctx_fail(ctx, TP_ERR_PARSE, "", "CSV row %lld: %s", (long long)r->row + 1,
			                   csv_strerror(csv_error(&r->parser)));
		tp_status rc = check(r, ctx);
		if (rc != TP_OK)
			return rc;
		data += n;
		len -= n;
	}
	return TP_OK;
}

tp_status tp_csv_finish(tp_csv_reader *r, tp_ctx *ctx)
{
	if (!r->stopped && csv_fini(&r->parser, on_field, on_row, r) != 0)
		return tp_ctx_fail(ctx, TP_ERR_PARSE, "", "CSV row %lld: %s", (long long)r->row + 1,
		                   csv_strerror(csv_error(&r->parser)));
	return check(r, ctx);
}

tp_status tp_csv_read_file(tp_csv_reader *r, tp_ctx *ctx, FILE *in)
{
	char buf[65536];
	size_t n;
	tp_status rc = TP_OK;
	while (rc == TP_OK && !r->stopped && (n = fread(buf, 1, sizeof buf, in)) > 0)
		rc = tp_csv_feed(r, ctx, buf, n);
	if (rc == TP_OK && ferror(in))
		rc = tp_ctx_fail(ctx, TP_ERR_IO, NULL, "read error");
	if (rc == TP_OK)
		rc = tp_csv_finish(r, ctx);
	return rc;
}

/* "-12.5", "+3", "1e-3": a number a spreadsheet reads as a number and
 * nothing else, so a leading sign needs no neutralising. */
static int plain_number(const char *v)
{
	const char *p = v + (*v == '-' || *v == '+');
	int digits = 0;
	while (*p >= '0' && *p <= '9')
		p++, digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	return digits > 0 && *p == '\0';
}

int tp_csv_write_cell(FILE *out, const char *value)
{
	if (!value)
		return 0;
	int formula = value[0] != '\0' && strchr("=+-@\t\r", value[0]) != NULL && !plain_number(value);
	int quote = formula || strpbrk(value, ",\"\r\n") != NULL;
	if (quote && fputc('"', out) == EOF)
		return -1;
	if (formula && fputc('\'', out) == EOF)
		return -1;
	for (const char *p = value; *p; p++) {
		if (*p == '"' && fputc('"', out) == EOF)
			return -1;
		if (fputc(*p, out) == EOF)
			return -1;
	}
	if (quote && fputc('"', out) == EOF)
		return -1;
	return 0;
}
