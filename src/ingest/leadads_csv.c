/* The platforms' CSV exports of leads, row by row as the platform's JSON
 * lead, so that a file and a webhook go through the same conversion
 * (leadads.c). Columns are matched by folded name (tp__fold); the ones that
 * are not the lead's own (ids, names, times) are the person's answers. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/sheet.h"
#include "touchpoint/leadads.h"
#include "touchpoint/time.h"

enum col_kind { COL_ANSWER, COL_ID, COL_TEXT, COL_TIME, COL_BOOL };

static const struct lead_column {
	tp_lead_format format;
	const char *folded, *key;
	enum col_kind kind;
} lead_columns[] = {
	{TP_LEADS_META, "id", "id", COL_ID},
	{TP_LEADS_META, "leadid", "id", COL_ID},
	{TP_LEADS_META, "createdtime", "created_time", COL_TIME},
	{TP_LEADS_META, "adid", "ad_id", COL_ID},
	{TP_LEADS_META, "adname", "ad_name", COL_TEXT},
	{TP_LEADS_META, "adsetid", "adset_id", COL_ID},
	{TP_LEADS_META, "adsetname", "adset_name", COL_TEXT},
	{TP_LEADS_META, "campaignid", "campaign_id", COL_ID},
	{TP_LEADS_META, "campaignname", "campaign_name", COL_TEXT},
	{TP_LEADS_META, "formid", "form_id", COL_ID},
	{TP_LEADS_META, "formname", "form_name", COL_TEXT},
	{TP_LEADS_META, "isorganic", "is_organic", COL_BOOL},
	{TP_LEADS_META, "platform", "platform", COL_TEXT},
	{TP_LEADS_LINKEDIN, "leadid", "id", COL_ID},
	{TP_LEADS_LINKEDIN, "id", "id", COL_ID},
	{TP_LEADS_LINKEDIN, "submittedat", "submittedAt", COL_TIME},
	{TP_LEADS_LINKEDIN, "datesubmitted", "submittedAt", COL_TIME},
	{TP_LEADS_LINKEDIN, "campaignid", "campaign", COL_ID},
	{TP_LEADS_LINKEDIN, "campaignname", "campaignName", COL_TEXT},
	{TP_LEADS_LINKEDIN, "formid", "form", COL_ID},
	{TP_LEADS_LINKEDIN, "leadformid", "form", COL_ID},
	{TP_LEADS_LINKEDIN, "testlead", "testLead", COL_BOOL},
	{TP_LEADS_TIKTOK, "leadid", "lead_id", COL_ID},
	{TP_LEADS_TIKTOK, "createtime", "create_time", COL_TIME},
	{TP_LEADS_TIKTOK, "createdtime", "create_time", COL_TIME},
	{TP_LEADS_TIKTOK, "advertiserid", "advertiser_id", COL_ID},
	{TP_LEADS_TIKTOK, "campaignid", "campaign_id", COL_ID},
	{TP_LEADS_TIKTOK, "campaignname", "campaign_name", COL_TEXT},
	{TP_LEADS_TIKTOK, "adgroupid", "adgroup_id", COL_ID},
	{TP_LEADS_TIKTOK, "adid", "ad_id", COL_ID},
	{TP_LEADS_TIKTOK, "formid", "form_id", COL_ID},
	{TP_LEADS_TIKTOK, "pageid", "page_id", COL_ID},
};

typedef struct csv_read {
	tp_ctx *ctx;
	tp_lead_format format;
	tp_status (*fn)(void *user, const char *json, int64_t line);
	void *user;
	char **header;              /* the file's own header names */
	const struct lead_column **column;  /* NULL = an answer */
	size_t n;
	tp_status rc;
} csv_read;

/* Meta's exports prefix ids with their kind ("l:123", "c:456"). */
static const char *bare_id(const char *s)
{
	size_t letters = strspn(s, "abcdefghijklmnopqrstuvwxyz");
	return letters > 0 && letters <= 3 && s[letters] == ':' ? s + letters + 1 : s;
}

