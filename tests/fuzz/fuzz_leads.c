/* libFuzzer target: a lead-ad payload through tp_lead_call, and the call
 * it builds through the parser: no input crashes, and a converted lead is
 * always one call the parser reads. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/touchpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tp_ctx *ctx;
static tp_segment_parser *parser;

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
	return 0;
}
