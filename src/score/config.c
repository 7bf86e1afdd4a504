/* The scoring configuration: a JSON document, read strictly (an unknown key
 * is refused, not ignored: a misspelt "cap_per_dya" must not silently score
 * without a cap). The defaults are such a document, so they go through the
 * same reader and `touchpoint score rules` prints them as a file to edit. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/text.h"
#include "touchpoint/score.h"

static const char default_json[] =
	"{\n"
	"  \"half_life_days\": 30,\n"
	"  \"fit_weight\": 0.4,\n"
	"  \"engagement_weight\": 1.0,\n"
	"  \"mql\": {\"threshold\": 50, \"min_fit\": 20},\n"
	"  \"fit\": [\n"
	"    {\"name\": \"C-level\", \"attribute\": \"seniority\", \"in\": [\"c_level\"], \"points\": 30},\n"
	"    {\"name\": \"VP\", \"attribute\": \"seniority\", \"in\": [\"vp\"], \"points\": 25},\n"
	"    {\"name\": \"Director or head\", \"attribute\": \"seniority\", \"in\": [\"director\"], \"points\": 20},\n"
	"    {\"name\": \"Manager\", \"attribute\": \"seniority\", \"in\": [\"manager\"], \"points\": 10},\n"
	"    {\"name\": \"Buyer role\", \"attribute\": \"role\", \"in\": [\"marketing\", \"sales\", \"revops\", \"executive\"], \"points\": 15},\n"
	"    {\"name\": \"1,000+ employees\", \"attribute\": \"employees\", \"min\": 1000, \"points\": 25},\n"
	"    {\"name\": \"200-999 employees\", \"attribute\": \"employees\", \"min\": 200, \"max\": 999, \"points\": 20},\n"
	"    {\"name\": \"50-199 employees\", \"attribute\": \"employees\", \"min\": 50, \"max\": 199, \"points\": 12},\n"
	"    {\"name\": \"10-49 employees\", \"attribute\": \"employees\", \"min\": 10, \"max\": 49, \"points\": 5},\n"
	"    {\"name\": \"Target industry\", \"attribute\": \"industry\", \"in\": [\"software\", \"financial services\", \"telecommunications\"], \"points\": 15},\n"
	"    {\"name\": \"Core market\", \"attribute\": \"country\", \"in\": [\"US\", \"GB\", \"DE\", \"FR\", \"CA\", \"AU\", \"SG\"], \"points\": 10},\n"
	"    {\"name\": \"Free-mail address\", \"attribute\": \"freemail\", \"points\": -20}\n"
	"  ],\n"
	"  \"engagement\": [\n"
	"    {\"name\": \"Pricing or demo page\", \"type\": \"page_view\", \"page_category\": [\"pricing\", \"demo\"], \"points\": 10, \"cap_per_day\": 3},\n"
	"    {\"name\": \"Product page\", \"type\": \"page_view\", \"page_category\": [\"product\", \"case_study\", \"docs\"], \"points\": 3, \"cap_per_day\": 5},\n"
	"    {\"name\": \"Blog page\", \"type\": \"page_view\", \"page_category\": [\"blog\", \"content\"], \"points\": 1, \"cap_per_day\": 5},\n"
	"    {\"name\": \"Careers page\", \"type\": \"page_view\", \"page_category\": [\"careers\"], \"points\": -5, \"cap_per_day\": 1},\n"
	"    {\"name\": \"Site search\", \"type\": \"site_search\", \"points\": 2, \"cap_per_day\": 5},\n"
	"    {\"name\": \"Content download\", \"type\": \"download\", \"points\": 8, \"cap_per_day\": 3},\n"
	"    {\"name\": \"Video watched half\", \"type\": \"video_progress\", \"min_video_percent\": 50, \"points\": 5, \"cap_per_day\": 2},\n"
	"    {\"name\": \"Webinar registered\", \"type\": \"webinar_registered\", \"points\": 8},\n"
	"    {\"name\": \"Webinar attended\", \"type\": \"webinar_attended\", \"points\": 12},\n"
	"    {\"name\": \"Event attended\", \"type\": \"event_attended\", \"points\": 12},\n"
	"    {\"name\": \"Email click\", \"type\": \"email_click\", \"points\": 3, \"cap_per_day\": 3},\n"
	"    {\"name\": \"Email open\", \"type\": \"email_open\", \"points\": 0},\n"
	"    {\"name\": \"Social comment\", \"type\": \"social_comment\", \"points\": 3, \"cap_per_day\": 3},\n"
	"    {\"name\": \"Social like\", \"type\": \"social_like\", \"points\": 1, \"cap_per_day\": 3},\n"
	"    {\"name\": \"Chat started\", \"type\": \"chat\", \"points\": 6, \"cap_per_day\": 2},\n"
	"    {\"name\": \"Form submitted\", \"type\": [\"form_submit\", \"lead_ad_submit\", \"email_signup\"], \"points\": 15, \"cap_per_day\": 2},\n"
	"    {\"name\": \"Trial sign-up\", \"type\": \"trial_signup\", \"points\": 25},\n"
	"    {\"name\": \"Demo request\", \"type\": [\"demo_request\", \"meeting_booked\"], \"points\": 30},\n"
	"    {\"name\": \"Unsubscribe\", \"type\": \"unsubscribe\", \"points\": -20},\n"
	"    {\"name\": \"Email bounce\", \"type\": \"email_bounce\", \"points\": -10}\n"
	"  ],\n"
	"  \"assignment\": {\"mode\": \"round_robin\", \"owners\": [\"Alex Kim\", \"Bao Tran\", \"Carla Diaz\"]},\n"
	"  \"account\": {\"engagement_weight\": 0.5, \"engaged_points\": 5, \"per_engaged_person\": 5,"
	" \"per_senior_engaged_person\": 5}\n"
	"}\n";

const char *tp_score_default_json(void)
{
	return default_json;
}

typedef struct config_doc {
	tp_score_config pub;
	tp_arena arena;
} config_doc;

typedef struct reader {
	tp_ctx *ctx;
	tp_arena *arena;
	char where[96];
} reader;

static tp_status bad(reader *r, const char *key, const char *fmt, ...) TP_PRINTF(3, 4);
static tp_status bad(reader *r, const char *key, const char *fmt, ...)
{
	char msg[256], field[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(field, sizeof field, "%s%s%s", r->where, *r->where && *key ? "." : "", key);
	return tp_ctx_fail(r->ctx, TP_ERR_INVALID, field, "%s", msg);
}

static const char *keep(reader *r, const char *s)
{
	return tp__arena_strndup(r->arena, s, strlen(s));
}

/* Refuses members not in `allowed` (space separated). */
static tp_status only_keys(reader *r, const cJSON *o, const char *allowed)
{
	for (const cJSON *c = o->child; c; c = c->next) {
		const char *p = allowed;
		size_t n = strlen(c->string);
		int ok = 0;
		while (*p && !ok) {
			size_t w = strcspn(p, " ");
			ok = w == n && strncmp(p, c->string, n) == 0;
			p += w + (p[w] == ' ');
		}
		if (!ok)
			return bad(r, c->string, "is not a known setting here (known: %s)", allowed);
	}
	return TP_OK;
}

