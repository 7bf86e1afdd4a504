/* The KPIs of a month (see touchpoint/kpi.h; formulas in docs/METRICS.md).
 * Everything is counted into the total row and, with --by, into the row of
 * its group: a person's group is their first touch's channel or campaign,
 * spend's is its own, a session's is its first event's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/attribution_int.h"
#include "analytics/people.h"
#include "core/buf.h"
#include "core/strmap.h"
#include "core/text.h"
#include "touchpoint/channel.h"
#include "touchpoint/kpi.h"
#include "touchpoint/time.h"

#define DAY_MS 86400000LL
#define LOOKBACK_30D (30 * DAY_MS)

enum { LEAD = 0, MQL = 1, CUSTOMER = TP_FUNNEL_STAGES - 1 };

typedef struct session {
	int64_t start, last;
	int64_t pages, events;
	int64_t row;          /* group row; -1 none */
	int open;
} session;

typedef struct kpi {
	tp_ctx *ctx;
	const tp_kpi_opts *o;
	int64_t from, to;     /* the month: [from, to] ms, to capped at as_of */
	int64_t as_of;
	char currency[4], other[4];
	tp_kpi_row *rows;
	size_t n, cap;
	tp_strmap keys;
	session *sessions;
	size_t n_sessions, cap_sessions;
	tp_strmap visitors;   /* anonymous id → session index */
	tp__people people;
	int oom;
} kpi;

/* The row of a group key (created when new); 0 is the total. */
static int64_t row_of(kpi *k, const char *key)
{
	if (k->o->by == TP_KPI_TOTAL)
		return 0;
	char folded[64];
	snprintf(folded, sizeof folded, "%s", key && *key ? key : "(not set)");
	if (k->o->by == TP_KPI_CAMPAIGN)
		tp__lower(folded);   /* campaigns are matched as UTM values are: lower-case */
	int64_t at;
	if (tp__strmap_get(&k->keys, folded, &at))
		return at;
	if (tp__grow((void **)&k->rows, &k->cap, k->n + 1, sizeof *k->rows) != 0 ||
	    tp__strmap_put(&k->keys, folded, (int64_t)k->n) != 0) {
		k->oom = 1;
		return -1;
	}
	memset(&k->rows[k->n], 0, sizeof k->rows[k->n]);
	snprintf(k->rows[k->n].key, sizeof k->rows[k->n].key, "%s", folded);
	return (int64_t)k->n++;
}

/* The rows a contribution goes to: the total, and its group's (row g). */
static int rows_for(kpi *k, int64_t g, tp_kpi_row *out[2])
{
	out[0] = &k->rows[0];
	out[1] = g > 0 ? &k->rows[g] : NULL;
	return g > 0 ? 2 : 1;
}

static int in(int64_t t, int64_t from, int64_t to)
{
	return t && t >= from && t <= to;
}

static const char *group_of_person(const kpi *k, const tp__person *p)
{
	if (!p->channel)
		return "(no touches)";
	return k->o->by == TP_KPI_CAMPAIGN ? p->campaign : p->channel;
}

static void count_people(kpi *k)
{
	int64_t before_from = tp_month_start(k->o->month - 1), before_to = k->from - 1;
	int64_t from30 = k->to - LOOKBACK_30D + 1;
	for (size_t i = 0; i < k->people.n && !k->oom; i++) {
		const tp__person *p = &k->people.v[i];
		if (!p->reached[LEAD])
			continue;
		int64_t g = row_of(k, group_of_person(k, p));
		tp_kpi_row *to[2];
		for (int t = 0, nt = rows_for(k, g, to); t < nt; t++) {
			tp_kpi_row *r = to[t];
			r->leads += in(p->reached[LEAD], k->from, k->to);
			r->mqls += in(p->reached[MQL], k->from, k->to);
			r->mqls_before += in(p->reached[MQL], before_from, before_to);
			r->customers += in(p->reached[CUSTOMER], k->from, k->to);
			r->leads_30d += in(p->reached[LEAD], from30, k->to);
			r->customers_30d += in(p->reached[CUSTOMER], from30, k->to);
		}
	}
}

static const char *group_of_contact(kpi *k, int64_t contact_id)
{
	tp__person *p = tp__people_get(&k->people, contact_id);
	return p ? group_of_person(k, p) : "(no contact)";
}

