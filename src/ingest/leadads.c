/* Lead-ad payloads → Segment calls: see touchpoint/leadads.h. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/sheet.h"
#include "touchpoint/leadads.h"
#include "touchpoint/time.h"

static const char *const format_names[TP_LEADS__COUNT] = {"segment", "google", "meta",
                                                          "linkedin", "tiktok"};

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

static const cJSON *get(const cJSON *o, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(o, name);
}

/* The platforms' names of a person's fields, folded (tp__fold: "WORK_EMAIL",
 * "work_email" and "Work Email" are all "workemail") → Segment traits. */
static const struct {
	const char *folded, *trait;
} person_fields[] = {
	{"email", "email"},         {"workemail", "email"},        {"emailaddress", "email"},
	{"firstname", "firstName"}, {"lastname", "lastName"},      {"fullname", "name"},
	{"name", "name"},           {"phonenumber", "phone"},      {"phone", "phone"},
	{"workphone", "phone"},     {"workphonenumber", "phone"},  {"companyname", "company"},
	{"company", "company"},     {"jobtitle", "title"},         {"title", "title"},
	{"country", "country"},     {"countryregion", "country"},
};

static const char *trait_of(const char *field)
{
	char folded[64];
	tp__fold(field, folded, sizeof folded);
	for (size_t i = 0; i < sizeof person_fields / sizeof person_fields[0]; i++)
		if (strcmp(folded, person_fields[i].folded) == 0)
			return person_fields[i].trait;
	return NULL;
}

/* A call being built. */
typedef struct lead {
	tp_ctx *ctx;
	const char *platform;
	cJSON *call, *props, *traits, *context;
	char campaign[256];   /* name, else id */
} lead;

static void lead_start(lead *l, const char *lead_id)
{
	char message[192];
	snprintf(message, sizeof message, "%s-lead:%s", l->platform, lead_id);
	cJSON_AddStringToObject(l->call, "messageId", message);
	cJSON_AddStringToObject(l->call, "anonymousId", message);
	l->props = cJSON_AddObjectToObject(l->call, "properties");
	l->context = cJSON_AddObjectToObject(l->call, "context");
	l->traits = cJSON_AddObjectToObject(l->context, "traits");
	cJSON_AddStringToObject(l->props, "platform", l->platform);
	cJSON_AddStringToObject(l->props, "lead_id", lead_id);
}

/* The platform's id `v` as property `name` (skipped when absent). */
static tp_status lead_id_property(lead *l, const char *name, const cJSON *v)
{
	char id[128];
	if (!v || cJSON_IsNull(v))
		return TP_OK;
	if (id_text(v, id, sizeof id) != 0)
		return tp_ctx_fail(l->ctx, TP_ERR_INVALID, name,
		                   "must be an id (a whole number, or a string for a large one)");
	cJSON *added = cJSON_AddStringToObject(l->props, name, id);
	if (strcmp(name, "campaign_id") == 0 && !l->campaign[0])
		snprintf(l->campaign, sizeof l->campaign, "%s", added->valuestring);
	return TP_OK;
}

/* An answer: a trait when `field` names one of the person's fields (the
 * first of two emails wins), else a property named `label`. */
static void lead_answer(lead *l, const char *field, const char *label, const char *value)
{
	const char *trait = trait_of(field);
	if (trait && !get(l->traits, trait))
		cJSON_AddStringToObject(l->traits, trait, value);
	else if (!get(l->props, label))
		cJSON_AddStringToObject(l->props, label, value);
}

/* The touch's channel (source/medium decide it, as for a click) and time. */
static void lead_finish(lead *l, const char *source, const char *medium, int64_t at_ms)
{
	cJSON *c = cJSON_AddObjectToObject(l->context, "campaign");
	cJSON_AddStringToObject(c, "source", source);
	cJSON_AddStringToObject(c, "medium", medium);
	if (l->campaign[0])
		cJSON_AddStringToObject(c, "name", l->campaign);
	if (at_ms > 0) {
		char ts[25];
		tp_time_format(at_ms, ts);
		cJSON_AddStringToObject(l->call, "timestamp", ts);
	}
	/* Also as a property: a track call's email identifies its sender. */
	const char *email = cJSON_GetStringValue(get(l->traits, "email"));
	if (email)
		cJSON_AddStringToObject(l->props, "email", email);
}