/* A time as the platform's JSON writes it: ISO for Meta, milliseconds for
 * LinkedIn, seconds for TikTok. Exports write "2026-11-01 10:00:00" too. */
static cJSON *time_value(tp_lead_format format, const char *s)
{
	char iso[40];
	int64_t ms;
	snprintf(iso, sizeof iso, "%s", s);
	if (strlen(iso) > 10 && iso[10] == ' ')
		iso[10] = 'T';
	if (strspn(s, "0123456789") == strlen(s))
		return cJSON_CreateString(s);   /* already epoch: left to the converter */
	if (tp_time_parse(iso, &ms) != 0)
		return cJSON_CreateString(s);   /* the converter names the field */
	if (format == TP_LEADS_META) {
		char out[25];
		tp_time_format(ms, out);
		return cJSON_CreateString(out);
	}
	char digits[24];
	snprintf(digits, sizeof digits, "%lld",
	         (long long)(format == TP_LEADS_LINKEDIN ? ms : ms / 1000));
	return cJSON_CreateString(digits);
}

static cJSON *row_value(csv_read *r, const struct lead_column *c, const char *v)
{
	switch (c->kind) {
	case COL_ID: return cJSON_CreateString(bare_id(v));
	case COL_TIME: return time_value(r->format, v);
	case COL_BOOL:
		return cJSON_CreateBool(strcmp(v, "true") == 0 || strcmp(v, "TRUE") == 0 ||
		                        strcmp(v, "1") == 0 || strcmp(v, "yes") == 0);
	default: return cJSON_CreateString(v);
	}
}

/* LinkedIn's nesting: campaign and form as URNs, answers by question. */
static void linkedin_place(cJSON *lead, const char *key, cJSON *v)
{
	char urn[160];
	if (strcmp(key, "campaign") == 0) {
		snprintf(urn, sizeof urn, "urn:li:sponsoredCampaign:%s", v->valuestring);
		cJSON *m = cJSON_AddObjectToObject(cJSON_AddObjectToObject(lead, "leadMetadataInfo"),
		                                   "sponsoredLeadMetadata");
		cJSON_AddStringToObject(m, "campaign", urn);
		cJSON_Delete(v);
	} else if (strcmp(key, "form") == 0) {
		snprintf(urn, sizeof urn, "urn:li:versionedLeadGenForm:(urn:li:leadGenForm:%s,1)",
		         v->valuestring);
		cJSON_AddStringToObject(lead, "versionedLeadGenFormUrn", urn);
		cJSON_Delete(v);
	} else if (strcmp(key, "campaignName") == 0) {
		cJSON_AddItemToObject(cJSON_AddObjectToObject(lead, "ownerInfo"), key, v);
	} else {
		cJSON_AddItemToObject(lead, key, v);
	}
}

static void add_answer(csv_read *r, cJSON *answers, cJSON *questions, size_t i,
                       const char *value)
{
	const char *name = r->header[i];
	cJSON *a = cJSON_CreateObject();
	if (r->format == TP_LEADS_META) {
		cJSON_AddStringToObject(a, "name", name);
		cJSON_AddItemToObject(a, "values", cJSON_CreateStringArray(&value, 1));
	} else if (r->format == TP_LEADS_TIKTOK) {
		cJSON_AddStringToObject(a, "field_name", name);
		cJSON_AddStringToObject(a, "field_value", value);
	} else {
		/* A question per column: its header is both its name and the
		 * predefined field it may be ("Email Address", "First Name"). */
		cJSON_AddNumberToObject(a, "questionId", (double)i);
		cJSON_AddItemToObject(cJSON_AddObjectToObject(a, "answerDetails"), "textQuestionAnswer",
		                      cJSON_CreateObject());
		cJSON_AddStringToObject(
			cJSON_GetObjectItem(cJSON_GetObjectItem(a, "answerDetails"), "textQuestionAnswer"),
			"answer", value);
		cJSON *q = cJSON_CreateObject();
		cJSON_AddNumberToObject(q, "questionId", (double)i);
		cJSON_AddStringToObject(q, "name", name);
		cJSON_AddStringToObject(q, "predefinedField", name);
		cJSON_AddItemToArray(questions, q);
	}
	cJSON_AddItemToArray(answers, a);
}

