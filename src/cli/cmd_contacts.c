/* touchpoint contacts list|show|merge|unmerge */
#include <cjson/cJSON.h>
#include <string.h>

#include "cli/cli.h"

typedef struct list_state {
	cli_format fmt;
	tp_table *table;
	long long limit, seen;
} list_state;

static const char *const list_columns[] = {"id", "email", "name", "title", "company", "stage",
	"source_channel", "created_at"};

static int list_row(void *user, const tp_contact *c)
{
	list_state *st = user;
	if (st->limit >= 0 && st->seen >= st->limit)
		return 1;
	st->seen++;
	char id[32], name[512], created[32];
	snprintf(id, sizeof id, "%lld", (long long)c->id);
	cli_full_name(c, name, sizeof name);
	if (st->fmt == FMT_CSV) {
		char iso[25] = "";
		tp_time_format(c->created_at, iso);
		const char *cells[] = {id, c->email, name, c->title, c->company,
			tp_stage_name(c->stage), c->source_channel, iso};
		tp_csv_row(stdout, cells, 8);
		return 0;
	}
	const char *cells[] = {id, c->email ? c->email : c->user_id, name, c->title, c->company,
		tp_stage_name(c->stage), c->source_channel, cli_time(c->created_at, created)};
	tp_table_add(st->table, cells);
	return 0;
}

static int contacts_list(tp_ctx *ctx, tp_store *s, const cli_opts *o)
{
	tp_contact_filter f = {.stage = -1};
	if (o->stage) {
		tp_stage stage;
		if (tp_stage_from_name(o->stage, &stage) != 0)
			return cli_usage("contacts", "\"%s\" is not a stage (visitor, lead, mql, sal, sql,"
			                 " opportunity, customer, disqualified, recycled, churned)", o->stage);
		f.stage = (int)stage;
	}
	list_state st = {cli_format_of(o), NULL, o->limit, 0};
	if (st.fmt == FMT_JSON) {
		cJSON *arr;
		tp_status t = tp_view_contacts(ctx, s, &f, o->limit, &arr, NULL);
		if (t != TP_OK)
			return cli_fail(ctx, t);
		tp_json_print(arr, stdout);
		return EXIT_OK;
	}
	if (st.fmt == FMT_CSV)
		tp_csv_row(stdout, list_columns, 8);
	else {
		st.table = tp_table_new(8);
		tp_table_add(st.table, (const char *const[]){"ID", "EMAIL", "NAME", "TITLE", "COMPANY",
		                                              "STAGE", "FIRST CHANNEL", "CREATED"});
	}
	tp_status rc = s->ops->contacts_list(s, ctx, &f, list_row, &st);
	if (rc != TP_OK) {
		tp_table_free(st.table);
		return cli_fail(ctx, rc);
	}
	if (st.table) {
		tp_table_print(st.table, stdout);
		tp_table_free(st.table);
	}
	return EXIT_OK;
}

