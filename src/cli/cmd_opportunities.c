/* touchpoint opportunities: add, update, list and show deals; the rules
 * (what opening and winning do) are in src/lifecycle/opportunity.c. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static int fill_row(tp_ctx *ctx, tp_store *s, const cli_opts *o, tp_opportunity_row *r)
{
	memset(r, 0, sizeof *r);
	r->amount = -1;
	r->probability = (int)o->probability;
	if (o->amount && tp_money_parse(o->amount, &r->amount) != 0)
		return cli_usage("opportunities", "--amount is a number like 12000 or 12000.50, not"
		                 " \"%s\"", o->amount);
	if (o->contact) {
		int rc = cli_contact(ctx, s, o->contact, &r->contact_id);
		if (rc)
			return rc;
	}
	if (o->account) {
		char *end;
		int64_t found = 0;
		long long id = strtoll(o->account, &end, 10);
		if (*o->account && !*end && id > 0)
			found = id;
		else if (s->ops->account_find(s, ctx, o->account, NULL, &found) != TP_OK)
			return cli_fail(ctx, TP_ERR_STORE);
		if (!found) {
			fprintf(stderr, "touchpoint: no account \"%s\"\n", o->account);
			return EXIT_FAILED;
		}
		r->account_id = found;
	}
	r->name = o->name;
	r->stage = o->stage;
	r->currency = o->currency;
	r->close_date = o->close_date;
	r->lost_reason = o->lost_reason;
	r->owner = o->owner;
	r->source_channel = o->source;
	return 0;
}

typedef struct listing {
	cJSON *arr;
	tp_table *t;
	const char *stage;
	long long limit, n;
} listing;

static int list_row(void *user, const tp_opportunity_row *r)
{
	listing *l = user;
	if (l->stage && strcmp(l->stage, r->stage ? r->stage : "") != 0)
		return 0;
	if (l->limit >= 0 && l->n >= l->limit)
		return 1;
	l->n++;
	if (l->arr) {
		cJSON_AddItemToArray(l->arr, tp_json_opportunity(r));
		return 0;
	}
	char id[24], amount[40], prob[16], created[32], closed[32];
	snprintf(id, sizeof id, "%lld", (long long)r->id);
	tp_money_text(r->amount, amount, sizeof amount);
	snprintf(prob, sizeof prob, "%d%%", r->probability);
	tp_table_add(l->t, (const char *[]){id, r->name, r->stage, amount, r->currency, prob,
	                                     cli_time(r->created_at, created),
	                                     cli_time(r->closed_at, closed), r->owner,
	                                     r->source_channel});
	return 0;
}

static int opp_show(tp_ctx *ctx, tp_store *s, int64_t id, int json)
{
	tp_opportunity_row r;
	int found;
	tp_status rc = s->ops->opportunity_get(s, ctx, id, &r, &found);
	if (rc != TP_OK)
		return cli_fail(ctx, rc);
	if (!found) {
		fprintf(stderr, "touchpoint: no opportunity %lld\n", (long long)id);
		return EXIT_FAILED;
	}
	cJSON *j = tp_json_opportunity(&r);
	if (json) {
		tp_json_print(j, stdout);
		return EXIT_OK;
	}
	char amount[40], weighted[40], when[32];
	printf("opportunity %lld: %s\n", (long long)r.id, r.name ? r.name : "");
	printf("stage %s (%d%%), %s %s, weighted %s\n", r.stage, r.probability,
	       tp_money_text(r.amount, amount, sizeof amount), r.currency,
	       tp_money_text(r.amount * r.probability / 100, weighted, sizeof weighted));
	printf("account %lld, contact %lld, owner %s, source %s\n", (long long)r.account_id,
	       (long long)r.contact_id, r.owner ? r.owner : "-",
	       r.source_channel ? r.source_channel : "-");
	printf("opened %s", cli_time(r.created_at, when));
	if (r.close_date)
		printf(", expected close %s", r.close_date);
	if (r.closed_at)
		printf(", closed %s", cli_time(r.closed_at, when));
	if (r.lost_reason)
		printf(", lost: %s", r.lost_reason);
	putchar('\n');
	cJSON_Delete(j);
	return EXIT_OK;
}

int cmd_opportunities(tp_ctx *ctx, int argc, char **argv)
{
	cli_opts o;
	int rc = cli_parse("opportunities", argc, argv,
	                   "db workspace account contact amount currency stage close-date"
	                   " lost-reason name owner source probability limit json set",
	                   &o);
	if (rc)
		return rc;
	const char *verb = o.nargs ? o.args[0] : "list";
	tp_store *s = NULL;
	long long id = 0;
	if (strcmp(verb, "add") && strcmp(verb, "update") && strcmp(verb, "list") &&
	    strcmp(verb, "show") && strcmp(verb, "stages")) {
		rc = cli_usage("opportunities", "say add, update, list, show or stages");
	} else if ((strcmp(verb, "update") == 0 || strcmp(verb, "show") == 0) &&
	           (o.nargs != 2 || (id = strtoll(o.args[1], NULL, 10)) <= 0)) {
		rc = cli_usage("opportunities", "%s needs an opportunity ID", verb);
	} else if (!(s = cli_open(ctx, o.db, o.workspace))) {
		rc = EXIT_FAILED;
	} else if (strcmp(verb, "add") == 0) {
		tp_opportunity_row r;
		tp_status st;
		if (!o.amount || !o.currency)
			rc = cli_usage("opportunities", "add needs --amount and --currency");
		else if (!(rc = fill_row(ctx, s, &o, &r)) && (st = tp_opportunity_add(ctx, s, &r)) != TP_OK)
			rc = cli_fail(ctx, st);
		else if (!rc)
			printf("opportunity %lld opened at %s (%d%%)\n", (long long)r.id, r.stage,
			       r.probability);
	} else if (strcmp(verb, "update") == 0) {
		tp_opportunity_row change;
		tp_status st;
		if (!(rc = fill_row(ctx, s, &o, &change)) &&
		    (st = tp_opportunity_change(ctx, s, id, &change)) != TP_OK)
			rc = cli_fail(ctx, st);
		else if (!rc)
			rc = opp_show(ctx, s, id, o.json);
	} else if (strcmp(verb, "show") == 0) {
		rc = opp_show(ctx, s, id, o.json);
	} else if (strcmp(verb, "stages") == 0) {
		int p[TP_OPP__COUNT];
		tp_status st = TP_OK;
		if (o.set && (st = s->ops->begin(s, ctx)) == TP_OK) {
			st = tp_opp_probabilities_set(ctx, s, o.set);
			st = st == TP_OK ? s->ops->commit(s, ctx) : (tp_store_rollback_quiet(s), st);
		}
		if (st == TP_OK)
			st = tp_opp_probabilities(ctx, s, p);
		if (st != TP_OK)
			rc = cli_fail(ctx, st);
		for (int i = 0; st == TP_OK && i < TP_OPP__COUNT; i++)
			printf("%-12s %3d%%\n", tp_opp_stage_name((tp_opp_stage)i), p[i]);
	} else {
		listing l = {.stage = o.stage, .limit = o.limit};
		if (o.json) {
			l.arr = cJSON_CreateArray();
		} else {
			l.t = tp_table_new(10);
			tp_table_add(l.t, (const char *[]){"ID", "NAME", "STAGE", "AMOUNT", "CUR", "PROB",
			                                    "OPENED", "CLOSED", "OWNER", "SOURCE"});
		}
		tp_status st = s->ops->opportunities_list(s, ctx, list_row, &l);
		if (st != TP_OK) {
			rc = cli_fail(ctx, st);
			cJSON_Delete(l.arr);
		} else if (l.arr) {
			tp_json_print(l.arr, stdout);
		} else {
			tp_table_print(l.t, stdout);
		}
		tp_table_free(l.t);
	}
	tp_store_close(s);
	cli_opts_free(&o);
	return rc;
}