static int same_currency(kpi *k, const char *currency)
{
	if (!currency)
		return 0;
	if (k->o->currency)
		return strcmp(currency, k->o->currency) == 0;
	if (!k->currency[0])
		snprintf(k->currency, sizeof k->currency, "%s", currency);
	else if (strcmp(k->currency, currency) != 0 && !k->other[0])
		snprintf(k->other, sizeof k->other, "%s", currency);
	return strcmp(currency, k->currency) == 0;
}

static int on_opportunity(void *user, const tp_opportunity_row *o)
{
	kpi *k = user;
	if (!in(o->created_at, k->from, k->to))
		return 0;
	int64_t g = row_of(k, group_of_contact(k, o->contact_id));
	int amount = same_currency(k, o->currency);
	tp_kpi_row *to[2];
	for (int t = 0, nt = rows_for(k, g, to); t < nt; t++) {
		tp_kpi_row *r = to[t];
		r->opportunities++;
		if (amount)
			r->opportunity_amount += o->amount;
	}
	return k->oom;
}

static int on_spend(void *user, const tp_spend_row *s)
{
	kpi *k = user;
	if (!same_currency(k, s->currency))
		return 0;
	int64_t g = row_of(k, k->o->by == TP_KPI_CAMPAIGN ? s->campaign : s->channel);
	tp_kpi_row *to[2];
	for (int t = 0, nt = rows_for(k, g, to); t < nt; t++) {
		tp_kpi_row *r = to[t];
		r->has_spend = 1;
		r->impressions += s->impressions;
		r->clicks += s->clicks;
		r->cost += s->cost;
	}
	return k->oom;
}

static void close_session(kpi *k, session *s)
{
	if (!s->open)
		return;
	s->open = 0;
	if (!s->pages || s->start < k->from || s->start > k->to)
		return;
	tp_kpi_row *to[2];
	for (int t = 0, nt = rows_for(k, s->row, to); t < nt; t++) {
		tp_kpi_row *r = to[t];
		r->sessions++;
		r->bounces += s->pages == 1 && s->events == 1;
		r->seconds_on_site += (double)(s->last - s->start) / 1000.0;
	}
}

/* What a visitor does on the site. Not: what happens elsewhere (email
 * opens, social, ad platforms' lead forms, events, payments) and the calls
 * that only name someone (identify, group, alias). */
static int on_site(const char *type)
{
	tp_touch t;
	if (!type || tp_touch_from_name(type, &t) != 0)
		return 0;
	switch (t) {
	case TP_TOUCH_PAGE_VIEW: case TP_TOUCH_SCREEN_VIEW: case TP_TOUCH_SITE_SEARCH:
	case TP_TOUCH_DOWNLOAD: case TP_TOUCH_VIDEO_PROGRESS: case TP_TOUCH_EMAIL_SIGNUP:
	case TP_TOUCH_FORM_SUBMIT: case TP_TOUCH_DEMO_REQUEST: case TP_TOUCH_CHAT:
	case TP_TOUCH_TRIAL_SIGNUP: case TP_TOUCH_OFFER_SIGNUP: case TP_TOUCH_WEBINAR_REGISTERED:
	case TP_TOUCH_CLICK: case TP_TOUCH_SCROLL: case TP_TOUCH_MEETING_BOOKED:
	case TP_TOUCH_CUSTOM:
		return 1;
	default:
		return 0;
	}
}

/* Sessions are a browser's (anonymous id's) activity on the site with no
 * gap over 30 minutes. A bounce is a session of one page view and nothing
 * else. */
static int on_event(void *user, const tp_touch_record *t)
{
	kpi *k = user;
	if (!t->anonymous_id || !*t->anonymous_id || t->ts > k->as_of || !on_site(t->type))
		return 0;
	int64_t at;
	session *s;
	if (tp__strmap_get(&k->visitors, t->anonymous_id, &at)) {
		s = &k->sessions[at];
	} else {
		if (tp__grow((void **)&k->sessions, &k->cap_sessions, k->n_sessions + 1,
		             sizeof *k->sessions) != 0 ||
		    tp__strmap_put(&k->visitors, t->anonymous_id, (int64_t)k->n_sessions) != 0)
			return k->oom = 1;
		s = &k->sessions[k->n_sessions++];
		memset(s, 0, sizeof *s);
	}
	if (s->open && t->ts - s->last > TP_VISIT_GAP_MS)
		close_session(k, s);
	if (!s->open) {
		*s = (session){t->ts, t->ts, 0, 0,
		               row_of(k, k->o->by == TP_KPI_CAMPAIGN ? tp__campaign_key(t->channel, t->campaign)
		                                                     : t->channel), 1};
		if (k->oom)
			return 1;
	}
	s->last = t->ts;
	s->events++;
	s->pages += strcmp(t->type, tp_touch_name(TP_TOUCH_PAGE_VIEW)) == 0;
	return 0;
}

