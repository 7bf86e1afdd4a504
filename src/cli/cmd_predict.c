/* touchpoint score train|predict: the predictive model, next to the rule
 * score it has to beat. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int cli_score_train(tp_ctx *ctx, tp_store *s, const cli_opts *o);
int cli_score_predict(tp_ctx *ctx, tp_store *s, const cli_opts *o);

static void print_bins(const char *what, const tp_eval *e)
{
	printf("\ncalibration of the %s, by decile of predicted probability:\n", what);
	tp_table *t = tp_table_new(4);
	tp_table_add(t, (const char *[]){"DECILE", "LEADS", "PREDICTED", "OBSERVED"});
	for (int k = 0; k < 10; k++) {
		char d[16], n[24], p[24], ob[24];
		snprintf(d, sizeof d, "%d", k + 1);
		snprintf(n, sizeof n, "%lld", (long long)e->bins[k].n);
		snprintf(p, sizeof p, "%.3f", e->bins[k].predicted);
		snprintf(ob, sizeof ob, "%.3f", e->bins[k].observed);
		tp_table_add(t, (const char *[]){d, n, p, ob});
	}
	tp_table_print(t, stdout);
	tp_table_free(t);
}

int cli_score_train(tp_ctx *ctx, tp_store *s, const cli_opts *o)
{
	tp_train_opts opts = {TP_STAGE_OPPORTUNITY, 7, o->window > 0 ? (int)o->window : 90, 0.3};
	if (o->label && tp_stage_from_name(o->label, &opts.label) != 0)
		return cli_usage("score", "--label is opportunity or customer, not \"%s\"", o->label);
	if (opts.label != TP_STAGE_OPPORTUNITY && opts.label != TP_STAGE_CUSTOMER)
		return cli_usage("score", "--label is opportunity or customer");
	tp_score_config *cfg;
	tp_train_report r;
	tp_status rc = tp_score_config_load(ctx, s, &cfg);
	if (rc == TP_OK && (rc = s->ops->begin(s, ctx)) == TP_OK) {
		rc = tp_predict_train(ctx, s, cfg, &opts, &r);
		rc = rc == TP_OK ? s->ops->commit(s, ctx) : (tp_store_rollback_quiet(s), rc);
	}
	tp_score_config_free(cfg);
	if (rc != TP_OK)
		return cli_fail(ctx, rc);
	printf("%lld leads; each observed %d days after creation, labelled by reaching %s within %d"
	       " days (%lld still inside their window left out)\n", (long long)r.leads,
	       opts.observe_days, tp_stage_name(opts.label), opts.window_days, (long long)r.censored);
	printf("trained on the oldest %lld (%lld positive), tested on the newest %lld (%lld positive);"
	       " %d features, liblinear L2 logistic regression\n\n", (long long)r.train,
	       (long long)r.train_positive, (long long)r.test, (long long)r.test_positive, r.features);
	tp_table *t = tp_table_new(3);
	char a[3][32], b[3][32];
	snprintf(a[0], 32, "%.4f", r.model.auc);
	snprintf(b[0], 32, "%.4f", r.rule.auc);
	snprintf(a[1], 32, "%.4f", r.model.precision_top_decile);
	snprintf(b[1], 32, "%.4f", r.rule.precision_top_decile);
	snprintf(a[2], 32, "%.4f", r.model.brier);
	snprintf(b[2], 32, "%.4f", r.rule.brier);
	tp_table_add(t, (const char *[]){"ON THE TEST PART", "MODEL", "RULE SCORE"});
	tp_table_add(t, (const char *[]){"AUC", a[0], b[0]});
	tp_table_add(t, (const char *[]){"precision in the top decile", a[1], b[1]});
	tp_table_add(t, (const char *[]){"Brier score (lower is better)", a[2], b[2]});
	tp_table_print(t, stdout);
	tp_table_free(t);
	double gain = r.model.auc - r.rule.auc;
	printf("\nthe model's AUC is %.4f %s than the rule score's (%+.1f%%)\n", gain < 0 ? -gain : gain,
	       gain >= 0 ? "higher" : "LOWER", r.rule.auc > 0 ? 100 * gain / r.rule.auc : 0.0);
	print_bins("model", &r.model);
	print_bins("rule score (total / 100)", &r.rule);
	printf("\nmodel stored; `touchpoint score predict` scores every contact with it\n");
	return EXIT_OK;
}

int cli_score_predict(tp_ctx *ctx, tp_store *s, const cli_opts *o)
{
	(void)o;
	tp_score_config *cfg;
	int64_t n = 0;
	tp_status rc = tp_score_config_load(ctx, s, &cfg);
	if (rc == TP_OK && (rc = s->ops->begin(s, ctx)) == TP_OK) {
		rc = tp_predict_apply(ctx, s, cfg, &n);
		rc = rc == TP_OK ? s->ops->commit(s, ctx) : (tp_store_rollback_quiet(s), rc);
	}
	tp_score_config_free(cfg);
	if (rc != TP_OK)
		return cli_fail(ctx, rc);
	printf("stored a probability for %lld contacts\n", (long long)n);
	return EXIT_OK;
}
