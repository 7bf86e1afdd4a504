/* The demo world. Proportions follow the seeds: about a dozen touches
 * before a deal, lead ads on Meta/LinkedIn/TikTok/Google, webinar and
 * trade-show lists, inbound and outbound channels, MQL → SAL → SQL →
 * opportunity → customer with falling conversion at each step. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "demo/world.h"
#include "touchpoint/time.h"

uint64_t tp__demo_next(demo_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double tp__demo_unit(demo_rng *r)
{
	return (double)(tp__demo_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

int tp__demo_pick(demo_rng *r, int n)
{
	return (int)(tp__demo_unit(r) * n);
}

const char *const tp__demo_first[] = {
	"Ana", "Minh", "Linh", "Wei", "Jing", "Hiroshi", "Yuki", "Sarah", "James", "Maria",
	"David", "Emma", "Lukas", "Sofia", "Thanh", "Huong", "Li", "Xiaoming", "Priya", "Arjun",
	"Olivia", "Noah", "Chloe", "Mateo", "Fatima", "Omar", "Hannah", "Jonas", "Camille", "Pierre",
	"Quang", "Trang", "Mei", "Chen", "Kenji", "Aiko", "Grace", "Daniel", "Laura", "Marco"};
const char *const tp__demo_last[] = {
	"Nguyen", "Tran", "Le", "Pham", "Wang", "Li", "Zhang", "Liu", "Chen", "Tanaka", "Sato",
	"Smith", "Johnson", "Garcia", "Muller", "Schmidt", "Martin", "Dubois", "Rossi", "Silva",
	"Kim", "Park", "Patel", "Singh", "Brown", "Wilson", "Lopez", "Novak", "Jensen", "Hoang"};
const char *const tp__demo_titles[] = {
	"CMO", "CEO", "VP Marketing", "VP Sales", "Head of Growth", "Director of Demand Generation",
	"Director of Revenue Operations", "Marketing Operations Manager", "Sales Manager",
	"Growth Marketing Manager", "Marketing Specialist", "SDR", "Data Analyst",
	"Software Engineer", "Student", "Consultant"};
/* 5 C-level, 4 VP, 3 director/head, 2 manager, 1 individual, 0 none */
const uint8_t tp__demo_title_seniority[] = {5, 5, 4, 4, 3, 3, 3, 2, 2, 2, 1, 1, 1, 1, 0, 1};
const char *const tp__demo_industries[] = {
	"Software", "Financial Services", "Manufacturing", "Healthcare", "Retail", "Education",
	"Logistics", "Telecommunications"};
const char *const tp__demo_countries[] = {"US", "GB", "DE", "FR", "VN", "CN", "JP", "SG", "AU", "CA"};
const int tp__demo_n_first = (int)(sizeof tp__demo_first / sizeof tp__demo_first[0]);
const int tp__demo_n_last = (int)(sizeof tp__demo_last / sizeof tp__demo_last[0]);
const int tp__demo_n_titles = (int)(sizeof tp__demo_titles / sizeof tp__demo_titles[0]);

static const char *const name_a[] = {
	"Nova", "Blue", "Iron", "Bright", "Swift", "Green", "Silver", "Peak", "Cloud", "Delta",
	"Apex", "North", "Quantum", "Red", "Sun", "Lotus", "Dragon", "Harbor", "Vertex", "Orbit",
	"Pioneer", "Summit", "Atlas", "Cedar", "Falcon"};
static const char *const name_b[] = {
	"Logix", "Works", "Systems", "Labs", "Dynamics", "Soft", "Data", "Health", "Freight",
	"Capital", "Retail", "Robotics", "Analytics", "Networks", "Foods", "Energy", "Media",
	"Bank", "Learning", "Motors"};

const demo_channel tp__demo_channels[] = {
	{"Organic Search", NULL, NULL, NULL, "https://www.google.com/", 0, 0.24, 1.0},
	{"Paid Search", "google", "cpc", "search-crm-generic", NULL, 1, 0.14, 1.1},
	{"Paid Search", "google", "cpc", "search-brand", NULL, 1, 0.05, 1.5},
	{"Paid Social", "linkedin", "paid_social", "abm-enterprise", NULL, 1, 0.08, 1.3},
	{"Paid Social", "facebook", "paid_social", "retargeting-q1", NULL, 1, 0.05, 0.8},
	{"Organic Social", NULL, NULL, NULL, "https://www.linkedin.com/feed/", 0, 0.07, 0.9},
	{"Email", "newsletter", "email", "monthly-digest", NULL, 0, 0.08, 1.2},
	{"Referral", NULL, NULL, NULL, "https://www.g2.com/products/touchpoint/reviews", 0, 0.07, 1.4},
	{"Direct", NULL, NULL, NULL, NULL, 0, 0.09, 1.1},
	{"Display", "dv360", "display", "display-prospecting", NULL, 1, 0.04, 0.5},
	{"Outbound", "apollo", "outbound", "sdr-sequence-a", NULL, 0, 0.04, 0.9},
	{"Partner", "partnerhub", "partner", "partner-co-marketing", NULL, 0, 0.03, 1.6},
	{"Organic Video", NULL, NULL, NULL, "https://www.youtube.com/", 0, 0.02, 0.7},
};
const int tp__demo_n_channels = (int)(sizeof tp__demo_channels / sizeof tp__demo_channels[0]);

