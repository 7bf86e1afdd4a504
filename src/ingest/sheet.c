/* Spreadsheet exports (see sheet.h). Files are read whole: exports are
 * report-sized, and the encoding and delimiter must be known before the
 * first row is parsed. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "ingest/sheet.h"
#include "touchpoint/limits.h"
#include "touchpoint/money.h"
#include "touchpoint/time.h"

/* Larger exports are refused rather than read into memory. */
#define SHEET_MAX_BYTES (512L * 1024 * 1024)

static tp_status slurp(tp_ctx *ctx, FILE *in, char **out, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	if (!buf)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	size_t got;
	while ((got = fread(buf + n, 1, cap - n, in)) > 0) {
		n += got;
		if (n == cap) {
			if (cap >= (size_t)SHEET_MAX_BYTES) {
				free(buf);
				return tp_ctx_fail(ctx, TP_ERR_TOO_BIG, NULL, "the file is larger than %ld MB",
				                   SHEET_MAX_BYTES >> 20);
			}
			char *more = realloc(buf, cap * 2);
			if (!more) {
				free(buf);
				return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
			}
			buf = more;
			cap *= 2;
		}
	}
	if (ferror(in)) {
		free(buf);
		return tp_ctx_fail(ctx, TP_ERR_IO, NULL, "read error");
	}
	*out = buf;
	*len = n;
	return TP_OK;
}

