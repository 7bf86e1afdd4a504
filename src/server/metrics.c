/* Prometheus text format 0.0.4: # HELP, # TYPE, then samples. */
#include <stdarg.h>
#include <stdio.h>

#include "server/metrics.h"

static const unsigned codes[TP_METRICS_CODES] = {200, 204, 302, 400, 401, 403, 404, 405, 413,
                                                 429, 500, 503};
static const double bounds[TP_METRICS_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                  0.05, 0.1, 0.25, 0.5, 1, 2.5};

void tp_metrics_request(tp_metrics *m, int route, unsigned status, double seconds)
{
	int c = TP_METRICS_CODES - 2;   /* anything unlisted counts as 500 */
	for (int i = 0; i < TP_METRICS_CODES; i++)
		if (codes[i] == status)
			c = i;
	if (route < 0 || route >= TP_METRICS_ROUTES)
		route = TP_METRICS_ROUTES - 1;
	atomic_fetch_add(&m->requests[route][c], 1);
	for (int b = 0; b < TP_METRICS_BUCKETS; b++)
		if (seconds <= bounds[b]) {
			atomic_fetch_add(&m->latency_buckets[b], 1);
			break;
		}
	atomic_fetch_add(&m->latency_count, 1);
	atomic_fetch_add(&m->latency_us_sum, (long long)(seconds * 1e6));
}

static int add(tp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int add(tp_buf *b, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= sizeof line ? -1 : tp__buf_add(b, line, (size_t)n);
}

int tp_metrics_render(const tp_metrics *m, const tp_writer_stats *w, tp_buf *out)
{
	int bad = add(out, "# HELP touchpoint_http_requests_total HTTP requests answered.\n"
	                   "# TYPE touchpoint_http_requests_total counter\n");
	for (int r = 0; r < TP_METRICS_ROUTES; r++)
		for (int c = 0; c < TP_METRICS_CODES; c++) {
			long long n = atomic_load(&m->requests[r][c]);
			if (n)
				bad |= add(out, "touchpoint_http_requests_total{route=\"%s\",code=\"%u\"} %lld\n",
				           m->route_names[r] ? m->route_names[r] : "other", codes[c], n);
		}
	bad |= add(out, "# HELP touchpoint_http_request_duration_seconds Time from the request's"
	                " headers to its response.\n"
	                "# TYPE touchpoint_http_request_duration_seconds histogram\n");
	long long cumulative = 0;
	for (int b = 0; b < TP_METRICS_BUCKETS; b++) {
		cumulative += atomic_load(&m->latency_buckets[b]);
		bad |= add(out, "touchpoint_http_request_duration_seconds_bucket{le=\"%g\"} %lld\n",
		           bounds[b], cumulative);
	}
	long long count = atomic_load(&m->latency_count);
	bad |= add(out, "touchpoint_http_request_duration_seconds_bucket{le=\"+Inf\"} %lld\n"
	                "touchpoint_http_request_duration_seconds_sum %.6f\n"
	                "touchpoint_http_request_duration_seconds_count %lld\n",
	           count, (double)atomic_load(&m->latency_us_sum) / 1e6, count);
	bad |= add(out, "# HELP touchpoint_events_total Collector calls by outcome.\n"
	                "# TYPE touchpoint_events_total counter\n"
	                "touchpoint_events_total{outcome=\"accepted\"} %lld\n"
	                "touchpoint_events_total{outcome=\"deduplicated\"} %lld\n"
	                "touchpoint_events_total{outcome=\"rejected\"} %lld\n",
	           (long long)w->accepted, (long long)w->duplicates,
	           (long long)atomic_load(&m->rejected));
	bad |= add(out, "# HELP touchpoint_commits_total Group commits of the collector.\n"
	                "# TYPE touchpoint_commits_total counter\n"
	                "touchpoint_commits_total %lld\n"
	                "# HELP touchpoint_queue_depth Requests waiting for the writer.\n"
	                "# TYPE touchpoint_queue_depth gauge\n"
	                "touchpoint_queue_depth %lld\n",
	           (long long)w->commits, (long long)w->queued);
	bad |= add(out, "# HELP touchpoint_cache_resets_total Times the writer emptied a"
	                " workspace's identity and score caches for passing --cache-mb.\n"
	                "# TYPE touchpoint_cache_resets_total counter\n"
	                "touchpoint_cache_resets_total %lld\n",
	           (long long)w->cache_resets);
	bad |= add(out, "# HELP touchpoint_inbox_calls Calls answered 200 from the inbox, not"
	                " stored yet.\n"
	                "# TYPE touchpoint_inbox_calls gauge\n"
	                "touchpoint_inbox_calls %lld\n"
	                "# HELP touchpoint_inbox_queued_total Calls acknowledged through the inbox.\n"
	                "# TYPE touchpoint_inbox_queued_total counter\n"
	                "touchpoint_inbox_queued_total %lld\n"
	                "# HELP touchpoint_inbox_failed Inbox bodies set aside: their calls could"
	                " not be stored.\n"
	                "# TYPE touchpoint_inbox_failed gauge\n"
	                "touchpoint_inbox_failed %lld\n",
	           (long long)w->inbox_events, (long long)w->inboxed, (long long)w->inbox_failed);
	return bad ? -1 : 0;
}