static tp_status number(reader *r, const cJSON *o, const char *key, double lo, double hi,
                        double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v)
		return TP_OK;   /* keeps the default */
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return bad(r, key, "must be a number");
	if (v->valuedouble < lo || v->valuedouble > hi)
		return bad(r, key, "is %g; it must be between %g and %g", v->valuedouble, lo, hi);
	*out = v->valuedouble;
	return TP_OK;
}

/* A string or an array of strings, copied; *n = 0 when absent. */
static tp_status strings(reader *r, const cJSON *o, const char *key, const char *const **out,
                         size_t *n)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	*out = NULL;
	*n = 0;
	if (!v)
		return TP_OK;
	size_t count = cJSON_IsString(v) ? 1 : cJSON_IsArray(v) ? (size_t)cJSON_GetArraySize(v) : 0;
	if (!count)
		return bad(r, key, "must be a string or a non-empty array of strings");
	const char **list = tp__arena_alloc(r->arena, count * sizeof *list);
	if (!list)
		return tp_ctx_fail(r->ctx, TP_ERR_NOMEM, NULL, "out of memory");
	if (cJSON_IsString(v)) {
		list[0] = keep(r, v->valuestring);
	} else {
		size_t i = 0;
		for (const cJSON *c = v->child; c; c = c->next, i++) {
			if (!cJSON_IsString(c) || !*c->valuestring)
				return bad(r, key, "item %zu must be a non-empty string", i);
			list[i] = keep(r, c->valuestring);
		}
	}
	for (size_t i = 0; i < count; i++)
		if (!list[i])
			return tp_ctx_fail(r->ctx, TP_ERR_NOMEM, NULL, "out of memory");
	*out = list;
	*n = count;
	return TP_OK;
}

