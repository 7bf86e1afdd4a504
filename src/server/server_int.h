/* What the server's modules share: a request's state, the route table's
 * shape and the per-thread resources. */
#ifndef TP_SERVER_INT_H
#define TP_SERVER_INT_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "server/metrics.h"
#include "server/writer.h"
#include "touchpoint/server.h"
#include "touchpoint/touchpoint.h"

typedef struct tp_request tp_request;

enum { TP_ROUTE_OTHER = -2, TP_ROUTE_PIXEL = -3 };

typedef struct tp_route {
	const char *method, *path;
	enum MHD_Result (*handle)(tp_request *r);
	int call;          /* collector: the Segment call type, -1 for batch, TP_ROUTE_PIXEL;
	                    * else TP_ROUTE_OTHER */
	int cors;          /* answer browsers from any origin (the collector only) */
} tp_route;

/* A request thread's own resources, made on first use. */
typedef struct tp_thread_state {
	tp_ctx *ctx;
	tp_segment_parser *parser;
	tp_store *keys;    /* a read connection, for key checks */
} tp_thread_state;

struct tp_server {
	tp_server_opts opts;
	char *db, *workspace;
	struct MHD_Daemon *daemon;
	unsigned port;
	tp_writer *writer;
	tp_metrics metrics;
	pthread_key_t thread_key;
	pthread_mutex_t lock;       /* guards in_flight for the stop */
	pthread_cond_t idle;
	int in_flight;
};

enum { JOB_NONE, JOB_QUEUED, JOB_DONE };

struct tp_request {
	tp_server *srv;
	struct MHD_Connection *conn;
	struct timespec t0;
	const tp_route *route;
	int route_index;
	char method[16];
	char *body;
	size_t len, cap, limit;
	int too_big;
	int status;                 /* of the response queued; 0 = none yet */
	char workspace[128];
	tp_write_job job;
	atomic_int job_state;
};

/* The calling thread's state; NULL when out of memory (answered 503). */
tp_thread_state *tp__server_thread(tp_server *srv);

/* Queue a response; these return what the access handler returns. */
enum MHD_Result tp__respond(tp_request *r, unsigned status, const char *type, const char *body,
                            size_t len);
/* {"success":false,"error":{"status":...,"field":...,"message":...}} */
enum MHD_Result tp__respond_error(tp_request *r, unsigned status, tp_status rc, const char *field,
                                  const char *message);
/* The HTTP status of a library failure. */
unsigned tp__http_status(tp_status rc);

/* The collector's handler (collector.c). */
enum MHD_Result tp__collect(tp_request *r);
/* web/tp.js, built in (scripts/embed.sh). */
extern const unsigned char tp__snippet_js[];
extern const size_t tp__snippet_js_len;
/* GET /tp.js, the tracking snippet. */
enum MHD_Result tp__snippet(tp_request *r);

#endif
