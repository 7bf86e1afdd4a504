/* Prometheus counters of the server: requests by route and status, a
 * latency histogram, events refused. Lock-free: request threads only add. */
#ifndef TP_SERVER_METRICS_H
#define TP_SERVER_METRICS_H

#include <stdatomic.h>
#include <stddef.h>

#include "core/buf.h"
#include "server/writer.h"

#define TP_METRICS_ROUTES 32
#define TP_METRICS_CODES 12
#define TP_METRICS_BUCKETS 12

typedef struct tp_metrics {
	const char *route_names[TP_METRICS_ROUTES];
	atomic_llong requests[TP_METRICS_ROUTES][TP_METRICS_CODES];
	atomic_llong latency_buckets[TP_METRICS_BUCKETS];  /* cumulative at render time */
	atomic_llong latency_count, latency_us_sum;
	atomic_llong rejected;   /* calls refused as invalid */
} tp_metrics;

/* route: an index below TP_METRICS_ROUTES, or -1 for an unknown path. */
void tp_metrics_request(tp_metrics *m, int route, unsigned status, double seconds);
/* Writes the Prometheus text exposition; -1 when out of memory. */
int tp_metrics_render(const tp_metrics *m, const tp_writer_stats *w, tp_buf *out);

#endif
