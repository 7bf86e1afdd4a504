/* The demo's events as Segment JSON Lines: each person's journey is laid out
 * as touches, all touches are sorted by time, then written. */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "demo/world.h"
#include "touchpoint/time.h"

#define DAY_MS (86400LL * 1000)
#define MIN_MS (60LL * 1000)
#define SITE "https://www.tp-demo.com"

enum kind {
	K_PAGE, K_SEARCH, K_DOWNLOAD, K_VIDEO, K_FORM, K_IDENTIFY, K_GROUP, K_DEMO, K_CHAT,
	K_TRIAL, K_WEBINAR_REG, K_WEBINAR_ATT, K_EVENT_ATT, K_EMAIL_OPEN, K_EMAIL_CLICK,
	K_SOCIAL_LIKE, K_SOCIAL_COMMENT, K_LEAD_AD, K_PAYMENT, K_ALIAS, K_SIGNUP
};

enum { F_FIRST_HIT = 1, F_DUP = 2, F_SHARED = 4, F_BROWSER2 = 8, F_LIST = 16, F_USER = 32 };

typedef struct touch {
	int64_t ts;
	int32_t person;
	uint16_t seq;
	uint8_t kind, channel; /* channel: arrival channel index of the visit */
	int16_t extra;
	uint8_t flags;
} touch;

typedef struct plan {
	touch *t;
	size_t len, cap;
	int nomem;
} plan;

static void add(plan *pl, int64_t ts, int32_t person, uint8_t kind, uint8_t channel,
                int16_t extra, uint8_t flags)
{
	if (tp__grow((void **)&pl->t, &pl->cap, pl->len + 1, sizeof *pl->t) != 0) {
		pl->nomem = 1;
		return;
	}
	pl->t[pl->len++] = (touch){ts, person, 0, kind, channel, extra, flags};
}

static const struct {
	const char *path, *title, *category;
} pages[] = {
	{"/", "Touchpoint - the B2B lead engine", "home"},
	{"/blog/what-is-an-mql", "What is an MQL?", "blog"},
	{"/blog/lead-velocity-rate", "Lead Velocity Rate explained", "blog"},
	{"/blog/multi-touch-attribution", "Multi-touch attribution in practice", "blog"},
	{"/blog/b2b-kpis", "Three B2B KPIs that matter", "blog"},
	{"/product/attribution", "Attribution", "product"},
	{"/product/lead-scoring", "Lead scoring", "product"},
	{"/features/nurturing", "Nurturing workflows", "product"},
	{"/integrations", "Integrations", "product"},
	{"/customers/novalogix", "Case study: NovaLogix", "case_study"},
	{"/docs/getting-started", "Getting started", "docs"},
	{"/careers", "Careers", "careers"},
	{"/pricing", "Pricing", "pricing"},
	{"/pricing/enterprise", "Enterprise pricing", "pricing"},
	{"/demo", "Book a demo", "demo"},
};
enum { N_PAGES = sizeof pages / sizeof pages[0], PAGE_PRICING = 12, PAGE_DEMO = 14 };

static const char *const assets[] = {"state-of-b2b-marketing-2026.pdf", "mql-playbook.pdf",
	"attribution-guide.pdf", "roi-calculator.xlsx"};
static const char *const terms[] = {"pricing", "salesforce integration", "lead scoring",
	"gdpr", "attribution model", "api"};
static const char *const webinars[] = {"webinar-attribution-101", "webinar-abm-2026"};
static const char *const trade_shows[] = {"saastr-europa", "web-summit", "techcrunch-disrupt"};
static const struct {
	const char *platform, *source, *medium, *campaign;
} lead_ads[] = {
	{"meta", "facebook", "paid_social", "lead-ads-ebook"},
	{"linkedin", "linkedin", "paid_social", "lead-gen-form-demo"},
	{"tiktok", "tiktok", "paid_social", "tiktok-instant-form"},
	{"google", "google", "cpc", "google-lead-form"},
};