static int pick_channel(demo_rng *r)
{
	double u = tp__demo_unit(r), acc = 0;
	for (int i = 0; i < tp__demo_n_channels; i++) {
		acc += tp__demo_channels[i].weight;
		if (u < acc)
			return i;
	}
	return 0;
}

static double logistic(double x)
{
	return 1.0 / (1.0 + exp(-x));
}

void tp__demo_email(const demo_world *w, int32_t person, char *buf, size_t cap)
{
	const demo_person *p = &w->people[person];
	static const char *const freemail[] = {"gmail.com", "outlook.com", "yahoo.com", "qq.com", "163.com"};
	char first[32], last[32];
	snprintf(first, sizeof first, "%s", tp__demo_first[p->first]);
	snprintf(last, sizeof last, "%s", tp__demo_last[p->last]);
	tp__lower(first);
	tp__lower(last);
	/* The person index keeps addresses unique in a world with repeated names. */
	if (p->freemail || p->account < 0)
		snprintf(buf, cap, "%s.%s%d@%s", first, last, person, freemail[person % 5]);
	else
		snprintf(buf, cap, "%s.%s%d@%s", first, last, person, w->accounts[p->account].domain);
}

#define DAY_MS (86400LL * 1000)

int tp__demo_world_build(demo_world *w, const tp_demo_opts *opts)
{
	memset(w, 0, sizeof *w);
	w->opts = *opts;
	int64_t start;
	if (tp_time_parse(opts->start_day ? opts->start_day : "2026-01-01", &start) != 0)
		start = 1767225600000LL;
	w->start_ms = start;
	w->end_ms = start + (int64_t)opts->days * DAY_MS;
	int64_t known = opts->contacts;
	w->n_known = (int32_t)known;
	w->n_people = (int32_t)(known * 3);   /* two anonymous-only visitors per known person */
	w->n_accounts = (int32_t)(known / 4 + 1);
	w->accounts = calloc((size_t)w->n_accounts, sizeof *w->accounts);
	w->people = calloc((size_t)w->n_people, sizeof *w->people);
	if (!w->accounts || !w->people) {
		tp__demo_world_free(w);
		return -1;
	}
	demo_rng r = {opts->seed * 0x2545F4914F6CDD1DULL + 1};
	int na = (int)(sizeof name_a / sizeof name_a[0]), nb = (int)(sizeof name_b / sizeof name_b[0]);
	for (int32_t i = 0; i < w->n_accounts; i++) {
		demo_account *a = &w->accounts[i];
		int x = i % (na * nb);
		int round = i / (na * nb);
		/* 500 distinct names; later rounds number them ("NovaLogix 2"). */
		char nth[16] = "";
		if (round)
			snprintf(nth, sizeof nth, "%d", round + 1);
		snprintf(a->name, sizeof a->name, "%s%s%s%s", name_a[x % na], name_b[x / na],
		         round ? " " : "", nth);
		snprintf(a->domain, sizeof a->domain, "%s%s%s.com", name_a[x % na], name_b[x / na], nth);
		tp__lower(a->domain);
		a->industry = (uint8_t)tp__demo_pick(&r, 8);
		a->country = (uint8_t)tp__demo_pick(&r, 10);
		/* Company sizes are roughly log-uniform from 10 to 20,000. */
		a->employees = (int32_t)exp(log(10.0) + tp__demo_unit(&r) * (log(20000.0) - log(10.0)));
		a->champion = -1;
	}
	/* A steady inflow, as a live funnel has: the last month's people are
	 * early in their journeys rather than missing. Known people start early
	 * enough for their identifying touch (a list at once, or a form after at
	 * most three visits 4.05 days apart: events.c) to fall before the end,
	 * so that --contacts N gives N contacts. */
	int64_t span = (int64_t)opts->days * DAY_MS;
	int64_t known_span = span - 9 * DAY_MS;
	for (int32_t i = 0; i < w->n_people; i++) {
		demo_person *p = &w->people[i];
		p->first = (uint16_t)tp__demo_pick(&r, tp__demo_n_first);
		p->last = (uint16_t)tp__demo_pick(&r, tp__demo_n_last);
		p->title = (uint16_t)tp__demo_pick(&r, tp__demo_n_titles);
		p->seniority = tp__demo_title_seniority[p->title];
		p->freemail = tp__demo_unit(&r) < 0.15;
		p->account = tp__demo_pick(&r, w->n_accounts);
		p->intent = tp__demo_unit(&r);
		p->first_channel = (uint8_t)pick_channel(&r);
		p->start = w->start_ms +
		           (int64_t)(tp__demo_unit(&r) * (double)(i < w->n_known ? known_span : span));
		for (int s = 0; s <= REACH_CUSTOMER; s++)
			p->stage_at[s] = 0;
		if (i >= w->n_known) {
			p->via = VIA_NEVER;
			p->reach = REACH_VISITOR;
			continue;
		}
		double u = tp__demo_unit(&r);
		p->via = u < 0.72 ? VIA_WEB : u < 0.86 ? VIA_LEAD_AD : u < 0.94 ? VIA_WEBINAR : VIA_EVENT;
		p->trial = tp__demo_unit(&r) < 0.25;
		/* Who moves down the funnel: intent, seniority, company size, channel. */
		const demo_account *a = &w->accounts[p->account];
		double fit = 0.35 * p->seniority + 0.25 * log10((double)a->employees) - (p->freemail ? 1.2 : 0);
		double q = log(tp__demo_channels[p->first_channel].quality);
		double drive = 3.2 * p->intent + fit + q - 2.4;
		p->reach = REACH_LEAD;
		static const double offsets[] = {0, 0, 0.3, -0.2, -0.6, -1.2, -1.9};
		for (int s = REACH_MQL; s <= REACH_OPPORTUNITY; s++) {
			if (tp__demo_unit(&r) >= logistic(drive + offsets[s]))
				break;
			p->reach = (uint8_t)s;
		}
	}
	/* Timelines: identification a few visits in, stages days apart. */
	for (int32_t i = 0; i < w->n_known; i++) {
		demo_person *p = &w->people[i];
		p->identified_at = p->start + (int64_t)(tp__demo_unit(&r) * 20 * DAY_MS) + DAY_MS;
		p->stage_at[REACH_LEAD] = p->identified_at;
		static const double gap_days[] = {0, 0, 6, 2, 5, 7, 35};
		int64_t t = p->identified_at;
		for (int s = REACH_MQL; s <= p->reach; s++) {
			t += (int64_t)((0.5 + tp__demo_unit(&r)) * gap_days[s] * DAY_MS);
			if (t >= w->end_ms) {
				p->reach = (uint8_t)(s - 1);
				break;
			}
			p->stage_at[s] = t;
		}
	}
	/* One opportunity per account: its most advanced person carries it. */
	for (int32_t i = 0; i < w->n_known; i++) {
		demo_person *p = &w->people[i];
		if (p->reach < REACH_OPPORTUNITY || p->freemail)
			continue;
		demo_account *a = &w->accounts[p->account];
		if (a->champion >= 0 && w->people[a->champion].stage_at[REACH_OPPORTUNITY] <=
		                            p->stage_at[REACH_OPPORTUNITY]) {
			p->reach = REACH_SQL;   /* the account's deal is already open */
			continue;
		}
		if (a->champion >= 0)
			w->people[a->champion].reach = REACH_SQL;
		a->champion = i;
	}
	for (int32_t i = 0; i < w->n_accounts; i++) {
		demo_account *a = &w->accounts[i];
		if (a->champion < 0)
			continue;
		demo_person *p = &w->people[a->champion];
		a->deal_channel = p->first_channel;
		a->opp_at = p->stage_at[REACH_OPPORTUNITY];
		/* Annual contract value grows with company size: about $4k to $250k. */
		double acv = 4000.0 * pow((double)a->employees / 10.0, 0.55) * (0.7 + 0.6 * tp__demo_unit(&r));
		a->deal_amount = (int64_t)(acv / 100.0) * 100 * 100;
		a->close_at = a->opp_at + (int64_t)((20 + 50 * tp__demo_unit(&r)) * DAY_MS);
		if (a->close_at >= w->end_ms) {
			a->deal = DEAL_OPEN;
			a->close_at = 0;
			continue;
		}
		double win = logistic(2.0 * p->intent + 0.3 * p->seniority - 1.6);
		if (tp__demo_unit(&r) < win) {
			a->deal = DEAL_WON;
			p->reach = REACH_CUSTOMER;
			p->stage_at[REACH_CUSTOMER] = a->close_at;
		} else {
			a->deal = DEAL_LOST;
		}
	}
	return 0;
}

void tp__demo_world_free(demo_world *w)
{
	free(w->accounts);
	free(w->people);
	w->accounts = NULL;
	w->people = NULL;
}
