/* Event import throughput. Writes a demo world of about --events events to a
 * file, then in separate processes (so each peak RSS is its own):
 *   parse        the Segment parser alone — the baseline of the run
 *   identity     parse + dedup + identity + channels, on the memory store
 *   sqlite       the whole import into a fresh SQLite file (the CLI's path)
 * Prints events/s, the ratio to the baseline, and peak RSS.
 * --file FILE imports an events file already written (it is kept),
 * --mode M runs one mode only, for profiling it, and --runs N runs the
 * modes N times in turn and then prints each one's median. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "touchpoint/touchpoint.h"

typedef struct result {
	double seconds;
	long long events;
	long rss_kb;
	int ok;
} result;

static long long parse_only(tp_ctx *ctx, FILE *in)
{
	tp_segment_parser *p = tp_segment_parser_create();
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long long calls = 0;
	while ((n = getline(&line, &cap, in)) > 0) {
		const tp_parse_item *items;
		size_t k;
		if (tp_segment_parse(p, ctx, line, (size_t)n, 0, &items, &k) == TP_OK)
			calls += (long long)k;
	}
	free(line);
	tp_segment_parser_destroy(p);
	return calls;
}

/* Runs one mode in a child; the child writes its result into a pipe. */
static result run_mode(const char *mode, const char *events_path, const char *db_path)
{
	int fd[2];
	result r = {0};
	if (pipe(fd) != 0)
		return r;
	pid_t pid = fork();
	if (pid == 0) {
		close(fd[0]);
		tp_ctx *ctx = tp_ctx_create();
		FILE *in = fopen(events_path, "r");
		result c = {0};
		double t0 = now_s();
		if (strcmp(mode, "parse") == 0) {
			c.events = parse_only(ctx, in);
			c.ok = 1;
		} else {
			tp_store *s = NULL;
			if (strcmp(mode, "identity") == 0)
				s = tp_store_open_memory();
			else if (tp_store_open_sqlite(ctx, db_path, NULL, TP_OPEN_CREATE, &s) != TP_OK)
				s = NULL;
			tp_import_stats st;
			t0 = now_s();
			if (s && tp_import_events(ctx, s, in, NULL, &st) == TP_OK) {
				c.events = st.accepted + st.duplicates;
				c.ok = 1;
			} else {
				fprintf(stderr, "%s: %s\n", mode, tp_ctx_message(ctx));
			}
			tp_store_close(s);
		}
		c.seconds = now_s() - t0;
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		c.rss_kb = ru.ru_maxrss;
		if (write(fd[1], &c, sizeof c) != (ssize_t)sizeof c)
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	if (read(fd[0], &r, sizeof r) != (ssize_t)sizeof r)
		r.ok = 0;
	close(fd[0]);
	waitpid(pid, NULL, 0);
	return r;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

#define MAX_RUNS 99

/* Every mode (or only `only`) on one events file, `runs` rounds of them in
 * turn (the machine drifts: rounds side by side see the same drift), then
 * each mode's median; 1 if one failed. */
static int run_all(const char *events_path, const char *db_path, const char *only, int runs)
{
	const char *modes[] = {"parse", "identity", "sqlite"};
	const char *what[] = {"Segment parser only (baseline)", "parse + dedup + identity + channel, no store",
	                      "full import into a fresh SQLite file"};
	double rates[3][MAX_RUNS];
	long rss_max[3] = {0};
	int n_rates[3] = {0};
	printf("%-10s %12s %9s %10s  %s\n", "mode", "events/s", "vs parse", "peak RSS", "what");
	int failed = 0;
	for (int round = 0; round < runs; round++) {
		result base = {0};
		for (int i = 0; i < 3; i++) {
			if (only && strcmp(only, modes[i]))
				continue;
			bench_unlink_db(db_path);
			result r = run_mode(modes[i], events_path, db_path);
			if (!r.ok) {
				printf("%-10s failed\n", modes[i]);
				failed = 1;
				continue;
			}
			if (!base.ok)
				base = r;
			double rate = (double)r.events / r.seconds;
			rates[i][n_rates[i]++] = rate;
			rss_max[i] = r.rss_kb > rss_max[i] ? r.rss_kb : rss_max[i];
			printf("%-10s %12.0f %8.2fx %7ld MB  %s (%lld events, %.2f s)\n", modes[i], rate,
			       rate / ((double)base.events / base.seconds), r.rss_kb / 1024, what[i],
			       r.events, r.seconds);
			fflush(stdout);
		}
	}
	for (int i = 0; runs > 1 && i < 3; i++) {
		int n = n_rates[i];
		if (!n)
			continue;
		qsort(rates[i], (size_t)n, sizeof rates[i][0], by_value);
		double median = n % 2 ? rates[i][n / 2] : (rates[i][n / 2 - 1] + rates[i][n / 2]) / 2;
		printf("%-10s %12.0f %9s %7ld MB  median of %d runs (%.0f to %.0f)\n", modes[i], median,
		       "", rss_max[i] / 1024, n, rates[i][0], rates[i][n - 1]);
	}
	return failed;
}

int main(int argc, char **argv)
{
	long long want = 1000000;
	const char *file = NULL, *only = NULL;
	int runs = 1;
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "--events") == 0)
			want = atoll(argv[++i]);
		else if (strcmp(argv[i], "--runs") == 0)
			runs = (int)strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--file") == 0)
			file = argv[++i];
		else if (strcmp(argv[i], "--mode") == 0)
			only = argv[++i];
	if (runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "--runs: 1 to %d\n", MAX_RUNS);
		return 2;
	}
	char events_path[] = "/tmp/tp-bench-events-XXXXXX", db_path[64];
	if (file) {
		snprintf(db_path, sizeof db_path, "/tmp/tp-bench-%d.db", (int)getpid());
		int failed = run_all(file, db_path, only, runs);
		bench_unlink_db(db_path);
		return failed;
	}
	int efd = mkstemp(events_path);
	if (efd < 0)
		return 1;
	snprintf(db_path, sizeof db_path, "%s.db", events_path);
	/* The demo averages about 34.3 events per known person (seed 1). */
	tp_demo_opts d = {.contacts = want / 34 + 1, .seed = 1, .days = 365};
	tp_ctx *ctx = tp_ctx_create();
	FILE *out = fdopen(efd, "w");
	tp_demo_stats ds;
	double t0 = now_s();
	if (tp_demo_write_events(ctx, &d, out, &ds) != TP_OK) {
		fprintf(stderr, "demo: %s\n", tp_ctx_message(ctx));
		return 1;
	}
	fclose(out);
	printf("demo world: %lld people, %lld events (+%lld resent duplicates) written in %.1f s\n",
	       (long long)ds.people, (long long)ds.events, (long long)ds.duplicates_sent, now_s() - t0);
	int failed = run_all(events_path, db_path, only, runs);
	unlink(events_path);
	bench_unlink_db(db_path);
	tp_ctx_destroy(ctx);
	return failed;
}
