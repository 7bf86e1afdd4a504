/* The outbox's sender: due emails go out by SMTP and webhook calls by HTTP
 * POST, both through libcurl. A temporary failure (4xx, no connection) is
 * tried again later with a doubling wait; a permanent one (5xx) ends the
 * message, and a refused recipient suppresses its address (a hard bounce).
 * Marketing email is checked against suppressions and consent once more
 * just before it goes. Sends are paced to the workspace's rate. */
#include <curl/curl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nurture/nurture_int.h"
#include "touchpoint/touchpoint.h"

enum { MAX_ATTEMPTS = 6, DUE_BATCH = 64 };
#define FIRST_RETRY_MS (60 * 1000LL)
/* How long a runner owns a message it is sending (SMTP times out at 60 s). */
#define CLAIM_MS (5 * 60 * 1000LL)

typedef struct reader {
	const char *data;
	size_t left;
} reader;

static size_t read_body(char *out, size_t size, size_t n, void *user)
{
	reader *r = user;
	size_t k = size * n < r->left ? size * n : r->left;
	memcpy(out, r->data, k);
	r->data += k;
	r->left -= k;
	return k;
}

static size_t ignore_body(char *p, size_t size, size_t n, void *user)
{
	(void)p, (void)user;
	return size * n;
}

/* The address inside "Name <addr>", or the text itself. */
static void bare_address(const char *from, char *out, size_t cap)
{
	const char *lt = strrchr(from, '<');
	if (lt)
		snprintf(out, cap, "<%.*s>", (int)strcspn(lt + 1, ">"), lt + 1);
	else
		snprintf(out, cap, "<%s>", from);
}

/* The SMTP dialogue as libcurl's debug hook sees it: the last command we
 * sent and the server's last reply, so that a 5xx to RCPT (the address
 * does not exist: a bounce) is told from a 5xx to MAIL FROM (our sender is
 * refused: our problem, not the recipient's), and the error keeps the
 * server's words. */
typedef struct dialogue {
	char command[8];   /* the last one sent, or the one refused */
	char reply[200];   /* the first refusal (4xx, 5xx); QUIT's 221 comes after */
} dialogue;

static int on_debug(CURL *c, curl_infotype type, char *data, size_t n, void *user)
{
	(void)c;
	dialogue *d = user;
	if (d->reply[0])
		return 0;
	if (type == CURLINFO_HEADER_OUT) {
		size_t k = strcspn(data, " :\r\n");
		k = k < n ? k : n;
		snprintf(d->command, sizeof d->command, "%.*s", (int)(k < 7 ? k : 7), data);
	} else if (type == CURLINFO_HEADER_IN && n >= 3 && data[0] >= '4' && data[0] <= '5') {
		size_t k = n;
		while (k && (data[k - 1] == '\r' || data[k - 1] == '\n'))
			k--;
		snprintf(d->reply, sizeof d->reply, "%.*s", (int)(k < 199 ? k : 199), data);
	}
	return 0;
}

/* PARKED: not tried (no SMTP server yet): looked at again in a minute,
 * without spending one of its attempts. */
typedef enum outcome { SENT, RETRY, FAILED, BOUNCED, PARKED } outcome;

/* Runs the transfer with the timeouts both kinds share, and frees it. */
static CURLcode perform(CURL *c, long timeout_s, long *code)
{
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	CURLcode rc = curl_easy_perform(c);
	*code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
	curl_easy_cleanup(c);
	return rc;
}

/* The workspace's mail server: nurture.smtp_url, nurture.from, and
 * nurture.smtp_ca (a CA file for a relay whose certificate no public CA
 * signed; the system's CAs otherwise). */
typedef struct smtp_conf {
	char *url, *from, *ca;
} smtp_conf;

static outcome send_email(const smtp_conf *smtp, const tp_message_row *m, char *err, size_t cap)
{
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(err, cap, "libcurl could not start");
		return RETRY;
	}
	char sender[300], rcpt[300];
	bare_address(smtp->from, sender, sizeof sender);
	snprintf(rcpt, sizeof rcpt, "<%s>", m->recipient);
	struct curl_slist *to = curl_slist_append(NULL, rcpt);
	reader r = {m->body, strlen(m->body)};
	curl_easy_setopt(c, CURLOPT_URL, smtp->url);
	if (smtp->ca)
		curl_easy_setopt(c, CURLOPT_CAINFO, smtp->ca);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, sender);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_body);
	curl_easy_setopt(c, CURLOPT_READDATA, &r);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	/* TLS when the server offers STARTTLS; smtps:// URLs always. */
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	dialogue d = {"", ""};
	curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(c, CURLOPT_DEBUGDATA, &d);
	curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);   /* the debug hook sees only with it */
	long code;
	CURLcode rc = perform(c, 60L, &code);
	curl_slist_free_all(to);
	if (rc == CURLE_OK)
		return SENT;
	if (d.reply[0] && code >= 400)
		snprintf(err, cap, "SMTP %ld after %s: %s", code, d.command[0] ? d.command : "connect",
		         d.reply);
	else
		snprintf(err, cap, "SMTP %ld: %s", code, curl_easy_strerror(rc));
	if (code >= 500 && code < 600)
		return !strcasecmp(d.command, "RCPT") ? BOUNCED : FAILED;
	return RETRY;
}

