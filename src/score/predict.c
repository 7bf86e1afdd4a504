/* Predictive scoring with liblinear's L2-regularised logistic regression.
 * Every lead is observed at one moment (created + observe_days), with only
 * what was known then: fit attributes, touches by type, recency, first
 * channel, and the rule score of that moment. The label is whether it
 * reached the stage within the window after. The newest leads are the test
 * part, so that the model is judged on leads later than those it learnt. */
#include <cjson/cJSON.h>
#include <linear.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/i64map.h"
#include "store/settings.h"
#include "touchpoint/email.h"
#include "touchpoint/predict.h"
#include "touchpoint/scorer.h"

#define DAY_MS 86400000LL
#define MODEL_KEY "predict.model"

static const char *const seniorities[] = {"c_level", "vp", "director", "manager", "individual",
	"student"};
static const char *const roles[] = {"marketing", "sales", "revops", "engineering", "data",
	"executive", "other"};
#define N_SEN 7   /* + none */
#define N_ROLE 8  /* + none */
enum {
	F_SEN = 0,
	F_ROLE = F_SEN + N_SEN,
	F_LOG_EMPLOYEES = F_ROLE + N_ROLE,
	F_EMPLOYEES_UNKNOWN,
	F_FREEMAIL,
	F_RULE_FIT,
	F_TOUCH,
	F_DAYS_SINCE = F_TOUCH + TP_TOUCH__COUNT,
	F_ACTIVE_DAYS,
	F_TOUCHES,
	F_FIRST_CHANNEL,
	F_RULE_ENGAGEMENT = F_FIRST_CHANNEL + TP_CH__COUNT,
	F__COUNT
};

typedef struct lead {
	int64_t id, account_id, created_at, observe_at, label_at;
	int seniority, role, freemail;
	int64_t employees;
	double fit;
	int32_t touches[TP_TOUCH__COUNT];
	int64_t last_ts, n;
	int32_t active_days, last_day;
	int first_channel;
	tp_score_state state;
} lead;

typedef struct dataset {
	const tp_score_config *cfg;
	lead *v;
	size_t n, cap;
	int64_t now;
	int observe_days;
	tp_score_cap *caps;
	int nomem;
	/* accounts: id → (employees, industry index) by sorted arrays */
	int64_t *acc_id, *acc_employees;
	char **acc_industry, **acc_country;
	size_t n_acc, cap_acc;
} dataset;

static int index_of(const char *const *names, int n, const char *v)
{
	if (!v)
		return n;   /* "none" */
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], v) == 0)
			return i;
	return n;
}

static int take_account(void *user, const tp_account *a, int64_t n_contacts)
{
	dataset *d = user;
	(void)n_contacts;
	if (d->n_acc == d->cap_acc) {
		size_t cap = d->cap_acc ? d->cap_acc * 2 : 256;
		int64_t *id = realloc(d->acc_id, cap * sizeof *id);
		if (id)
			d->acc_id = id;
		int64_t *em = realloc(d->acc_employees, cap * sizeof *em);
		if (em)
			d->acc_employees = em;
		char **ind = realloc(d->acc_industry, cap * sizeof *ind);
		if (ind)
			d->acc_industry = ind;
		char **co = realloc(d->acc_country, cap * sizeof *co);
		if (co)
			d->acc_country = co;
		if (!id || !em || !ind || !co) {
			d->nomem = 1;
			return 1;
		}
		d->cap_acc = cap;
	}
	d->acc_id[d->n_acc] = a->id;
	d->acc_employees[d->n_acc] = a->employees;
	d->acc_industry[d->n_acc] = a->industry ? strdup(a->industry) : NULL;
	d->acc_country[d->n_acc] = a->country ? strdup(a->country) : NULL;
	d->n_acc++;
	return 0;
}

static size_t find_account(const dataset *d, int64_t id)
{
	size_t i = tp__i64_lower_bound(d->acc_id, d->n_acc, id);
	return i < d->n_acc && d->acc_id[i] == id ? i : (size_t)-1;
}

