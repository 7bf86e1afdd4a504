/* touchpoint keys: create, list and revoke the API keys of a workspace. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

typedef struct key_list {
	tp_table *table;
	cJSON *json;
} key_list;

static int add_key(void *user, const tp_api_key_row *r)
{
	key_list *l = user;
	char id[24], created[25], revoked[25] = "";
	snprintf(id, sizeof id, "%lld", (long long)r->id);
	tp_time_format(r->created_at, created);
	if (r->revoked_at)
		tp_time_format(r->revoked_at, revoked);
	if (l->json) {
		cJSON *k = cJSON_CreateObject();
		cJSON_AddNumberToObject(k, "id", (double)r->id);
		tp_json_add_str(k, "kind", tp_api_key_kind_name(r->kind));
		tp_json_add_str(k, "prefix", r->prefix);
		tp_json_add_str(k, "label", r->label);
		cJSON_AddItemToObject(k, "created_at", tp_json_time(r->created_at));
		cJSON_AddItemToObject(k, "revoked_at", r->revoked_at ? tp_json_time(r->revoked_at)
		                                                     : cJSON_CreateNull());
		cJSON_AddItemToArray(l->json, k);
		return 0;
	}
	char prefix[TP_API_KEY_PREFIX_LEN + 4];
	snprintf(prefix, sizeof prefix, "%s...", r->prefix);
	const char *row[] = {id, tp_api_key_kind_name(r->kind), prefix, r->label ? r->label : "",
	                     created, r->revoked_at ? revoked : "in use"};
	tp_table_add(l->table, row);
	return 0;
}

static int list_keys(tp_ctx *ctx, tp_store *s, int json)
{
	key_list l = {0};
	if (json)
		l.json = cJSON_CreateArray();
	else {
		l.table = tp_table_new(6);
		const char *head[] = {"ID", "KIND", "KEY", "LABEL", "CREATED", "REVOKED"};
		tp_table_add(l.table, head);
	}
	tp_status st = s->ops->keys_list(s, ctx, add_key, &l);
	if (st == TP_OK && json)
		tp_json_print(l.json, stdout), l.json = NULL;   /* it frees the tree */
	else if (st == TP_OK)
		tp_table_print(l.table, stdout);
	cJSON_Delete(l.json);
	tp_table_free(l.table);
	return st == TP_OK ? EXIT_OK : cli_fail(ctx, st);
}

/* Writes inside one transaction: the key row, or the revocation. */
static int change(tp_ctx *ctx, tp_store *s, const cli_opts *o, const char *verb)
{
	tp_status st = s->ops->begin(s, ctx);
	if (st != TP_OK)
		return cli_fail(ctx, st);
	if (strcmp(verb, "create") == 0) {
		tp_api_key_kind kind;
		if (!tp_api_key_kind_from_name(o->args[1], &kind)) {
			tp_store_rollback_quiet(s);
			return cli_usage("keys", "\"%s\" is not a key kind (write, secret)", o->args[1]);
		}
		char key[TP_API_KEY_MAX];
		if ((st = tp_api_key_create(ctx, s, kind, o->label, key, NULL)) != TP_OK ||
		    (st = s->ops->commit(s, ctx)) != TP_OK) {
			tp_store_rollback_quiet(s);
			return cli_fail(ctx, st);
		}
		/* The key alone on stdout, for scripts; the advice on stderr. */
		puts(key);
		fprintf(stderr, "touchpoint: %s key for workspace %s created; it is shown only this once\n",
		        o->args[1], s->workspace);
		return EXIT_OK;
	}
	char *end;
	long long id = strtoll(o->args[1], &end, 10);
	if (*end || id <= 0) {
		tp_store_rollback_quiet(s);
		return cli_usage("keys", "revoke needs a key ID (see keys list), not \"%s\"", o->args[1]);
	}
	int found;
	if ((st = s->ops->key_revoke(s, ctx, id, tp_ctx_now(ctx), &found)) != TP_OK ||
	    (st = s->ops->commit(s, ctx)) != TP_OK) {
		tp_store_rollback_quiet(s);
		return cli_fail(ctx, st);
	}
	if (!found) {
		fprintf(stderr, "touchpoint: workspace %s has no key %lld in use\n", s->workspace, id);
		return EXIT_FAILED;
	}
	printf("key %lld revoked: requests with it now get 401\n", id);
	return EXIT_OK;
}

int cmd_keys(tp_ctx *ctx, int argc, char **argv)
{
	cli_opts o;
	int rc = cli_parse("keys", argc, argv, "db workspace json label", &o);
	if (rc)
		return rc;
	const char *verb = o.nargs ? o.args[0] : "list";
	int list = strcmp(verb, "list") == 0;
	if (!list && strcmp(verb, "create") != 0 && strcmp(verb, "revoke") != 0)
		rc = cli_usage("keys", "unknown verb \"%s\"", verb);
	else if (list ? o.nargs > 1 : o.nargs != 2)
		rc = cli_usage("keys", list ? "list takes no argument"
		                            : strcmp(verb, "create") == 0 ? "create needs write|secret"
		                                                          : "revoke needs a key ID");
	if (rc) {
		cli_opts_free(&o);
		return rc;
	}
	tp_store *s = cli_open(ctx, o.db, o.workspace);
	if (!s)
		rc = EXIT_FAILED;
	else
		rc = list ? list_keys(ctx, s, o.json) : change(ctx, s, &o, verb);
	tp_store_close(s);
	cli_opts_free(&o);
	return rc;
}