static outcome send_webhook(const unsigned char key[32], const tp_message_row *m, int64_t now,
                            char *err, size_t cap)
{
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(err, cap, "libcurl could not start");
		return RETRY;
	}
	/* Stripe-style signature: HMAC-SHA256 of "<unix time>.<body>". */
	char header[200], stamp[24], hex[2 * crypto_auth_hmacsha256_BYTES + 1];
	snprintf(stamp, sizeof stamp, "%" PRId64, now / 1000);
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_init(&st, key, 32);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)stamp, strlen(stamp));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)m->body, strlen(m->body));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
	snprintf(header, sizeof header, "X-Touchpoint-Signature: t=%s,v1=%s", stamp, hex);
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	h = curl_slist_append(h, header);
	curl_easy_setopt(c, CURLOPT_URL, m->recipient);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, m->body);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, ignore_body);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	long code;
	CURLcode rc = perform(c, 30L, &code);
	curl_slist_free_all(h);
	if (rc == CURLE_OK && code >= 200 && code < 300)
		return SENT;
	snprintf(err, cap, "HTTP %ld: %s", code, rc == CURLE_OK ? "not a 2xx answer" : curl_easy_strerror(rc));
	return rc == CURLE_OK && code >= 400 && code < 500 && code != 408 && code != 429 ? FAILED
	                                                                                  : RETRY;
}

typedef struct due_list {
	int64_t ids[DUE_BATCH];
	int n;
} due_list;

static int collect(void *user, const tp_message_row *m)
{
	due_list *d = user;
	d->ids[d->n++] = m->id;
	return d->n == DUE_BATCH;
}

static void pause_ms(int64_t ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
	while (ms > 0 && nanosleep(&ts, &ts) != 0)
		;
}

static int asked_to_stop(const tp_deliver_opts *o)
{
	return o->stop && o->stop(o->user);
}

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A marketing email whose recipient may no longer get one. */
static tp_status still_allowed(tp_ctx *ctx, tp_store *s, const tp_message_row *m, char *why,
                               size_t cap, int *ok)
{
	*ok = 1;
	if (strcmp(m->kind, "email") || strcmp(m->purpose, "marketing"))
		return TP_OK;
	tp_person p;
	int found, blocked = 0;
	tp_status rc = tp__person_load(ctx, s, m->contact_id, &p, &found);
	if (rc == TP_OK && !found) {
		snprintf(why, cap, "not sent: the contact was erased or merged");
		*ok = 0;
	} else if (rc == TP_OK) {
		rc = tp__mail_blocked(ctx, s, &p, m->recipient, why, cap, &blocked);
		*ok = !blocked;
	}
	tp__person_free(&p);
	return rc;
}

