/* Rule scoring: fit rules over who a person is, engagement rules over what
 * they did, exponential decay, the blend into a 0-100 total, and the
 * explanation that adds up to it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/strmap.h"
#include "core/text.h"
#include "touchpoint/email.h"
#include "touchpoint/score.h"

#define DAY_MS 86400000LL

int tp_page_category_index(const char *name)
{
	static const char *const pages[] = {
#define TP__PAGE_NAME(s) s,
		TP_PAGE_CATEGORY_MAP(TP__PAGE_NAME)
#undef TP__PAGE_NAME
	};
	if (!name)
		return -1;
	for (int i = 0; i < (int)(sizeof pages / sizeof pages[0]); i++)
		if (strcmp(name, pages[i]) == 0)
			return i;
	return -1;
}

/* ---- titles ------------------------------------------------------------ */

/* Does the lower-cased title contain `word` as a whole word (or phrase)? */
static int has_word(const char *title, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = title; (p = strstr(p, word)) != NULL; p++) {
		int start = p == title || !((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= '0' && p[-1] <= '9'));
		char e = p[n];
		int end = !((e >= 'a' && e <= 'z') || (e >= '0' && e <= '9'));
		if (start && end)
			return 1;
	}
	return 0;
}

static int any_word(const char *title, const char *const *words)
{
	for (; *words; words++)
		if (has_word(title, *words))
			return 1;
	return 0;
}

static const char *lower_title(const char *title, char *buf, size_t cap)
{
	if (!title || !*title)
		return NULL;
	size_t n = strlen(title);
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, title, n);
	buf[n] = '\0';
	return tp__lower(buf);
}

const char *tp_title_seniority(const char *title)
{
	static const char *const vp[] = {"vp", "vice president", "svp", "evp", NULL};
	static const char *const c_level[] = {"ceo", "cto", "cfo", "cmo", "coo", "cro", "cio",
		"chief", "founder", "co-founder", "cofounder", "president", "owner", "managing director",
		NULL};
	static const char *const director[] = {"director", "head", NULL};
	static const char *const manager[] = {"manager", "lead", "supervisor", NULL};
	static const char *const student[] = {"student", "intern", NULL};
	char buf[256];
	const char *t = lower_title(title, buf, sizeof buf);
	if (!t)
		return NULL;
	if (any_word(t, vp))
		return "vp";
	if (any_word(t, c_level))
		return "c_level";
	if (any_word(t, director))
		return "director";
	if (any_word(t, manager))
		return "manager";
	if (any_word(t, student))
		return "student";
	return "individual";
}

const char *tp_title_role(const char *title)
{
	static const char *const ops[] = {"operations", "ops", "revops", NULL};
	static const char *const gtm[] = {"marketing", "sales", "revenue", NULL};
	static const char *const marketing[] = {"marketing", "growth", "demand", "demand generation",
		"cmo", "brand", "content", "seo", NULL};
	static const char *const sales[] = {"sales", "sdr", "bdr", "account executive", "cro",
		"business development", NULL};
	static const char *const engineering[] = {"engineer", "developer", "cto", "engineering",
		"software", NULL};
	static const char *const data[] = {"data", "analyst", "analytics", NULL};
	static const char *const executive[] = {"ceo", "founder", "co-founder", "president", "owner",
		"coo", "chief", "managing director", NULL};
	char buf[256];
	const char *t = lower_title(title, buf, sizeof buf);
	if (!t)
		return NULL;
	if (any_word(t, ops) && any_word(t, gtm))
		return "revops";
	if (any_word(t, marketing))
		return "marketing";
	if (any_word(t, sales))
		return "sales";
	if (any_word(t, engineering))
		return "engineering";
	if (any_word(t, data))
		return "data";
	if (any_word(t, executive))
		return "executive";
	return "other";
}

/* Seniority and role of a title, remembered per thread for the titles
 * seen last: an import asks again and again for a workspace's few titles,
 * and reading one is some sixty substring searches (3% of an import's
 * time before this). A slot keeps titles shorter than its buffer. */
enum { TITLE_MEMO_SLOTS = 64, TITLE_MEMO_BYTES = 64 };
typedef struct title_memo {
	char title[TITLE_MEMO_BYTES];
	const char *seniority, *role;
} title_memo;
static _Thread_local title_memo title_memo_slots[TITLE_MEMO_SLOTS];

