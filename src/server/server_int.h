/* What the server's modules share: a request's state, the route table's
 * shape and the per-thread resources. */
#ifndef TP_SERVER_INT_H
#define TP_SERVER_INT_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "server/fetcher.h"
#include "server/metrics.h"
#include "server/nurturer.h"
#include "server/ratelimit.h"
#include "server/writer.h"
#include "touchpoint/server.h"
#include "touchpoint/touchpoint.h"

typedef struct tp_request tp_request;

enum { TP_ROUTE_OTHER = -2, TP_ROUTE_PIXEL = -3 };

typedef struct tp_route {
	const char *method, *path;
	enum MHD_Result (*handle)(tp_request *r);
	int call;          /* collector: the Segment call type, -1 for batch, TP_ROUTE_PIXEL;
	                    * lead-ad webhooks: their tp_lead_format; else TP_ROUTE_OTHER */
	int cors;          /* answer browsers from any origin (the collector only) */
	int prefix;        /* 1: path is a prefix of one more part (/v1/forms/NAME);
	                    * 2: of any (/v1/contacts/42/score); method "*" takes any */
} tp_route;

/* A request thread's own resources, made on first use. */
typedef struct tp_thread_state {
	tp_ctx *ctx;
	tp_store *keys;    /* a read connection, for key checks */
	struct {
		int64_t id;
		tp_store *store;
	} workspaces[8];   /* read connections to the workspaces this thread served */
} tp_thread_state;

struct tp_server {
	tp_server_opts opts;
	tp_ctx *clock;              /* the starting context's clock, for request threads */
	char *db, *workspace;
	struct MHD_Daemon *daemon;
	unsigned port;
	tp_writer *writer;
	tp_fetcher *fetcher;        /* leads that webhooks named by id only */
	tp_nurturer *nurturer;      /* workflows and the outbox; NULL when off */
	tp_metrics metrics;
	tp_rate_limit *form_limit;  /* submissions per client address */
	pthread_key_t thread_key;
	pthread_mutex_t lock;       /* guards in_flight for the stop */
	pthread_cond_t idle;
	int in_flight;
	pthread_mutex_t parsers_lock;
	/* Idle parsers for requests to borrow; each keeps what its last body
	 * took (a 512 KiB batch: a few MB) until reused, so few are kept. */
	tp_segment_parser *parsers[16];
	int n_parsers;
};

enum { JOB_NONE, JOB_QUEUED, JOB_DONE };

struct tp_request {
	tp_server *srv;
	struct MHD_Connection *conn;
	struct timespec t0;
	const tp_route *route;
	int route_index;
	char method[16];
	char path[256];
	char *location;             /* where a form sends the visitor once stored */
	char *body;
	size_t len, cap, limit;
	int too_big;
	int status;                 /* of the response queued; 0 = none yet */
	char workspace[128];
	char source[240];           /* a mail event's source, while its job waits */
	tp_write_job job;
	atomic_int job_state;
	tp_segment_parser *parser;  /* made the job's calls: kept until answered */
};

/* The calling thread's state; NULL when out of memory (answered 503). */
/* The writer reads a request's parsed calls after its thread has gone on
 * to other requests, so a request borrows a parser of its own and gives it
 * back when it is answered. NULL when out of memory. */
tp_segment_parser *tp__server_parser_take(tp_server *srv);
/* Accepts NULL. */
void tp__server_parser_give(tp_server *srv, tp_segment_parser *p);
tp_thread_state *tp__server_thread(tp_server *srv);

/* Queue a response; these return what the access handler returns. */
enum MHD_Result tp__respond(tp_request *r, unsigned status, const char *type, const char *body,
                            size_t len);
/* {"success":false,"error":{"status":...,"field":...,"message":...}} */
enum MHD_Result tp__respond_error(tp_request *r, unsigned status, tp_status rc, const char *field,
                                  const char *message);
/* The client's address as text ("?" when unknown). */
void tp__client_address(tp_request *r, char *ip, size_t cap);
/* The HTTP status of a library failure. */
unsigned tp__http_status(tp_status rc);

/* The collector's handler (collector.c), and its steps for other calls
 * that end as a stored Segment call (forms.c). */
enum MHD_Result tp__collect(tp_request *r);
/* 1 when the request was queued before (*answered is then the answer). */
int tp__collector_waiting(tp_request *r, enum MHD_Result *answered);
/* The write key's check; 0, or -1 with the error answered. */
int tp__collector_auth(tp_request *r, tp_thread_state **t, tp_api_key_row *key,
                       enum MHD_Result *answered);
/* Checks r->body as a call of `call` and queues it for the writer. */
enum MHD_Result tp__collector_queue(tp_request *r, tp_thread_state *t, const tp_api_key_row *key,
                                    int call);
/* Queues r->body, already checked, as a job of `kind` (call: as the job's). */
enum MHD_Result tp__collector_submit(tp_request *r, const tp_api_key_row *key, int call,
                                     tp_write_kind kind);
/* Queues r->job, filled but for its callback, and suspends the request
 * until the writer is done with it (the handler is then called again). */
enum MHD_Result tp__request_submit(tp_request *r);
/* The links in emails (mail.c): GET and POST /u/TOKEN (unsubscribe),
 * GET /c/TOKEN/N (click), GET /o/TOKEN (open pixel). */
enum MHD_Result tp__mail_link(tp_request *r);
/* The GIF of the pixels. */
extern const unsigned char tp__pixel_gif[];
extern const size_t tp__pixel_gif_len;
/* Lead-ad webhooks (webhooks.c): POST /v1/webhooks/google and /tiktok
 * (whole leads), POST /v1/webhooks/meta and /linkedin (notifications of
 * leads to fetch), GET of those two (the platforms' endpoint checks). */
enum MHD_Result tp__webhook_google(tp_request *r);
enum MHD_Result tp__webhook_tiktok(tp_request *r);
enum MHD_Result tp__webhook_notice(tp_request *r);
enum MHD_Result tp__webhook_challenge(tp_request *r);
/* The JSON API with secret keys (api.c): /v1/contacts, /v1/accounts,
 * /v1/queue, /v1/opportunities, /v1/reports and what lies under them. */
enum MHD_Result tp__api(tp_request *r);
/* POST /v1/forms/NAME (forms.c). */
enum MHD_Result tp__form(tp_request *r);
/* 303 See Other to `url` (a configured one: never one the request names). */
enum MHD_Result tp__redirect(tp_request *r, const char *url);
/* The calling thread's read connection to a workspace (for its settings). */
tp_store *tp__server_workspace_store(tp_server *srv, tp_thread_state *t, int64_t id,
                                     const char *name);
/* web/tp.js, built in (scripts/embed.sh). */
extern const unsigned char tp__snippet_js[];
extern const size_t tp__snippet_js_len;
/* GET /tp.js, the tracking snippet. */
enum MHD_Result tp__snippet(tp_request *r);

#endif
