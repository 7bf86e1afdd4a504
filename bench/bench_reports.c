/* The month-end reports on a demo workspace (--db FILE, as bench/run.sh
 * builds it): funnel, KPIs (total, by channel, by campaign), revenue; each
 * against a baseline read in the same run — one scan of the contacts'
 * events, which the funnel and KPIs also make. Then the spend import: a
 * Google Ads report of --rows rows into a fresh workspace, in rows/s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "touchpoint/touchpoint.h"

static int die(tp_ctx *ctx)
{
	fprintf(stderr, "bench_reports: %s\n", tp_ctx_message(ctx));
	return 1;
}

static int count_touch(void *user, const tp_touch_record *t)
{
	(void)t;
	(*(long *)user)++;
	return 0;
}

static void line(const char *label, double s, double baseline, long events)
{
	printf("  %-24s %8.3f s  %5.1fx baseline  %10.0f events/s\n", label, s, s / baseline,
	       (double)events / s);
}

static int reports(tp_ctx *ctx, const char *db)
{
	tp_store *s;
	if (tp_store_open_sqlite(ctx, db, NULL, TP_OPEN_EXISTING, &s) != TP_OK)
		return die(ctx);
	long events = 0;
	double t0 = now_s();
	if (s->ops->events_scan(s, ctx, count_touch, &events) != TP_OK)
		return die(ctx);
	double baseline = now_s() - t0;
	printf("%s: %ld contacts' events\n", db, events);
	line("baseline: one scan", baseline, baseline, events);

	tp_funnel_opts fo = {.by = TP_FUNNEL_MONTH};
	tp_funnel_row *fr;
	size_t n;
	t0 = now_s();
	if (tp_funnel_report(ctx, s, &fo, &fr, &n) != TP_OK)
		return die(ctx);
	line("funnel by month", now_s() - t0, baseline, events);
	free(fr);

	static const struct {
		const char *label;
		tp_kpi_by by;
	} kpis[] = {{"kpi (a month)", TP_KPI_TOTAL}, {"kpi by channel", TP_KPI_CHANNEL},
	            {"kpi by campaign", TP_KPI_CAMPAIGN}};
	for (size_t k = 0; k < 3; k++) {
		tp_kpi_opts ko = {.month = 2026 * 12 + 5, .by = kpis[k].by,
		                  .model = TP_ATTR_LAST_NON_DIRECT};
		tp_kpi_row *kr;
		char month[8], cur[4];
		t0 = now_s();
		if (tp_kpi_report(ctx, s, &ko, &kr, &n, month, cur) != TP_OK)
			return die(ctx);
		line(kpis[k].label, now_s() - t0, baseline, events);
		free(kr);
	}
	tp_revenue_opts ro = {0};
	tp_revenue_month *rr;
	char cur[4];
	t0 = now_s();
	if (tp_revenue_report(ctx, s, &ro, &rr, &n, cur) != TP_OK)
		return die(ctx);
	printf("  %-24s %8.3f s  (%zu months)\n", "revenue", now_s() - t0, n);
	free(rr);
	tp_store_close(s);
	return 0;
}

static int spend_import(tp_ctx *ctx, long rows)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *csv = open_memstream(&buf, &len);
	fprintf(csv, "Campaign report\n\"All time\"\nDay,Campaign,Currency code,Impr.,Clicks,Cost\n");
	for (long i = 0; i < rows; i++)
		fprintf(csv, "2026-%02ld-%02ld,campaign-%ld,USD,\"%u\",%u,%u.%02u\n", 1 + i % 12,
		        1 + i / 12 % 28, i / 336, 1000 + next() % 90000, next() % 900,
		        next() % 5000, next() % 100);
	fclose(csv);
	char path[] = "/tmp/bench-spend-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 1;
	close(fd);
	unlink(path);
	tp_store *s;
	if (tp_store_open_sqlite(ctx, path, NULL, TP_OPEN_CREATE, &s) != TP_OK)
		return die(ctx);
	FILE *in = fmemopen(buf, len, "r");
	tp_spend_import_stats st;
	double t0 = now_s();
	tp_status rc = tp_import_spend(ctx, s, in, NULL, &st);
	double t = now_s() - t0;
	fclose(in);
	tp_store_close(s);
	free(buf);
	bench_unlink_db(path);
	if (rc != TP_OK)
		return die(ctx);
	printf("import spend: %lld Google Ads rows (%zu bytes) in %.3f s, %.0f rows/s\n",
	       (long long)st.stored, len, t, (double)st.stored / t);
	return 0;
}

int main(int argc, char **argv)
{
	long rows = 200000;
	const char *db = NULL;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--rows") == 0)
			rows = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--db") == 0)
			db = argv[i + 1];
	}
	tp_ctx *ctx = tp_ctx_create();
	int rc = spend_import(ctx, rows);
	if (!rc && db)
		rc = reports(ctx, db);
	tp_ctx_destroy(ctx);
	return rc;
}
