/* Workflow definitions: the JSON of docs/NURTURE.md, checked whole before
 * anything is stored, with errors that name the field ("steps[2].wait"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nurture/nurture_int.h"
#include "touchpoint/event.h"
#include "touchpoint/limits.h"
#include "touchpoint/stage.h"

enum {
	MAX_STEPS = 200, MAX_DEPTH = 16, MAX_NAME = 64, MAX_TEMPLATE_BYTES = 65536,
	MAX_WORKFLOW_BYTES = 1024 * 1024
};

/* A field's name in messages: "steps[2].wait.days", cut at FIELD_CAP. */
enum { FIELD_CAP = 256 };

static char *sub(char *out, const char *base, const char *key)
{
	char tmp[FIELD_CAP];
	/* base may be out itself; a name cut short still says where. */
	if (snprintf(tmp, sizeof tmp, "%s", base) < 0 ||
	    snprintf(out, FIELD_CAP, "%s.%s", tmp, key) < 0)
		out[0] = '\0';
	return out;
}

static char *item(char *out, const char *base, int i)
{
	char tmp[FIELD_CAP];
	if (snprintf(tmp, sizeof tmp, "%s", base) < 0 ||
	    snprintf(out, FIELD_CAP, "%s[%d]", tmp, i) < 0)
		out[0] = '\0';
	return out;
}

typedef struct checker {
	tp_ctx *ctx;
	const cJSON *steps, *templates;
} checker;

static tp_status bad(checker *c, const char *field, const char *fmt, const char *detail)
{
	return tp_ctx_fail(c->ctx, TP_ERR_INVALID, field, fmt, detail);
}

static int is_name(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > MAX_NAME)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		      (*s >= 'A' && *s <= 'Z')))
			return 0;
	return 1;
}

/* The only member of a one-member object, else NULL. */
static const cJSON *only_member(const cJSON *o)
{
	return cJSON_IsObject(o) && o->child && !o->child->next ? o->child : NULL;
}

static tp_status check_stage(checker *c, const cJSON *v, const char *field)
{
	tp_stage st;
	if (cJSON_IsString(v) && tp_stage_from_name(v->valuestring, &st) == 0)
		return TP_OK;
	if (cJSON_IsArray(v) && cJSON_GetArraySize(v) > 0) {
		for (const cJSON *e = v->child; e; e = e->next)
			if (!cJSON_IsString(e) || tp_stage_from_name(e->valuestring, &st) != 0)
				return bad(c, field, "%s", "names a stage that does not exist (visitor, lead, "
				                        "mql, sal, sql, opportunity, customer, disqualified, "
				                        "recycled, churned)");
		return TP_OK;
	}
	return bad(c, field, "%s", "must be a stage name or a list of them");
}

static tp_status check_number(checker *c, const cJSON *v, const char *field, double lo, double hi)
{
	if (cJSON_IsNumber(v) && v->valuedouble >= lo && v->valuedouble <= hi)
		return TP_OK;
	char range[FIELD_CAP];
	snprintf(range, sizeof range, "must be a number from %g to %g", lo, hi);
	return bad(c, field, "%s", range);
}

static tp_status check_text(checker *c, const cJSON *v, const char *field)
{
	if (cJSON_IsString(v) && v->valuestring[0] && strlen(v->valuestring) <= TP_MAX_TEXT_BYTES)
		return TP_OK;
	return bad(c, field, "%s", "must be a non-empty string");
}

static tp_status check_cond(checker *c, const cJSON *cond, const char *field, int depth);

static tp_status check_conds(checker *c, const cJSON *list, const char *field, int depth)
{
	if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0)
		return bad(c, field, "%s", "must be a non-empty list of conditions");
	int i = 0;
	for (const cJSON *e = list->child; e; e = e->next, i++) {
		char f[FIELD_CAP];
		item(f, field, i);
		tp_status rc = check_cond(c, e, f, depth + 1);
		if (rc != TP_OK)
			return rc;
	}
	return TP_OK;
}