/* A page for someone of this intent: high intent reads pricing and demo pages. */
static int16_t pick_page(demo_rng *r, double intent)
{
	double u = tp__demo_unit(r);
	if (u < 0.08 + 0.22 * intent)
		return (int16_t)(PAGE_PRICING + tp__demo_pick(r, 3));
	if (u < 0.12 + 0.22 * intent)
		return 11; /* careers: job seekers look like leads, and score below them */
	return (int16_t)tp__demo_pick(r, 11);
}

static int64_t later(demo_rng *r, int64_t t, double mean_days)
{
	return t + (int64_t)((0.05 + tp__demo_unit(r) * 2 * mean_days) * DAY_MS);
}

/* One visit: a landing with its source, then internal pages minutes apart. */
static int64_t visit(plan *pl, demo_rng *r, int32_t i, int64_t t, uint8_t channel, double intent,
                     uint8_t flags)
{
	int pagesn = 1 + tp__demo_pick(r, 3 + (int)(intent * 2));
	for (int k = 0; k < pagesn; k++) {
		add(pl, t, i, K_PAGE, channel, pick_page(r, intent), (uint8_t)(k == 0 ? flags | F_FIRST_HIT : flags));
		t += (int64_t)(20 + tp__demo_pick(r, 240)) * 1000;
	}
	if (tp__demo_unit(r) < 0.1 + 0.2 * intent)
		add(pl, t, i, K_SEARCH, channel, (int16_t)tp__demo_pick(r, 6), flags);
	return t;
}

static uint8_t later_channel(demo_rng *r, const demo_person *p)
{
	double u = tp__demo_unit(r);
	if (u < 0.35)
		return 8;  /* Direct */
	if (u < 0.55)
		return 6;  /* Email */
	if (u < 0.70)
		return 0;  /* Organic Search */
	if (u < 0.80)
		return 2;  /* brand search */
	return p->first_channel;
}

