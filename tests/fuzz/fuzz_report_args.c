/* libFuzzer target: bytes as a report request, "kpi?by=channel&as_of=2026-03-31"
 * (the JSON API's /v1/reports/NAME?QUERY, the CLI's options): every option
 * is parsed by tp_report_arg and the report written as JSON from an empty
 * workspace. A refused option must name itself; an accepted report must be
 * a JSON document. */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/touchpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tp_ctx *ctx;
static tp_store *store;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx) {
		ctx = tp_ctx_create();
		if (tp_store_open_sqlite(ctx, ":memory:", NULL, TP_OPEN_CREATE, &store) != TP_OK)
			abort();
	}
	if (size > 512)
		return 0;
	char text[513];
	memcpy(text, data, size);
	text[size] = '\0';
	char *query = strchr(text, '?');
	if (query)
		*query++ = '\0';
	tp_report_args args = {0};
	tp_status rc = TP_OK;
	for (char *save = NULL, *p = query, *pair; query && rc == TP_OK &&
	                                            (pair = strtok_r(p, "&", &save)); p = NULL) {
		char *eq = strchr(pair, '=');
		if (eq)
			*eq++ = '\0';
		rc = tp_report_arg(ctx, &args, pair, eq ? eq : "");
		const char *field = tp_ctx_field(ctx);
		if (rc != TP_OK && *pair && (!*field || strncmp(field, pair, strlen(field)) != 0))
			abort();   /* an unknown option names itself (a long name, cut short) */
	}
	if (rc != TP_OK)
		return 0;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		return 0;
	rc = tp_report_write(ctx, store, text, &args, TP_FORMAT_JSON, f, NULL);
	fclose(f);
	if (rc == TP_ERR_USAGE && !*tp_ctx_field(ctx) && !*tp_ctx_message(ctx))
		abort();   /* a refusal says what is wrong */
	if (rc == TP_OK) {
		cJSON *doc = cJSON_ParseWithLength(out, len);
		if (!doc)
			abort();
		cJSON_Delete(doc);
	}
	free(out);
	return 0;
}