static int take_contact(void *user, const tp_contact *c)
{
	dataset *d = user;
	if (tp__grow((void **)&d->v, &d->cap, d->n + 1, sizeof *d->v) != 0) {
		d->nomem = 1;
		return 1;
	}
	lead *l = &d->v[d->n++];
	memset(l, 0, sizeof *l);
	l->id = c->id;
	l->account_id = c->account_id;
	l->created_at = c->created_at;
	l->observe_at = d->observe_days >= 0 ? c->created_at + d->observe_days * DAY_MS : d->now;
	l->seniority = index_of(seniorities, N_SEN - 1, tp_title_seniority(c->title));
	l->role = index_of(roles, N_ROLE - 1, tp_title_role(c->title));
	l->freemail = c->email && tp_domain_is_freemail(tp_email_domain(c->email));
	l->employees = -1;
	l->first_channel = -1;
	l->last_day = INT32_MIN;
	tp_fit_input in = {.title = c->title, .email = c->email, .country = c->country,
	                   .employees = -1};
	size_t a = c->account_id ? find_account(d, c->account_id) : (size_t)-1;
	if (a != (size_t)-1) {
		l->employees = in.employees = d->acc_employees[a];
		in.industry = d->acc_industry[a];
		if (!in.country)
			in.country = d->acc_country[a];
	}
	l->fit = tp_score_fit(d->cfg, &in, 0, NULL, NULL);
	return 0;
}

static lead *find_lead(const dataset *d, int64_t id)
{
	size_t lo = 0, hi = d->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->n && d->v[lo].id == id ? &d->v[lo] : NULL;
}

static int take_touch(void *user, const tp_touch_record *t)
{
	dataset *d = user;
	lead *l = find_lead(d, t->contact_id);
	if (!l || t->ts > l->observe_at)
		return 0;
	tp_score_event e;
	tp_score_event_of_record(t, &e);
	l->touches[e.touch]++;
	l->n++;
	if (t->ts > l->last_ts)
		l->last_ts = t->ts;
	int32_t day = (int32_t)(t->ts / DAY_MS);
	if (day != l->last_day) {
		l->active_days++;
		l->last_day = day;
	}
	if (l->first_channel < 0 && e.channel != TP_CH_UNASSIGNED)
		l->first_channel = (int)e.channel;
	tp_score_apply(d->cfg, &l->state, &e, NULL, NULL);
	return 0;
}

/* The first time a lead reached the label stage or a later one on the funnel. */
typedef struct stage_pass {
	dataset *d;
	tp_stage label;
} stage_pass;

static int take_label(void *user, const tp_stage_change_row *r)
{
	stage_pass *p = user;
	if (r->to_stage > TP_STAGE_CUSTOMER || r->to_stage < p->label)
		return 0;
	lead *l = find_lead(p->d, r->contact_id);
	if (l && (!l->label_at || r->at < l->label_at))
		l->label_at = r->at;
	return 0;
}

static void features(const dataset *d, const lead *l, double *x)
{
	memset(x, 0, F__COUNT * sizeof *x);
	x[F_SEN + l->seniority] = 1;
	x[F_ROLE + l->role] = 1;
	if (l->employees >= 0)
		x[F_LOG_EMPLOYEES] = log10((double)l->employees + 1);
	else
		x[F_EMPLOYEES_UNKNOWN] = 1;
	x[F_FREEMAIL] = l->freemail;
	x[F_RULE_FIT] = l->fit / 100;
	for (int i = 0; i < TP_TOUCH__COUNT; i++)
		x[F_TOUCH + i] = log1p(l->touches[i]);
	double since = l->n ? (double)(l->observe_at - l->last_ts) / DAY_MS : 365;
	x[F_DAYS_SINCE] = log1p(since < 0 ? 0 : since);
	x[F_ACTIVE_DAYS] = log1p(l->active_days);
	x[F_TOUCHES] = log1p((double)l->n);
	if (l->first_channel >= 0)
		x[F_FIRST_CHANNEL + l->first_channel] = 1;
	x[F_RULE_ENGAGEMENT] = tp_score_engagement_at(d->cfg, &l->state, l->observe_at) / 100;
}

static double rule_score(const dataset *d, const lead *l)
{
	return tp_score_total(d->cfg, l->fit, tp_score_engagement_at(d->cfg, &l->state, l->observe_at)) / 100;
}

static void dataset_free(dataset *d)
{
	for (size_t i = 0; i < d->n_acc; i++) {
		free(d->acc_industry[i]);
		free(d->acc_country[i]);
	}
	free(d->acc_id);
	free(d->acc_employees);
	free(d->acc_industry);
	free(d->acc_country);
	free(d->v);
	free(d->caps);
}