typedef struct both_readers {
	tp__people *people;
	tp__journey_builder *journeys;
} both_readers;

static int on_touch(void *user, const tp_touch_record *t)
{
	both_readers *b = user;
	return tp__people_on_event(b->people, t) || tp__journeys_on_event(b->journeys, t);
}

/* The people's first touches and every journey up to the month's end, from
 * one scan of the events instead of one each. */
static tp_status read_people_and_journeys(kpi *k, tp_store *s, tp_journeys *all)
{
	tp_journey_opts jo = {.conversion = TP_CONVERT_CUSTOMER,
	                      .key = k->o->by == TP_KPI_CAMPAIGN ? TP_KEY_CAMPAIGN : TP_KEY_CHANNEL,
	                      .as_of = k->to};
	tp__journey_builder *jb;
	tp_status rc = tp__people_load(k->ctx, s, k->to, 0, &k->people);
	if (rc == TP_OK && (rc = tp__journeys_begin(k->ctx, s, &jo, all, &jb)) == TP_OK) {
		both_readers both = {&k->people, jb};
		rc = tp__journeys_end(jb, s->ops->events_scan(s, k->ctx, on_touch, &both));
	}
	if (rc == TP_OK && k->people.oom)
		rc = tp_ctx_fail(k->ctx, TP_ERR_NOMEM, NULL, "out of memory reading contacts");
	return rc;
}

/* Won revenue of the customers of the month, credited to their touches. */
static tp_status credit_revenue(kpi *k, const tp_journeys *all)
{
	tp_journeys *month = tp_journeys_create();
	tp_status rc = month ? TP_OK : tp_ctx_fail(k->ctx, TP_ERR_NOMEM, NULL, "out of memory");
	/* Keep the conversions of the month; channel indexes are re-made. */
	tp_journey_step *steps = NULL;
	size_t cap = 0;
	for (size_t i = 0; rc == TP_OK && i < tp_journeys_count(all); i++) {
		tp_journey jr = tp_journeys_get(all, i);
		if (!jr.conversions || !in(jr.converted_at, k->from, k->to))
			continue;
		if (tp__grow((void **)&steps, &cap, jr.n_steps ? jr.n_steps : 1, sizeof *steps) != 0) {
			rc = tp_ctx_fail(k->ctx, TP_ERR_NOMEM, NULL, "out of memory");
			break;
		}
		for (uint32_t s = 0; s < jr.n_steps; s++) {
			int64_t c = tp_journeys_channel(month,
			                                tp_journeys_channel_name(all, jr.steps[s].channel));
			if (c < 0) {
				rc = tp_ctx_fail(k->ctx, TP_ERR_NOMEM, NULL, "out of memory");
				break;
			}
			steps[s] = jr.steps[s];
			steps[s].channel = (uint32_t)c;
		}
		if (rc == TP_OK)
			rc = tp_journeys_add(k->ctx, month, steps, jr.n_steps, jr.conversions, jr.value, 0,
			                     jr.converted_at);
	}
	free(steps);
	tp_attr_result res = {0};
	if (rc == TP_OK && tp_journeys_count(month)) {
		tp_attr_opts ao = {.model = k->o->model};
		rc = tp_attribute(k->ctx, month, &ao, &res);
		if (rc == TP_OK) {
			k->rows[0].revenue = res.total_value;
			for (size_t c = 0; k->o->by != TP_KPI_TOTAL && c < res.n_channels && !k->oom; c++) {
				int64_t g = row_of(k, tp_journeys_channel_name(month, (uint32_t)c));
				if (g > 0)
					k->rows[g].revenue += res.value[c];
			}
		}
		tp_attr_result_free(&res);
	}
	tp_journeys_free(month);
	return rc;
}

static double ratio(double num, double den, double scale)
{
	return den > 0 ? num / den * scale : NAN;
}

