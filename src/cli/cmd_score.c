/* touchpoint score: the active rules, a contact's explanation, a rebuild
 * from history, and the predictive model (train, predict). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

static char *read_file(const char *path, tp_ctx *ctx)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		tp_ctx_fail(ctx, TP_ERR_IO, NULL, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (n + 1 < cap || got == 0)
			break;
		if (cap > (1u << 20)) {
			tp_ctx_fail(ctx, TP_ERR_TOO_BIG, NULL, "%s is over 1 MB", path);
			free(buf);
			buf = NULL;
			break;
		}
		char *b = realloc(buf, cap * 2);
		if (!b) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = b;
		cap *= 2;
	}
	fclose(f);
	if (buf)
		buf[n] = '\0';
	return buf;
}

static tp_status recompute(tp_ctx *ctx, tp_store *s, const tp_score_config *cfg,
                           tp_recompute_stats *st)
{
	tp_status rc = s->ops->begin(s, ctx);
	if (rc != TP_OK)
		return rc;
	if ((rc = tp_score_recompute(ctx, s, cfg, 1, st)) == TP_OK)
		rc = s->ops->commit(s, ctx);
	else
		tp_store_rollback_quiet(s);
	return rc;
}

static void print_recompute(const tp_recompute_stats *st, double sec)
{
	printf("rescored %lld contacts from %lld events in %.2f s; %lld moved to mql\n",
	       (long long)st->contacts, (long long)st->events, sec, (long long)st->mql_moves);
}

static double seconds(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int score_rules(tp_ctx *ctx, tp_store *s, const cli_opts *o)
{
	if (o->set || o->reset) {
		char *json = NULL;
		if (o->set && !(json = read_file(o->set, ctx)))
			return cli_fail(ctx, TP_ERR_IO);
		tp_status rc = s->ops->begin(s, ctx);
		if (rc == TP_OK) {
			rc = tp_score_config_save(ctx, s, json);
			rc = rc == TP_OK ? s->ops->commit(s, ctx) : (tp_store_rollback_quiet(s), rc);
		}
		free(json);
		if (rc != TP_OK)
			return cli_fail(ctx, rc);
		/* New rules, new scores: every contact is rebuilt from its history. */
		tp_score_config *cfg;
		tp_recompute_stats st;
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if ((rc = tp_score_config_load(ctx, s, &cfg)) != TP_OK)
			return cli_fail(ctx, rc);
		rc = recompute(ctx, s, cfg, &st);
		tp_score_config_free(cfg);
		if (rc != TP_OK)
			return cli_fail(ctx, rc);
		printf("scoring rules %s\n", o->set ? "stored" : "back to the defaults");
		print_recompute(&st, seconds(&t0));
		return EXIT_OK;
	}
	tp_score_config *cfg;
	tp_status rc = tp_score_config_load(ctx, s, &cfg);
	if (rc != TP_OK)
		return cli_fail(ctx, rc);
	fputs(cfg->json, stdout);
	tp_score_config_free(cfg);
	return EXIT_OK;
}

static int score_recompute(tp_ctx *ctx, tp_store *s)
{
	tp_score_config *cfg;
	tp_recompute_stats st;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	tp_status rc = tp_score_config_load(ctx, s, &cfg);
	if (rc == TP_OK) {
		rc = recompute(ctx, s, cfg, &st);
		tp_score_config_free(cfg);
	}
	if (rc != TP_OK)
		return cli_fail(ctx, rc);
	print_recompute(&st, seconds(&t0));
	return EXIT_OK;
}

static const char *signed_cents(int64_t cents, char *buf, size_t cap)
{
	int64_t a = cents < 0 ? -cents : cents;
	snprintf(buf, cap, "%c%lld.%02lld", cents < 0 ? '-' : '+', (long long)(a / 100),
	         (long long)(a % 100));
	return buf;
}