/* Contacts, their accounts and their touches up to each one's moment. */
static tp_status gather(tp_ctx *ctx, tp_store *s, dataset *d)
{
	tp_contact_filter f = {.stage = -1};
	tp_status rc = s->ops->accounts_list(s, ctx, take_account, d);
	if (rc == TP_OK && !d->nomem)
		rc = s->ops->contacts_list(s, ctx, &f, take_contact, d);
	if (rc == TP_OK && !d->nomem) {
		size_t per = (size_t)d->cfg->n_capped + 1;
		d->caps = calloc(d->n * per + 1, sizeof *d->caps);
		if (!d->caps)
			d->nomem = 1;
		for (size_t i = 0; d->caps && i < d->n; i++)
			d->v[i].state.caps = d->caps + i * per;
	}
	if (rc == TP_OK && !d->nomem)
		rc = s->ops->events_scan(s, ctx, take_touch, d);
	if (rc == TP_OK && d->nomem)
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	return rc;
}

/* ---- evaluation ---------------------------------------------------------- */

typedef struct scored {
	double p;
	int y;
} scored;

static int by_p_asc(const void *a, const void *b)
{
	double x = ((const scored *)a)->p, y = ((const scored *)b)->p;
	return x < y ? -1 : x > y;
}

double tp_auc(const double *score, const int *label, size_t n)
{
	scored *v = malloc((n + 1) * sizeof *v);
	if (!v)
		return -1;
	double pos = 0, neg = 0;
	for (size_t i = 0; i < n; i++) {
		v[i] = (scored){score[i], label[i] != 0};
		pos += v[i].y;
	}
	neg = (double)n - pos;
	qsort(v, n, sizeof *v, by_p_asc);
	/* Mann-Whitney: the positives' rank sum, ties sharing their mean rank. */
	double ranks = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		double tie_pos = 0;
		while (j < n && v[j].p == v[i].p)
			tie_pos += v[j++].y;
		ranks += tie_pos * ((double)(i + 1) + (double)j) / 2;
		i = j;
	}
	free(v);
	if (pos == 0 || neg == 0)
		return -1;
	return (ranks - pos * (pos + 1) / 2) / (pos * neg);
}

static void evaluate(const double *p, const int *y, size_t n, tp_eval *out)
{
	memset(out, 0, sizeof *out);
	out->auc = tp_auc(p, y, n);
	scored *v = malloc((n + 1) * sizeof *v);
	if (!v || !n) {
		free(v);
		return;
	}
	double brier = 0;
	for (size_t i = 0; i < n; i++) {
		v[i] = (scored){p[i], y[i]};
		brier += (p[i] - y[i]) * (p[i] - y[i]);
	}
	out->brier = brier / (double)n;
	qsort(v, n, sizeof *v, by_p_asc);
	size_t top = (n + 9) / 10, hits = 0;
	for (size_t i = n - top; i < n; i++)
		hits += (size_t)v[i].y;
	out->precision_top_decile = (double)hits / (double)top;
	/* Deciles by predicted value, lowest first. */
	for (size_t i = 0; i < n; i++) {
		tp_calibration_bin *b = &out->bins[i * 10 / n];
		b->n++;
		b->predicted += v[i].p;
		b->observed += v[i].y;
	}
	for (int k = 0; k < 10; k++)
		if (out->bins[k].n) {
			out->bins[k].predicted /= (double)out->bins[k].n;
			out->bins[k].observed /= (double)out->bins[k].n;
		}
	free(v);
}

/* ---- training ------------------------------------------------------------ */

static void quiet(const char *s)
{
	(void)s;
}

typedef struct example {
	size_t lead;
	int64_t at;
	int y;
} example;

static int by_time(const void *a, const void *b)
{
	const example *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->lead < y->lead ? -1 : x->lead > y->lead;
}

