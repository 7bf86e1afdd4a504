/* touchpoint leads: the lead-ad platforms a workspace takes leads from
 * (their webhook secrets and API tokens), and the leads the server still
 * has to fetch. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const tp_lead_format platforms[] = {TP_LEADS_META, TP_LEADS_LINKEDIN, TP_LEADS_TIKTOK};
#define N_PLATFORMS (sizeof platforms / sizeof platforms[0])

static void copy_if(char *dst, size_t cap, const char *given)
{
	if (given)
		snprintf(dst, cap, "%s", given);
}

/* Changes only what is given: a token can be rotated alone. */
static int set_source(tp_ctx *ctx, tp_store *s, const cli_opts *o)
{
	tp_lead_format f;
	if (!tp_lead_format_from_name(o->args[1], &f) || f == TP_LEADS_GOOGLE)
		return cli_usage("leads", "\"%s\" is not meta, linkedin or tiktok (Google's webhook"
		                 " takes a write key as its key)", o->args[1]);
	tp_lead_source src;
	int found;
	tp_status st = s->ops->begin(s, ctx);
	if (st == TP_OK && (st = tp_lead_source_get(ctx, s, f, &src, &found)) == TP_OK) {
		copy_if(src.app_secret, sizeof src.app_secret, o->app_secret);
		copy_if(src.verify_token, sizeof src.verify_token, o->verify_token);
		copy_if(src.access_token, sizeof src.access_token, o->access_token);
		copy_if(src.api_url, sizeof src.api_url, o->api_url);
		st = tp_lead_source_set(ctx, s, f, &src);
	}
	if (st == TP_OK)
		st = s->ops->commit(s, ctx);
	if (st != TP_OK) {
		tp_store_rollback_quiet(s);
		return cli_fail(ctx, st);
	}
	printf("%s: webhook at /v1/webhooks/%s?writeKey=KEY\n", o->args[1], o->args[1]);
	return EXIT_OK;
}

static const char *shown(const char *secret)
{
	return secret[0] ? "(set)" : "-";
}

static int list_sources(tp_ctx *ctx, tp_store *s, int json)
{
	cJSON *arr = json ? cJSON_CreateArray() : NULL;
	tp_table *t = json ? NULL : tp_table_new(5);
	if (t) {
		const char *head[] = {"PLATFORM", "APP SECRET", "VERIFY TOKEN", "ACCESS TOKEN", "API URL"};
		tp_table_add(t, head);
	}
	tp_status st = TP_OK;
	for (size_t i = 0; i < N_PLATFORMS && st == TP_OK; i++) {
		tp_lead_source src;
		int found;
		if ((st = tp_lead_source_get(ctx, s, platforms[i], &src, &found)) != TP_OK || !found)
			continue;
		const char *name = tp_lead_format_name(platforms[i]);
		const char *api = src.api_url[0] ? src.api_url : tp_lead_api_default(platforms[i]);
		/* Secrets are never printed: only whether they are set. */
		if (arr) {
			cJSON *o = cJSON_CreateObject();
			tp_json_add_str(o, "platform", name);
			cJSON_AddBoolToObject(o, "app_secret_set", src.app_secret[0] != 0);
			cJSON_AddBoolToObject(o, "verify_token_set", src.verify_token[0] != 0);
			cJSON_AddBoolToObject(o, "access_token_set", src.access_token[0] != 0);
			tp_json_add_str(o, "api_url", api);
			cJSON_AddItemToArray(arr, o);
		} else {
			const char *row[] = {name, shown(src.app_secret), shown(src.verify_token),
			                     shown(src.access_token), api};
			tp_table_add(t, row);
		}
	}
	if (st == TP_OK && arr)
		tp_json_print(arr, stdout), arr = NULL;   /* it frees the tree */
	else if (st == TP_OK)
		tp_table_print(t, stdout);
	cJSON_Delete(arr);
	tp_table_free(t);
	return st == TP_OK ? EXIT_OK : cli_fail(ctx, st);
}

typedef struct pending_list {
	cJSON *arr;
	tp_table *t;
} pending_list;

static int add_pending(void *user, const tp_lead_fetch_row *r)
{
	pending_list *l = user;
	char received[25], next[25] = "-", done[25] = "-", attempts[16];
	tp_time_format(r->received_at, received);
	if (r->done_at)
		tp_time_format(r->done_at, done);
	else
		tp_time_format(r->next_at, next);
	snprintf(attempts, sizeof attempts, "%d", r->attempts);
	if (l->arr) {
		cJSON *o = cJSON_CreateObject();
		tp_json_add_str(o, "platform", r->platform);
		tp_json_add_str(o, "lead_id", r->lead_id);
		tp_json_add_str(o, "received_at", received);
		cJSON_AddNumberToObject(o, "attempts", r->attempts);
		tp_json_add_str(o, "next_attempt_at", r->done_at ? NULL : next);
		tp_json_add_str(o, "last_error", r->last_error);
		tp_json_add_str(o, "fetched_at", r->done_at ? done : NULL);
		cJSON_AddItemToArray(l->arr, o);
	} else {
		const char *row[] = {r->platform, r->lead_id, received, attempts,
		                     r->done_at ? done : next, r->last_error ? r->last_error : "-"};
		tp_table_add(l->t, row);
	}
	return 0;
}

static int list_pending(tp_ctx *ctx, tp_store *s, const cli_opts *o)
{
	pending_list l = {o->json ? cJSON_CreateArray() : NULL, o->json ? NULL : tp_table_new(6)};
	if (l.t) {
		const char *head[] = {"PLATFORM", "LEAD", "RECEIVED", "ATTEMPTS",
		                      o->all ? "NEXT / FETCHED" : "NEXT ATTEMPT", "LAST ERROR"};
		tp_table_add(l.t, head);
	}
	tp_status st = s->ops->lead_fetch_list(s, ctx, o->all, add_pending, &l);
	if (st == TP_OK && l.arr)
		tp_json_print(l.arr, stdout), l.arr = NULL;   /* it frees the tree */
	else if (st == TP_OK)
		tp_table_print(l.t, stdout);
	cJSON_Delete(l.arr);
	tp_table_free(l.t);
	return st == TP_OK ? EXIT_OK : cli_fail(ctx, st);
}

int cmd_leads(tp_ctx *ctx, int argc, char **argv)
{
	cli_opts o;
	int rc = cli_parse("leads", argc, argv,
	                   "db workspace json all app-secret verify-token access-token api-url", &o);
	if (rc)
		return rc;
	const char *verb = o.nargs ? o.args[0] : "list";
	int set = strcmp(verb, "set") == 0, list = strcmp(verb, "list") == 0,
	    pending = strcmp(verb, "pending") == 0;
	if (!set && !list && !pending)
		rc = cli_usage("leads", "unknown verb \"%s\"", verb);
	else if (set ? o.nargs != 2 : o.nargs > 1)
		rc = cli_usage("leads", set ? "set needs a platform: meta, linkedin or tiktok"
		                            : "%s takes no argument", verb);
	if (rc) {
		cli_opts_free(&o);
		return rc;
	}
	tp_store *s = cli_open(ctx, o.db, o.workspace);
	rc = !s ? EXIT_FAILED
	     : set ? set_source(ctx, s, &o)
	     : list ? list_sources(ctx, s, o.json)
	     : list_pending(ctx, s, &o);
	tp_store_close(s);
	cli_opts_free(&o);
	return rc;
}