static tp_status id_properties(lead *l, const cJSON *o, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		tp_status rc = lead_id_property(l, names[i], get(o, names[i]));
		if (rc != TP_OK)
			return rc;
	}
	return TP_OK;
}

static void campaign_name(lead *l, const cJSON *o, const char *name)
{
	const char *s = cJSON_GetStringValue(get(o, name));
	if (s && s[0]) {
		snprintf(l->campaign, sizeof l->campaign, "%s", s);
		cJSON_AddStringToObject(l->props, "campaign_name", s);
	}
}

static tp_status need_lead_id(lead *l, const cJSON *v, const char *field, char *out, size_t cap)
{
	if (id_text(v, out, cap) != 0)
		return tp_ctx_fail(l->ctx, TP_ERR_INVALID, field, "is required: the lead's id");
	lead_start(l, out);
	return TP_OK;
}

/* Google Ads lead form webhook. */
static tp_status google_call(lead *l, const cJSON *root, char **key)
{
	char id[128];
	tp_status rc = need_lead_id(l, get(root, "lead_id"), "lead_id", id, sizeof id);
	static const char *const ids[] = {"campaign_id", "form_id", "adgroup_id", "creative_id",
	                                  "asset_group_id"};
	if (rc == TP_OK)
		rc = id_properties(l, root, ids, sizeof ids / sizeof ids[0]);
	if (rc != TP_OK)
		return rc;
	const char *gclid = cJSON_GetStringValue(get(root, "gcl_id"));
	if (gclid)
		cJSON_AddStringToObject(l->props, "gclid", gclid);
	if (cJSON_IsTrue(get(root, "is_test")))
		cJSON_AddTrueToObject(l->props, "is_test");
	const cJSON *columns = get(root, "user_column_data");
	if (columns && !cJSON_IsArray(columns))
		return tp_ctx_fail(l->ctx, TP_ERR_INVALID, "user_column_data", "must be an array");
	const cJSON *col;
	int i = 0;
	cJSON_ArrayForEach(col, columns) {
		const char *column = cJSON_GetStringValue(get(col, "column_id"));
		const char *value = cJSON_GetStringValue(get(col, "string_value"));
		const char *name = cJSON_GetStringValue(get(col, "column_name"));
		if (!column || !value) {
			char field[64];
			snprintf(field, sizeof field, "user_column_data[%d]", i);
			return tp_ctx_fail(l->ctx, TP_ERR_INVALID, field, "needs column_id and string_value");
		}
		lead_answer(l, column, name ? name : column, value);
		i++;
	}
	/* Google Ads leads come from search and its partners: Paid Search. */
	lead_finish(l, "google", "cpc", 0);
	const char *google_key = cJSON_GetStringValue(get(root, "google_key"));
	if (key && google_key && !(*key = strdup(google_key)))
		return tp_ctx_fail(l->ctx, TP_ERR_NOMEM, NULL, "out of memory");
	return TP_OK;
}

/* An ISO time as Meta writes it ("2026-11-01T10:00:00+0000"); 0 = none. */
static tp_status time_of(lead *l, const cJSON *v, const char *field, int64_t *ms)
{
	*ms = 0;
	if (!v || cJSON_IsNull(v))
		return TP_OK;
	const char *s = cJSON_GetStringValue(v);
	char fixed[40];
	size_t n = s ? strlen(s) : 0;
	/* "+0000" → "+00:00", the form ISO 8601's extended format needs. */
	if (n > 5 && n < sizeof fixed - 1 && (s[n - 5] == '+' || s[n - 5] == '-') &&
	    strspn(s + n - 4, "0123456789") == 4) {
		snprintf(fixed, sizeof fixed, "%.*s:%s", (int)(n - 2), s, s + n - 2);
		s = fixed;
	}
	if (!s || tp_time_parse(s, ms) != 0)
		return tp_ctx_fail(l->ctx, TP_ERR_INVALID, field, "must be an ISO 8601 time");
	return TP_OK;
}

