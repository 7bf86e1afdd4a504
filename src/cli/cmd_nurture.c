/* touchpoint nurture: load workflows, look at them, run the scheduler and
 * the outbox once (for cron; `serve` runs them continuously), show where a
 * contact is, and set the workspace's mail settings. */
#include <cjson/cJSON.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static char *read_file(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return NULL;
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	for (size_t k; buf && (k = fread(buf + n, 1, cap - n, f)) > 0;) {
		n += k;
		if (n == cap) {
			char *grown = cap < (8u << 20) ? realloc(buf, cap *= 2) : NULL;
			if (!grown) {
				free(buf);
				buf = NULL;
			}
			buf = grown;
		}
	}
	if (f != stdin)
		fclose(f);
	*len = n;
	return buf;
}

static int load(tp_ctx *ctx, tp_store *s, const cli_opts *o)
{
	int failed = 0;
	for (int i = 1; i < o->nargs; i++) {
		size_t len;
		char *json = read_file(o->args[i], &len), *name = NULL;
		if (!json) {
			fprintf(stderr, "touchpoint: %s: cannot read it\n", o->args[i]);
			failed = 1;
			continue;
		}
		tp_status rc = tp_workflow_load(ctx, s, json, len, &name);
		if (rc == TP_OK) {
			printf("workflow %s loaded from %s\n", name, o->args[i]);
		} else {
			const char *field = tp_ctx_field(ctx);
			fprintf(stderr, "touchpoint: %s: %s%s%s\n", o->args[i], field && *field ? field : "",
			        field && *field ? " " : "", tp_ctx_message(ctx));
			failed = 1;
		}
		free(name);
		free(json);
	}
	return failed ? EXIT_FAILED : EXIT_OK;
}

static int list(tp_ctx *ctx, tp_store *s, int json)
{
	cJSON *all;
	tp_status rc = tp_nurture_list(ctx, s, &all);
	if (rc != TP_OK)
		return cli_fail(ctx, rc);
	if (json) {
		tp_json_print(all, stdout);
		return EXIT_OK;
	}
	tp_table *t = tp_table_new(6);
	const char *head[] = {"NAME", "ENABLED", "TRIGGER", "STEPS", "ACTIVE", "DONE/EXITED"};
	tp_table_add(t, head);
	for (const cJSON *w = all->child; w; w = w->next) {
		const cJSON *runs = cJSON_GetObjectItemCaseSensitive(w, "runs");
		char *trigger = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(w, "trigger"));
		char steps[16], active[24], ended[48];
		snprintf(steps, sizeof steps, "%d",
		         (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(w, "steps")));
		double a = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(runs, "active"));
		double d = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(runs, "done"));
		double x = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(runs, "exited"));
		snprintf(active, sizeof active, "%.0f", a == a ? a : 0);
		snprintf(ended, sizeof ended, "%.0f/%.0f", d == d ? d : 0, x == x ? x : 0);
		const char *row[] = {cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(w, "name")),
		                     cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(w, "enabled")) ? "yes" : "no",
		                     trigger ? trigger : "", steps, active, ended};
		tp_table_add(t, row);
		free(trigger);
	}
	tp_table_print(t, stdout);
	tp_table_free(t);
	cJSON_Delete(all);
	return EXIT_OK;
}

typedef struct found_flow {
	const char *name;
	char *definition;
} found_flow;

static int find_flow(void *user, const tp_workflow_row *w)
{
	found_flow *f = user;
	if (strcmp(w->name, f->name))
		return 0;
	f->definition = strdup(w->definition);
	return 1;
}

static int show(tp_ctx *ctx, tp_store *s, const char *name)
{
	found_flow f = {name, NULL};
	tp_status rc = s->ops->workflows_list ? s->ops->workflows_list(s, ctx, find_flow, &f)
	                                      : TP_ERR_UNSUPPORTED;
	if (rc != TP_OK)
		return cli_fail(ctx, rc);
	if (!f.definition) {
		fprintf(stderr, "touchpoint: workspace %s has no workflow %s (see nurture list)\n",
		        s->workspace, name);
		return EXIT_FAILED;
	}
	tp_json_print(cJSON_Parse(f.definition), stdout);
	free(f.definition);
	return EXIT_OK;
}

/* TOUCHPOINT_CRASH_AFTER_STEPS=N: the process kills itself after the Nth
 * committed step, as a crash would (tests of exactly-once). */
static long long crash_after;
static long long steps_done;

static void maybe_crash(void *user, const tp_run_row *run)
{
	(void)user, (void)run;
	if (crash_after > 0 && ++steps_done == crash_after)
		raise(SIGKILL);
}

