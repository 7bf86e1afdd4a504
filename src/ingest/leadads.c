/* Lead-ad payloads → Segment calls: see touchpoint/leadads.h. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/leadads.h"

static const char *const format_names[TP_LEADS__COUNT] = {"segment", "google"};

const char *tp_lead_format_name(tp_lead_format f)
{
	return (unsigned)f < TP_LEADS__COUNT ? format_names[f] : "?";
}

int tp_lead_format_from_name(const char *name, tp_lead_format *out)
{
	for (int i = 1; i < TP_LEADS__COUNT; i++)
		if (strcmp(name, format_names[i]) == 0) {
			*out = (tp_lead_format)i;
			return 1;
		}
	return 0;
}

/* An id as text: a string as is; a whole number exactly, while a double
 * holds it exactly (below 2^53); anything else refused. */
static int id_text(const cJSON *v, char *out, size_t cap)
{
	if (cJSON_IsString(v) && v->valuestring[0] && strlen(v->valuestring) < cap) {
		snprintf(out, cap, "%s", v->valuestring);
		return 0;
	}
	if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 9007199254740992.0 &&
	    floor(v->valuedouble) == v->valuedouble) {
		snprintf(out, cap, "%.0f", v->valuedouble);
		return 0;
	}
	return -1;
}

/* Google's column ids → Segment trait names (context.traits). */
static const struct {
	const char *column, *trait;
} google_traits[] = {
	{"EMAIL", "email"},          {"WORK_EMAIL", "email"},     {"FIRST_NAME", "firstName"},
	{"LAST_NAME", "lastName"},   {"FULL_NAME", "name"},       {"PHONE_NUMBER", "phone"},
	{"WORK_PHONE", "phone"},     {"COMPANY_NAME", "company"}, {"JOB_TITLE", "title"},
	{"COUNTRY", "country"},
};

static tp_status google_call(tp_ctx *ctx, const cJSON *root, cJSON *call, char **key)
{
	char lead[128], id[64];
	if (id_text(cJSON_GetObjectItemCaseSensitive(root, "lead_id"), lead, sizeof lead) != 0)
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "lead_id", "is required: the lead's id");
	char message[160];
	snprintf(message, sizeof message, "google-lead:%s", lead);
	cJSON_AddStringToObject(call, "messageId", message);
	cJSON_AddStringToObject(call, "anonymousId", message);
	cJSON *props = cJSON_AddObjectToObject(call, "properties");
	cJSON *context = cJSON_AddObjectToObject(call, "context");
	cJSON *traits = cJSON_AddObjectToObject(context, "traits");
	cJSON_AddStringToObject(props, "platform", "google");
	cJSON_AddStringToObject(props, "lead_id", lead);
	static const char *const ids[] = {"form_id", "campaign_id", "adgroup_id", "creative_id",
	                                  "asset_group_id"};
	const char *campaign = NULL;
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, ids[i]);
		if (!v || cJSON_IsNull(v))
			continue;
		if (id_text(v, id, sizeof id) != 0)
			return tp_ctx_fail(ctx, TP_ERR_INVALID, ids[i],
			                   "must be an id (a whole number, or a string for a large one)");
		cJSON *added = cJSON_AddStringToObject(props, ids[i], id);
		if (strcmp(ids[i], "campaign_id") == 0)
			campaign = added->valuestring;
	}
	const char *gclid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "gcl_id"));
	if (gclid)
		cJSON_AddStringToObject(props, "gclid", gclid);
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "is_test")))
		cJSON_AddTrueToObject(props, "is_test");
	/* The channel: a Google ad (Paid Search, as its clicks are). */
	cJSON *c = cJSON_AddObjectToObject(context, "campaign");
	cJSON_AddStringToObject(c, "source", "google");
	cJSON_AddStringToObject(c, "medium", "cpc");
	if (campaign)
		cJSON_AddStringToObject(c, "name", campaign);
	const cJSON *columns = cJSON_GetObjectItemCaseSensitive(root, "user_column_data");
	if (columns && !cJSON_IsArray(columns))
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "user_column_data", "must be an array");
	const cJSON *col;
	int i = 0;
	cJSON_ArrayForEach(col, columns) {
		const char *column = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(col, "column_id"));
		const char *value = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(col, "string_value"));
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(col, "column_name"));
		if (!column || !value) {
			char field[64];
			snprintf(field, sizeof field, "user_column_data[%d]", i);
			return tp_ctx_fail(ctx, TP_ERR_INVALID, field, "needs column_id and string_value");
		}
		const char *trait = NULL;
		for (size_t t = 0; t < sizeof google_traits / sizeof google_traits[0]; t++)
			if (strcmp(column, google_traits[t].column) == 0)
				trait = google_traits[t].trait;
		/* The first of two emails (EMAIL, WORK_EMAIL) wins; the other stays a property. */
		if (trait && !cJSON_GetObjectItemCaseSensitive(traits, trait))
			cJSON_AddStringToObject(traits, trait, value);
		else if (!cJSON_GetObjectItemCaseSensitive(props, name ? name : column))
			cJSON_AddStringToObject(props, name ? name : column, value);
		i++;
	}
	/* Also as a property: a track call's email identifies its sender. */
	const char *email = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(traits, "email"));
	if (email)
		cJSON_AddStringToObject(props, "email", email);
	const char *google_key = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "google_key"));
	if (key && google_key && !(*key = strdup(google_key)))
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	return TP_OK;
}

tp_status tp_lead_call(tp_ctx *ctx, tp_lead_format format, const char *json, size_t len,
                       char **out, char **key)
{
	*out = NULL;
	if (key)
		*key = NULL;
	cJSON *root = cJSON_ParseWithLength(json, len);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return tp_ctx_fail(ctx, TP_ERR_PARSE, "", "a lead must be a JSON object");
	}
	cJSON *call = cJSON_CreateObject();
	cJSON_AddStringToObject(call, "type", "track");
	cJSON_AddStringToObject(call, "event", "Lead Ad Submitted");
	tp_status rc = format == TP_LEADS_GOOGLE
	                       ? google_call(ctx, root, call, key)
	                       : tp_ctx_fail(ctx, TP_ERR_UNSUPPORTED, "format", "no such lead format");
	if (rc == TP_OK && !(*out = cJSON_PrintUnformatted(call)))
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	if (rc != TP_OK && key) {
		free(*key);
		*key = NULL;
	}
	cJSON_Delete(root);
	cJSON_Delete(call);
	return rc;
}