/* A Unix time in seconds (TikTok) or milliseconds (LinkedIn), as a number
 * or a string of digits; 0 = none. */
static tp_status epoch_of(lead *l, const cJSON *v, const char *field, int64_t unit_ms, int64_t *ms)
{
	char digits[32];
	*ms = 0;
	if (!v || cJSON_IsNull(v))
		return TP_OK;
	if (id_text(v, digits, sizeof digits) != 0 || strspn(digits, "0123456789") != strlen(digits) ||
	    strlen(digits) > 15)
		return tp_ctx_fail(l->ctx, TP_ERR_INVALID, field, "must be a Unix time");
	*ms = strtoll(digits, NULL, 10) * unit_ms;
	return TP_OK;
}

/* Meta's lead (Graph API /{lead-id}, what a leadgen notification points to). */
static tp_status meta_call(lead *l, const cJSON *root)
{
	char id[128];
	int64_t at;
	tp_status rc = need_lead_id(l, get(root, "id"), "id", id, sizeof id);
	static const char *const ids[] = {"campaign_id", "adset_id", "ad_id", "form_id", "page_id"};
	if (rc == TP_OK)
		rc = id_properties(l, root, ids, sizeof ids / sizeof ids[0]);
	if (rc == TP_OK)
		rc = time_of(l, get(root, "created_time"), "created_time", &at);
	if (rc != TP_OK)
		return rc;
	campaign_name(l, root, "campaign_name");
	static const char *const names[] = {"adset_name", "ad_name", "form_name"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const char *s = cJSON_GetStringValue(get(root, names[i]));
		if (s)
			cJSON_AddStringToObject(l->props, names[i], s);
	}
	if (cJSON_IsTrue(get(root, "is_organic")))
		cJSON_AddTrueToObject(l->props, "is_organic");
	const char *platform = cJSON_GetStringValue(get(root, "platform"));  /* fb, ig */
	const cJSON *fields = get(root, "field_data");
	if (fields && !cJSON_IsArray(fields))
		return tp_ctx_fail(l->ctx, TP_ERR_INVALID, "field_data", "must be an array");
	const cJSON *f;
	int i = 0;
	cJSON_ArrayForEach(f, fields) {
		const char *name = cJSON_GetStringValue(get(f, "name"));
		const cJSON *values = get(f, "values");
		const char *value = cJSON_GetStringValue(cJSON_GetArrayItem(values, 0));
		if (!name || !value) {
			char field[64];
			snprintf(field, sizeof field, "field_data[%d]", i);
			return tp_ctx_fail(l->ctx, TP_ERR_INVALID, field, "needs a name and values");
		}
		lead_answer(l, name, name, value);
		i++;
	}
	/* An organic lead (a form on the Page, no ad) is Organic Social. */
	lead_finish(l, platform && strcmp(platform, "ig") == 0 ? "instagram" : "facebook",
	            cJSON_IsTrue(get(root, "is_organic")) ? "social" : "paid_social", at);
	return TP_OK;
}

/* The text after the last ':' of a URN ("urn:li:sponsoredCampaign:123"). */
static const char *urn_id(const char *urn)
{
	const char *c = urn ? strrchr(urn, ':') : NULL;
	return c ? c + 1 : urn;
}

/* LinkedIn's lead form response (Lead Sync API, leadFormResponses). Answers
 * name only their question: the form's questions (form.content.questions,
 * asked for with the response) say which is the email. */