static tp_status rule_name(reader *r, const cJSON *o, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "name");
	if (!cJSON_IsString(v) || !*v->valuestring)
		return bad(r, "name", "is required: a short name for the rule");
	if (strlen(v->valuestring) > 80)
		return bad(r, "name", "is longer than 80 bytes");
	*out = keep(r, v->valuestring);
	return *out ? TP_OK : tp_ctx_fail(r->ctx, TP_ERR_NOMEM, NULL, "out of memory");
}

static const char *const fit_attr_names[] = {
#define TP__FIT_NAME(e, s) s,
	TP_FIT_ATTR_MAP(TP__FIT_NAME)
#undef TP__FIT_NAME
};

static tp_status read_fit(reader *r, const cJSON *arr, tp_score_config *c)
{
	size_t n = (size_t)cJSON_GetArraySize(arr);
	tp_fit_rule *rules = n ? tp__arena_alloc(r->arena, n * sizeof *rules) : NULL;
	if (n && !rules)
		return tp_ctx_fail(r->ctx, TP_ERR_NOMEM, NULL, "out of memory");
	size_t i = 0;
	tp_status rc;
	for (const cJSON *o = arr->child; o; o = o->next, i++) {
		snprintf(r->where, sizeof r->where, "fit[%zu]", i);
		tp_fit_rule *f = &rules[i];
		memset(f, 0, sizeof *f);
		f->min = f->max = -1;
		if (!cJSON_IsObject(o))
			return bad(r, "", "must be an object");
		if ((rc = only_keys(r, o, "name attribute in min max points")) != TP_OK ||
		    (rc = rule_name(r, o, &f->name)) != TP_OK)
			return rc;
		const char *attr = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "attribute"));
		int a = -1;
		for (int k = 0; attr && k < TP_FIT__COUNT; k++)
			if (strcmp(attr, fit_attr_names[k]) == 0)
				a = k;
		if (a < 0)
			return bad(r, "attribute", "must be one of seniority, role, employees, industry,"
			                           " country, freemail");
		f->attr = (tp_fit_attr)a;
		double points = 0, mn = -1, mx = -1;
		if (!cJSON_GetObjectItemCaseSensitive(o, "points"))
			return bad(r, "points", "is required");
		if ((rc = number(r, o, "points", -100, 100, &points)) != TP_OK ||
		    (rc = strings(r, o, "in", &f->values, &f->n_values)) != TP_OK ||
		    (rc = number(r, o, "min", 0, 1e12, &mn)) != TP_OK ||
		    (rc = number(r, o, "max", 0, 1e12, &mx)) != TP_OK)
			return rc;
		f->points = points;
		f->min = (int64_t)mn;
		f->max = (int64_t)mx;
		if (f->attr == TP_FIT_EMPLOYEES) {
			if (f->n_values)
				return bad(r, "in", "employees rules use min and max, not in");
			if (f->min < 0 && f->max < 0)
				return bad(r, "min", "an employees rule needs min, max or both");
			if (f->max >= 0 && f->min > f->max)
				return bad(r, "max", "is below min");
		} else if (f->min >= 0 || f->max >= 0) {
			return bad(r, "min", "min and max are for employees rules only");
		} else if (f->attr == TP_FIT_FREEMAIL && f->n_values) {
			return bad(r, "in", "a freemail rule takes no values: it matches free-mail addresses");
		} else if (f->attr != TP_FIT_FREEMAIL && !f->n_values) {
			return bad(r, "in", "is required: the values that match");
		}
	}
	c->fit = rules;
	c->n_fit = n;
	return TP_OK;
}