/* {"touch": "download"} or {"event": "Pricing Viewed"}, with "within_days". */
static tp_status check_seen(checker *c, const cJSON *v, const char *field)
{
	char f[FIELD_CAP];
	if (!cJSON_IsObject(v))
		return bad(c, field, "%s", "must be an object: {\"touch\" or \"event\", \"within_days\"}");
	const cJSON *touch = cJSON_GetObjectItemCaseSensitive(v, "touch");
	const cJSON *event = cJSON_GetObjectItemCaseSensitive(v, "event");
	const cJSON *days = cJSON_GetObjectItemCaseSensitive(v, "within_days");
	tp_touch t;
	if (!touch == !event)
		return bad(c, field, "%s", "needs one of \"touch\" and \"event\"");
	sub(f, field, "touch");
	if (touch && (!cJSON_IsString(touch) || tp_touch_from_name(touch->valuestring, &t) != 0))
		return bad(c, f, "%s", "is not a touch type (docs/EVENTS.md)");
	sub(f, field, "event");
	if (event && check_text(c, event, f) != TP_OK)
		return TP_ERR_INVALID;
	sub(f, field, "within_days");
	if (days && check_number(c, days, f, 1, 3650) != TP_OK)
		return TP_ERR_INVALID;
	for (const cJSON *m = v->child; m; m = m->next)
		if (strcmp(m->string, "touch") && strcmp(m->string, "event") &&
		    strcmp(m->string, "within_days")) {
			sub(f, field, m->string);
			return bad(c, f, "%s", "is not a field of \"seen\" (touch, event, within_days)");
		}
	return TP_OK;
}

static tp_status check_cond(checker *c, const cJSON *cond, const char *field, int depth)
{
	char f[FIELD_CAP];
	const cJSON *m = only_member(cond);
	if (depth > MAX_DEPTH)
		return bad(c, field, "%s", "nests conditions too deep");
	if (!m)
		return bad(c, field, "%s", "must be an object with one condition");
	sub(f, field, m->string);
	const char *k = m->string;
	if (!strcmp(k, "all") || !strcmp(k, "any"))
		return check_conds(c, m, f, depth);
	if (!strcmp(k, "not"))
		return check_cond(c, m, f, depth + 1);
	if (!strcmp(k, "stage"))
		return check_stage(c, m, f);
	if (!strcmp(k, "score_at_least") || !strcmp(k, "score_below") || !strcmp(k, "fit_at_least"))
		return check_number(c, m, f, 0, 100);
	if (!strcmp(k, "tag"))
		return check_text(c, m, f);
	if (!strcmp(k, "consent")) {
		if (!cJSON_IsBool(m))
			return bad(c, f, "%s", "must be true or false");
		return TP_OK;
	}
	if (!strcmp(k, "seen"))
		return check_seen(c, m, f);
	if (!strcmp(k, "field")) {
		/* {"field": {"name": "country", "equals": "DE"}} or "in": [...] */
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(m, "name");
		const cJSON *eq = cJSON_GetObjectItemCaseSensitive(m, "equals");
		const cJSON *in = cJSON_GetObjectItemCaseSensitive(m, "in");
		const cJSON *set = cJSON_GetObjectItemCaseSensitive(m, "set");
		char g[FIELD_CAP];
		sub(g, f, "name");
		if (check_text(c, name, g) != TP_OK)
			return TP_ERR_INVALID;
		if ((eq != NULL) + (in != NULL) + (set != NULL) != 1)
			return bad(c, f, "%s", "needs one of \"equals\", \"in\" and \"set\"");
		sub(g, f, eq ? "equals" : in ? "in" : "set");
		if (eq && !cJSON_IsString(eq))
			return bad(c, g, "%s", "must be a string");
		if (in && (!cJSON_IsArray(in) || !in->child))
			return bad(c, g, "%s", "must be a non-empty list of strings");
		for (const cJSON *e = in ? in->child : NULL; e; e = e->next)
			if (!cJSON_IsString(e))
				return bad(c, g, "%s", "must be a non-empty list of strings");
		if (set && !cJSON_IsBool(set))
			return bad(c, g, "%s", "must be true or false");
		return TP_OK;
	}
	return bad(c, f, "%s", "is not a condition (all, any, not, stage, score_at_least, score_below, "
	                       "fit_at_least, tag, consent, seen, field)");
}

static tp_status check_label(checker *c, const cJSON *v, const char *field)
{
	if (cJSON_IsString(v))
		for (const cJSON *s = c->steps->child; s; s = s->next) {
			const cJSON *id = cJSON_GetObjectItemCaseSensitive(s, "id");
			if (cJSON_IsString(id) && !strcmp(id->valuestring, v->valuestring))
				return TP_OK;
		}
	return bad(c, field, "%s", "names no step (a step's \"id\")");
}