static tp_status linkedin_call(lead *l, const cJSON *root)
{
	char id[128];
	int64_t at;
	const char *raw = cJSON_GetStringValue(get(root, "id"));
	cJSON *plain = raw ? cJSON_CreateString(urn_id(raw)) : NULL;
	tp_status rc = need_lead_id(l, plain ? plain : get(root, "id"), "id", id, sizeof id);
	cJSON_Delete(plain);
	if (rc == TP_OK)
		rc = epoch_of(l, get(root, "submittedAt"), "submittedAt", 1, &at);
	if (rc != TP_OK)
		return rc;
	const cJSON *meta = get(get(root, "leadMetadataInfo"), "sponsoredLeadMetadata");
	const char *campaign = cJSON_GetStringValue(get(meta, "campaign"));
	if (campaign) {
		cJSON *v = cJSON_CreateString(urn_id(campaign));
		rc = lead_id_property(l, "campaign_id", v);
		cJSON_Delete(v);
	}
	const char *form = cJSON_GetStringValue(get(root, "versionedLeadGenFormUrn"));
	if (rc == TP_OK && form) {
		/* urn:li:versionedLeadGenForm:(urn:li:leadGenForm:123,1) */
		const char *f = strstr(form, "leadGenForm:");
		char fid[64] = "";
		if (f && sscanf(f + 12, "%63[0-9]", fid) == 1)
			cJSON_AddStringToObject(l->props, "form_id", fid);
	}
	if (rc != TP_OK)
		return rc;
	campaign_name(l, get(root, "ownerInfo"), "campaignName");
	if (cJSON_IsTrue(get(root, "testLead")))
		cJSON_AddTrueToObject(l->props, "is_test");
	const char *type = cJSON_GetStringValue(get(root, "leadType"));
	if (type)
		cJSON_AddStringToObject(l->props, "lead_type", type);
	const cJSON *questions = get(get(get(root, "form"), "content"), "questions");
	const cJSON *answers = get(get(root, "formResponse"), "answers");
	if (answers && !cJSON_IsArray(answers))
		return tp_ctx_fail(l->ctx, TP_ERR_INVALID, "formResponse.answers", "must be an array");
	const cJSON *a;
	int i = 0;
	cJSON_ArrayForEach(a, answers) {
		const cJSON *qid = get(a, "questionId");
		const char *value = cJSON_GetStringValue(
			get(get(get(a, "answerDetails"), "textQuestionAnswer"), "answer"));
		char q[64];
		if (id_text(qid, q, sizeof q) != 0 || !value) {
			char field[64];
			snprintf(field, sizeof field, "formResponse.answers[%d]", i);
			return tp_ctx_fail(l->ctx, TP_ERR_INVALID, field,
			                   "needs a questionId and a text answer");
		}
		const char *predefined = NULL, *name = NULL;
		const cJSON *question;
		cJSON_ArrayForEach(question, questions) {
			char other[64];
			if (id_text(get(question, "questionId"), other, sizeof other) == 0 &&
			    strcmp(other, q) == 0) {
				predefined = cJSON_GetStringValue(get(question, "predefinedField"));
				name = cJSON_GetStringValue(get(question, "name"));
			}
		}
		char label[80];
		snprintf(label, sizeof label, "question_%s", q);
		lead_answer(l, predefined ? predefined : "", name ? name : label, value);
		i++;
	}
	lead_finish(l, "linkedin", "paid_social", at);
	return TP_OK;
}

/* TikTok's lead: ids at the top or under meta_data, answers as
 * fields[{field_name, field_value}] or a lead_data object. */