static tp_status read_engagement(reader *r, const cJSON *arr, tp_score_config *c)
{
	size_t n = (size_t)cJSON_GetArraySize(arr);
	tp_engage_rule *rules = n ? tp__arena_alloc(r->arena, n * sizeof *rules) : NULL;
	if (n && !rules)
		return tp_ctx_fail(r->ctx, TP_ERR_NOMEM, NULL, "out of memory");
	size_t i = 0;
	tp_status rc;
	c->n_capped = 0;
	for (const cJSON *o = arr->child; o; o = o->next, i++) {
		snprintf(r->where, sizeof r->where, "engagement[%zu]", i);
		tp_engage_rule *e = &rules[i];
		memset(e, 0, sizeof *e);
		e->min_video_percent = -1;
		e->cap_slot = -1;
		if (!cJSON_IsObject(o))
			return bad(r, "", "must be an object");
		if ((rc = only_keys(r, o, "name type page_category channel asset min_video_percent"
		                          " points cap_per_day")) != TP_OK ||
		    (rc = rule_name(r, o, &e->name)) != TP_OK)
			return rc;
		const char *const *list;
		size_t k;
		if ((rc = strings(r, o, "type", &list, &k)) != TP_OK)
			return rc;
		if (!k)
			return bad(r, "type", "is required: an event type or a list of them");
		for (size_t j = 0; j < k; j++) {
			tp_touch t;
			if (tp_touch_from_name(list[j], &t) != 0)
				return bad(r, "type", "\"%s\" is not an event type (docs/EVENTS.md lists them)",
				           list[j]);
			e->touch_mask |= 1ULL << t;
		}
		if ((rc = strings(r, o, "page_category", &list, &k)) != TP_OK)
			return rc;
		for (size_t j = 0; j < k; j++) {
			int p = tp_page_category_index(list[j]);
			if (p < 0)
				return bad(r, "page_category", "\"%s\" is not a page category (one of pricing,"
				           " demo, product, blog, careers, docs, case_study, content, home, other)",
				           list[j]);
			e->page_mask |= 1U << p;
		}
		if ((rc = strings(r, o, "channel", &list, &k)) != TP_OK)
			return rc;
		for (size_t j = 0; j < k; j++) {
			tp_channel ch;
			if (tp_channel_from_name(list[j], &ch) != 0)
				return bad(r, "channel", "\"%s\" is not a channel (`touchpoint channels` lists them)",
				           list[j]);
			e->channel_mask |= 1U << ch;
		}
		if ((rc = strings(r, o, "asset", &e->assets, &e->n_assets)) != TP_OK)
			return rc;
		double points = 0, video = -1, cap = 0;
		if (!cJSON_GetObjectItemCaseSensitive(o, "points"))
			return bad(r, "points", "is required");
		if ((rc = number(r, o, "points", -100, 100, &points)) != TP_OK ||
		    (rc = number(r, o, "min_video_percent", 0, 100, &video)) != TP_OK ||
		    (rc = number(r, o, "cap_per_day", 0, 1000, &cap)) != TP_OK)
			return rc;
		if (cap != floor(cap))
			return bad(r, "cap_per_day", "must be a whole number");
		e->points = points;
		e->min_video_percent = (int)video;
		e->cap_per_day = (int)cap;
		if (e->cap_per_day > 0)
			e->cap_slot = c->n_capped++;
	}
	c->engage = rules;
	c->n_engage = n;
	return TP_OK;
}

