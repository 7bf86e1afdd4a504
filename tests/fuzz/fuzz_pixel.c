/* libFuzzer target: a query string or form body (k=v&k=v, raw bytes, no
 * decoding) through tp_pixel_call and tp_form_call, and what they build
 * through the live parser: no input crashes, and what they build is always
 * JSON the parser reads. */
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
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	tp_query_param params[200];
	size_t n = 0;
	for (char *save = NULL, *pair = strtok_r(text, "&", &save); pair && n < 200;
	     pair = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(pair, '=');
		if (eq)
			*eq = '\0';
		params[n++] = (tp_query_param){pair, eq ? eq + 1 : NULL};
	}
	char *json;
	tp_call call;
	if (tp_pixel_call(ctx, params, n, &json, &call) == TP_OK) {
		const tp_parse_item *items;
		size_t k;
		tp_status rc = tp_segment_parse_live(parser, ctx, json, strlen(json), 0, (int)call, &items, &k);
		/* Always JSON and one call; the call itself may be refused (no id). */
		if (rc == TP_ERR_PARSE || (rc == TP_OK && k != 1))
			abort();
		free(json);
	}
	static tp_form_config form = {.name = "demo", .consent_field = "agree",
	                              .honeypot_field = "website_url"};
	tp_form_submission sub = {params, n, "https://acme.example/?utm_source=x", NULL};
	int spam;
	if (tp_form_call(ctx, &form, &sub, &json, &spam) == TP_OK && !spam) {
		const tp_parse_item *items;
		size_t k;
		tp_status rc = tp_segment_parse_live(parser, ctx, json, strlen(json), 0, TP_CALL_TRACK,
		                                     &items, &k);
		if (rc == TP_ERR_PARSE || (rc == TP_OK && k != 1))
			abort();
		free(json);
	}
	free(text);
	return 0;
}
