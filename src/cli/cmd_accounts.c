/* touchpoint accounts list|show */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"

typedef struct acc_state {
	cli_format fmt;
	tp_table *table;
	cJSON *array;
} acc_state;

static void fmt_employees(int64_t v, char buf[32])
{
	if (v < 0)
		buf[0] = '\0';
	else
		snprintf(buf, 32, "%lld", (long long)v);
}

static int acc_row(void *user, const tp_account *a, int64_t n)
{
	acc_state *st = user;
	if (st->fmt == FMT_JSON) {
		cJSON_AddItemToArray(st->array, tp_json_account(a, n));
		return 0;
	}
	char id[32], emp[32], cnt[32];
	snprintf(id, sizeof id, "%lld", (long long)a->id);
	snprintf(cnt, sizeof cnt, "%lld", (long long)n);
	fmt_employees(a->employees, emp);
	const char *cells[] = {id, a->domain, a->name, a->industry, emp, a->country, cnt};
	if (st->fmt == FMT_CSV)
		tp_csv_row(stdout, cells, 7);
	else
		tp_table_add(st->table, cells);
	return 0;
}

typedef struct find_state {
	const char *key;
	long long id;
	int64_t found_id, n;
	int hit;
} find_state;

/* Lists are scanned for show so that id, domain and group id all work. */
static int find_row(void *user, const tp_account *a, int64_t n)
{
	find_state *f = user;
	int match = (f->id > 0 && a->id == f->id) || (a->domain && strcasecmp(a->domain, f->key) == 0) ||
		    (a->group_id && strcmp(a->group_id, f->key) == 0);
	if (!match)
		return 0;
	f->hit = 1;
	f->n = n;
	f->found_id = a->id;
	return 1;
}

static int accounts_show(tp_ctx *ctx, tp_store *s, const cli_opts *o)
{
	if (o->nargs != 2)
		return cli_usage("accounts", "show needs an account ID, DOMAIN or group id");
	find_state f = {.key = o->args[1]};
	char *end;
	f.id = strtoll(f.key, &end, 10);
	if (*end)
		f.id = 0;
	tp_status t = s->ops->accounts_list(s, ctx, find_row, &f);
	if (t != TP_OK)
		return cli_fail(ctx, t);
	if (!f.hit) {
		fprintf(stderr, "touchpoint: no account \"%s\"\n", f.key);
		return EXIT_FAILED;
	}
	cJSON *j;
	if ((t = tp_view_account(ctx, s, f.found_id, &j)) != TP_OK)
		return cli_fail(ctx, t);
	if (o->json) {
		tp_json_print(j, stdout);
		return EXIT_OK;
	}
	/* The text is drawn from the JSON view, so the two always agree. */
	const char *name = cJSON_GetObjectItem(j, "name")->valuestring;
	cJSON *dom = cJSON_GetObjectItem(j, "domain"), *ind = cJSON_GetObjectItem(j, "industry");
	cJSON *emp = cJSON_GetObjectItem(j, "employees"), *cty = cJSON_GetObjectItem(j, "country");
	printf("%s  account %lld\n", name ? name : "", (long long)f.found_id);
	if (cJSON_IsString(dom))
		printf("domain %s\n", dom->valuestring);
	if (cJSON_IsString(ind))
		printf("industry %s\n", ind->valuestring);
	if (cJSON_IsNumber(emp))
		printf("employees %d\n", emp->valueint);
	if (cJSON_IsString(cty))
		printf("country %s\n", cty->valuestring);
	tp_table *table = tp_table_new(5);
	tp_table_add(table, (const char *const[]){"ID", "EMAIL", "NAME", "TITLE", "STAGE"});
	const cJSON *p, *people = cJSON_GetObjectItem(j, "people");
	cJSON_ArrayForEach(p, people) {
		char id[32], full[512];
		const cJSON *first = cJSON_GetObjectItem(p, "first_name");
		const cJSON *last = cJSON_GetObjectItem(p, "last_name");
		snprintf(id, sizeof id, "%.0f", cJSON_GetObjectItem(p, "id")->valuedouble);
		snprintf(full, sizeof full, "%s%s%s", cJSON_IsString(first) ? first->valuestring : "",
		         cJSON_IsString(first) && cJSON_IsString(last) ? " " : "",
		         cJSON_IsString(last) ? last->valuestring : "");
		tp_table_add(table, (const char *const[]){id, cJSON_GetStringValue(cJSON_GetObjectItem(p, "email")),
		                                          full, cJSON_GetStringValue(cJSON_GetObjectItem(p, "title")),
		                                          cJSON_GetStringValue(cJSON_GetObjectItem(p, "stage"))});
	}
	printf("\n%d people:\n", cJSON_GetArraySize(people));
	tp_table_print(table, stdout);
	tp_table_free(table);
	cJSON_Delete(j);
	return EXIT_OK;
}

int cmd_accounts(tp_ctx *ctx, int argc, char **argv)
{
	cli_opts o;
	int rc = cli_parse("accounts", argc, argv, "db workspace json csv", &o);
	if (rc)
		return rc;
	const char *verb = o.nargs ? o.args[0] : "list";
	tp_store *s = NULL;
	if (strcmp(verb, "list") && strcmp(verb, "show")) {
		rc = cli_usage("accounts", "unknown verb \"%s\"", verb);
	} else if (!(s = cli_open(ctx, o.db, o.workspace))) {
		rc = EXIT_FAILED;
	} else if (strcmp(verb, "show") == 0) {
		rc = accounts_show(ctx, s, &o);
	} else {
		acc_state st = {cli_format_of(&o), NULL, NULL};
		const char *const header[] = {"id", "domain", "name", "industry", "employees",
			"country", "contacts"};
		if (st.fmt == FMT_JSON)
			st.array = cJSON_CreateArray();
		else if (st.fmt == FMT_CSV)
			tp_csv_row(stdout, header, 7);
		else {
			st.table = tp_table_new(7);
			tp_table_add(st.table, (const char *const[]){"ID", "DOMAIN", "NAME", "INDUSTRY",
			                                              "EMPLOYEES", "COUNTRY", "CONTACTS"});
		}
		tp_status t = s->ops->accounts_list(s, ctx, acc_row, &st);
		if (t != TP_OK)
			rc = cli_fail(ctx, t);
		else if (st.array)
			tp_json_print(st.array, stdout), st.array = NULL;
		else if (st.table)
			tp_table_print(st.table, stdout);
		cJSON_Delete(st.array);
		tp_table_free(st.table);
	}
	tp_store_close(s);
	cli_opts_free(&o);
	return rc;
}
