/* touchpoint status: what a workspace holds, and its funnel at a glance. */
#include <cjson/cJSON.h>

#include "cli/cli.h"

int cmd_status(tp_ctx *ctx, int argc, char **argv)
{
	cli_opts o;
	int rc = cli_parse("status", argc, argv, "db workspace json", &o);
	if (rc)
		return rc;
	tp_store *s = cli_open(ctx, o.db, o.workspace);
	tp_store_counts c;
	tp_status st = s ? s->ops->counts(s, ctx, &c) : TP_ERR_STORE;
	if (!s || st != TP_OK) {
		if (s)
			cli_fail(ctx, st);
		tp_store_close(s);
		cli_opts_free(&o);
		return EXIT_FAILED;
	}
	if (o.json) {
		cJSON *j = cJSON_CreateObject(), *stages = cJSON_CreateObject(),
		      *channels = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "workspace", s->workspace);
		cJSON_AddNumberToObject(j, "events", (double)c.events);
		cJSON_AddNumberToObject(j, "contacts", (double)c.contacts);
		cJSON_AddNumberToObject(j, "accounts", (double)c.accounts);
		cJSON_AddNumberToObject(j, "visitors", (double)c.visitors);
		cJSON_AddNumberToObject(j, "anonymous_visitors", (double)c.anonymous_visitors);
		cJSON_AddNumberToObject(j, "merges", (double)c.merges);
		for (int i = 0; i < TP_STAGE__COUNT; i++)
			cJSON_AddNumberToObject(stages, tp_stage_name((tp_stage)i), (double)c.by_stage[i]);
		for (int i = 0; i < TP_CH__COUNT; i++)
			if (c.by_channel[i])
				cJSON_AddNumberToObject(channels, tp_channel_name((tp_channel)i),
				                        (double)c.by_channel[i]);
		cJSON_AddItemToObject(j, "contacts_by_stage", stages);
		cJSON_AddItemToObject(j, "contacts_by_first_channel", channels);
		tp_json_print(j, stdout);
	} else {
		printf("workspace %s: %lld events, %lld contacts, %lld accounts, %lld visitors"
		       " (%lld still anonymous), %lld merges\n\n",
		       s->workspace, (long long)c.events, (long long)c.contacts, (long long)c.accounts,
		       (long long)c.visitors, (long long)c.anonymous_visitors, (long long)c.merges);
		/* Calls `serve` answered from its inbox are not counted above yet. */
		int64_t bodies = 0, waiting = 0, failed = 0;
		if (s->ops->inbox_count && s->ops->inbox_count(s, ctx, &bodies, &waiting, &failed) == TP_OK &&
		    (waiting || failed))
			printf("inbox: %lld calls answered by serve, not stored yet (serve stores them);"
			       " %lld bodies set aside with an error (table inbox)\n\n",
			       (long long)waiting, (long long)failed);
		/* Contacts now at each stage or beyond it, along the main funnel. */
		int64_t reached[TP_STAGE__COUNT] = {0};
		for (int i = TP_STAGE_CUSTOMER; i >= TP_STAGE_LEAD; i--)
			reached[i] = c.by_stage[i] + (i < TP_STAGE_CUSTOMER ? reached[i + 1] : 0);
		tp_table *t = tp_table_new(4);
		tp_table_add(t, (const char *const[]){"stage", "now", "reached", "of leads"});
		for (int i = TP_STAGE_LEAD; i < TP_STAGE__COUNT; i++) {
			char now[32], got[32] = "", pct[32] = "";
			snprintf(now, sizeof now, "%lld", (long long)c.by_stage[i]);
			if (i <= TP_STAGE_CUSTOMER) {
				snprintf(got, sizeof got, "%lld", (long long)reached[i]);
				if (reached[TP_STAGE_LEAD])
					snprintf(pct, sizeof pct, "%.1f%%",
					         100.0 * (double)reached[i] / (double)reached[TP_STAGE_LEAD]);
			}
			tp_table_add(t, (const char *const[]){tp_stage_name((tp_stage)i), now, got, pct});
		}
		tp_table_print(t, stdout);
		tp_table_free(t);
		printf("\ncontacts by channel of first touch:\n");
		t = tp_table_new(2);
		for (int i = 0; i < TP_CH__COUNT; i++)
			if (c.by_channel[i]) {
				char n[32];
				snprintf(n, sizeof n, "%lld", (long long)c.by_channel[i]);
				tp_table_add(t, (const char *const[]){tp_channel_name((tp_channel)i), n});
			}
		tp_table_print(t, stdout);
		tp_table_free(t);
	}
	tp_store_close(s);
	cli_opts_free(&o);
	return EXIT_OK;
}