static void title_class(const char *title, const char **seniority, const char **role)
{
	size_t n = title ? strlen(title) : 0;
	if (n == 0 || n >= TITLE_MEMO_BYTES) {
		*seniority = tp_title_seniority(title);
		*role = tp_title_role(title);
		return;
	}
	title_memo *m = &title_memo_slots[tp__hash_str(title) & (TITLE_MEMO_SLOTS - 1)];
	if (strcmp(m->title, title) != 0) {
		memcpy(m->title, title, n + 1);
		m->seniority = tp_title_seniority(title);
		m->role = tp_title_role(title);
	}
	*seniority = m->seniority;
	*role = m->role;
}

/* ---- fit ----------------------------------------------------------------- */

static int in_values(const tp_fit_rule *r, const char *v)
{
	if (!v)
		return 0;
	for (size_t i = 0; i < r->n_values; i++)
		if (tp__ieq(v, r->values[i]))
			return 1;
	return 0;
}

static int fit_matches(const tp_fit_rule *r, const tp_fit_input *in, const char *seniority,
                       const char *role)
{
	switch (r->attr) {
	case TP_FIT_SENIORITY: return in_values(r, seniority);
	case TP_FIT_ROLE: return in_values(r, role);
	case TP_FIT_INDUSTRY: return in_values(r, in->industry);
	case TP_FIT_COUNTRY: return in_values(r, in->country);
	case TP_FIT_EMPLOYEES:
		return in->employees >= 0 && (r->min < 0 || in->employees >= r->min) &&
		       (r->max < 0 || in->employees <= r->max);
	case TP_FIT_FREEMAIL:
		return in->email && tp_domain_is_freemail(tp_email_domain(in->email));
	default: return 0;
	}
}

static double fit_sum(const tp_score_config *c, const tp_fit_input *in, int account_only,
                      tp_fit_hit_fn hit, void *user)
{
	const char *seniority, *role;
	title_class(in->title, &seniority, &role);
	double sum = 0;
	for (size_t i = 0; i < c->n_fit; i++) {
		const tp_fit_rule *r = &c->fit[i];
		if (account_only && r->attr != TP_FIT_EMPLOYEES && r->attr != TP_FIT_INDUSTRY &&
		    r->attr != TP_FIT_COUNTRY)
			continue;
		if (fit_matches(r, in, seniority, role)) {
			sum += r->points;
			if (hit)
				hit(user, r);
		}
	}
	return sum;
}

static double clamp100(double v)
{
	return v < 0 ? 0 : v > 100 ? 100 : v;
}

double tp_score_fit(const tp_score_config *c, const tp_fit_input *in, int account_only,
                    tp_fit_hit_fn hit, void *user)
{
	return clamp100(fit_sum(c, in, account_only, hit, user));
}

/* ---- engagement --------------------------------------------------------- */

static int asset_matches(const tp_engage_rule *r, const char *asset)
{
	if (!r->n_assets)
		return 1;
	if (!asset)
		return 0;
	for (size_t i = 0; i < r->n_assets; i++)
		if (strcasestr(asset, r->assets[i]))
			return 1;
	return 0;
}

static int engage_matches(const tp_engage_rule *r, const tp_score_event *ev)
{
	if (r->touch_mask && !(r->touch_mask & (1ULL << ev->touch)))
		return 0;
	if (r->page_mask && (ev->page_category < 0 || !(r->page_mask & (1U << ev->page_category))))
		return 0;
	if (r->channel_mask && !(r->channel_mask & (1U << ev->channel)))
		return 0;
	if (r->min_video_percent >= 0 && ev->video_percent < r->min_video_percent)
		return 0;
	return asset_matches(r, ev->asset);
}

static int32_t day_of(int64_t ts)
{
	return (int32_t)(ts >= 0 ? ts / DAY_MS : (ts - DAY_MS + 1) / DAY_MS);
}

double tp_score_decay(const tp_score_config *c, double points, int64_t at, int64_t now)
{
	if (now <= at)
		return points;
	return points * exp2(-(double)(now - at) / (c->half_life_days * (double)DAY_MS));
}