static tp_status read_assignment(reader *r, const cJSON *o, tp_score_config *c)
{
	snprintf(r->where, sizeof r->where, "assignment");
	tp_status rc;
	if (!cJSON_IsObject(o))
		return bad(r, "", "must be an object");
	if ((rc = only_keys(r, o, "mode owners by_country bands default")) != TP_OK)
		return rc;
	const char *mode = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "mode"));
	const cJSON *dflt = cJSON_GetObjectItemCaseSensitive(o, "default");
	if (dflt && (!cJSON_IsString(dflt) || !*dflt->valuestring))
		return bad(r, "default", "must be an owner's name");
	c->default_owner = dflt ? keep(r, dflt->valuestring) : NULL;
	if (!mode || strcmp(mode, "none") == 0) {
		c->assign = TP_ASSIGN_NONE;
	} else if (strcmp(mode, "round_robin") == 0) {
		c->assign = TP_ASSIGN_ROUND_ROBIN;
		if ((rc = strings(r, o, "owners", &c->owners, &c->n_owners)) != TP_OK)
			return rc;
		if (!c->n_owners)
			return bad(r, "owners", "round robin needs a list of owners");
	} else if (strcmp(mode, "country") == 0) {
		c->assign = TP_ASSIGN_COUNTRY;
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "by_country");
		if (!cJSON_IsObject(m) || !m->child)
			return bad(r, "by_country", "needs an object of country code to owner");
		size_t n = (size_t)cJSON_GetArraySize(m), i = 0;
		tp_assign_band *b = tp__arena_alloc(r->arena, n * sizeof *b);
		if (!b)
			return tp_ctx_fail(r->ctx, TP_ERR_NOMEM, NULL, "out of memory");
		for (const cJSON *e = m->child; e; e = e->next, i++) {
			if (!cJSON_IsString(e) || !*e->valuestring)
				return bad(r, "by_country", "the owner of \"%s\" must be a name", e->string);
			b[i] = (tp_assign_band){keep(r, e->string), 0, keep(r, e->valuestring)};
		}
		c->bands = b;
		c->n_bands = n;
	} else if (strcmp(mode, "account_size") == 0) {
		c->assign = TP_ASSIGN_ACCOUNT_SIZE;
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "bands");
		if (!cJSON_IsArray(m) || !m->child)
			return bad(r, "bands", "needs [{\"min_employees\": N, \"owner\": NAME}, ...]");
		size_t n = (size_t)cJSON_GetArraySize(m), i = 0;
		tp_assign_band *b = tp__arena_alloc(r->arena, n * sizeof *b);
		if (!b)
			return tp_ctx_fail(r->ctx, TP_ERR_NOMEM, NULL, "out of memory");
		for (const cJSON *e = m->child; e; e = e->next, i++) {
			const cJSON *mn = cJSON_GetObjectItemCaseSensitive(e, "min_employees");
			const char *ow = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "owner"));
			if (!cJSON_IsNumber(mn) || mn->valuedouble < 0 || !ow || !*ow)
				return bad(r, "bands", "item %zu needs min_employees (>= 0) and owner", i);
			b[i] = (tp_assign_band){NULL, (int64_t)mn->valuedouble, keep(r, ow)};
			if (i && b[i].min_employees >= b[i - 1].min_employees)
				return bad(r, "bands", "list the bands largest first (item %zu)", i);
		}
		c->bands = b;
		c->n_bands = n;
	} else {
		return bad(r, "mode", "\"%s\" is not one of none, round_robin, country, account_size",
		           mode);
	}
	return TP_OK;
}

