/* Scoring engine throughput (issue 3 targets): incremental scoring of
 * events in memory (>= 5,000,000 events/s), and a full recompute of
 * 1,000,000 contacts with 10,000,000 events (<= 3 s), with the default
 * rules. Events are synthetic with the demo's mix of touch types; the
 * baseline is one pass over the same events that only sums a field, to
 * show what memory traffic alone costs on this machine in the same run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "touchpoint/touchpoint.h"

#define DAY 86400000LL
#define T0 1767225600000LL


int main(int argc, char **argv)
{
	int64_t contacts = 1000000, events = 10000000;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--contacts") == 0)
			contacts = atoll(argv[i + 1]);
		else if (strcmp(argv[i], "--events") == 0)
			events = atoll(argv[i + 1]);
	}
	tp_ctx *ctx = tp_ctx_create();
	tp_score_config *cfg;
	if (tp_score_config_parse(ctx, tp_score_default_json(), &cfg) != TP_OK) {
		fprintf(stderr, "bench_score: %s\n", tp_ctx_message(ctx));
		return 1;
	}
	/* The demo's mix: mostly page views, some downloads, emails, forms. */
	static const tp_touch mix[] = {TP_TOUCH_PAGE_VIEW, TP_TOUCH_PAGE_VIEW, TP_TOUCH_PAGE_VIEW,
		TP_TOUCH_PAGE_VIEW, TP_TOUCH_PAGE_VIEW, TP_TOUCH_PAGE_VIEW, TP_TOUCH_EMAIL_OPEN,
		TP_TOUCH_EMAIL_CLICK, TP_TOUCH_DOWNLOAD, TP_TOUCH_SITE_SEARCH, TP_TOUCH_VIDEO_PROGRESS,
		TP_TOUCH_WEBINAR_REGISTERED, TP_TOUCH_FORM_SUBMIT, TP_TOUCH_CHAT, TP_TOUCH_SOCIAL_LIKE,
		TP_TOUCH_DEMO_REQUEST};
	static const char *const pages[] = {"pricing", "product", "blog", "blog", "home", "docs",
		"careers", "other"};
	int n_pages = (int)(sizeof pages / sizeof pages[0]);
	tp_score_event *ev = malloc((size_t)events * sizeof *ev);
	int32_t *owner = malloc((size_t)events * sizeof *owner);
	tp_score_cap *caps = calloc((size_t)contacts * (size_t)(cfg->n_capped + 1), sizeof *caps);
	tp_score_state *st = calloc((size_t)contacts, sizeof *st);
	double *fit = malloc((size_t)contacts * sizeof *fit);
	if (!ev || !owner || !caps || !st || !fit) {
		fputs("bench_score: out of memory\n", stderr);
		return 1;
	}
	/* Events sorted by contact, then time: what a recompute reads. */
	int64_t k = 0;
	for (int64_t c = 0; c < contacts; c++) {
		int64_t n = events / contacts + (c < events % contacts);
		int64_t t = T0 + (int64_t)(next() % 300) * DAY;
		for (int64_t j = 0; j < n; j++, k++) {
			t += (int64_t)(next() % (3 * DAY));
			tp_touch touch = mix[next() % (sizeof mix / sizeof mix[0])];
			ev[k] = (tp_score_event){t, touch, (tp_channel)(next() % TP_CH__COUNT),
			                         touch == TP_TOUCH_PAGE_VIEW
			                             ? tp_page_category_index(pages[next() % (unsigned)n_pages])
			                             : -1,
			                         NULL, touch == TP_TOUCH_VIDEO_PROGRESS ? (int)(next() % 101) : -1};
			owner[k] = (int32_t)c;
		}
	}
	static const char *const titles[] = {"CMO", "VP Sales", "Director of Marketing",
		"Marketing Manager", "Software Engineer", "Student"};
	double t0 = now_s();
	for (int64_t c = 0; c < contacts; c++) {
		tp_fit_input in = {.title = titles[c % 6], .industry = c % 3 ? "Software" : "Retail",
		                   .country = c % 2 ? "US" : "VN",
		                   .email = c % 7 ? "a@corp.com" : "a@gmail.com",
		                   .employees = (int64_t)(next() % 20000)};
		fit[c] = tp_score_fit(cfg, &in, 0, NULL, NULL);
	}
	double fit_s = now_s() - t0;

	/* Baseline: one pass over the events touching one field each. */
	t0 = now_s();
	int64_t sink = 0;
	for (int64_t i = 0; i < events; i++)
		sink += ev[i].ts ^ owner[i];
	double base_s = now_s() - t0;

	/* Incremental: events in a shuffled contact order (arrival order), one
	 * state per contact, the total and the MQL test after each. */
	int64_t *order = malloc((size_t)events * sizeof *order);
	for (int64_t i = 0; i < events; i++)
		order[i] = i;
	/* Interleave contacts as arrivals do, keeping each contact's own order. */
	int64_t per = events / contacts, stride = contacts;
	for (int64_t i = 0, o = 0; i < per; i++)
		for (int64_t c = 0; c < stride; c++)
			order[o++] = c * per + i;
	for (int64_t c = 0; c < contacts; c++)
		st[c].caps = caps + c * (cfg->n_capped + 1);
	int64_t mqls = 0;
	t0 = now_s();
	for (int64_t i = 0; i < per * contacts; i++) {
		const tp_score_event *e = &ev[order[i]];
		int32_t c = owner[order[i]];
		if (!tp_score_apply(cfg, &st[c], e, NULL, NULL))
			continue;
		double total = tp_score_total(cfg, fit[c], st[c].engagement);
		mqls += total >= cfg->mql_threshold && fit[c] >= cfg->mql_min_fit;
	}
	double inc_s = now_s() - t0;
	int64_t inc_n = per * contacts;

	/* Recompute: every contact from nothing, events in contact order. */
	memset(caps, 0, (size_t)contacts * (size_t)(cfg->n_capped + 1) * sizeof *caps);
	double checksum = 0;
	t0 = now_s();
	for (int64_t c = 0; c < contacts; c++) {
		st[c].engagement = 0;
		st[c].at = 0;
	}
	for (int64_t i = 0; i < events; i++)
		tp_score_apply(cfg, &st[owner[i]], &ev[i], NULL, NULL);
	int64_t at = T0 + 400 * DAY;
	for (int64_t c = 0; c < contacts; c++)
		checksum += tp_score_total(cfg, fit[c], tp_score_engagement_at(cfg, &st[c], at));
	double re_s = now_s() - t0 + fit_s;

	printf("mode         events/s     time      what\n");
	printf("baseline  %12.0f  %7.3f s  one pass over %lld events reading one field\n",
	       (double)events / base_s, base_s, (long long)events);
	printf("incremental %10.0f  %7.3f s  O(1) update + total + MQL test per event, %lld contacts"
	       " interleaved (%.1fx baseline time; %lld over the threshold)\n",
	       (double)inc_n / inc_s, inc_s, (long long)contacts, inc_s / base_s, (long long)mqls);
	printf("recompute %12.0f  %7.3f s  %lld contacts (fit %.3f s) and %lld events rebuilt"
	       " (checksum %.3f)\n", (double)events / re_s, re_s, (long long)contacts, fit_s,
	       (long long)events, checksum);
	printf("targets: incremental >= 5,000,000 events/s: %s; recompute <= 3 s: %s\n",
	       (double)inc_n / inc_s >= 5e6 ? "met" : "NOT MET", re_s <= 3 ? "met" : "NOT MET");
	if (sink == 42)
		puts("");
	free(order);
	free(ev);
	free(owner);
	free(caps);
	free(st);
	free(fit);
	tp_score_config_free(cfg);
	tp_ctx_destroy(ctx);
	return 0;
}