static tp_status store_model(tp_ctx *ctx, tp_store *s, const double *w, double bias,
                             const tp_train_opts *o, const tp_train_report *r)
{
	cJSON *j = cJSON_CreateObject();
	cJSON *weights = cJSON_CreateDoubleArray(w, F__COUNT);
	if (!j || !weights) {
		cJSON_Delete(j);
		cJSON_Delete(weights);
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	}
	cJSON_AddStringToObject(j, "label", tp_stage_name(o->label));
	cJSON_AddNumberToObject(j, "observe_days", o->observe_days);
	cJSON_AddNumberToObject(j, "window_days", o->window_days);
	cJSON_AddNumberToObject(j, "features", F__COUNT);
	cJSON_AddItemToObject(j, "weights", weights);
	cJSON_AddNumberToObject(j, "bias", bias);
	cJSON_AddNumberToObject(j, "test_auc", r->model.auc);
	return tp__setting_object_save(ctx, s, MODEL_KEY, j);
}

tp_status tp_predict_train(tp_ctx *ctx, tp_store *s, const tp_score_config *cfg,
                           const tp_train_opts *opts, tp_train_report *out)
{
	tp_train_opts o = {TP_STAGE_OPPORTUNITY, 7, 90, 0.3};
	if (opts) {
		o = *opts;
		if (o.observe_days < 0)
			o.observe_days = 7;
		if (o.window_days <= 0)
			o.window_days = 90;
		if (!(o.test_fraction > 0 && o.test_fraction < 1))
			o.test_fraction = 0.3;
	}
	memset(out, 0, sizeof *out);
	out->features = F__COUNT;
	dataset d = {.cfg = cfg, .now = tp_ctx_now(ctx), .observe_days = o.observe_days};
	tp_status rc = gather(ctx, s, &d);
	stage_pass sp = {&d, o.label};
	if (rc == TP_OK)
		rc = s->ops->stage_changes(s, ctx, 0, take_label, &sp);
	example *ex = rc == TP_OK ? malloc((d.n + 1) * sizeof *ex) : NULL;
	if (rc == TP_OK && !ex)
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	size_t m = 0;
	for (size_t i = 0; rc == TP_OK && i < d.n; i++) {
		lead *l = &d.v[i];
		out->leads++;
		if (l->label_at && l->label_at <= l->observe_at)
			continue;   /* already there when observed: nothing to predict */
		if (l->observe_at + o.window_days * DAY_MS > d.now) {
			out->censored++;   /* the window has not closed yet */
			continue;
		}
		ex[m++] = (example){i, l->observe_at,
		                    l->label_at && l->label_at <= l->observe_at + o.window_days * DAY_MS};
	}
	struct feature_node *nodes = NULL, **rows = NULL;
	double *y = NULL, *p_model = NULL, *p_rule = NULL;
	int *yt = NULL;
	struct model *model = NULL;
	if (rc == TP_OK) {
		qsort(ex, m, sizeof *ex, by_time);
		size_t n_test = (size_t)((double)m * o.test_fraction), n_train = m - n_test;
		out->train = (int64_t)n_train;
		out->test = (int64_t)n_test;
		for (size_t i = 0; i < m; i++) {
			if (i < n_train)
				out->train_positive += ex[i].y;
			else
				out->test_positive += ex[i].y;
		}
		if (n_train < 20 || n_test < 10 || !out->train_positive || !out->test_positive ||
		    out->train_positive == out->train || out->test_positive == out->test)
			rc = tp_ctx_fail(ctx, TP_ERR_INVALID, "",
			                 "too little to learn from: %lld leads observed (%lld positive) for"
			                 " training and %lld (%lld positive) for the test; a model needs both"
			                 " outcomes on both sides",
			                 (long long)out->train, (long long)out->train_positive,
			                 (long long)out->test, (long long)out->test_positive);
		nodes = calloc(m * (F__COUNT + 2) + 1, sizeof *nodes);
		rows = calloc(m + 1, sizeof *rows);
		y = calloc(m + 1, sizeof *y);
		p_model = calloc(m + 1, sizeof *p_model);
		p_rule = calloc(m + 1, sizeof *p_rule);
		yt = calloc(m + 1, sizeof *yt);
		if (rc == TP_OK && (!nodes || !rows || !y || !p_model || !p_rule || !yt))
			rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
		for (size_t i = 0; rc == TP_OK && i < m; i++) {
			double x[F__COUNT];
			features(&d, &d.v[ex[i].lead], x);
			struct feature_node *row = nodes + i * (F__COUNT + 2);
			int k = 0;
			for (int f = 0; f < F__COUNT; f++)
				if (x[f] != 0)
					row[k++] = (struct feature_node){f + 1, x[f]};
			row[k++] = (struct feature_node){F__COUNT + 1, 1.0};   /* bias */
			row[k] = (struct feature_node){-1, 0};
			rows[i] = row;
			y[i] = ex[i].y;
		}
		if (rc == TP_OK) {
			struct problem prob = {(int)n_train, F__COUNT + 1, y, rows, 1.0};
			struct parameter param = {.solver_type = L2R_LR, .eps = 0.001, .C = 1.0};
			const char *why = check_parameter(&prob, &param);
			set_print_string_function(quiet);
			if (why)
				rc = tp_ctx_fail(ctx, TP_ERR_INVALID, "", "liblinear: %s", why);
			else if (!(model = train(&prob, &param)))
				rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
		}
		if (rc == TP_OK) {
			/* liblinear's w favours its first label: make it favour 1. */
			int labels[2];
			get_labels(model, labels);
			double sign = labels[0] == 1 ? 1 : -1, w[F__COUNT], bias;
			for (int f = 0; f < F__COUNT; f++)
				w[f] = sign * model->w[f];
			bias = sign * model->w[F__COUNT];
			for (size_t i = n_train; i < m; i++) {
				double x[F__COUNT], z = bias;
				features(&d, &d.v[ex[i].lead], x);
				for (int f = 0; f < F__COUNT; f++)
					z += w[f] * x[f];
				p_model[i - n_train] = 1 / (1 + exp(-z));
				p_rule[i - n_train] = rule_score(&d, &d.v[ex[i].lead]);
				yt[i - n_train] = ex[i].y;
			}
			evaluate(p_model, yt, n_test, &out->model);
			evaluate(p_rule, yt, n_test, &out->rule);
			rc = store_model(ctx, s, w, bias, &o, out);
		}
	}
	free_and_destroy_model(&model);
	free(nodes);
	free(rows);
	free(y);
	free(p_model);
	free(p_rule);
	free(yt);
	free(ex);
	dataset_free(&d);
	return rc;
}