static int run(tp_ctx *ctx, tp_store *s, const cli_opts *o)
{
	const char *crash = getenv("TOUCHPOINT_CRASH_AFTER_STEPS");
	crash_after = crash ? strtoll(crash, NULL, 10) : 0;
	tp_nurture_opts opts = {.max_steps = o->max_steps > 0 ? (int)o->max_steps : 0,
	                        .after_step = maybe_crash};
	tp_nurture_stats st;
	tp_status rc = tp_nurture_tick(ctx, s, &opts, &st);
	if (rc != TP_OK)
		return cli_fail(ctx, rc);
	printf("nurture: %lld events and %lld stage changes looked at; %lld enrolled; %lld steps run;"
	       " %lld runs waiting, %lld done, %lld exited, %lld failed; %lld emails and %lld webhook"
	       " calls queued, %lld emails not sent (suppressed or without consent)\n",
	       (long long)st.events_seen, (long long)st.stage_changes_seen, (long long)st.enrolled,
	       (long long)st.steps, (long long)st.waiting, (long long)st.finished,
	       (long long)st.exited, (long long)st.failed, (long long)st.emails_queued,
	       (long long)st.webhooks_queued, (long long)st.suppressed);
	tp_deliver_opts d = {0};
	tp_deliver_stats ds;
	if ((rc = tp_nurture_deliver(ctx, s, &d, &ds)) != TP_OK)
		return cli_fail(ctx, rc);
	printf("outbox: %lld sent, %lld to retry, %lld failed, %lld suppressed", (long long)ds.sent,
	       (long long)ds.retried, (long long)ds.failed, (long long)ds.suppressed);
	if (ds.parked)
		printf("; %lld emails wait for an SMTP server (nurture config --smtp URL)",
		       (long long)ds.parked);
	printf("\n");
	return EXIT_OK;
}

static int status(tp_ctx *ctx, tp_store *s, const char *who, int json)
{
	int64_t id;
	int rc = cli_contact(ctx, s, who, &id);
	if (rc)
		return rc;
	cJSON *doc;
	tp_status st = tp_nurture_status(ctx, s, id, &doc);
	if (st != TP_OK)
		return cli_fail(ctx, st);
	if (json) {
		tp_json_print(doc, stdout);
		return EXIT_OK;
	}
	const cJSON *runs = cJSON_GetObjectItemCaseSensitive(doc, "runs");
	if (!runs->child)
		printf("contact %lld is in no workflow\n", (long long)id);
	for (const cJSON *r = runs->child; r; r = r->next) {
		printf("%s: %s — %s\n", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "workflow")),
		       cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "state")),
		       cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "why")) ?: "");
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(r, "history");
		for (const cJSON *e = h ? h->child : NULL; e; e = e->next)
			printf("  %s  %s\n", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "at")),
			       cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "what")));
	}
	cJSON_Delete(doc);
	return EXIT_OK;
}

static int add_message(void *user, const tp_message_row *m)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "id", (double)m->id);
	cJSON_AddNumberToObject(j, "contact_id", (double)m->contact_id);
	tp_json_add_str(j, "kind", m->kind);
	tp_json_add_str(j, "purpose", m->purpose);
	tp_json_add_str(j, "recipient", m->recipient);
	tp_json_add_str(j, "subject", m->subject);
	tp_json_add_str(j, "state", m->state);
	cJSON_AddNumberToObject(j, "attempts", m->attempts);
	cJSON_AddItemToObject(j, "created_at", tp_json_time(m->created_at));
	cJSON_AddItemToObject(j, "sent_at", tp_json_time(m->sent_at));
	cJSON_AddItemToObject(j, "next_at", tp_json_time(!strcmp(m->state, "queued") ? m->next_at : 0));
	tp_json_add_str(j, "last_error", m->last_error);
	cJSON_AddItemToObject(j, "opened_at", tp_json_time(m->opened_at));
	cJSON_AddItemToObject(j, "clicked_at", tp_json_time(m->clicked_at));
	cJSON_AddItemToObject(j, "unsubscribed_at", tp_json_time(m->unsubscribed_at));
	cJSON_AddItemToArray(user, j);
	return 0;
}

static int outbox(tp_ctx *ctx, tp_store *s, int json)
{
	cJSON *all = cJSON_CreateArray();
	tp_status rc = s->ops->messages_of_contact ? s->ops->messages_of_contact(s, ctx, 0, add_message, all)
	                                           : TP_ERR_UNSUPPORTED;
	if (rc != TP_OK) {
		cJSON_Delete(all);
		return cli_fail(ctx, rc);
	}
	if (json) {
		tp_json_print(all, stdout);
		return EXIT_OK;
	}
	tp_table *t = tp_table_new(6);
	const char *head[] = {"ID", "KIND", "TO", "SUBJECT", "STATE", "ATTEMPTS"};
	tp_table_add(t, head);
	for (const cJSON *m = all->child; m; m = m->next) {
		char id[24], attempts[16];
		snprintf(id, sizeof id, "%.0f", cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(m, "id")));
		snprintf(attempts, sizeof attempts, "%.0f",
		         cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(m, "attempts")));
		const char *subject = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "subject"));
		const char *row[] = {id, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "kind")),
		                     cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "recipient")),
		                     subject ? subject : "",
		                     cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "state")), attempts};
		tp_table_add(t, row);
	}
	tp_table_print(t, stdout);
	tp_table_free(t);
	cJSON_Delete(all);
	return EXIT_OK;
}