static tp_status check_template_name(checker *c, const cJSON *v, const char *field)
{
	if (cJSON_IsString(v) && cJSON_GetObjectItemCaseSensitive(c->templates, v->valuestring))
		return TP_OK;
	return bad(c, field, "%s", "names no template of this workflow's \"templates\"");
}

static tp_status check_wait(checker *c, const cJSON *w, const char *field)
{
	char f[FIELD_CAP];
	if (!cJSON_IsObject(w) || !w->child)
		return bad(c, field, "%s", "must be {\"days\"|\"hours\"|\"minutes\": N} or "
		                           "{\"until\": {\"weekday\", \"hour\"}}");
	for (const cJSON *m = w->child; m; m = m->next) {
		sub(f, field, m->string);
		if (!strcmp(m->string, "days") || !strcmp(m->string, "hours") ||
		    !strcmp(m->string, "minutes")) {
			if (check_number(c, m, f, 0, 3650.0 * 24 * 60) != TP_OK)
				return TP_ERR_INVALID;
		} else if (!strcmp(m->string, "until")) {
			const cJSON *wd = cJSON_GetObjectItemCaseSensitive(m, "weekday");
			const cJSON *hour = cJSON_GetObjectItemCaseSensitive(m, "hour");
			char g[FIELD_CAP];
			sub(g, f, "hour");
			if (!cJSON_IsObject(m) || check_number(c, hour, g, 0, 23) != TP_OK)
				return TP_ERR_INVALID;
			sub(g, f, "weekday");
			static const char *const days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat",
			                                   "weekday", "any"};
			int ok = !wd;
			for (size_t i = 0; wd && cJSON_IsString(wd) && i < sizeof days / sizeof *days; i++)
				ok |= !strcmp(wd->valuestring, days[i]);
			if (!ok)
				return bad(c, g, "%s", "must be sun, mon, ..., sat, weekday or any");
		} else {
			return bad(c, f, "%s", "is not a kind of wait (days, hours, minutes, until)");
		}
	}
	return TP_OK;
}

static tp_status check_step(checker *c, const cJSON *step, int i)
{
	char f[256], g[300];
	item(f, "steps", i);
	if (!cJSON_IsObject(step))
		return bad(c, f, "%s", "must be an object");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(step, "id");
	if (id && !(cJSON_IsString(id) && is_name(id->valuestring))) {
		sub(g, f, "id");
		return bad(c, g, "%s", "must be a name of letters, digits, - and _");
	}
	const cJSON *a = tp__flow_action(step);
	if (!a)
		return bad(c, f, "%s", "needs exactly one action besides its \"id\"");
	const char *k = a->string;
	sub(g, f, k);
	if (!strcmp(k, "wait"))
		return check_wait(c, a, g);
	if (!strcmp(k, "if")) {
		/* "if" is the branch: its object holds the condition and where to go. */
		const cJSON *cond = cJSON_GetObjectItemCaseSensitive(a, "when");
		const cJSON *then = cJSON_GetObjectItemCaseSensitive(a, "then");
		const cJSON *otherwise = cJSON_GetObjectItemCaseSensitive(a, "else");
		char h[FIELD_CAP];
		sub(h, g, "when");
		if (!cond)
			return bad(c, h, "%s", "is missing: the condition to test");
		tp_status rc = check_cond(c, cond, h, 0);
		if (rc != TP_OK)
			return rc;
		if (!then && !otherwise)
			return bad(c, g, "%s", "needs \"then\" or \"else\": the step to go to");
		sub(h, g, "then");
		if (then && check_label(c, then, h) != TP_OK)
			return TP_ERR_INVALID;
		sub(h, g, "else");
		if (otherwise && check_label(c, otherwise, h) != TP_OK)
			return TP_ERR_INVALID;
		return TP_OK;
	}
	if (!strcmp(k, "goto"))
		return check_label(c, a, g);
	if (!strcmp(k, "send_email") || !strcmp(k, "notify_owner"))
		return check_template_name(c, a, g);
	if (!strcmp(k, "tag") || !strcmp(k, "untag"))
		return check_text(c, a, g);
	if (!strcmp(k, "assign_owner"))
		return check_text(c, a, g);   /* an owner, or "rules" */
	if (!strcmp(k, "stop"))
		return cJSON_IsString(a) || cJSON_IsTrue(a)
		           ? TP_OK
		           : bad(c, g, "%s", "must be true or a reason");
	if (!strcmp(k, "set_field")) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(a, "name");
		const cJSON *value = cJSON_GetObjectItemCaseSensitive(a, "value");
		char h[FIELD_CAP];
		sub(h, g, "name");
		if (check_text(c, name, h) != TP_OK)
			return TP_ERR_INVALID;
		sub(h, g, "value");
		if (!cJSON_IsString(value) && !cJSON_IsNull(value))
			return bad(c, h, "%s", "must be a string (null removes the field)");
		return TP_OK;
	}
	if (!strcmp(k, "stage")) {
		const cJSON *to = cJSON_GetObjectItemCaseSensitive(a, "to");
		char h[FIELD_CAP];
		sub(h, g, "to");
		tp_stage st;
		if (!cJSON_IsString(to) || tp_stage_from_name(to->valuestring, &st) != 0)
			return bad(c, h, "%s", "must be a stage name");
		const cJSON *reason = cJSON_GetObjectItemCaseSensitive(a, "reason");
		sub(h, g, "reason");
		if (reason && check_text(c, reason, h) != TP_OK)
			return TP_ERR_INVALID;
		return TP_OK;
	}
	if (!strcmp(k, "webhook")) {
		const cJSON *url = cJSON_GetObjectItemCaseSensitive(a, "url");
		char h[FIELD_CAP];
		sub(h, g, "url");
		if (!cJSON_IsString(url) || (strncmp(url->valuestring, "https://", 8) != 0 &&
		                             strncmp(url->valuestring, "http://", 7) != 0))
			return bad(c, h, "%s", "must be an http:// or https:// URL");
		return TP_OK;
	}
	return bad(c, g, "%s", "is not an action (wait, if, goto, send_email, notify_owner, "
	                       "set_field, tag, untag, stage, assign_owner, webhook, stop)");
}