tp_status tp_score_config_parse(tp_ctx *ctx, const char *json, tp_score_config **out)
{
	config_doc *d = calloc(1, sizeof *d);
	if (!d)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	tp__arena_init(&d->arena, 16 * 1024);
	reader r = {ctx, &d->arena, ""};
	tp_score_config *c = &d->pub;
	c->half_life_days = 30;
	c->fit_weight = 0.4;
	c->engagement_weight = 1.0;
	c->mql_threshold = 50;
	c->mql_min_fit = 20;
	c->account_engagement_weight = 0.5;
	c->engaged_points = 5;
	c->per_engaged = 5;
	c->per_senior_engaged = 5;
	tp_status rc = TP_OK;
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithOpts(json, &end, 1);
	if (!root) {
		rc = tp_ctx_fail(ctx, TP_ERR_PARSE, "", "the scoring configuration is not valid JSON"
		                 " (near byte %zu)", end ? (size_t)(end - json) + 1 : 0);
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		rc = bad(&r, "", "the scoring configuration must be a JSON object");
		goto out;
	}
	if ((rc = only_keys(&r, root, "half_life_days fit_weight engagement_weight mql fit"
	                              " engagement assignment account")) != TP_OK ||
	    (rc = number(&r, root, "half_life_days", 0.01, 3650, &c->half_life_days)) != TP_OK ||
	    (rc = number(&r, root, "fit_weight", 0, 10, &c->fit_weight)) != TP_OK ||
	    (rc = number(&r, root, "engagement_weight", 0, 10, &c->engagement_weight)) != TP_OK)
		goto out;
	const cJSON *mql = cJSON_GetObjectItemCaseSensitive(root, "mql");
	if (mql) {
		snprintf(r.where, sizeof r.where, "mql");
		if (!cJSON_IsObject(mql)) {
			rc = bad(&r, "", "must be an object");
			goto out;
		}
		if ((rc = only_keys(&r, mql, "threshold min_fit")) != TP_OK ||
		    (rc = number(&r, mql, "threshold", 0, 100, &c->mql_threshold)) != TP_OK ||
		    (rc = number(&r, mql, "min_fit", 0, 100, &c->mql_min_fit)) != TP_OK)
			goto out;
	}
	const cJSON *fit = cJSON_GetObjectItemCaseSensitive(root, "fit");
	const cJSON *eng = cJSON_GetObjectItemCaseSensitive(root, "engagement");
	*r.where = '\0';
	if (fit && !cJSON_IsArray(fit)) {
		rc = bad(&r, "fit", "must be an array of rules");
		goto out;
	}
	if (eng && !cJSON_IsArray(eng)) {
		rc = bad(&r, "engagement", "must be an array of rules");
		goto out;
	}
	if ((fit && (rc = read_fit(&r, fit, c)) != TP_OK) ||
	    (eng && (rc = read_engagement(&r, eng, c)) != TP_OK))
		goto out;
	const cJSON *as = cJSON_GetObjectItemCaseSensitive(root, "assignment");
	if (as && (rc = read_assignment(&r, as, c)) != TP_OK)
		goto out;
	const cJSON *acc = cJSON_GetObjectItemCaseSensitive(root, "account");
	if (acc) {
		snprintf(r.where, sizeof r.where, "account");
		if (!cJSON_IsObject(acc)) {
			rc = bad(&r, "", "must be an object");
			goto out;
		}
		if ((rc = only_keys(&r, acc, "engagement_weight engaged_points per_engaged_person"
		                             " per_senior_engaged_person")) != TP_OK ||
		    (rc = number(&r, acc, "engagement_weight", 0, 10, &c->account_engagement_weight)) != TP_OK ||
		    (rc = number(&r, acc, "engaged_points", 0, 1000, &c->engaged_points)) != TP_OK ||
		    (rc = number(&r, acc, "per_engaged_person", 0, 100, &c->per_engaged)) != TP_OK ||
		    (rc = number(&r, acc, "per_senior_engaged_person", 0, 100, &c->per_senior_engaged)) != TP_OK)
			goto out;
	}
	c->json = keep(&r, json);
	if (!c->json)
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
out:
	cJSON_Delete(root);
	if (rc != TP_OK) {
		tp_score_config_free(c);
		return rc;
	}
	*out = c;
	return TP_OK;
}

void tp_score_config_free(tp_score_config *c)
{
	if (!c)
		return;
	config_doc *d = (config_doc *)c;
	tp__arena_free(&d->arena);
	free(d);
}