static int config(tp_ctx *ctx, tp_store *s, const cli_opts *o)
{
	char rate[24] = "";
	if (o->rate >= 0)
		snprintf(rate, sizeof rate, "%lld", o->rate);
	struct {
		const char *key, *value;
	} set[] = {{"nurture.smtp_url", o->smtp},
	           {"nurture.from", o->from},
	           {"nurture.public_url", o->public_url},
	           {"nurture.rate_per_minute", rate[0] ? rate : NULL},
	           {"nurture.consent_required", o->require_consent},
	           {"nurture.sales_to", o->sales_to},
	           {"nurture.smtp_ca", o->smtp_ca}};
	/* --owner-email NAME=ADDR: where the alerts of an owner known by name go. */
	char owner_key[300] = "";
	const char *owner_to = NULL;
	if (o->owner_email) {
		const char *eq = strchr(o->owner_email, '=');
		if (!eq || eq == o->owner_email || !strchr(eq + 1, '@'))
			return cli_usage("nurture", "--owner-email takes NAME=ADDRESS, not \"%s\"",
			                 o->owner_email);
		snprintf(owner_key, sizeof owner_key, "nurture.owner_email.%.*s",
		         (int)(eq - o->owner_email), o->owner_email);
		owner_to = eq + 1;
	}
	/* The server may run elsewhere than this shell: keep the CA file's full path. */
	char ca_path[PATH_MAX];
	if (o->smtp_ca) {
		if (!realpath(o->smtp_ca, ca_path)) {
			perror(o->smtp_ca);
			return EXIT_FAILED;
		}
		set[sizeof set / sizeof *set - 1].value = ca_path;
	}
	tp_status rc = s->ops->begin(s, ctx);
	if (rc == TP_OK && owner_to)
		rc = s->ops->setting_set(s, ctx, owner_key, owner_to);
	for (size_t i = 0; rc == TP_OK && i < sizeof set / sizeof *set; i++)
		if (set[i].value)
			rc = s->ops->setting_set(s, ctx, set[i].key, set[i].value);
	if (rc == TP_OK)
		rc = s->ops->commit(s, ctx);
	else
		tp_store_rollback_quiet(s);
	if (rc != TP_OK)
		return cli_fail(ctx, rc);
	static const char *const defaults[] = {"(none: emails wait in the outbox)",
	                                       "Touchpoint <no-reply@localhost>",
	                                       "http://127.0.0.1:8080", "60", "eu",
	                                       "(none: alerts go to owners with an address)",
	                                       "(the system's CAs)"};
	for (size_t i = 0; i < sizeof set / sizeof *set; i++) {
		char *v = NULL;
		if ((rc = tp_store_setting(ctx, s, set[i].key, &v)) != TP_OK)
			return cli_fail(ctx, rc);
		printf("%-26s %s\n", set[i].key + 8, v ? v : defaults[i]);
		free(v);
	}
	if (owner_to)
		printf("%-26s %s\n", owner_key + 8, owner_to);
	return EXIT_OK;
}

int cmd_nurture(tp_ctx *ctx, int argc, char **argv)
{
	cli_opts o;
	int rc = cli_parse("nurture", argc, argv,
	                   "db workspace json max-steps smtp from public-url rate require-consent"
	                   " sales-to owner-email smtp-ca", &o);
	if (rc)
		return rc;
	const char *verb = o.nargs ? o.args[0] : "list";
	static const struct {
		const char *verb;
		int min, max;
		const char *needs;
	} verbs[] = {{"load", 2, 1000, "load needs FILE..."},       {"list", 1, 1, "list takes no argument"},
	             {"show", 2, 2, "show needs a workflow NAME"}, {"run", 1, 1, "run takes no argument"},
	             {"status", 2, 2, "status needs EMAIL or ID"}, {"outbox", 1, 1, "outbox takes no argument"},
	             {"config", 1, 1, "config takes only options"}};
	size_t v;
	for (v = 0; v < sizeof verbs / sizeof *verbs; v++)
		if (!strcmp(verb, verbs[v].verb))
			break;
	int n = o.nargs ? o.nargs : 1;
	if (v == sizeof verbs / sizeof *verbs)
		rc = cli_usage("nurture", "unknown verb \"%s\"", verb);
	else if (n < verbs[v].min || n > verbs[v].max)
		rc = cli_usage("nurture", "%s", verbs[v].needs);
	if (rc) {
		cli_opts_free(&o);
		return rc;
	}
	tp_store *s = cli_open(ctx, o.db, o.workspace);
	if (!s) {
		cli_opts_free(&o);
		return EXIT_FAILED;
	}
	if (!strcmp(verb, "load"))
		rc = load(ctx, s, &o);
	else if (!strcmp(verb, "list"))
		rc = list(ctx, s, o.json);
	else if (!strcmp(verb, "show"))
		rc = show(ctx, s, o.args[1]);
	else if (!strcmp(verb, "run"))
		rc = run(ctx, s, &o);
	else if (!strcmp(verb, "status"))
		rc = status(ctx, s, o.args[1], o.json);
	else if (!strcmp(verb, "outbox"))
		rc = outbox(ctx, s, o.json);
	else
		rc = config(ctx, s, &o);
	tp_store_close(s);
	cli_opts_free(&o);
	return rc;
}