/* UTF-16 with a byte order mark → UTF-8 (glibc iconv). */
static tp_status from_utf16(tp_ctx *ctx, char **text, size_t *len)
{
	const char *enc = (unsigned char)(*text)[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
	iconv_t cd = iconv_open("UTF-8", enc);
	if (cd == (iconv_t)-1)
		return tp_ctx_fail(ctx, TP_ERR_IO, NULL, "cannot convert %s: %s", enc, strerror(errno));
	size_t out_cap = *len * 2 + 4, left_in = *len - 2, left_out = out_cap;
	char *out = malloc(out_cap), *src = *text + 2, *dst = out;
	tp_status rc = TP_OK;
	if (!out)
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	else if (iconv(cd, &src, &left_in, &dst, &left_out) == (size_t)-1)
		rc = tp_ctx_fail(ctx, TP_ERR_PARSE, "", "the file starts as %s but byte %zu is not: %s",
		                 enc, (size_t)(src - *text), strerror(errno));
	iconv_close(cd);
	if (rc != TP_OK) {
		free(out);
		return rc;
	}
	free(*text);
	*text = out;
	*len = out_cap - left_out;
	return TP_OK;
}

/* The most frequent of , \t ; outside quotes in the first 20 lines. */
static unsigned char delimiter_of(const char *s, size_t len)
{
	size_t counts[3] = {0, 0, 0}, lines = 0;
	int quoted = 0;
	for (size_t i = 0; i < len && lines < 20; i++) {
		char c = s[i];
		if (c == '"')
			quoted = !quoted;
		else if (!quoted && c == '\n')
			lines++;
		else if (!quoted)
			counts[0] += c == ',', counts[1] += c == '\t', counts[2] += c == ';';
	}
	return counts[1] > counts[0] && counts[1] >= counts[2] ? '\t'
	       : counts[2] > counts[0] ? ';' : ',';
}

tp_status tp__sheet_read(tp_ctx *ctx, FILE *in, tp_csv_row_fn fn, void *user)
{
	char *text = NULL;
	size_t len = 0;
	tp_status rc = slurp(ctx, in, &text, &len);
	if (rc != TP_OK)
		return rc;
	if (len >= 2 && (((unsigned char)text[0] == 0xFF && (unsigned char)text[1] == 0xFE) ||
	                 ((unsigned char)text[0] == 0xFE && (unsigned char)text[1] == 0xFF)))
		rc = from_utf16(ctx, &text, &len);
	tp_csv_reader *r = rc == TP_OK ? tp_csv_reader_create(fn, user) : NULL;
	if (rc == TP_OK && !r)
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	if (rc == TP_OK) {
		tp_csv_reader_set_delimiter(r, delimiter_of(text, len));
		rc = tp_csv_feed(r, ctx, text, len);
	}
	if (rc == TP_OK)
		rc = tp_csv_finish(r, ctx);
	tp_csv_reader_destroy(r);
	free(text);
	return rc;
}

void tp__fold(const char *in, char *out, size_t cap)
{
	size_t n = 0;
	for (; *in && n + 1 < cap; in++) {
		char c = *in;
		if (c >= 'A' && c <= 'Z')
			out[n++] = (char)(c + 32);
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[n++] = c;
	}
	out[n] = '\0';
}

int tp__sheet_column(const char *const *fields, size_t n, const char *const *names)
{
	for (const char *const *name = names; *name; name++) {
		size_t nl = strlen(*name);
		int prefix = nl && (*name)[nl - 1] == '*';
		for (size_t c = 0; c < n; c++) {
			char folded[128];
			tp__fold(fields[c] ? fields[c] : "", folded, sizeof folded);
			if (prefix ? strncmp(folded, *name, nl - 1) == 0 : strcmp(folded, *name) == 0)
				return (int)c;
		}
	}
	return -1;
}

int tp__sheet_columns(const char *const *fields, size_t n, const char *const *const *names,
                      int count, int *column, char **header)
{
	for (int c = 0; c < count; c++) {
		column[c] = names[c] ? tp__sheet_column(fields, n, names[c]) : -1;
		if (column[c] >= 0 && fields[column[c]] && !(header[c] = strdup(fields[column[c]])))
			return -1;
	}
	return 0;
}

void tp__sheet_headers_free(char **header, int count)
{
	for (int c = 0; c < count; c++) {
		free(header[c]);
		header[c] = NULL;
	}
}

const char *tp__sheet_cell(const char *const *fields, size_t n, int column, char *buf,
                           size_t cap)
{
	if (column < 0 || (size_t)column >= n || !fields[column])
		return NULL;
	size_t len;
	const char *s = tp__trim(fields[column], &len);
	if (!len)
		return NULL;
	if (len >= cap)
		len = cap - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return buf;
}

static int read_digits(const char **p, int min, int max, int *out)
{
	int v = 0, n = 0;
	while (**p >= '0' && **p <= '9' && n < max)
		v = v * 10 + (*(*p)++ - '0'), n++;
	*out = v;
	return n >= min ? 0 : -1;
}

int tp__sheet_date(const char *s, char out[11])
{
	int y, m, d;
	const char *p = s;
	if (!s)
		return -1;
	if (read_digits(&p, 4, 4, &y) == 0 && (*p == '-' || *p == '/')) {
		char sep = *p++;
		if (read_digits(&p, 1, 2, &m) || *p++ != sep || read_digits(&p, 1, 2, &d))
			return -1;
	} else {
		p = s;
		if (read_digits(&p, 1, 2, &m) || *p++ != '/' || read_digits(&p, 1, 2, &d) ||
		    *p++ != '/' || read_digits(&p, 4, 4, &y))
			return -1;
	}
	if (*p && *p != ' ' && *p != 'T')
		return -1;
	char iso[11];
	int64_t ms;
	snprintf(iso, sizeof iso, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
	         (unsigned)d % 100u);
	if (tp_time_parse(iso, &ms) != 0)
		return -1;
	memcpy(out, iso, 11);
	return 0;
}

int tp__sheet_count(const char *s, int64_t *out)
{
	if (!s || !*s || strcmp(s, "--") == 0) {
		*out = 0;
		return 0;
	}
	int64_t v = 0;
	int digits = 0;
	for (const char *p = s; *p; p++) {
		if (*p == ',' && digits)
			continue;
		if (*p < '0' || *p > '9' || v > INT64_MAX / 10 - 9)
			return -1;
		v = v * 10 + (*p - '0');
		digits++;
	}
	if (!digits)
		return -1;
	*out = v;
	return 0;
}

tp_status tp__sheet_job_init(tp__sheet_job *j, tp_ctx *ctx, tp_store *store, int strict,
                             tp_reject_fn on_reject, void *user, int64_t *rejected,
                             const char *currency)
{
	char code[4];
	*j = (tp__sheet_job){ctx, store, strict, on_reject, user, rejected, 0, TP_OK};
	if (currency && tp_currency_parse(currency, code) != 0)
		return tp_ctx_fail(ctx, TP_ERR_USAGE, "--currency",
		                   "\"%s\" is not a currency code like USD", currency);
	return TP_OK;
}

void tp__sheet_reject(tp__sheet_job *j, int64_t row, const char *field, const char *fmt,
                      const char *value)
{
	char msg[512];
	snprintf(msg, sizeof msg, fmt, value ? value : "");
	(*j->rejected)++;
	if (j->on_reject)
		j->on_reject(j->user, row, field, msg);
	if (j->strict)
		j->rc = tp_ctx_fail(j->ctx, TP_ERR_INVALID, field, "row %lld: %s", (long long)row, msg);
}

tp_status tp__sheet_import(tp__sheet_job *j, FILE *in, tp_csv_row_fn fn, void *user,
                           const char *no_header)
{
	tp_store *store = j->store;
	tp_status rc = store->ops->begin(store, j->ctx);
	if (rc != TP_OK)
		return rc;
	rc = tp__sheet_read(j->ctx, in, fn, user);
	if (rc == TP_OK)
		rc = j->rc;
	if (rc == TP_OK && !j->header_seen)
		rc = tp_ctx_fail(j->ctx, TP_ERR_INVALID, "", "%s", no_header);
	if (rc == TP_OK)
		return store->ops->commit(store, j->ctx);
	tp_store_rollback_quiet(store);
	return rc;
}