static double num_of(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(obj, key);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static const char *time_of(const cJSON *obj, const char *key, char buf[32])
{
	const cJSON *v = cJSON_GetObjectItem(obj, key);
	int64_t ms = 0;
	if (cJSON_IsString(v))
		tp_time_parse(v->valuestring, &ms);
	return cli_time(ms, buf);
}

static int score_explain(tp_ctx *ctx, tp_store *s, const cli_opts *o)
{
	if (o->nargs != 2)
		return cli_usage("score", "explain needs CONTACT");
	int64_t cid;
	int rc = cli_contact(ctx, s, o->args[1], &cid);
	if (rc)
		return rc;
	cJSON *j;
	tp_status st = tp_view_score(ctx, s, cid, &j);
	if (st != TP_OK)
		return cli_fail(ctx, st);
	if (o->json) {
		tp_json_print(j, stdout);
		return EXIT_OK;
	}
	/* The table is drawn from the JSON view, so the two always agree. */
	int64_t total = llround(num_of(j, "total") * 100);
	printf("contact %lld: score %lld.%02lld (grade %d) = %.2f x fit %.2f + %.2f x engagement"
	       " %.2f%s\n", (long long)cid, (long long)(total / 100), (long long)(total % 100),
	       (int)num_of(j, "grade"), num_of(j, "fit_weight"), num_of(j, "fit"),
	       num_of(j, "engagement_weight"), num_of(j, "engagement"),
	       cJSON_IsTrue(cJSON_GetObjectItem(j, "clamped")) ? ", clamped to 0..100" : "");
	tp_table *t = tp_table_new(6);
	tp_table_add(t, (const char *[]){"POINTS", "RULE", "KIND", "HITS", "FIRST", "LAST"});
	const cJSON *p;
	cJSON_ArrayForEach(p, cJSON_GetObjectItem(j, "parts")) {
		char buf[64], hits[24] = "", first[32], last[32];
		if (num_of(p, "hits"))
			snprintf(hits, sizeof hits, "%.0f", num_of(p, "hits"));
		tp_table_add(t, (const char *[]){signed_cents(llround(num_of(p, "points") * 100), buf,
		                                              sizeof buf),
		                                 cJSON_GetObjectItem(p, "rule")->valuestring,
		                                 cJSON_GetObjectItem(p, "kind")->valuestring, hits,
		                                 time_of(p, "first_at", first),
		                                 time_of(p, "last_at", last)});
	}
	tp_table_print(t, stdout);
	tp_table_free(t);
	printf("the points add up to %lld.%02lld; engagement halves every %g days\n",
	       (long long)(total / 100), (long long)(total % 100), num_of(j, "half_life_days"));
	cJSON_Delete(j);
	return EXIT_OK;
}

int cli_score_train(tp_ctx *ctx, tp_store *s, const cli_opts *o);
int cli_score_predict(tp_ctx *ctx, tp_store *s, const cli_opts *o);

int cmd_score(tp_ctx *ctx, int argc, char **argv)
{
	cli_opts o;
	int rc = cli_parse("score", argc, argv, "db workspace json set reset label window", &o);
	if (rc)
		return rc;
	const char *verb = o.nargs ? o.args[0] : "";
	static const char *const verbs[] = {"rules", "explain", "recompute", "train", "predict", NULL};
	int known = 0;
	for (int i = 0; verbs[i]; i++)
		known |= strcmp(verb, verbs[i]) == 0;
	tp_store *s = NULL;
	if (!known)
		rc = cli_usage("score", "say rules, explain, recompute, train or predict");
	else if (strcmp(verb, "rules") && (o.set || o.reset))
		rc = cli_usage("score", "--set and --reset go with rules");
	else if (!(s = cli_open(ctx, o.db, o.workspace)))
		rc = EXIT_FAILED;
	else if (strcmp(verb, "rules") == 0)
		rc = score_rules(ctx, s, &o);
	else if (strcmp(verb, "explain") == 0)
		rc = score_explain(ctx, s, &o);
	else if (strcmp(verb, "recompute") == 0)
		rc = score_recompute(ctx, s);
	else if (strcmp(verb, "train") == 0)
		rc = cli_score_train(ctx, s, &o);
	else
		rc = cli_score_predict(ctx, s, &o);
	tp_store_close(s);
	cli_opts_free(&o);
	return rc;
}