static int on_row(void *user, int64_t row, const char *const *fields, size_t n)
{
	csv_read *r = user;
	if (!r->header) {
		r->n = n;
		r->header = calloc(n, sizeof *r->header);
		r->column = calloc(n, sizeof *r->column);
		if (!r->header || !r->column) {
			r->rc = tp_ctx_fail(r->ctx, TP_ERR_NOMEM, NULL, "out of memory");
			return 1;
		}
		for (size_t i = 0; i < n; i++) {
			char folded[64];
			tp__fold(fields[i], folded, sizeof folded);
			if (!(r->header[i] = strdup(fields[i]))) {
				r->rc = tp_ctx_fail(r->ctx, TP_ERR_NOMEM, NULL, "out of memory");
				return 1;
			}
			for (size_t c = 0; c < sizeof lead_columns / sizeof lead_columns[0]; c++)
				if (lead_columns[c].format == r->format &&
				    strcmp(lead_columns[c].folded, folded) == 0 && !r->column[i])
					r->column[i] = &lead_columns[c];
		}
		return 0;
	}
	cJSON *lead = cJSON_CreateObject(), *answers = cJSON_CreateArray(),
	      *questions = cJSON_CreateArray();
	for (size_t i = 0; i < n && i < r->n; i++) {
		char cell[4096];
		const char *v = tp__sheet_cell(fields, n, (int)i, cell, sizeof cell);
		if (!v)
			continue;
		const struct lead_column *c = r->column[i];
		if (!c) {
			add_answer(r, answers, questions, i, v);
		} else if (!cJSON_GetObjectItemCaseSensitive(lead, c->key)) {
			cJSON *value = row_value(r, c, v);
			if (r->format == TP_LEADS_LINKEDIN)
				linkedin_place(lead, c->key, value);
			else
				cJSON_AddItemToObject(lead, c->key, value);
		}
	}
	if (r->format == TP_LEADS_META) {
		cJSON_AddItemToObject(lead, "field_data", answers);
	} else if (r->format == TP_LEADS_TIKTOK) {
		cJSON_AddItemToObject(lead, "fields", answers);
	} else {
		cJSON_AddItemToObject(cJSON_AddObjectToObject(lead, "formResponse"), "answers", answers);
		cJSON_AddItemToObject(cJSON_AddObjectToObject(cJSON_AddObjectToObject(lead, "form"),
		                                              "content"),
		                      "questions", questions);
		questions = NULL;
	}
	cJSON_Delete(questions);
	char *json = cJSON_PrintUnformatted(lead);
	cJSON_Delete(lead);
	if (!json) {
		r->rc = tp_ctx_fail(r->ctx, TP_ERR_NOMEM, NULL, "out of memory");
		return 1;
	}
	r->rc = r->fn(r->user, json, row);
	free(json);
	return r->rc != TP_OK;
}

tp_status tp_lead_csv_read(tp_ctx *ctx, tp_lead_format format, FILE *in,
                           tp_status (*fn)(void *user, const char *json, int64_t line), void *user)
{
	if (format != TP_LEADS_META && format != TP_LEADS_LINKEDIN && format != TP_LEADS_TIKTOK)
		return tp_ctx_fail(ctx, TP_ERR_UNSUPPORTED, "format",
		                   "%s has no CSV export: import its JSON payloads",
		                   tp_lead_format_name(format));
	csv_read r = {ctx, format, fn, user, NULL, NULL, 0, TP_OK};
	tp_status rc = tp__sheet_read(ctx, in, on_row, &r);
	if (rc == TP_OK)
		rc = r.rc;
	for (size_t i = 0; r.header && i < r.n; i++)
		free(r.header[i]);
	free(r.header);
	free((void *)r.column);
	return rc;
}
