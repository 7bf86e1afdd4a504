/* What people read of nurturing: each workflow with its runs counted by
 * state, and where one contact is in each workflow, with its history. */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

#include "nurture/nurture_int.h"
#include "touchpoint/touchpoint.h"

typedef struct names {
	cJSON *by_id;   /* {"<id>": "name"} */
} names;

static int add_name(void *user, const tp_workflow_row *w)
{
	names *n = user;
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)w->id);
	cJSON_AddStringToObject(n->by_id, id, w->name);
	return 0;
}

typedef struct run_list {
	tp_ctx *ctx;
	tp_store *s;
	cJSON *runs, *workflows;
	tp_run_row *rows;
	size_t n, cap;
	int nomem;
} run_list;

static int collect_run(void *user, const tp_run_row *r)
{
	run_list *l = user;
	if (tp__grow((void **)&l->rows, &l->cap, l->n + 1, sizeof *l->rows) != 0) {
		l->nomem = 1;
		return 1;
	}
	l->rows[l->n] = *r;
	/* Borrowed strings: kept as JSON right away. */
	cJSON *j = cJSON_CreateObject();
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)r->workflow_id);
	cJSON_AddNumberToObject(j, "run_id", (double)r->id);
	tp_json_add_str(j, "workflow", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(l->workflows, id)));
	cJSON_AddNumberToObject(j, "contact_id", (double)r->contact_id);
	tp_json_add_str(j, "state", r->state);
	cJSON_AddNumberToObject(j, "next_step", r->step);
	cJSON_AddItemToObject(j, "due_at", tp_json_time(r->due_at));
	cJSON_AddItemToObject(j, "enrolled_at", tp_json_time(r->enrolled_at));
	cJSON_AddItemToObject(j, "updated_at", tp_json_time(r->updated_at));
	tp_json_add_str(j, "why", r->note);
	cJSON_AddItemToArray(l->runs, j);
	l->n++;
	return 0;
}

static int add_log(void *user, const tp_run_log_row *r)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "at", tp_json_time(r->at));
	if (r->step >= 0)
		cJSON_AddNumberToObject(j, "step", r->step);
	else
		cJSON_AddNullToObject(j, "step");
	tp_json_add_str(j, "what", r->what);
	cJSON_AddItemToArray(user, j);
	return 0;
}

static tp_status load_names(tp_ctx *ctx, tp_store *s, cJSON **out)
{
	if (!s->ops->workflows_list)
		return tp_ctx_fail(ctx, TP_ERR_UNSUPPORTED, NULL, "the %s store keeps no workflows",
		                   s->ops->name);
	names n = {cJSON_CreateObject()};
	tp_status rc = s->ops->workflows_list(s, ctx, add_name, &n);
	if (rc != TP_OK)
		cJSON_Delete(n.by_id);
	else
		*out = n.by_id;
	return rc;
}

tp_status tp_nurture_status(tp_ctx *ctx, tp_store *s, int64_t contact_id, cJSON **out)
{
	*out = NULL;
	run_list l = {ctx, s, cJSON_CreateArray(), NULL, NULL, 0, 0, 0};
	tp_status rc = load_names(ctx, s, &l.workflows);
	if (rc == TP_OK)
		rc = s->ops->runs_of_contact(s, ctx, contact_id, collect_run, &l);
	if (rc == TP_OK && l.nomem)
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	cJSON *run = l.runs ? l.runs->child : NULL;
	for (size_t i = 0; rc == TP_OK && i < l.n; i++, run = run->next)
		rc = s->ops->run_logs(s, ctx, l.rows[i].id, add_log,
		                      cJSON_AddArrayToObject(run, "history"));
	if (rc == TP_OK) {
		*out = cJSON_CreateObject();
		cJSON_AddNumberToObject(*out, "contact_id", (double)contact_id);
		cJSON_AddItemToObject(*out, "runs", l.runs);
		l.runs = NULL;
	}
	cJSON_Delete(l.runs);
	cJSON_Delete(l.workflows);
	free(l.rows);
	return rc;
}

typedef struct counting {
	cJSON *by_id;   /* {"<workflow id>": {"active": n, ...}} */
} counting;

static int count_run(void *user, const tp_run_row *r)
{
	counting *c = user;
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)r->workflow_id);
	cJSON *w = cJSON_GetObjectItemCaseSensitive(c->by_id, id);
	if (!w)
		w = cJSON_AddObjectToObject(c->by_id, id);
	cJSON *n = cJSON_GetObjectItemCaseSensitive(w, r->state);
	if (n)
		cJSON_SetNumberValue(n, n->valuedouble + 1);
	else
		cJSON_AddNumberToObject(w, r->state, 1);
	return 0;
}

typedef struct flow_rows {
	cJSON *list, *counts;
} flow_rows;

static int add_flow(void *user, const tp_workflow_row *w)
{
	flow_rows *f = user;
	cJSON *j = cJSON_CreateObject(), *def = cJSON_Parse(w->definition);
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)w->id);
	cJSON_AddNumberToObject(j, "id", (double)w->id);
	tp_json_add_str(j, "name", w->name);
	cJSON_AddBoolToObject(j, "enabled", w->enabled);
	tp_json_add_str(j, "description", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(def, "description")));
	cJSON *trigger = cJSON_DetachItemFromObjectCaseSensitive(def, "trigger");
	cJSON_AddItemToObject(j, "trigger", trigger ? trigger : cJSON_CreateNull());
	cJSON_AddNumberToObject(j, "steps", cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(def, "steps")));
	cJSON_AddItemToObject(j, "loaded_at", tp_json_time(w->loaded_at));
	cJSON *runs = cJSON_DetachItemFromObjectCaseSensitive(f->counts, id);
	cJSON_AddItemToObject(j, "runs", runs ? runs : cJSON_CreateObject());
	cJSON_AddItemToArray(f->list, j);
	cJSON_Delete(def);
	return 0;
}

tp_status tp_nurture_list(tp_ctx *ctx, tp_store *s, cJSON **out)
{
	*out = NULL;
	if (!s->ops->workflows_list)
		return tp_ctx_fail(ctx, TP_ERR_UNSUPPORTED, NULL, "the %s store keeps no workflows",
		                   s->ops->name);
	counting c = {cJSON_CreateObject()};
	flow_rows f = {cJSON_CreateArray(), c.by_id};
	tp_status rc = s->ops->runs_of_contact(s, ctx, 0, count_run, &c);
	if (rc == TP_OK)
		rc = s->ops->workflows_list(s, ctx, add_flow, &f);
	cJSON_Delete(c.by_id);
	if (rc == TP_OK)
		*out = f.list;
	else
		cJSON_Delete(f.list);
	return rc;
}