/* {"field": NAME, "days_before": N} or "days_after": N: a custom field
 * holding an ISO 8601 date. */
static tp_status check_date_trigger(checker *c, const cJSON *d, const char *f)
{
	if (!cJSON_IsObject(d))
		return bad(c, f, "%s", "must be {\"field\": NAME, \"days_before\" or \"days_after\": N}");
	char g[FIELD_CAP];
	int offsets = 0;
	for (const cJSON *m = d->child; m; m = m->next) {
		sub(g, f, m->string);
		if (!strcmp(m->string, "field")) {
			if (check_text(c, m, g) != TP_OK)
				return TP_ERR_INVALID;
		} else if (!strcmp(m->string, "days_before") || !strcmp(m->string, "days_after")) {
			if (offsets++ || check_number(c, m, g, 0, 3650) != TP_OK)
				return offsets > 1 ? bad(c, g, "%s", "days_before and days_after exclude each other")
				                   : TP_ERR_INVALID;
		} else {
			return bad(c, g, "%s", "is not a member of a date trigger (field, days_before, days_after)");
		}
	}
	sub(g, f, "field");
	return cJSON_GetObjectItemCaseSensitive(d, "field") ? TP_OK
	                                                    : bad(c, g, "%s", "is missing: the custom field holding the date");
}

static tp_status check_trigger(checker *c, const cJSON *t)
{
	const cJSON *m = only_member(t);
	if (!m)
		return bad(c, "trigger", "%s", "must be an object with one trigger (event, touch, form, "
		                               "stage, score_at_least, segment, date)");
	char f[FIELD_CAP];
	sub(f, "trigger", m->string);
	const char *k = m->string;
	tp_touch touch;
	if (!strcmp(k, "event") || !strcmp(k, "form"))
		return check_text(c, m, f);
	if (!strcmp(k, "touch"))
		return cJSON_IsString(m) && tp_touch_from_name(m->valuestring, &touch) == 0
		           ? TP_OK
		           : bad(c, f, "%s", "is not a touch type (docs/EVENTS.md)");
	if (!strcmp(k, "stage"))
		return check_stage(c, m, f);
	if (!strcmp(k, "score_at_least"))
		return check_number(c, m, f, 0, 100);
	if (!strcmp(k, "segment"))
		return check_cond(c, m, f, 0);
	if (!strcmp(k, "date"))
		return check_date_trigger(c, m, f);
	return bad(c, f, "%s",
	           "is not a trigger (event, touch, form, stage, score_at_least, segment, date)");
}

