/* touchpoint stage: move a contact along the lifecycle by hand, and show its
 * stage history. The rules are in src/lifecycle. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static int stage_set(tp_ctx *ctx, tp_store *s, const cli_opts *o)
{
	if (o->nargs != 3)
		return cli_usage("stage", "set needs CONTACT and STAGE");
	tp_stage to;
	if (tp_stage_from_name(o->args[2], &to) != 0)
		return cli_usage("stage", "\"%s\" is not a stage (visitor, lead, mql, sal, sql,"
		                 " opportunity, customer, disqualified, recycled, churned)", o->args[2]);
	int64_t cid;
	int rc = cli_contact(ctx, s, o->args[1], &cid);
	if (rc)
		return rc;
	char actor[160];
	snprintf(actor, sizeof actor, "user%s%s", o->by ? ": " : "", o->by ? o->by : "");
	tp_status st = tp_contact_move(ctx, s, cid, to, actor, o->reason);
	if (st != TP_OK)
		return cli_fail(ctx, st);
	printf("contact %lld is now %s\n", (long long)cid, tp_stage_name(to));
	return EXIT_OK;
}

typedef struct history {
	tp_table *t;
} history;

static int history_row(void *user, const tp_stage_change_row *r)
{
	history *h = user;
	char when[32];
	const char *from = r->from_stage >= 0 ? tp_stage_name((tp_stage)r->from_stage) : "";
	tp_table_add(h->t, (const char *[]){cli_time(r->at, when), from, tp_stage_name(r->to_stage),
	                                     r->actor, r->reason});
	return 0;
}

static int stage_history(tp_ctx *ctx, tp_store *s, const cli_opts *o)
{
	if (o->nargs != 2)
		return cli_usage("stage", "history needs CONTACT");
	int64_t cid;
	int rc = cli_contact(ctx, s, o->args[1], &cid);
	if (rc)
		return rc;
	tp_status st;
	if (o->json) {
		cJSON *arr;
		if ((st = tp_view_stage_history(ctx, s, cid, &arr)) != TP_OK)
			return cli_fail(ctx, st);
		tp_json_print(arr, stdout);
		return EXIT_OK;
	}
	history h = {tp_table_new(5)};
	tp_table_add(h.t, (const char *[]){"WHEN", "FROM", "TO", "BY", "REASON"});
	if ((st = s->ops->stage_changes(s, ctx, cid, history_row, &h)) != TP_OK) {
		tp_table_free(h.t);
		return cli_fail(ctx, st);
	}
	tp_table_print(h.t, stdout);
	tp_table_free(h.t);
	return EXIT_OK;
}

int cmd_stage(tp_ctx *ctx, int argc, char **argv)
{
	cli_opts o;
	int rc = cli_parse("stage", argc, argv, "db workspace reason by json", &o);
	if (rc)
		return rc;
	const char *verb = o.nargs ? o.args[0] : "";
	tp_store *s = NULL;
	if (strcmp(verb, "set") && strcmp(verb, "history"))
		rc = cli_usage("stage", "say set or history");
	else if (!(s = cli_open(ctx, o.db, o.workspace)))
		rc = EXIT_FAILED;
	else
		rc = strcmp(verb, "set") == 0 ? stage_set(ctx, s, &o) : stage_history(ctx, s, &o);
	tp_store_close(s);
	cli_opts_free(&o);
	return rc;
}