/* Sends one message and records what happened. */
static tp_status deliver_one(tp_ctx *ctx, tp_store *s, const tp_deliver_opts *o,
                             const smtp_conf *smtp, int64_t id, tp_deliver_stats *stats,
                             int *sent_one)
{
	tp_message_row m;
	int found, ok;
	char err[400] = "";
	*sent_one = 0;
	/* The claim: in a transaction of its own (BEGIN IMMEDIATE: one writer),
	 * the message must still be queued and due, and is made due again only
	 * after CLAIM_MS. A second runner (serve and a cron `nurture run`) finds
	 * it taken; a runner killed while sending leaves it to be sent again when
	 * the claim runs out (at least once, never twice by two live runners). */
	char *body = NULL, *to = NULL, *kind = NULL, *purpose = NULL;
	tp_status rc = s->ops->begin(s, ctx);
	if (rc != TP_OK)
		return rc;
	if ((rc = s->ops->message_get(s, ctx, id, &m, &found)) != TP_OK || !found ||
	    strcmp(m.state, "queued") || m.next_at > o->now) {
		tp_store_rollback_quiet(s);
		return rc;
	}
	m.next_at = o->now + CLAIM_MS;
	if ((rc = s->ops->message_put(s, ctx, &m)) != TP_OK ||
	    (rc = s->ops->commit(s, ctx)) != TP_OK) {
		tp_store_rollback_quiet(s);
		return rc;
	}
	/* Copies: the row's strings live until the next store call. */
	body = strdup(m.body ? m.body : ""), to = strdup(m.recipient);
	kind = strdup(m.kind), purpose = strdup(m.purpose);
	if (!body || !to || !kind || !purpose) {
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
		goto done;
	}
	m.body = body, m.recipient = to, m.kind = kind, m.purpose = purpose;
	/* The rest are re-read before the write; the state is queued until decided. */
	m.state = "queued";
	m.subject = m.links = m.last_error = NULL;
	tp_message_row keep;
	if ((rc = still_allowed(ctx, s, &m, err, sizeof err, &ok)) != TP_OK)
		goto done;
	outcome out;
	if (!ok) {
		out = FAILED;
		m.state = "suppressed";
		stats->suppressed++;
	} else {
		const char *kind_now = m.kind;
		if (!strcmp(kind_now, "email") && !smtp->url) {
			snprintf(err, sizeof err, "no SMTP server configured (nurture config --smtp URL)");
			out = PARKED;
		} else if (!strcmp(kind_now, "email")) {
			out = send_email(smtp, &m, err, sizeof err);
		} else {
			unsigned char key[32];
			if ((rc = tp__nurture_secret(ctx, s, key)) != TP_OK)
				goto done;
			out = send_webhook(key, &m, o->now, err, sizeof err);
			sodium_memzero(key, sizeof key);
		}
		*sent_one = out == SENT;
	}
	/* The outcome is written in a transaction of its own, begun after the
	 * send so that no lock is held while the network is slow; the row is
	 * read again for the columns this pass does not change. */
	if ((rc = s->ops->begin(s, ctx)) != TP_OK)
		goto done;
	if ((rc = s->ops->message_get(s, ctx, id, &keep, &found)) != TP_OK || !found) {
		tp_store_rollback_quiet(s);
		goto done;
	}
	m.subject = keep.subject, m.links = keep.links;
	m.attempts += out != PARKED;
	m.last_error = err[0] ? err : NULL;
	if (ok && out == SENT) {
		m.state = "sent";
		m.sent_at = o->now;
		stats->sent++;
	} else if (ok && out == PARKED) {
		m.next_at = o->now + FIRST_RETRY_MS;
		stats->parked++;
	} else if (ok && out == RETRY && m.attempts < MAX_ATTEMPTS) {
		m.next_at = o->now + (FIRST_RETRY_MS << (m.attempts - 1));
		stats->retried++;
	} else if (ok) {
		m.state = "failed";
		stats->failed++;
		if (out == BOUNCED)
			m.bounced_at = o->now;
	}
	/* The row goes first: keep's strings live only until the next store call. */
	rc = s->ops->message_put(s, ctx, &m);
	if (rc == TP_OK && ok && out == BOUNCED)
		rc = s->ops->suppression_add(s, ctx, m.recipient, "bounced", err, o->now);
	if (rc == TP_OK)
		rc = s->ops->commit(s, ctx);
	else
		tp_store_rollback_quiet(s);
done:
	free(body);
	free(to);
	free(kind);
	free(purpose);
	return rc;
}

tp_status tp_nurture_deliver(tp_ctx *ctx, tp_store *s, const tp_deliver_opts *opts,
                             tp_deliver_stats *stats)
{
	memset(stats, 0, sizeof *stats);
	if (!s->ops->messages_due)
		return tp_ctx_fail(ctx, TP_ERR_UNSUPPORTED, NULL, "the %s store keeps no outbox",
		                   s->ops->name);
	tp_deliver_opts o = *opts;
	if (!o.now)
		o.now = tp_ctx_now(ctx);
	smtp_conf smtp = {tp__nurture_setting(ctx, s, "nurture.smtp_url", NULL),
	                  tp__nurture_setting(ctx, s, "nurture.from", "Touchpoint <no-reply@localhost>"),
	                  tp__nurture_setting(ctx, s, "nurture.smtp_ca", NULL)};
	char *rate = tp__nurture_setting(ctx, s, "nurture.rate_per_minute", "60");
	long per_minute = rate ? strtol(rate, NULL, 10) : 60;
	int64_t gap = per_minute > 0 ? 60000 / per_minute : 0;
	tp_status rc = smtp.from ? TP_OK : tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	int64_t last_send = 0;
	for (int more = 1; rc == TP_OK && more;) {
		due_list d = {.n = 0};
		if ((rc = s->ops->messages_due(s, ctx, o.now, DUE_BATCH, collect, &d)) != TP_OK)
			break;
		more = d.n == DUE_BATCH;
		for (int i = 0; rc == TP_OK && i < d.n; i++) {
			/* The rate: at most per_minute sends a minute, evenly spaced;
			 * the wait is cut in slices so that a stop is heard. */
			while (last_send && gap && !asked_to_stop(&o) && wall_ms() < last_send + gap)
				pause_ms(last_send + gap - wall_ms() < 100 ? last_send + gap - wall_ms() : 100);
			if (asked_to_stop(&o)) {
				more = 0;
				break;
			}
			int sent = 0;
			rc = deliver_one(ctx, s, &o, &smtp, d.ids[i], stats, &sent);
			if (sent)
				last_send = wall_ms();
		}
		/* What failed for a while is due later than now: no spin. */
		if (d.n && stats->sent + stats->failed + stats->suppressed == 0)
			break;
	}
	free(smtp.url);
	free(smtp.from);
	free(smtp.ca);
	free(rate);
	return rc;
}