static tp_status check_templates(checker *c, const cJSON *t)
{
	if (!t)
		return TP_OK;
	if (!cJSON_IsObject(t))
		return bad(c, "templates", "%s", "must be an object of templates by name");
	for (const cJSON *e = t->child; e; e = e->next) {
		char f[FIELD_CAP];
		sub(f, "templates", e->string);
		if (!is_name(e->string))
			return bad(c, f, "%s", "is not a name of letters, digits, - and _");
		if (!cJSON_IsObject(e))
			return bad(c, f, "%s", "must be {\"subject\", \"text\", \"html\"}");
		for (const cJSON *m = e->child; m; m = m->next) {
			char g[FIELD_CAP];
			sub(g, f, m->string);
			if (strcmp(m->string, "subject") && strcmp(m->string, "text") &&
			    strcmp(m->string, "html"))
				return bad(c, g, "%s", "is not a part of a template (subject, text, html)");
			if (!cJSON_IsString(m) || strlen(m->valuestring) > MAX_TEMPLATE_BYTES)
				return bad(c, g, "%s", "must be a string of at most 64 KiB");
		}
		const cJSON *subject = cJSON_GetObjectItemCaseSensitive(e, "subject");
		if (!subject || !subject->valuestring[0] || strpbrk(subject->valuestring, "\r\n"))
			return bad(c, f, "%s", "needs a \"subject\" of one line");
		if (!cJSON_GetObjectItemCaseSensitive(e, "text"))
			return bad(c, f, "%s", "needs a \"text\" part (the \"html\" part is optional)");
	}
	return TP_OK;
}

static tp_status check_exit(checker *c, const cJSON *e)
{
	if (!e)
		return TP_OK;
	if (!cJSON_IsObject(e))
		return bad(c, "exit", "%s", "must be {\"stage\": ..., \"when\": condition}");
	for (const cJSON *m = e->child; m; m = m->next) {
		char f[FIELD_CAP];
		sub(f, "exit", m->string);
		tp_status rc;
		if (!strcmp(m->string, "stage"))
			rc = check_stage(c, m, f);
		else if (!strcmp(m->string, "when"))
			rc = check_cond(c, m, f, 0);
		else
			rc = bad(c, f, "%s", "is not an exit rule (stage, when)");
		if (rc != TP_OK)
			return rc;
	}
	return TP_OK;
}

const cJSON *tp__flow_action(const cJSON *step)
{
	const cJSON *action = NULL;
	for (const cJSON *m = step ? step->child : NULL; m; m = m->next) {
		if (!strcmp(m->string, "id"))
			continue;
		if (action)
			return NULL;
		action = m;
	}
	return action;
}

int tp__flow_label(const tp_flow *f, const char *id)
{
	int i = 0;
	for (const cJSON *s = f->steps->child; s; s = s->next, i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(s, "id");
		if (cJSON_IsString(v) && !strcmp(v->valuestring, id))
			return i;
	}
	return -1;
}

void tp__flow_free(tp_flow *f)
{
	if (!f)
		return;
	cJSON_Delete(f->root);
	free(f->name);
	free(f);
}