static void plan_person(plan *pl, const demo_world *w, int32_t i, demo_rng *r)
{
	const demo_person *p = &w->people[i];
	int64_t t = p->start;
	if (p->via == VIA_NEVER) {
		int visits = 1 + tp__demo_pick(r, 3);
		uint8_t ch = p->first_channel;
		for (int v = 0; v < visits && t < w->end_ms; v++) {
			t = visit(pl, r, i, t, ch, p->intent * 0.5, 0);
			t = later(r, t, 6);
			ch = later_channel(r, p);
		}
		return;
	}
	/* Touches before identification. */
	uint8_t browser = 0;
	if (p->via == VIA_WEB) {
		int visits = 1 + tp__demo_pick(r, 3);
		uint8_t ch = p->first_channel;
		for (int v = 0; v < visits; v++) {
			t = visit(pl, r, i, t, ch, p->intent, 0);
			if (v + 1 < visits)
				t = later(r, t, 2);
			ch = later_channel(r, p);
		}
		t += 2 * MIN_MS;
		/* A shared laptop: the form is filled on the previous person's browser. */
		uint8_t shared = 0;
		if (i > 0 && tp__demo_pick(r, 100) == 0 && w->people[i - 1].via == VIA_WEB &&
		    w->people[i - 1].identified_at < t)
			shared = F_SHARED;
		add(pl, t, i, K_FORM, p->first_channel, (int16_t)tp__demo_pick(r, 4), shared);
		add(pl, t + 1000, i, K_IDENTIFY, 0, 0, shared);
	} else {
		uint8_t kind = p->via == VIA_LEAD_AD ? K_LEAD_AD
		             : p->via == VIA_WEBINAR ? K_WEBINAR_REG : K_EVENT_ATT;
		int16_t extra = (int16_t)tp__demo_pick(r, p->via == VIA_LEAD_AD ? 4 : p->via == VIA_WEBINAR ? 2 : 3);
		add(pl, t, i, kind, 0, extra, F_LIST);
		if (p->via == VIA_WEBINAR && tp__demo_unit(r) < 0.6)
			add(pl, t + 3 * DAY_MS, i, K_WEBINAR_ATT, 0, extra, F_LIST);
		browser = F_BROWSER2;
		/* Their later web visits are anonymous until a form links the browser. */
		t = later(r, t, 3);
		t = visit(pl, r, i, t, later_channel(r, p), p->intent, browser);
		t += MIN_MS;
		add(pl, t, i, K_FORM, 0, (int16_t)tp__demo_pick(r, 4), browser);
	}
	if (!p->freemail)
		add(pl, t + 2000, i, K_GROUP, 0, 0, browser);
	/* Engagement after identification, more of it the further they go. */
	int target = 3 + p->reach * 2 + tp__demo_pick(r, 4);
	for (int k = 0; k < target && t < w->end_ms; k++) {
		t = later(r, t, 4.0 / (1 + p->reach));
		double u = tp__demo_unit(r);
		if (u < 0.45) {
			uint8_t ch = later_channel(r, p);
			if (ch == 6)
				add(pl, t - 5 * MIN_MS, i, K_EMAIL_OPEN, 6, 0, browser);
			t = visit(pl, r, i, t, ch, p->intent, browser);
		} else if (u < 0.60) {
			add(pl, t, i, K_DOWNLOAD, 0, (int16_t)tp__demo_pick(r, 4), browser);
		} else if (u < 0.70) {
			add(pl, t, i, K_VIDEO, 0, (int16_t)(25 * (1 + tp__demo_pick(r, 4))), browser);
		} else if (u < 0.78) {
			add(pl, t, i, K_EMAIL_OPEN, 6, 0, browser);
			add(pl, t + 3 * MIN_MS, i, K_EMAIL_CLICK, 6, 0, browser);
		} else if (u < 0.84) {
			add(pl, t, i, K_WEBINAR_REG, 0, (int16_t)tp__demo_pick(r, 2), browser);
		} else if (u < 0.89) {
			add(pl, t, i, tp__demo_pick(r, 3) ? K_SOCIAL_LIKE : K_SOCIAL_COMMENT, 0, 0, browser);
		} else if (u < 0.94) {
			add(pl, t, i, K_CHAT, 0, 0, browser);
		} else {
			add(pl, t, i, K_PAGE, 0, PAGE_PRICING, browser);
		}
	}
	if (p->reach >= REACH_SQL && p->stage_at[REACH_SQL]) {
		int64_t d = p->stage_at[REACH_SQL] - DAY_MS;
		add(pl, d, i, K_PAGE, 2, PAGE_DEMO, browser | F_FIRST_HIT);
		add(pl, d + 2 * MIN_MS, i, K_DEMO, 0, 0, browser);
	}
	if (p->trial) {
		int64_t tt = p->identified_at + 2 * DAY_MS;
		if (tt < w->end_ms) {
			add(pl, tt, i, K_TRIAL, 0, 0, browser);
			add(pl, tt + 1000, i, (i % 20 == 0) ? K_ALIAS : K_SIGNUP, 0, 0, browser);
		}
	}
	if (p->reach == REACH_CUSTOMER && p->stage_at[REACH_CUSTOMER] + DAY_MS < w->end_ms)
		add(pl, p->stage_at[REACH_CUSTOMER] + DAY_MS, i, K_PAYMENT, 0, 0, F_USER);
}

static int by_time(const void *a, const void *b)
{
	const touch *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->person != y->person)
		return x->person < y->person ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void anon_id(const demo_world *w, const touch *t, char *buf, size_t cap)
{
	int32_t who = (t->flags & F_SHARED) ? t->person - 1 : t->person;
	const demo_person *p = &w->people[t->person];
	if (t->flags & F_LIST) {
		static const char *const lists[] = {"", "leadad", "webinar", "event"};
		snprintf(buf, cap, "%s-%llu-%d", lists[p->via], (unsigned long long)w->opts.seed, who);
	} else {
		snprintf(buf, cap, "%s-%llu-%d", (t->flags & F_BROWSER2) ? "b2" : "v",
		         (unsigned long long)w->opts.seed, who);
	}
}

static void write_traits(FILE *out, const demo_world *w, int32_t i)
{
	const demo_person *p = &w->people[i];
	char email[160];
	tp__demo_email(w, i, email, sizeof email);
	fprintf(out, "\"email\":\"%s\",\"firstName\":\"%s\",\"lastName\":\"%s\",\"title\":\"%s\"",
	        email, tp__demo_first[p->first], tp__demo_last[p->last], tp__demo_titles[p->title]);
	if (p->account >= 0 && !p->freemail) {
		const demo_account *a = &w->accounts[p->account];
		fprintf(out, ",\"company\":\"%s\",\"country\":\"%s\"", a->name,
		        tp__demo_countries[a->country]);
	}
}