static tp_status tiktok_call(lead *l, const cJSON *root)
{
	const cJSON *meta = get(root, "meta_data");
	const cJSON *ids_at = meta ? meta : root;
	char id[128];
	int64_t at;
	tp_status rc = need_lead_id(l, get(ids_at, "lead_id"), "lead_id", id, sizeof id);
	static const char *const ids[] = {"campaign_id", "adgroup_id", "ad_id", "form_id",
	                                  "page_id", "advertiser_id"};
	if (rc == TP_OK)
		rc = id_properties(l, ids_at, ids, sizeof ids / sizeof ids[0]);
	if (rc == TP_OK)
		rc = epoch_of(l, get(ids_at, "create_time"), "create_time", 1000, &at);
	if (rc != TP_OK)
		return rc;
	campaign_name(l, ids_at, "campaign_name");
	const cJSON *fields = get(root, "fields"), *data = get(root, "lead_data"), *f;
	if ((fields && !cJSON_IsArray(fields)) || (data && !cJSON_IsObject(data)))
		return tp_ctx_fail(l->ctx, TP_ERR_INVALID, fields ? "fields" : "lead_data",
		                   fields ? "must be an array" : "must be an object");
	int i = 0;
	cJSON_ArrayForEach(f, fields) {
		const char *name = cJSON_GetStringValue(get(f, "field_name"));
		const char *value = cJSON_GetStringValue(get(f, "field_value"));
		if (!name || !value) {
			char field[64];
			snprintf(field, sizeof field, "fields[%d]", i);
			return tp_ctx_fail(l->ctx, TP_ERR_INVALID, field,
			                   "needs field_name and field_value");
		}
		lead_answer(l, name, name, value);
		i++;
	}
	cJSON_ArrayForEach(f, data) {
		if (cJSON_IsString(f))
			lead_answer(l, f->string, f->string, f->valuestring);
	}
	lead_finish(l, "tiktok", "paid_social", at);
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
	lead l = {ctx, tp_lead_format_name(format), cJSON_CreateObject(), NULL, NULL, NULL, ""};
	cJSON_AddStringToObject(l.call, "type", "track");
	cJSON_AddStringToObject(l.call, "event", "Lead Ad Submitted");
	tp_status rc;
	switch (format) {
	case TP_LEADS_GOOGLE: rc = google_call(&l, root, key); break;
	case TP_LEADS_META: rc = meta_call(&l, root); break;
	case TP_LEADS_LINKEDIN: rc = linkedin_call(&l, root); break;
	case TP_LEADS_TIKTOK: rc = tiktok_call(&l, root); break;
	default: rc = tp_ctx_fail(ctx, TP_ERR_UNSUPPORTED, "format", "no such lead format");
	}
	if (rc == TP_OK && !(*out = cJSON_PrintUnformatted(l.call)))
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	if (rc != TP_OK && key) {
		free(*key);
		*key = NULL;
	}
	cJSON_Delete(root);
	cJSON_Delete(l.call);
	return rc;
}

/* Meta: {"object":"page","entry":[{"changes":[{"field":"leadgen",
 * "value":{"leadgen_id":...}}]}]}; other fields' changes are skipped. */
static tp_status meta_notification(tp_ctx *ctx, const cJSON *root,
                                   int (*fn)(void *user, const char *lead_id), void *user)
{
	const cJSON *entries = get(root, "entry"), *entry;
	if (!cJSON_IsArray(entries))
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "entry", "must be an array");
	int e = 0;
	cJSON_ArrayForEach(entry, entries) {
		const cJSON *changes = get(entry, "changes"), *change;
		int c = 0;
		cJSON_ArrayForEach(change, changes) {
			const char *field = cJSON_GetStringValue(get(change, "field"));
			char id[128], where[80];
			if (field && strcmp(field, "leadgen") == 0) {
				if (id_text(get(get(change, "value"), "leadgen_id"), id, sizeof id) != 0) {
					snprintf(where, sizeof where, "entry[%d].changes[%d].value.leadgen_id", e, c);
					return tp_ctx_fail(ctx, TP_ERR_INVALID, where, "is required: the lead's id");
				}
				if (fn(user, id))
					return TP_OK;
			}
			c++;
		}
		e++;
	}
	return TP_OK;
}

tp_status tp_lead_notification(tp_ctx *ctx, tp_lead_format format, const char *json, size_t len,
                               int (*fn)(void *user, const char *lead_id), void *user)
{
	if (format != TP_LEADS_META && format != TP_LEADS_LINKEDIN)
		return tp_ctx_fail(ctx, TP_ERR_UNSUPPORTED, "format",
		                   "this platform's webhook carries the whole lead");
	cJSON *root = cJSON_ParseWithLength(json, len);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return tp_ctx_fail(ctx, TP_ERR_PARSE, "", "a notification must be a JSON object");
	}
	tp_status rc = TP_OK;
	if (format == TP_LEADS_META) {
		rc = meta_notification(ctx, root, fn, user);
	} else {
		/* LinkedIn: {"leadGenFormResponse":"urn:li:leadGenFormResponse:ID", ...} */
		const char *urn = cJSON_GetStringValue(get(root, "leadGenFormResponse"));
		const char *id = urn_id(urn);
		if (!id || !id[0] || strlen(id) > 127)
			rc = tp_ctx_fail(ctx, TP_ERR_INVALID, "leadGenFormResponse",
			                 "is required: the URN of the lead's form response");
		else
			fn(user, id);
	}
	cJSON_Delete(root);
	return rc;
}
