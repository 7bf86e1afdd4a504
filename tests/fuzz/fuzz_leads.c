/* libFuzzer target: a lead-ad payload through tp_lead_call, and the call
 * it builds through the parser: no input crashes, and a converted lead is
 * always one call the parser reads. The same input as a webhook
 * notification and as a CSV export of each platform. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/touchpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tp_ctx *ctx;
static tp_segment_parser *parser;

static int on_id(void *user, const char *id)
{
	(void)user;
	if (!id[0])
		abort();   /* an empty id cannot be fetched */
	return 0;
}

static tp_status on_csv_lead(void *user, const char *json, int64_t line)
{
	tp_lead_format f = *(tp_lead_format *)user;
	char *call;
	(void)line;
	if (tp_lead_call(ctx, f, json, strlen(json), &call, NULL) == TP_OK)
		free(call);
	return TP_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx) {
		ctx = tp_ctx_create();
		parser = tp_segment_parser_create();
	}
	for (int f = 1; f < TP_LEADS__COUNT; f++) {
		char *call, *key;
		if (tp_lead_call(ctx, (tp_lead_format)f, (const char *)data, size, &call, &key) != TP_OK)
			continue;
		const tp_parse_item *items;
		size_t n;
		if (tp_segment_parse(parser, ctx, call, strlen(call), 0, &items, &n) != TP_OK || n != 1)
			abort();
		free(call);
		free(key);
	}
	for (int f = TP_LEADS_META; f <= TP_LEADS_LINKEDIN; f++)
		tp_lead_notification(ctx, (tp_lead_format)f, (const char *)data, size, on_id, NULL);
	for (int f = TP_LEADS_META; f < TP_LEADS__COUNT; f++) {
		FILE *in = fmemopen((void *)data, size, "rb");
		if (!in)
			continue;
		tp_lead_format format = (tp_lead_format)f;
		tp_lead_csv_read(ctx, format, in, on_csv_lead, &format);
		fclose(in);
	}
	return 0;
}
