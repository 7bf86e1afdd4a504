/* touchpoint forms: configure the landing-page forms the server takes. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

typedef struct form_list {
	tp_ctx *ctx;
	tp_store *store;
	tp_table *table;
	cJSON *json;
	tp_status rc;
} form_list;

static void add_form(void *user, const char *name)
{
	form_list *l = user;
	tp_form_config f;
	if (l->rc != TP_OK || (l->rc = tp_form_config_get(l->ctx, l->store, name, &f)) != TP_OK)
		return;
	if (l->json) {
		cJSON *o = cJSON_CreateObject();
		tp_json_add_str(o, "name", f.name);
		cJSON *r = cJSON_AddArrayToObject(o, "redirects");
		for (size_t i = 0; i < f.n_redirects; i++)
			cJSON_AddItemToArray(r, cJSON_CreateString(f.redirects[i]));
		tp_json_add_str(o, "consent_field", f.consent_field[0] ? f.consent_field : NULL);
		tp_json_add_str(o, "honeypot_field", f.honeypot_field[0] ? f.honeypot_field : NULL);
		cJSON_AddItemToArray(l->json, o);
	} else {
		char redirects[1024] = "";
		size_t used = 0;
		for (size_t i = 0; i < f.n_redirects && used < sizeof redirects; i++)
			used += (size_t)snprintf(redirects + used, sizeof redirects - used, "%s%s",
			                         i ? " " : "", f.redirects[i]);
		const char *row[] = {f.name, redirects[0] ? redirects : "(answers JSON)",
		                     f.consent_field, f.honeypot_field};
		tp_table_add(l->table, row);
	}
	tp_form_config_free(&f);
}

static int list_forms(tp_ctx *ctx, tp_store *s, int json)
{
	form_list l = {ctx, s, NULL, NULL, TP_OK};
	if (json) {
		l.json = cJSON_CreateArray();
	} else {
		l.table = tp_table_new(4);
		const char *head[] = {"FORM", "REDIRECTS", "CONSENT FIELD", "HONEYPOT"};
		tp_table_add(l.table, head);
	}
	tp_status st = tp_form_names(ctx, s, add_form, &l);
	if (st == TP_OK)
		st = l.rc;
	if (st == TP_OK && json)
		tp_json_print(l.json, stdout), l.json = NULL;   /* it frees the tree */
	else if (st == TP_OK)
		tp_table_print(l.table, stdout);
	cJSON_Delete(l.json);
	tp_table_free(l.table);
	return st == TP_OK ? EXIT_OK : cli_fail(ctx, st);
}

static int set_form(tp_ctx *ctx, tp_store *s, const cli_opts *o)
{
	tp_form_config f = {.n_redirects = 0};
	snprintf(f.name, sizeof f.name, "%s", o->args[1]);
	snprintf(f.consent_field, sizeof f.consent_field, "%s", o->consent_field ? o->consent_field : "");
	snprintf(f.honeypot_field, sizeof f.honeypot_field, "%s", o->honeypot ? o->honeypot : "");
	char *list = o->redirect ? strdup(o->redirect) : NULL, *save = NULL;
	for (char *u = list ? strtok_r(list, ",", &save) : NULL; u; u = strtok_r(NULL, ",", &save)) {
		if (f.n_redirects == TP_FORM_MAX_REDIRECTS) {
			free(list);
			return cli_usage("forms", "at most %d redirect URLs", TP_FORM_MAX_REDIRECTS);
		}
		f.redirects[f.n_redirects++] = u;
	}
	tp_status st = s->ops->begin(s, ctx);
	if (st == TP_OK && (st = tp_form_config_set(ctx, s, &f)) == TP_OK)
		st = s->ops->commit(s, ctx);
	if (st != TP_OK)
		tp_store_rollback_quiet(s);
	else
		printf("form %s: POST it to /v1/forms/%s?writeKey=KEY; %s\n", f.name, f.name,
		       f.n_redirects ? "visitors go to its redirect after" : "it answers JSON");
	free(list);
	return st == TP_OK ? EXIT_OK : cli_fail(ctx, st);
}

int cmd_forms(tp_ctx *ctx, int argc, char **argv)
{
	cli_opts o;
	int rc = cli_parse("forms", argc, argv, "db workspace json redirect consent-field honeypot", &o);
	if (rc)
		return rc;
	const char *verb = o.nargs ? o.args[0] : "list";
	int list = strcmp(verb, "list") == 0;
	if (!list && strcmp(verb, "set") != 0)
		rc = cli_usage("forms", "unknown verb \"%s\"", verb);
	else if (list ? o.nargs > 1 : o.nargs != 2)
		rc = cli_usage("forms", list ? "list takes no argument" : "set needs a form NAME");
	if (rc) {
		cli_opts_free(&o);
		return rc;
	}
	tp_store *s = cli_open(ctx, o.db, o.workspace);
	rc = !s ? EXIT_FAILED : list ? list_forms(ctx, s, o.json) : set_form(ctx, s, &o);
	tp_store_close(s);
	cli_opts_free(&o);
	return rc;
}