double tp_score_apply(const tp_score_config *c, tp_score_state *s, const tp_score_event *ev,
                      tp_engage_hit_fn hit, void *user)
{
	double added = 0;
	int32_t day = -1;
	int any = 0;
	for (size_t i = 0; i < c->n_engage; i++) {
		const tp_engage_rule *r = &c->engage[i];
		if (!engage_matches(r, ev))
			continue;
		if (r->cap_slot >= 0) {
			if (!any)
				day = day_of(ev->ts);
			tp_score_cap *cap = &s->caps[r->cap_slot];
			if (cap->day == day) {
				if (cap->hits >= r->cap_per_day)
					continue;
				cap->hits++;
			} else if (cap->day < day || cap->hits == 0) {
				cap->day = day;
				cap->hits = 1;
			}
			/* An earlier day arriving late is not capped: its count is gone. */
		}
		any = 1;
		added += r->points;
		if (hit)
			hit(user, r, ev->ts);
	}
	if (!any)
		return 0;
	if (s->at == 0) {
		s->engagement = added;
		s->at = ev->ts;
	} else if (ev->ts >= s->at) {
		s->engagement = tp_score_decay(c, s->engagement, s->at, ev->ts) + added;
		s->at = ev->ts;
	} else {
		s->engagement += tp_score_decay(c, added, ev->ts, s->at);
	}
	return added;
}

double tp_score_engagement_at(const tp_score_config *c, const tp_score_state *s, int64_t now)
{
	return s->at ? tp_score_decay(c, s->engagement, s->at, now) : 0;
}

double tp_score_total(const tp_score_config *c, double fit, double engagement)
{
	return clamp100(c->fit_weight * fit + c->engagement_weight * engagement);
}

int tp_score_grade(double total)
{
	int g = 1 + (int)floor(total / 10);
	return g < 1 ? 1 : g > 10 ? 10 : g;
}

/* ---- accounts ------------------------------------------------------------ */

void tp_account_score_add(const tp_score_config *c, tp_account_score *a, double engagement,
                          const char *seniority)
{
	a->people++;
	a->engagement += engagement;
	if (engagement < c->engaged_points)
		return;
	a->engaged++;
	if (seniority && (strcmp(seniority, "c_level") == 0 || strcmp(seniority, "vp") == 0 ||
	                  strcmp(seniority, "director") == 0))
		a->senior_engaged++;
}

void tp_account_score_finish(const tp_score_config *c, tp_account_score *a, double fit)
{
	a->fit = fit;
	a->total = clamp100(c->fit_weight * fit + c->account_engagement_weight * a->engagement +
	                    c->per_engaged * a->engaged + c->per_senior_engaged * a->senior_engaged);
}

/* ---- explanations ------------------------------------------------------- */

typedef struct hit {
	int rule;
	int64_t ts;
} hit;

struct tp_explainer {
	const tp_score_config *cfg;
	tp_score_state state;
	double fit_raw;
	char *fit_hit;          /* per fit rule: matched */
	hit *hits;
	size_t n_hits, cap_hits;
	int nomem;
	tp_score_explanation out;
};

static void on_fit(void *user, const tp_fit_rule *r)
{
	tp_explainer *x = user;
	x->fit_hit[r - x->cfg->fit] = 1;
}

static void on_engage(void *user, const tp_engage_rule *r, int64_t ts)
{
	tp_explainer *x = user;
	if (tp__grow((void **)&x->hits, &x->cap_hits, x->n_hits + 1, sizeof *x->hits) != 0) {
		x->nomem = 1;
		return;
	}
	x->hits[x->n_hits++] = (hit){(int)(r - x->cfg->engage), ts};
}

tp_explainer *tp_explainer_create(const tp_score_config *c, const tp_fit_input *fit)
{
	tp_explainer *x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	x->cfg = c;
	x->fit_hit = calloc(c->n_fit + 1, 1);
	x->state.caps = calloc((size_t)c->n_capped + 1, sizeof *x->state.caps);
	if (!x->fit_hit || !x->state.caps) {
		tp_explainer_free(x);
		return NULL;
	}
	x->fit_raw = fit_sum(c, fit, 0, on_fit, x);
	return x;
}

void tp_explainer_event(tp_explainer *x, const tp_score_event *ev)
{
	tp_score_apply(x->cfg, &x->state, ev, on_engage, x);
}

