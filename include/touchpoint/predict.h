/* Predictive scoring: logistic regression (liblinear) on fit attributes,
 * engagement counts by type and recency, labelled by whether a lead reached
 * a stage (opportunity or customer) within a window. Trained on the older
 * part of the leads and tested on the newer part (time-ordered hold-out),
 * and compared on that same part with the rule score. */
#ifndef TOUCHPOINT_PREDICT_H
#define TOUCHPOINT_PREDICT_H

#include <stddef.h>
#include <stdint.h>

#include "touchpoint/ctx.h"
#include "touchpoint/score.h"
#include "touchpoint/store.h"

typedef struct tp_train_opts {
	tp_stage label;          /* TP_STAGE_OPPORTUNITY (default) or TP_STAGE_CUSTOMER */
	int observe_days;        /* features from the touches up to this long after a lead is created: 7 */
	int window_days;         /* positive when the label is reached within this after that: 90 */
	double test_fraction;    /* newest leads held out: 0.3 */
} tp_train_opts;

typedef struct tp_calibration_bin {
	int64_t n;
	double predicted, observed;   /* mean predicted probability, observed rate */
} tp_calibration_bin;

typedef struct tp_eval {
	double auc, precision_top_decile, brier;
	tp_calibration_bin bins[10];  /* by decile of predicted probability */
} tp_eval;

typedef struct tp_train_report {
	int64_t leads, censored, train, test, train_positive, test_positive;
	int features;
	tp_eval model, rule;          /* on the test part; the rule score as total / 100 */
} tp_train_report;

/* Trains and stores the model in the workspace (setting "predict.model").
 * Fails with TP_ERR_INVALID when the data has too few leads or no positive
 * examples on either side of the split. The caller holds the transaction. */
TP_API tp_status tp_predict_train(tp_ctx *ctx, tp_store *s, const tp_score_config *cfg,
                                  const tp_train_opts *opts, tp_train_report *out);

/* Scores every contact with the stored model on its history up to now and
 * stores the probability with its score. *n = contacts scored. */
TP_API tp_status tp_predict_apply(tp_ctx *ctx, tp_store *s, const tp_score_config *cfg,
                                  int64_t *n);

/* Area under the ROC curve (ties count half); -1 when a class is empty. */
TP_API double tp_auc(const double *score, const int *label, size_t n);

#endif