static void write_touch(FILE *out, const demo_world *w, const touch *t, uint64_t n,
                        const char *prev_path)
{
	const demo_person *p = &w->people[t->person];
	char ts[25], anon[64];
	tp_time_format(t->ts, ts);
	anon_id(w, t, anon, sizeof anon);
	unsigned long long seed = (unsigned long long)w->opts.seed;
	const demo_channel *ch = &tp__demo_channels[t->channel];
	const char *type = "track";
	switch (t->kind) {
	case K_PAGE: type = "page"; break;
	case K_IDENTIFY: type = "identify"; break;
	case K_GROUP: type = "group"; break;
	case K_ALIAS: type = "alias"; break;
	case K_SIGNUP: type = "identify"; break;
	default: break;
	}
	fprintf(out, "{\"type\":\"%s\",\"messageId\":\"d%llu-%llu\",\"timestamp\":\"%s\"", type, seed,
	        (unsigned long long)n, ts);
	if (t->kind == K_ALIAS) {
		fprintf(out, ",\"previousId\":\"%s\",\"userId\":\"u-%llu-%d\"}\n", anon, seed, t->person);
		return;
	}
	if (t->flags & F_USER)
		fprintf(out, ",\"userId\":\"u-%llu-%d\"", seed, t->person);
	else
		fprintf(out, ",\"anonymousId\":\"%s\"", anon);
	if (t->kind == K_SIGNUP || t->kind == K_TRIAL)
		fprintf(out, ",\"userId\":\"u-%llu-%d\"", seed, t->person);

	/* context: page, campaign on landings, traits for list and ad leads */
	fputs(",\"context\":{\"library\":{\"name\":\"touchpoint-demo\",\"version\":\"1\"}", out);
	if (t->kind == K_PAGE) {
		const char *path = pages[t->extra].path;
		if (t->flags & F_FIRST_HIT) {
			fprintf(out, ",\"page\":{\"url\":\"" SITE "%s", path);
			if (ch->source) {
				fprintf(out, "?utm_source=%s&utm_medium=%s&utm_campaign=%s", ch->source,
				        ch->medium, ch->campaign);
				if (strcmp(ch->source, "google") == 0)
					fprintf(out, "&gclid=Cj0KCQ%llx", (unsigned long long)(n * 2654435761u));
				else if (strcmp(ch->source, "linkedin") == 0)
					fprintf(out, "&li_fat_id=%llx", (unsigned long long)(n * 40503u));
				else if (strcmp(ch->source, "facebook") == 0)
					fprintf(out, "&fbclid=IwAR%llx", (unsigned long long)(n * 97u));
			}
			fputs("\"", out);
			if (ch->referrer)
				fprintf(out, ",\"referrer\":\"%s\"", ch->referrer);
			fputs("}", out);
			if (ch->source)
				fprintf(out, ",\"campaign\":{\"source\":\"%s\",\"medium\":\"%s\",\"name\":\"%s\"}",
				        ch->source, ch->medium, ch->campaign);
		} else {
			fprintf(out, ",\"page\":{\"url\":\"" SITE "%s\",\"referrer\":\"" SITE "%s\"}", path,
			        prev_path ? prev_path : "/");
		}
	} else if (t->kind == K_LEAD_AD) {
		fprintf(out, ",\"campaign\":{\"source\":\"%s\",\"medium\":\"%s\",\"name\":\"%s\"}",
		        lead_ads[t->extra].source, lead_ads[t->extra].medium, lead_ads[t->extra].campaign);
	} else if (t->kind == K_WEBINAR_REG || t->kind == K_WEBINAR_ATT) {
		fprintf(out, ",\"campaign\":{\"source\":\"zoom\",\"medium\":\"webinar\",\"name\":\"%s\"}",
		        webinars[t->extra]);
	} else if (t->kind == K_EVENT_ATT) {
		fprintf(out, ",\"campaign\":{\"source\":\"%s\",\"medium\":\"event\",\"name\":\"%s-booth\"}",
		        trade_shows[t->extra], trade_shows[t->extra]);
	} else if (t->kind == K_EMAIL_OPEN || t->kind == K_EMAIL_CLICK) {
		fputs(",\"campaign\":{\"source\":\"newsletter\",\"medium\":\"email\",\"name\":\"monthly-digest\"}", out);
	} else if (t->kind == K_SOCIAL_LIKE || t->kind == K_SOCIAL_COMMENT) {
		fputs(",\"campaign\":{\"source\":\"linkedin\",\"medium\":\"social\",\"name\":\"company-page\"}", out);
	}
	/* List imports and billing carry who it is: the email identifies them. */
	if (((t->flags & F_LIST) && t->kind != K_WEBINAR_ATT) || (t->flags & F_USER)) {
		fputs(",\"traits\":{", out);
		write_traits(out, w, t->person);
		fputs("}", out);
	}
	fputs("}", out);

	switch (t->kind) {
	case K_PAGE:
		fprintf(out, ",\"name\":\"%s\",\"properties\":{\"path\":\"%s\",\"title\":\"%s\",\"category\":\"%s\"}",
		        pages[t->extra].title, pages[t->extra].path, pages[t->extra].title,
		        pages[t->extra].category);
		break;
	case K_SEARCH:
		fprintf(out, ",\"event\":\"Products Searched\",\"properties\":{\"query\":\"%s\"}",
		        terms[t->extra]);
		break;
	case K_DOWNLOAD:
		fprintf(out, ",\"event\":\"Whitepaper Downloaded\",\"properties\":{\"asset\":\"%s\"}",
		        assets[t->extra]);
		break;
	case K_VIDEO:
		fprintf(out, ",\"event\":\"Video Playback Progress\",\"properties\":{\"video_title\":"
		        "\"Touchpoint in 3 minutes\",\"percent\":%d}", t->extra);
		break;
	case K_FORM:
		fprintf(out, ",\"event\":\"Form Submitted\",\"properties\":{\"form_id\":\"%s\",",
		        assets[t->extra]);
		write_traits(out, w, t->person);
		fputs("}", out);
		break;
	case K_IDENTIFY:
		fputs(",\"traits\":{", out);
		write_traits(out, w, t->person);
		fputs("}", out);
		break;
	case K_GROUP: {
		const demo_account *a = &w->accounts[p->account];
		fprintf(out, ",\"groupId\":\"acct-%s\",\"traits\":{\"name\":\"%s\",\"website\":"
		        "\"https://www.%s\",\"industry\":\"%s\",\"employees\":%d,\"country\":\"%s\"}",
		        a->domain, a->name, a->domain, tp__demo_industries[a->industry], a->employees,
		        tp__demo_countries[a->country]);
		break;
	}
	case K_DEMO:
		fputs(",\"event\":\"Demo Requested\",\"properties\":{\"form_id\":\"book-a-demo\"}", out);
		break;
	case K_CHAT:
		fputs(",\"event\":\"Chat Started\",\"properties\":{\"page\":\"/pricing\"}", out);
		break;
	case K_TRIAL:
		fputs(",\"event\":\"Trial Started\",\"properties\":{\"plan\":\"growth\"}", out);
		break;
	case K_SIGNUP:
		fputs(",\"traits\":{", out);
		write_traits(out, w, t->person);
		fputs("}", out);
		break;
	case K_WEBINAR_REG:
		fprintf(out, ",\"event\":\"Webinar Registered\",\"properties\":{\"webinar\":\"%s\"}",
		        webinars[t->extra]);
		break;
	case K_WEBINAR_ATT:
		fprintf(out, ",\"event\":\"Webinar Attended\",\"properties\":{\"webinar\":\"%s\",\"minutes\":%d}",
		        webinars[t->extra], 20 + t->person % 40);
		break;
	case K_EVENT_ATT:
		fprintf(out, ",\"event\":\"Event Attended\",\"properties\":{\"event_name\":\"%s\",\"booth_scan\":true}",
		        trade_shows[t->extra]);
		break;
	case K_EMAIL_OPEN:
		fputs(",\"event\":\"Email Opened\",\"properties\":{\"email_id\":\"digest-2026\"}", out);
		break;
	case K_EMAIL_CLICK:
		fputs(",\"event\":\"Email Link Clicked\",\"properties\":{\"email_id\":\"digest-2026\","
		      "\"link_url\":\"" SITE "/blog/b2b-kpis\"}", out);
		break;
	case K_SOCIAL_LIKE:
		fputs(",\"event\":\"Post Liked\",\"properties\":{\"network\":\"linkedin\"}", out);
		break;
	case K_SOCIAL_COMMENT:
		fputs(",\"event\":\"Post Commented\",\"properties\":{\"network\":\"linkedin\"}", out);
		break;
	case K_LEAD_AD:
		/* Platform ids are strings: some overflow a signed 64-bit integer. */
		fprintf(out, ",\"event\":\"Lead Ad Submitted\",\"properties\":{\"platform\":\"%s\","
		        "\"lead_id\":\"%llu%06d\",\"form_id\":\"%s-form-1\",\"campaign_id\":\"%s\","
		        "\"ad_id\":\"%llu\"}",
		        lead_ads[t->extra].platform, 1844674407ULL + seed, t->person,
		        lead_ads[t->extra].platform, lead_ads[t->extra].campaign,
		        (unsigned long long)(23850000000000000ULL + (uint64_t)t->person));
		break;
	case K_PAYMENT: {
		const demo_account *a = &w->accounts[p->account];
		fprintf(out, ",\"event\":\"Payment Completed\",\"properties\":{\"revenue\":%lld,"
		        "\"currency\":\"USD\",\"plan\":\"annual\"}", (long long)(a->deal_amount / 100));
		break;
	}
	default:
		break;
	}
	fputs("}\n", out);
}