tp_status tp__flow_parse(tp_ctx *ctx, const char *json, size_t len, tp_flow **out)
{
	*out = NULL;
	if (len > MAX_WORKFLOW_BYTES)
		return tp_ctx_fail(ctx, TP_ERR_TOO_BIG, NULL, "a workflow is at most %d bytes",
		                   MAX_WORKFLOW_BYTES);
	cJSON *root = cJSON_ParseWithLength(json, len);
	if (!root)
		return tp_ctx_fail(ctx, TP_ERR_PARSE, NULL, "a workflow is a JSON object; this is not JSON");
	checker c = {ctx, NULL, NULL};
	tp_status rc = TP_OK;
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "name");
	const cJSON *enrol = cJSON_GetObjectItemCaseSensitive(root, "enrol");
	c.steps = cJSON_GetObjectItemCaseSensitive(root, "steps");
	c.templates = cJSON_GetObjectItemCaseSensitive(root, "templates");
	int again = 0;
	if (!cJSON_IsObject(root)) {
		rc = bad(&c, NULL, "%s", "a workflow is a JSON object");
		goto done;
	}
	for (const cJSON *m = root->child; m; m = m->next) {
		static const char *const known[] = {"name", "description", "enabled", "trigger",
		                                    "enrol", "exit", "steps", "templates"};
		int ok = 0;
		for (size_t i = 0; i < sizeof known / sizeof *known; i++)
			ok |= !strcmp(m->string, known[i]);
		if (!ok) {
			rc = bad(&c, m->string, "%s", "is not a part of a workflow (name, description, "
			                               "enabled, trigger, enrol, exit, steps, templates)");
			goto done;
		}
	}
	if (!cJSON_IsString(name) || !is_name(name->valuestring)) {
		rc = bad(&c, "name", "%s", "must be a name of letters, digits, - and _ (at most 64)");
		goto done;
	}
	if (cJSON_GetObjectItemCaseSensitive(root, "enabled") &&
	    !cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(root, "enabled"))) {
		rc = bad(&c, "enabled", "%s", "must be true or false");
		goto done;
	}
	if (!cJSON_IsArray(c.steps) || !c.steps->child || cJSON_GetArraySize(c.steps) > MAX_STEPS) {
		rc = bad(&c, "steps", "%s", "must be a list of 1 to 200 steps");
		goto done;
	}
	if (enrol && !(cJSON_IsString(enrol) && !strcmp(enrol->valuestring, "once"))) {
		const cJSON *days = cJSON_GetObjectItemCaseSensitive(enrol, "again_after_days");
		if (!cJSON_IsObject(enrol) || !days || enrol->child->next) {
			rc = bad(&c, "enrol", "%s", "must be \"once\" or {\"again_after_days\": N}");
			goto done;
		}
		if ((rc = check_number(&c, days, "enrol.again_after_days", 1, 3650)) != TP_OK)
			goto done;
		again = (int)days->valuedouble;
	}
	if ((rc = check_templates(&c, c.templates)) != TP_OK ||
	    (rc = check_trigger(&c, cJSON_GetObjectItemCaseSensitive(root, "trigger"))) != TP_OK ||
	    (rc = check_exit(&c, cJSON_GetObjectItemCaseSensitive(root, "exit"))) != TP_OK)
		goto done;
	int i = 0;
	for (const cJSON *s = c.steps->child; s; s = s->next, i++) {
		if ((rc = check_step(&c, s, i)) != TP_OK)
			goto done;
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(s, "id");
		for (const cJSON *t = c.steps->child; id && t != s; t = t->next) {
			const cJSON *other = cJSON_GetObjectItemCaseSensitive(t, "id");
			if (cJSON_IsString(other) && !strcmp(other->valuestring, id->valuestring)) {
				char f[FIELD_CAP];
				sub(item(f, "steps", i), f, "id");
				rc = bad(&c, f, "%s", "is the id of an earlier step too");
				goto done;
			}
		}
	}
	tp_flow *f = calloc(1, sizeof *f);
	if (!f || !(f->name = strdup(name->valuestring))) {
		free(f);
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
		goto done;
	}
	f->root = root;
	f->trigger = cJSON_GetObjectItemCaseSensitive(root, "trigger");
	f->steps = c.steps;
	f->templates = c.templates;
	f->exit = cJSON_GetObjectItemCaseSensitive(root, "exit");
	f->n_steps = cJSON_GetArraySize(c.steps);
	f->again_after_days = again;
	*out = f;
	return TP_OK;
done:
	cJSON_Delete(root);
	return rc;
}

tp_status tp_workflow_check(tp_ctx *ctx, const char *json, size_t len)
{
	tp_flow *f;
	tp_status rc = tp__flow_parse(ctx, json, len, &f);
	tp__flow_free(f);
	return rc;
}

tp_status tp_workflow_load(tp_ctx *ctx, tp_store *s, const char *json, size_t len, char **name)
{
	if (name)
		*name = NULL;
	if (!s->ops->workflow_put)
		return tp_ctx_fail(ctx, TP_ERR_UNSUPPORTED, NULL, "the %s store keeps no workflows",
		                   s->ops->name);
	tp_flow *f;
	tp_status rc = tp__flow_parse(ctx, json, len, &f);
	if (rc != TP_OK)
		return rc;
	/* Stored as given, minus white space: what `nurture show` prints back. */
	char *text = cJSON_PrintUnformatted(f->root);
	const cJSON *enabled = cJSON_GetObjectItemCaseSensitive(f->root, "enabled");
	tp_workflow_row row = {.name = f->name,
	                       .definition = text,
	                       .enabled = !cJSON_IsFalse(enabled),
	                       .loaded_at = tp_ctx_now(ctx)};
	if (!text)
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	else
		rc = s->ops->workflow_put(s, ctx, &row);
	if (rc == TP_OK && name && !(*name = strdup(f->name)))
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	free(text);
	tp__flow_free(f);
	return rc;
}