/* ---- applying ------------------------------------------------------------- */

tp_status tp_predict_apply(tp_ctx *ctx, tp_store *s, const tp_score_config *cfg, int64_t *n)
{
	char *text;
	*n = 0;
	tp_status rc = tp_store_setting(ctx, s, MODEL_KEY, &text);
	if (rc != TP_OK)
		return rc;
	int found = text != NULL;
	cJSON *m = found ? cJSON_Parse(text) : NULL;
	free(text);
	const cJSON *weights = cJSON_GetObjectItemCaseSensitive(m, "weights");
	const cJSON *bias = cJSON_GetObjectItemCaseSensitive(m, "bias");
	if (!found || !cJSON_IsArray(weights) || cJSON_GetArraySize(weights) != F__COUNT ||
	    !cJSON_IsNumber(bias)) {
		cJSON_Delete(m);
		return tp_ctx_fail(ctx, TP_ERR_NOT_FOUND, "model",
		                   found ? "the stored model was made by another version: train again"
		                         : "no model yet: run `touchpoint score train` first");
	}
	double w[F__COUNT];
	int f = 0;
	for (const cJSON *c = weights->child; c && f < F__COUNT; c = c->next)
		w[f++] = cJSON_IsNumber(c) ? c->valuedouble : 0;
	double b = bias->valuedouble;
	cJSON_Delete(m);
	dataset d = {.cfg = cfg, .now = tp_ctx_now(ctx), .observe_days = -1};
	rc = gather(ctx, s, &d);
	for (size_t i = 0; rc == TP_OK && i < d.n; i++) {
		double x[F__COUNT], z = b;
		features(&d, &d.v[i], x);
		for (int k = 0; k < F__COUNT; k++)
			z += w[k] * x[k];
		tp_score_row row;
		int have;
		if ((rc = s->ops->score_get(s, ctx, d.v[i].id, &row, &have)) != TP_OK)
			break;
		if (!have) {
			double total = tp_score_total(cfg, d.v[i].fit, 0);
			row = (tp_score_row){d.v[i].id, d.v[i].fit, 0, 0, NULL, total,
			                     tp_score_grade(total), -1, d.now};
		}
		row.probability = 1 / (1 + exp(-z));
		if ((rc = s->ops->score_put(s, ctx, &row)) != TP_OK)
			break;
		(*n)++;
	}
	dataset_free(&d);
	return rc;
}
