/* Rule scoring (DESIGN §5): fit from who a person is, engagement from what
 * they did, decaying exponentially so that one event updates a score in O(1):
 *     E(t) = E(t0) * 2^(-(t - t0) / half_life) + points
 * A full replay of the history gives the same numbers. The configuration is
 * a JSON document (docs/SCORING.md); the defaults are one too.
 *
 * This module is pure computation: no store, no I/O. src/score/session.c
 * connects it to the store and the lifecycle. */
#ifndef TOUCHPOINT_SCORE_H
#define TOUCHPOINT_SCORE_H

#include <stddef.h>
#include <stdint.h>

#include "touchpoint/channel.h"
#include "touchpoint/ctx.h"
#include "touchpoint/event.h"
#include "touchpoint/model.h"

/* What fit rules look at. Seniority and role are read from the job title. */
#define TP_FIT_ATTR_MAP(X)                 \
	X(TP_FIT_SENIORITY, "seniority")   \
	X(TP_FIT_ROLE,      "role")        \
	X(TP_FIT_EMPLOYEES, "employees")   \
	X(TP_FIT_INDUSTRY,  "industry")    \
	X(TP_FIT_COUNTRY,   "country")     \
	X(TP_FIT_FREEMAIL,  "freemail")

typedef enum tp_fit_attr {
#define TP__FIT_ENUM(e, s) e,
	TP_FIT_ATTR_MAP(TP__FIT_ENUM)
#undef TP__FIT_ENUM
	TP_FIT__COUNT
} tp_fit_attr;

/* Page categories the ingest assigns (src/ingest/touch.c), in mask order. */
#define TP_PAGE_CATEGORY_MAP(X) \
	X("pricing") X("demo") X("product") X("blog") X("careers") X("docs") \
	X("case_study") X("content") X("home") X("other")

typedef struct tp_fit_rule {
	const char *name;
	tp_fit_attr attr;
	const char *const *values;   /* any of, case-insensitive; n_values 0 = any value */
	size_t n_values;
	int64_t min, max;            /* employees: [min, max]; -1 = open */
	double points;
} tp_fit_rule;

typedef struct tp_engage_rule {
	const char *name;
	uint64_t touch_mask;         /* bit per tp_touch; 0 = any */
	uint32_t page_mask;          /* bit per page category; 0 = any */
	uint32_t channel_mask;       /* bit per tp_channel; 0 = any */
	const char *const *assets;   /* any of, as case-insensitive substrings; 0 = any */
	size_t n_assets;
	int min_video_percent;       /* -1 = any */
	double points;
	int cap_per_day;             /* hits counted per UTC day; 0 = no cap */
	int cap_slot;                /* index into tp_score_state.caps, -1 without cap */
} tp_engage_rule;

typedef enum tp_assign_mode {
	TP_ASSIGN_NONE, TP_ASSIGN_ROUND_ROBIN, TP_ASSIGN_COUNTRY, TP_ASSIGN_ACCOUNT_SIZE
} tp_assign_mode;

typedef struct tp_assign_band {
	const char *key;             /* country code (by country) */
	int64_t min_employees;       /* (by account size) */
	const char *owner;
} tp_assign_band;

typedef struct tp_score_config tp_score_config;
struct tp_score_config {
	double half_life_days;
	double fit_weight, engagement_weight;
	double mql_threshold, mql_min_fit;
	const tp_fit_rule *fit;
	size_t n_fit;
	const tp_engage_rule *engage;
	size_t n_engage;
	int n_capped;                /* rules with a daily cap: the size of a state's caps */
	/* Owner assignment when a contact becomes MQL. */
	tp_assign_mode assign;
	const char *const *owners;   /* round robin */
	size_t n_owners;
	const tp_assign_band *bands; /* by country or by account size (largest first) */
	size_t n_bands;
	const char *default_owner;
	/* Accounts: engagement of people counts with this weight; a person with at
	 * least engaged_points is "engaged" and adds per_engaged (more if senior). */
	double account_engagement_weight, engaged_points, per_engaged, per_senior_engaged;
	const char *json;            /* the document it was read from, as given */
};

/* The built-in configuration (DESIGN §5), as JSON text. */
TP_API const char *tp_score_default_json(void);
/* Reads a configuration. Unknown keys, unknown event types, page categories,
 * channels and attributes are refused with the field named ("engagement[3].type").
 * Returns new — free with tp_score_config_free(). */
TP_API tp_status tp_score_config_parse(tp_ctx *ctx, const char *json, tp_score_config **out);
TP_API void tp_score_config_free(tp_score_config *c);

/* ---- fit ----------------------------------------------------------------- */

/* A person's attributes as fit rules see them. Strings may be NULL. */
typedef struct tp_fit_input {
	const char *title, *industry, *country, *email;
	int64_t employees;           /* -1 unknown */
} tp_fit_input;

