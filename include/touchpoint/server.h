/* The HTTP server (touchpoint serve): the Segment-compatible collector,
 * health and metrics. Handlers only translate HTTP to the library's calls:
 * the collector stores through the same tp_importer as `touchpoint import`. */
#ifndef TOUCHPOINT_SERVER_H
#define TOUCHPOINT_SERVER_H

#include <stddef.h>
#include <stdio.h>

#include "touchpoint/ctx.h"

typedef struct tp_server_opts {
	const char *db;          /* the SQLite database (touchpoint init); every workspace in it */
	const char *workspace;   /* one that must exist ("default" when NULL) */
	const char *listen;      /* "HOST:PORT" (IPv4, or [IPv6]:PORT); port 0 = any free
	                          * port; NULL = 127.0.0.1:8080 */
	size_t call_limit;       /* largest body of one call; 0 = 32 KiB (Segment's) */
	size_t batch_limit;      /* largest /v1/batch body; 0 = 512 KiB (Segment's 500 KB) */
	unsigned threads;        /* request threads; 0 = 2 */
	unsigned form_rate;      /* form submissions a minute per client address; 0 = 10 */
	FILE *access_log;        /* one JSON line per request; NULL = none */
	long long lead_retry_ms; /* first wait before fetching a lead again; 0 = 1 s */
	int no_nurture;          /* 1: leave workflows and the outbox to `nurture run` */
	long long nurture_poll_ms; /* the scheduler's pass at least this often; 0 = 1 s */
	long long queue_over;    /* a group of more calls than this is acknowledged once in
	                          * the inbox and stored after (see docs/SERVER.md);
	                          * 0 = 1,000; < 0 = every group */
	long long inbox_limit;   /* calls a workspace's inbox may hold; more are answered 503
	                          * (retry later); 0 = 5,000,000 */
	size_t cache_limit;      /* bytes the writer's identity and score caches may hold per
	                          * workspace (tp_import_opts.cache_limit); 0 = 512 MiB */
} tp_server_opts;

typedef struct tp_server tp_server;

/* Starts serving on its own threads. Returns TP_OK and *out; stop it with
 * tp_server_stop(). */
TP_API tp_status tp_server_start(tp_ctx *ctx, const tp_server_opts *opts, tp_server **out);
/* The port it listens on (the one chosen, when asked for port 0). */
TP_API unsigned tp_server_port(const tp_server *s);
/* Graceful stop: stops accepting connections, answers the requests in
 * flight (their events committed first), then frees everything. */
TP_API void tp_server_stop(tp_server *s);

#endif
