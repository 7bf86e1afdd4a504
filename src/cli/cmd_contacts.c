/* touchpoint contacts list|show|merge|unmerge */
#include <cjson/cJSON.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/json_out.h"

typedef struct list_state {
	cli_format fmt;
	cli_table *table;
	cJSON *array;
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
	if (st->fmt == FMT_JSON) {
		cJSON_AddItemToArray(st->array, json_contact(c));
		return 0;
	}
	char id[32], name[512], created[32];
	snprintf(id, sizeof id, "%lld", (long long)c->id);
	cli_full_name(c, name, sizeof name);
	if (st->fmt == FMT_CSV) {
		char iso[25] = "";
		tp_time_format(c->created_at, iso);
		const char *cells[] = {id, c->email, name, c->title, c->company,
			tp_stage_name(c->stage), c->source_channel, iso};
		cli_csv_row(stdout, cells, 8);
		return 0;
	}
	const char *cells[] = {id, c->email ? c->email : c->user_id, name, c->title, c->company,
		tp_stage_name(c->stage), c->source_channel, cli_time(c->created_at, created)};
	cli_table_add(st->table, cells);
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
	list_state st = {cli_format_of(o), NULL, NULL, o->limit, 0};
	if (st.fmt == FMT_JSON)
		st.array = cJSON_CreateArray();
	else if (st.fmt == FMT_CSV)
		cli_csv_row(stdout, list_columns, 8);
	else {
		st.table = cli_table_new(8);
		cli_table_add(st.table, (const char *const[]){"ID", "EMAIL", "NAME", "TITLE", "COMPANY",
		                                              "STAGE", "FIRST CHANNEL", "CREATED"});
	}
	tp_status rc = s->ops->contacts_list(s, ctx, &f, list_row, &st);
	if (rc != TP_OK) {
		cJSON_Delete(st.array);
		cli_table_free(st.table);
		return cli_fail(ctx, rc);
	}
	if (st.array)
		cli_json_print(st.array, stdout);
	if (st.table) {
		cli_table_print(st.table, stdout);
		cli_table_free(st.table);
	}
	return EXIT_OK;
}

typedef struct show_state {
	cJSON *merges, *notes, *visitors, *timeline;
	cli_table *table;
} show_state;

static int add_merge(void *user, const tp_merge *m)
{
	show_state *st = user;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "id", (double)m->id);
	cJSON_AddNumberToObject(j, "winner_id", (double)m->winner_id);
	cJSON_AddNumberToObject(j, "loser_id", (double)m->loser_id);
	json_add_str(j, "rule", m->rule);
	json_add_str(j, "detail", m->detail);
	cJSON_AddItemToObject(j, "at", json_time(m->at));
	cJSON_AddItemToObject(j, "undone_at", json_time(m->undone_at));
	cJSON_AddItemToArray(st->merges, j);
	return 0;
}

static int add_note(void *user, const tp_identity_note *n)
{
	show_state *st = user;
	cJSON *j = cJSON_CreateObject();
	json_add_str(j, "kind", n->kind);
	json_add_str(j, "anonymous_id", n->anonymous_id);
	json_add_count(j, "contact_id", n->contact_id ? n->contact_id : -1);
	json_add_count(j, "other_contact_id", n->other_contact_id ? n->other_contact_id : -1);
	json_add_str(j, "detail", n->detail);
	cJSON_AddItemToObject(j, "at", json_time(n->at));
	cJSON_AddItemToArray(st->notes, j);
	return 0;
}

static void add_visitor(void *user, const tp_visitor *v)
{
	show_state *st = user;
	cJSON *j = cJSON_CreateObject(), *clicks = cJSON_CreateObject();
	json_add_str(j, "anonymous_id", v->anonymous_id);
	cJSON_AddItemToObject(j, "first_seen", json_time(v->first_seen));
	cJSON_AddItemToObject(j, "last_seen", json_time(v->last_seen));
	json_add_str(j, "first_channel", tp_channel_name(v->first_channel));
	json_add_str(j, "landing_url", v->landing_url);
	for (int i = 0; i < TP_CLICK__COUNT; i++)
		if (v->click_id[i])
			json_add_str(clicks, tp_click_name((tp_click)i), v->click_id[i]);
	cJSON_AddItemToObject(j, "click_ids", clicks);
	cJSON_AddItemToArray(st->visitors, j);
}