/* "c_level", "vp", "director", "manager", "individual", or NULL (no title). */
TP_API const char *tp_title_seniority(const char *title);
/* "marketing", "sales", "revops", "engineering", "data", "executive",
 * "other", or NULL. */
TP_API const char *tp_title_role(const char *title);

typedef void (*tp_fit_hit_fn)(void *user, const tp_fit_rule *r);
/* Sum of the points of matching fit rules, clamped to 0..100. `hit` (may be
 * NULL) is told each matching rule. `account_only` uses only employees,
 * industry and country (for an account's own fit). */
TP_API double tp_score_fit(const tp_score_config *c, const tp_fit_input *in, int account_only,
                           tp_fit_hit_fn hit, void *user);

/* ---- engagement --------------------------------------------------------- */

/* What engagement rules look at. */
typedef struct tp_score_event {
	int64_t ts;
	tp_touch touch;
	tp_channel channel;
	int page_category;           /* index in TP_PAGE_CATEGORY_MAP, -1 none */
	const char *asset;           /* may be NULL */
	int video_percent;           /* -1 none */
} tp_score_event;

/* -1 when `name` is not a page category (or NULL). */
TP_API int tp_page_category_index(const char *name);

typedef struct tp_score_cap {
	int32_t day;                 /* UTC day number of the counted hits */
	int32_t hits;
} tp_score_cap;

/* A contact's engagement, O(1) to update. caps has config->n_capped entries. */
typedef struct tp_score_state {
	double engagement;           /* value at `at` */
	int64_t at;                  /* ms; 0 = nothing scored yet */
	tp_score_cap *caps;
} tp_score_state;

/* Called for each rule an event scores under (after caps), with its points. */
typedef void (*tp_engage_hit_fn)(void *user, const tp_engage_rule *r, int64_t ts);

/* Applies one event: every matching rule within its daily cap adds its
 * points. Events may come out of order; they are decayed to the state's
 * time. Daily caps count hits in arrival order, so incremental and replayed
 * scores agree when a contact's events arrive in time order. Returns the
 * points added (undecayed). */
TP_API double tp_score_apply(const tp_score_config *c, tp_score_state *s, const tp_score_event *ev,
                             tp_engage_hit_fn hit, void *user);
/* Engagement decayed to `now`. */
TP_API double tp_score_engagement_at(const tp_score_config *c, const tp_score_state *s, int64_t now);
/* points * 2^(-(now - at) / half_life) (no growth for at > now: 1). */
TP_API double tp_score_decay(const tp_score_config *c, double points, int64_t at, int64_t now);

/* Total 0..100 from fit (0..100) and engagement now; grade 1..10. */
TP_API double tp_score_total(const tp_score_config *c, double fit, double engagement);
TP_API int tp_score_grade(double total);

/* ---- accounts ------------------------------------------------------------ */

/* An account scored as a buying committee: its own fit, plus the decayed
 * engagement of all its people, plus points per engaged person (more for
 * senior ones: c_level, vp, director). */
typedef struct tp_account_score {
	double fit, engagement, total;
	int people, engaged, senior_engaged;
} tp_account_score;

/* Adds one person (engagement decayed to now; seniority from
 * tp_title_seniority, may be NULL). */
TP_API void tp_account_score_add(const tp_score_config *c, tp_account_score *a,
                                 double engagement, const char *seniority);
/* Sets the account's fit and computes its total (0..100). */
TP_API void tp_account_score_finish(const tp_score_config *c, tp_account_score *a, double fit);

/* ---- explanations ------------------------------------------------------- */

typedef struct tp_score_part {
	const char *rule;            /* rule name, or "(fit above 100)", "(total clamped)" */
	const char *kind;            /* "fit", "engagement", "adjustment" */
	double points;               /* contribution to the total now (weighted, decayed) */
	int64_t cents;               /* the same in hundredths, adding up to the total's */
	int64_t hits;                /* engagement: times it scored */
	int64_t first_at, last_at;   /* engagement: when */
} tp_score_part;

typedef struct tp_score_explanation {
	double fit, engagement, total;
	int grade;
	int64_t total_cents;         /* round(total * 100) = sum of parts' cents */
	tp_score_part *parts;        /* largest contribution first */
	size_t n_parts;
} tp_score_explanation;

typedef struct tp_explainer tp_explainer;
/* Builds an explanation by replaying a person: give the fit input, then the
 * events (any order is fine but time order reproduces the daily caps of an
 * incremental score), then finish at `now`. */
TP_API tp_explainer *tp_explainer_create(const tp_score_config *c, const tp_fit_input *fit);
TP_API void tp_explainer_event(tp_explainer *x, const tp_score_event *ev);
/* The explanation lives until tp_explainer_free(). NULL when out of memory. */
TP_API const tp_score_explanation *tp_explainer_finish(tp_explainer *x, int64_t now);
TP_API void tp_explainer_free(tp_explainer *x);

#endif