static int by_points_desc(const void *a, const void *b)
{
	const tp_score_part *x = a, *y = b;
	if (x->points != y->points)
		return x->points > y->points ? -1 : 1;
	return strcmp(x->rule, y->rule);
}

/* Hundredths per part that add up to the rounded total (largest remainder):
 * each part's floor, then the units left over go to the largest remainders
 * (or, should rounding leave too many, come off the smallest). */
static int by_remainder_desc(const void *a, const void *b, void *arg)
{
	const tp_score_part *parts = arg;
	const tp_score_part *x = &parts[*(const size_t *)a], *y = &parts[*(const size_t *)b];
	double rx = x->points * 100 - floor(x->points * 100), ry = y->points * 100 - floor(y->points * 100);
	return rx != ry ? (rx > ry ? -1 : 1) : 0;
}

static int apportion(tp_score_part *p, size_t n, int64_t target)
{
	int64_t sum = 0;
	for (size_t i = 0; i < n; i++) {
		p[i].cents = (int64_t)floor(p[i].points * 100);
		sum += p[i].cents;
	}
	int64_t left = target - sum;
	if (!left || !n)
		return 0;
	size_t *order = malloc(n * sizeof *order);
	if (!order)
		return -1;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof *order, by_remainder_desc, p);
	for (size_t k = 0; left > 0; k++, left--)
		p[order[k % n]].cents++;
	for (size_t k = 0; left < 0; k++, left++)
		p[order[n - 1 - k % n]].cents--;
	free(order);
	return 0;
}

const tp_score_explanation *tp_explainer_finish(tp_explainer *x, int64_t now)
{
	const tp_score_config *c = x->cfg;
	if (x->nomem)
		return NULL;
	size_t cap = c->n_fit + c->n_engage + 3;
	tp_score_part *parts = calloc(cap, sizeof *parts);
	if (!parts)
		return NULL;
	size_t n = 0;
	for (size_t i = 0; i < c->n_fit; i++)
		if (x->fit_hit[i])
			parts[n++] = (tp_score_part){.rule = c->fit[i].name, .kind = "fit",
			                             .points = c->fit_weight * c->fit[i].points};
	double fit = clamp100(x->fit_raw);
	if (fit != x->fit_raw)
		parts[n++] = (tp_score_part){.rule = x->fit_raw > 100 ? "(fit capped at 100)"
		                                                     : "(fit raised to 0)",
		                             .kind = "adjustment",
		                             .points = c->fit_weight * (fit - x->fit_raw)};
	/* Engagement per rule: the sum of its hits, each decayed to now. */
	double engagement = 0;
	for (size_t i = 0; i < c->n_engage; i++) {
		tp_score_part part = {.rule = c->engage[i].name, .kind = "engagement"};
		double sum = 0;
		for (size_t h = 0; h < x->n_hits; h++) {
			if (x->hits[h].rule != (int)i)
				continue;
			int64_t ts = x->hits[h].ts;
			sum += tp_score_decay(c, c->engage[i].points, ts, now);
			if (!part.hits || ts < part.first_at)
				part.first_at = ts;
			if (!part.hits || ts > part.last_at)
				part.last_at = ts;
			part.hits++;
		}
		if (!part.hits)
			continue;
		engagement += sum;
		part.points = c->engagement_weight * sum;
		parts[n++] = part;
	}
	double raw = c->fit_weight * fit + c->engagement_weight * engagement;
	double total = clamp100(raw);
	if (total != raw)
		parts[n++] = (tp_score_part){.rule = raw > 100 ? "(total capped at 100)"
		                                              : "(total raised to 0)",
		                             .kind = "adjustment", .points = total - raw};
	qsort(parts, n, sizeof *parts, by_points_desc);
	int64_t target = llround(total * 100);
	if (apportion(parts, n, target) != 0) {
		free(parts);
		return NULL;
	}
	free(x->out.parts);
	x->out = (tp_score_explanation){.fit = fit, .engagement = engagement, .total = total,
	                                .grade = tp_score_grade(total), .total_cents = target,
	                                .parts = parts, .n_parts = n};
	return &x->out;
}

void tp_explainer_free(tp_explainer *x)
{
	if (!x)
		return;
	free(x->fit_hit);
	free(x->state.caps);
	free(x->hits);
	free(x->out.parts);
	free(x);
}