static void derive(tp_kpi_row *r)
{
	double cost = r->has_spend ? (double)r->cost : NAN;
	r->lead_velocity = ratio((double)(r->mqls - r->mqls_before), (double)r->mqls_before, 100);
	r->lead_conversion_30d = ratio((double)r->customers_30d, (double)r->leads_30d, 100);
	r->ctr = r->has_spend ? ratio((double)r->clicks, (double)r->impressions, 100) : NAN;
	r->cpc = ratio(cost, (double)r->clicks, 1);
	r->cpm = ratio(cost, (double)r->impressions, 1000);
	r->cpl = ratio(cost, (double)r->leads, 1);
	r->cac = ratio(cost, (double)r->customers, 1);
	r->roas = ratio(r->revenue, cost / 100, 1);
	r->roi = ratio(r->revenue - cost / 100, cost / 100, 100);
	r->bounce_rate = ratio((double)r->bounces, (double)r->sessions, 100);
	r->avg_time_on_site = ratio(r->seconds_on_site, (double)r->sessions, 1);
}

static int cmp_row(const void *a, const void *b)
{
	return strcmp(((const tp_kpi_row *)a)->key, ((const tp_kpi_row *)b)->key);
}

tp_status tp_kpi_report(tp_ctx *ctx, tp_store *s, const tp_kpi_opts *o, tp_kpi_row **rows,
                        size_t *n, char month[8], char currency[4])
{
	*rows = NULL;
	*n = 0;
	kpi k = {.ctx = ctx, .o = o, .as_of = o->as_of ? o->as_of : tp_ctx_now(ctx)};
	tp_kpi_opts local = *o;
	if (!local.month)
		local.month = tp_month_of(k.as_of + 1) - 1;   /* the last complete month */
	k.o = &local;
	k.from = tp_month_start(local.month);
	k.to = tp_month_start(local.month + 1) - 1;
	if (k.to > k.as_of)
		k.to = k.as_of;
	tp_month_format(local.month, month);
	currency[0] = '\0';
	tp__strmap_init(&k.keys);
	tp__strmap_init(&k.visitors);
	tp_status rc = TP_OK;
	tp_journeys *all = NULL;
	if (k.from > k.as_of) {
		rc = tp_ctx_fail(ctx, TP_ERR_USAGE, "--month", "%s has not begun at the report's date",
		                 month);
		goto done;
	}
	if (tp__grow((void **)&k.rows, &k.cap, 1, sizeof *k.rows) != 0)
		goto oom;
	memset(&k.rows[0], 0, sizeof k.rows[0]);
	snprintf(k.rows[0].key, sizeof k.rows[0].key, "all");
	k.n = 1;
	if (!(all = tp_journeys_create()))
		goto oom;
	if ((rc = read_people_and_journeys(&k, s, all)) != TP_OK)
		goto done;
	count_people(&k);
	char from_day[11], to_day[11];
	tp_time_format_date(k.from, from_day);
	tp_time_format_date(k.to, to_day);
	if (!k.oom)
		rc = s->ops->spend_list(s, ctx, from_day, to_day, k.as_of, on_spend, &k);
	if (rc == TP_OK && !k.oom)
		rc = s->ops->opportunities_list(s, ctx, on_opportunity, &k);
	if (rc == TP_OK && k.other[0]) {
		rc = tp_ctx_fail(ctx, TP_ERR_USAGE, "--currency", "spend and deals are in %s and %s:"
		                 " say which with --currency", k.currency, k.other);
		goto done;
	}
	/* A day either side, so sessions that cross the month's edges are whole. */
	if (rc == TP_OK && !k.oom)
		rc = s->ops->events_between(s, ctx, k.from - DAY_MS, k.to + DAY_MS, on_event, &k);
	for (size_t i = 0; rc == TP_OK && i < k.n_sessions; i++)
		close_session(&k, &k.sessions[i]);
	if (rc == TP_OK && !k.oom)
		rc = credit_revenue(&k, all);
	if (rc != TP_OK)
		goto done;
	if (k.oom)
		goto oom;
	for (size_t i = 0; i < k.n; i++)
		derive(&k.rows[i]);
	if (k.n > 2)
		qsort(k.rows + 1, k.n - 1, sizeof *k.rows, cmp_row);
	snprintf(currency, 4, "%s", o->currency ? o->currency : k.currency);
	*rows = k.rows;
	*n = k.n;
	k.rows = NULL;
	goto done;
oom:
	rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "kpi: out of memory");
done:
	free(k.rows);
	free(k.sessions);
	tp__strmap_free(&k.keys);
	tp__strmap_free(&k.visitors);
	tp__people_free(&k.people);
	tp_journeys_free(all);
	return rc;
}