tp_status tp_demo_write_events(tp_ctx *ctx, const tp_demo_opts *opts, FILE *out,
                               tp_demo_stats *stats)
{
	demo_world w;
	if (opts->contacts < 1 || opts->contacts > 10000000 || opts->days < 30 || opts->days > 3650)
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "contacts",
		                   "the demo needs 1 to 10,000,000 contacts over 30 to 3650 days");
	if (tp__demo_world_build(&w, opts) != 0)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	plan pl = {0};
	demo_rng r = {opts->seed ^ 0x5DEECE66DULL};
	for (int32_t i = 0; i < w.n_people && !pl.nomem; i++) {
		size_t from = pl.len;
		plan_person(&pl, &w, i, &r);
		for (size_t k = from; k < pl.len; k++)
			pl.t[k].seq = (uint16_t)(k - from);
	}
	if (pl.nomem) {
		free(pl.t);
		tp__demo_world_free(&w);
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	}
	qsort(pl.t, pl.len, sizeof *pl.t, by_time);
	int64_t written = 0, dups = 0;
	/* Keep each visitor's previous path for internal referrers. */
	int16_t *last_page = malloc((size_t)w.n_people * sizeof *last_page);
	for (int32_t i = 0; last_page && i < w.n_people; i++)
		last_page[i] = 0;
	for (size_t k = 0; k < pl.len; k++) {
		const touch *t = &pl.t[k];
		if (t->ts >= w.end_ms)
			continue;
		const char *prev = last_page ? pages[last_page[t->person]].path : "/";
		write_touch(out, &w, t, (uint64_t)k, prev);
		written++;
		/* A client that retries sends the same messageId again. */
		if (k % 487 == 0) {
			write_touch(out, &w, t, (uint64_t)k, prev);
			dups++;
		}
		if (t->kind == K_PAGE && last_page)
			last_page[t->person] = t->extra;
	}
	free(last_page);
	if (stats) {
		stats->people = w.n_known;
		stats->visitors = w.n_people;
		stats->accounts = w.n_accounts;
		stats->events = written;
		stats->duplicates_sent = dups;
	}
	free(pl.t);
	tp__demo_world_free(&w);
	if (ferror(out))
		return tp_ctx_fail(ctx, TP_ERR_IO, NULL, "cannot write the demo events");
	return TP_OK;
}
