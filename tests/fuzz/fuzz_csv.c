/* libFuzzer target: bytes as a CSV file, fed to the reader in pieces whose
 * size the first byte picks, then as a contacts import into an in-memory
 * workspace. Neither may crash, leak, or exceed its caps. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "touchpoint/touchpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tp_ctx *ctx;
static tp_store *store;

static int on_row(void *user, int64_t row, const char *const *fields, size_t n)
{
	size_t *total = user;
	for (size_t i = 0; i < n; i++)
		if (fields[i] && fields[i][0] == '\x7f')
			(*total)++;
	(void)row;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx) {
		ctx = tp_ctx_create();
		if (tp_store_open_sqlite(ctx, ":memory:", NULL, TP_OPEN_CREATE, &store) != TP_OK)
			abort();
	}
	if (size == 0)
		return 0;
	size_t piece = 1 + data[0] % 64, total = 0;
	tp_csv_reader *r = tp_csv_reader_create(on_row, &total);
	tp_status rc = TP_OK;
	for (size_t i = 1; i < size && rc == TP_OK; i += piece)
		rc = tp_csv_feed(r, ctx, (const char *)data + i, size - i < piece ? size - i : piece);
	if (rc == TP_OK)
		tp_csv_finish(r, ctx);
	tp_csv_reader_destroy(r);

	FILE *in = fmemopen((void *)(data + 1), size - 1, "r");
	if (in) {
		tp_contacts_import_opts o = {.map = (data[0] & 1) ? "email=Email" : NULL};
		tp_contacts_import_stats st;
		tp_import_contacts(ctx, store, in, &o, &st);
		fclose(in);
	}
	return 0;
}