static const char *str_of(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(obj, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num_of(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(obj, key);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* The table is drawn from the JSON view, so the two always agree. */
static void show_text(const cJSON *doc)
{
	const char *first = str_of(doc, "first_name"), *last = str_of(doc, "last_name");
	const char *email = str_of(doc, "email"), *user = str_of(doc, "user_id");
	const char *title = str_of(doc, "title"), *company = str_of(doc, "company");
	printf("%s%s%s <%s>  contact %.0f\n", first ? first : "", first && last ? " " : "",
	       last ? last : "", email ? email : user ? user : "", num_of(doc, "id"));
	if (title || company)
		printf("%s%s%s\n", title ? title : "", title && company ? ", " : "",
		       company ? company : "");
	printf("stage %s", str_of(doc, "stage"));
	if (str_of(doc, "source_channel"))
		printf(", first touch via %s", str_of(doc, "source_channel"));
	const cJSON *account = cJSON_GetObjectItem(doc, "account");
	if (cJSON_IsObject(account))
		printf(", account %s (%.0f)", str_of(account, "name") ? str_of(account, "name") : "",
		       num_of(account, "id"));
	if (num_of(doc, "merged_into"))
		printf(", merged into contact %.0f", num_of(doc, "merged_into"));
	putchar('\n');
	const cJSON *m;
	cJSON_ArrayForEach(m, cJSON_GetObjectItem(doc, "merges"))
		printf("merge %.0f: contact %.0f into %.0f by %s (%s)%s\n", num_of(m, "id"),
		       num_of(m, "loser_id"), num_of(m, "winner_id"), str_of(m, "rule"),
		       str_of(m, "detail") ? str_of(m, "detail") : "",
		       str_of(m, "undone_at") ? ", undone" : "");
	cJSON_ArrayForEach(m, cJSON_GetObjectItem(doc, "identity_notes"))
		printf("note: %s: %s\n", str_of(m, "kind"), str_of(m, "detail") ? str_of(m, "detail") : "");
	const cJSON *timeline = cJSON_GetObjectItem(doc, "timeline");
	printf("\n%d touches:\n", cJSON_GetArraySize(timeline));
	tp_table *table = tp_table_new(5);
	tp_table_add(table, (const char *const[]){"WHEN", "TOUCH", "CHANNEL", "CAMPAIGN", "DETAIL"});
	cJSON_ArrayForEach(m, timeline) {
		const char *category = str_of(m, "page_category"), *url = str_of(m, "url");
		const char *detail = str_of(m, "search_term") ? str_of(m, "search_term")
		                   : str_of(m, "asset") ? str_of(m, "asset")
		                   : category && url ? url : str_of(m, "name");
		char what[64], when[32];
		if (category)
			snprintf(what, sizeof what, "%s (%s)", str_of(m, "type"), category);
		else
			snprintf(what, sizeof what, "%s", str_of(m, "type"));
		/* "2026-03-01T10:00:00.000Z" as "2026-03-01 10:00" */
		const char *ts = str_of(m, "ts");
		snprintf(when, sizeof when, "%.10s %.5s", ts ? ts : "", ts && strlen(ts) > 11 ? ts + 11 : "");
		tp_table_add(table, (const char *const[]){when, what, str_of(m, "channel"),
		                                          str_of(m, "campaign"), detail});
	}
	tp_table_print(table, stdout);
	tp_table_free(table);
}

static int contacts_show(tp_ctx *ctx, tp_store *s, const cli_opts *o)
{
	if (o->nargs != 2)
		return cli_usage("contacts", "show needs one EMAIL, ID or USERID");
	tp_identity *id = tp_identity_create(s);
	int64_t cid = 0;
	tp_status t = id ? tp_identity_lookup(id, ctx, o->args[1], &cid) : TP_ERR_NOMEM;
	tp_identity_destroy(id);
	if (t != TP_OK)
		return cli_fail(ctx, t);
	if (!cid) {
		fprintf(stderr, "touchpoint: no contact \"%s\"\n", o->args[1]);
		return EXIT_FAILED;
	}
	cJSON *doc;
	if ((t = tp_view_contact(ctx, s, cid, &doc)) != TP_OK)
		return cli_fail(ctx, t);
	if (o->json) {
		tp_json_print(doc, stdout);
		return EXIT_OK;
	}
	show_text(doc);
	cJSON_Delete(doc);
	return EXIT_OK;
}

static int resolve_arg(tp_ctx *ctx, tp_identity *id, const char *key, int64_t *cid)
{
	tp_status t = tp_identity_lookup(id, ctx, key, cid);
	if (t != TP_OK)
		return cli_fail(ctx, t);
	if (!*cid) {
		fprintf(stderr, "touchpoint: no contact \"%s\"\n", key);
		return EXIT_FAILED;
	}
	return 0;
}

static int contacts_merge(tp_ctx *ctx, tp_store *s, const cli_opts *o, int undo)
{
	if (o->nargs != (undo ? 2 : 3))
		return cli_usage("contacts", undo ? "unmerge needs the CONTACT that was merged"
		                                  : "merge needs WINNER LOSER");
	tp_identity *id = tp_identity_create(s);
	int64_t a = 0, b = 0, n = 0;
	int rc = resolve_arg(ctx, id, o->args[1], &a);
	if (!rc && !undo)
		rc = resolve_arg(ctx, id, o->args[2], &b);
	tp_status t = TP_OK;
	if (!rc)
		t = undo ? tp_contact_unmerge(ctx, s, a, &n) : tp_contact_merge(ctx, s, a, b, o->reason, &n);
	if (!rc && t != TP_OK)
		rc = cli_fail(ctx, t);
	if (!rc && undo)
		printf("contact %lld is its own again: %lld touches moved back\n", (long long)a,
		       (long long)n);
	else if (!rc)
		printf("contact %lld merged into %lld (merge %lld; undo with: touchpoint contacts"
		       " unmerge %lld)\n", (long long)b, (long long)a, (long long)n, (long long)b);
	tp_identity_destroy(id);
	return rc;
}

int cmd_contacts(tp_ctx *ctx, int argc, char **argv)
{
	cli_opts o;
	int rc = cli_parse("contacts", argc, argv, "db workspace stage limit json csv reason", &o);
	if (rc)
		return rc;
	const char *verb = o.nargs ? o.args[0] : "list";
	tp_store *s = NULL;
	if (strcmp(verb, "list") && strcmp(verb, "show") && strcmp(verb, "merge") &&
	    strcmp(verb, "unmerge")) {
		rc = cli_usage("contacts", "unknown verb \"%s\"", verb);
	} else if (!(s = cli_open(ctx, o.db, o.workspace))) {
		rc = EXIT_FAILED;
	} else if (strcmp(verb, "list") == 0) {
		rc = o.nargs > 1 ? cli_usage("contacts", "list takes no arguments")
		                 : contacts_list(ctx, s, &o);
	} else if (strcmp(verb, "show") == 0) {
		rc = contacts_show(ctx, s, &o);
	} else {
		rc = contacts_merge(ctx, s, &o, strcmp(verb, "unmerge") == 0);
	}
	tp_store_close(s);
	cli_opts_free(&o);
	return rc;
}
