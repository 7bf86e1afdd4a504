/* libFuzzer target: bytes as an ad platform's spend report (the first byte
 * picks the format, or detection) and as a billing MRR export, imported into
 * an in-memory workspace; then the KPI and revenue reports over what was
 * stored. Nothing may crash or leak, a stored spend row must have a day and a
 * non-negative cost, and MRR movements must explain the change of every
 * month exactly. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/touchpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tp_ctx *ctx;
static tp_store *store;

static int check_spend(void *user, const tp_spend_row *r)
{
	(void)user;
	int64_t ms;
	if (!r->date || tp_time_parse(r->date, &ms) != 0 || r->cost < 0 || r->clicks < 0 ||
	    r->impressions < 0 || !r->currency || strlen(r->currency) != 3)
		abort();
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
	FILE *in = fmemopen((void *)(data + 1), size - 1, "r");
	if (!in)
		return 0;
	tp_spend_import_opts so = {.format = (tp_spend_format)(data[0] % TP_SPEND__COUNT),
	                           .currency = (data[0] & 0x80) ? "EUR" : NULL};
	tp_spend_import_stats ss;
	tp_import_spend(ctx, store, in, &so, &ss);
	rewind(in);
	tp_revenue_import_stats rs;
	tp_import_revenue(ctx, store, in, NULL, &rs);
	fclose(in);

	if (store->ops->spend_list(store, ctx, "0000-00-00", "9999-99-99", INT64_MAX, check_spend,
	                           NULL) != TP_OK)
		abort();
	tp_revenue_month *rows;
	size_t n;
	char cur[4];
	tp_revenue_opts ro = {.currency = "USD", .as_of = INT64_MAX / 2};
	if (tp_revenue_report(ctx, store, &ro, &rows, &n, cur) == TP_OK) {
		for (size_t i = 0; i < n; i++)
			if (rows[i].start_mrr + rows[i].net_new != rows[i].end_mrr ||
			    (i && rows[i].start_mrr != rows[i - 1].end_mrr))
				abort();
		free(rows);
	}
	return 0;
}