static int add_touch(void *user, const tp_touch_record *t)
{
	show_state *st = user;
	cJSON_AddItemToArray(st->timeline, json_touch(t));
	char when[32];
	const char *detail = t->search_term ? t->search_term : t->asset ? t->asset
		: t->page_category && t->url ? t->url : t->name;
	char what[64];
	if (t->page_category)
		snprintf(what, sizeof what, "%s (%s)", t->type, t->page_category);
	else
		snprintf(what, sizeof what, "%s", t->type);
	cli_table_add(st->table, (const char *const[]){cli_time(t->ts, when), what, t->channel,
	                                               t->campaign, detail});
	return 0;
}

static int contacts_show(tp_ctx *ctx, tp_store *s, const cli_opts *o)
{
	if (o->nargs != 2)
		return cli_usage("contacts", "show needs one EMAIL, ID or USERID");
	tp_identity *id = tp_identity_create(s);
	show_state st = {cJSON_CreateArray(), cJSON_CreateArray(), cJSON_CreateArray(),
	                 cJSON_CreateArray(), cli_table_new(5)};
	cJSON *out = NULL;
	int64_t cid = 0;
	int rc = EXIT_OK;
	tp_status t;
	tp_contact c;
	if (!id) {
		rc = cli_fail(ctx, TP_ERR_NOMEM);
		goto done;
	}
	if ((t = tp_identity_lookup(id, ctx, o->args[1], &cid)) != TP_OK) {
		rc = cli_fail(ctx, t);
		goto done;
	}
	if (!cid) {
		fprintf(stderr, "touchpoint: no contact \"%s\"\n", o->args[1]);
		rc = EXIT_FAILED;
		goto done;
	}
	if ((t = tp_identity_profile(id, ctx, cid, &c)) != TP_OK) {
		rc = cli_fail(ctx, t);
		goto done;
	}
	out = json_contact(&c);
	tp_account a;
	int found = 0;
	if (c.account_id && (t = s->ops->account_get(s, ctx, c.account_id, &a, &found)) != TP_OK) {
		rc = cli_fail(ctx, t);
		goto done;
	}
	cJSON *account = found ? json_account(&a, -1) : cJSON_CreateNull();
	cJSON_AddItemToObject(out, "account", account);
	cli_table_add(st.table, (const char *const[]){"WHEN", "TOUCH", "CHANNEL", "CAMPAIGN", "DETAIL"});
	/* A merged contact's touches live with the contact it was merged into. */
	if ((t = s->ops->visitors_of_contact(s, ctx, cid, add_visitor, &st)) != TP_OK ||
	    (t = s->ops->merges_of_contact(s, ctx, cid, add_merge, &st)) != TP_OK ||
	    (t = s->ops->notes_of_contact(s, ctx, cid, add_note, &st)) != TP_OK ||
	    (t = s->ops->events_of_contact(s, ctx, cid, add_touch, &st)) != TP_OK) {
		rc = cli_fail(ctx, t);
		goto done;
	}
	if (o->json) {
		cJSON_AddItemToObject(out, "visitors", st.visitors);
		cJSON_AddItemToObject(out, "merges", st.merges);
		cJSON_AddItemToObject(out, "identity_notes", st.notes);
		cJSON_AddItemToObject(out, "timeline", st.timeline);
		st.visitors = st.merges = st.notes = st.timeline = NULL;
		cli_json_print(out, stdout);
		out = NULL;
		goto done;
	}
	char name[512];
	printf("%s <%s>  contact %lld\n", cli_full_name(&c, name, sizeof name),
	       c.email ? c.email : c.user_id ? c.user_id : "", (long long)c.id);
	if (c.title || c.company)
		printf("%s%s%s\n", c.title ? c.title : "", c.title && c.company ? ", " : "",
		       c.company ? c.company : "");
	printf("stage %s", tp_stage_name(c.stage));
	if (c.source_channel)
		printf(", first touch via %s", c.source_channel);
	/* The record's strings died with the next store call; the JSON kept copies. */
	if (found) {
		cJSON *an = cJSON_GetObjectItem(account, "name");
		printf(", account %s (%lld)", cJSON_IsString(an) ? an->valuestring : "",
		       (long long)c.account_id);
	}
	if (c.merged_into)
		printf(", merged into contact %lld", (long long)c.merged_into);
	putchar('\n');
	int nm = cJSON_GetArraySize(st.merges), nn = cJSON_GetArraySize(st.notes);
	for (int i = 0; i < nm; i++) {
		cJSON *m = cJSON_GetArrayItem(st.merges, i);
		printf("merge %d: contact %d into %d by %s (%s)%s\n",
		       cJSON_GetObjectItem(m, "id")->valueint,
		       cJSON_GetObjectItem(m, "loser_id")->valueint,
		       cJSON_GetObjectItem(m, "winner_id")->valueint,
		       cJSON_GetObjectItem(m, "rule")->valuestring,
		       cJSON_IsString(cJSON_GetObjectItem(m, "detail"))
		           ? cJSON_GetObjectItem(m, "detail")->valuestring : "",
		       cJSON_IsNull(cJSON_GetObjectItem(m, "undone_at")) ? "" : ", undone");
	}
	for (int i = 0; i < nn; i++) {
		cJSON *n = cJSON_GetArrayItem(st.notes, i);
		printf("note: %s: %s\n", cJSON_GetObjectItem(n, "kind")->valuestring,
		       cJSON_IsString(cJSON_GetObjectItem(n, "detail"))
		           ? cJSON_GetObjectItem(n, "detail")->valuestring : "");
	}
	printf("\n%d touches:\n", cJSON_GetArraySize(st.timeline));
	cli_table_print(st.table, stdout);
done:
	cJSON_Delete(out);
	cJSON_Delete(st.merges);
	cJSON_Delete(st.notes);
	cJSON_Delete(st.visitors);
	cJSON_Delete(st.timeline);
	cli_table_free(st.table);
	tp_identity_destroy(id);
	return rc;
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
	if (!rc && (t = s->ops->begin(s, ctx)) == TP_OK) {
		if (undo) {
			/* b: the person a was part of, whose history shrinks. */
			if ((t = tp_identity_root(id, ctx, a, &b)) == TP_OK)
				t = tp_identity_unmerge(id, ctx, a, &n);
		} else {
			char detail[512];
			snprintf(detail, sizeof detail, "by hand%s%s", o->reason ? ": " : "",
			         o->reason ? o->reason : "");
			t = tp_identity_merge(id, ctx, a, b, "manual", detail, &n);
		}
		/* Merged histories are scored again; the loser's score goes. */
		tp_score_config *cfg = NULL;
		tp_scorer *sc = NULL;
		if (t == TP_OK && (t = tp_score_config_load(ctx, s, &cfg)) == TP_OK &&
		    (t = tp_scorer_create(ctx, s, cfg, 1, &sc)) == TP_OK) {
			t = tp_scorer_rebuild(sc, ctx, a);
			if (t == TP_OK && b && b != a)
				t = undo ? tp_scorer_rebuild(sc, ctx, b) : tp_scorer_forget(sc, ctx, b);
			if (t == TP_OK)
				t = tp_scorer_flush(sc, ctx);
		}
		tp_scorer_destroy(sc);
		tp_score_config_free(cfg);
		if (t == TP_OK)
			t = s->ops->commit(s, ctx);
		else
			tp_store_rollback_quiet(s);
	}
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
