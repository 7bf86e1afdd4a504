/* The event import pipeline: record → parse → dedup by messageId → identity
 * → channel (with GA4's 30-minute visit) → store. Calls are committed in
 * chunks; the counters only count what a commit made durable. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/strmap.h"
#include "identity/identity_int.h"
#include "touchpoint/channel.h"
#include "touchpoint/identity.h"
#include "touchpoint/import.h"
#include "touchpoint/leadads.h"
#include "touchpoint/limits.h"
#include "touchpoint/scorer.h"
#include "touchpoint/segment.h"

/* GA4 ends a session after 30 minutes without activity. */

struct tp_importer {
	tp_store *store;
	tp_import_opts opts;
	tp_segment_parser *parser;
	tp_identity *identity;
	tp_channel_rules *rules;
	tp_score_config *score_cfg;
	tp_scorer *scorer;
	tp_import_stats committed;  /* what the store holds for sure */
	tp_import_stats pending;    /* taken since the last commit */
	int in_tx;
	int bulk_tried, bulk;       /* bulk load: one transaction, indexes at the end */
	tp_strmap channels;         /* "source\x1fmedium\x1fcampaign" → channel: sources repeat */
	int64_t since_commit;
};

tp_status tp_importer_create(tp_ctx *ctx, tp_store *store, const tp_import_opts *opts,
                             tp_importer **out)
{
	tp_importer *imp = calloc(1, sizeof *imp);
	if (!imp)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	imp->store = store;
	if (opts)
		imp->opts = *opts;
	if (!imp->opts.actor)
		imp->opts.actor = "import";
	if (imp->opts.commit_every <= 0)
		imp->opts.commit_every = 50000;
	tp__strmap_init(&imp->channels);
	imp->parser = tp_segment_parser_create();
	imp->identity = tp_identity_create(store);
	tp_status rc = TP_OK;
	if (!imp->parser || !imp->identity)
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	if (rc == TP_OK)
		rc = tp_channel_rules_load(ctx, store, &imp->rules);
	if (rc == TP_OK)
		rc = tp_score_config_load(ctx, store, &imp->score_cfg);
	if (rc == TP_OK)
		rc = tp_scorer_create(ctx, store, imp->score_cfg, !imp->opts.no_lifecycle, &imp->scorer);
	if (rc != TP_OK) {
		tp_importer_destroy(imp);
		return rc;
	}
	*out = imp;
	return TP_OK;
}

void tp_importer_destroy(tp_importer *imp)
{
	if (!imp)
		return;
	if (imp->in_tx)
		tp_store_rollback_quiet(imp->store);
	tp_segment_parser_destroy(imp->parser);
	tp_identity_destroy(imp->identity);
	tp_channel_rules_destroy(imp->rules);
	tp_scorer_destroy(imp->scorer);
	tp_score_config_free(imp->score_cfg);
	tp__strmap_free(&imp->channels);
	free(imp);
}

const tp_import_stats *tp_importer_stats(const tp_importer *imp)
{
	return &imp->committed;
}

static void add_stats(tp_import_stats *to, const tp_import_stats *from)
{
	to->records += from->records;
	to->accepted += from->accepted;
	to->duplicates += from->duplicates;
	to->rejected += from->rejected;
	to->contacts_created += from->contacts_created;
	to->merges += from->merges;
	to->conflicts += from->conflicts;
	to->adopted += from->adopted;
	to->mqls += from->mqls;
	to->bytes += from->bytes;
}

tp_status tp_importer_commit(tp_importer *imp, tp_ctx *ctx)
{
	tp_status rc = TP_OK;
	if (imp->in_tx) {
		int64_t mqls = tp_scorer_mql_moves(imp->scorer);
		/* After a bulk load every contact of the import replays. */
		tp_scorer_replay_in_one_pass(imp->scorer, imp->bulk);
		if ((rc = tp_identity_flush(imp->identity, ctx)) == TP_OK && imp->bulk)
			rc = imp->store->ops->bulk_end(imp->store, ctx);
		imp->bulk = 0;
		/* Scores last: replays read the events the bulk load just indexed. */
		if (rc == TP_OK)
			rc = tp_scorer_flush(imp->scorer, ctx);
		imp->pending.mqls += tp_scorer_mql_moves(imp->scorer) - mqls;
		if (rc == TP_OK)
			rc = imp->store->ops->commit(imp->store, ctx);
		if (rc != TP_OK) {
			tp_importer_abort(imp);
			return rc;
		}
		imp->in_tx = 0;
	}
	add_stats(&imp->committed, &imp->pending);
	memset(&imp->pending, 0, sizeof imp->pending);
	imp->since_commit = 0;
	return rc;
}

/* tp_channel_classify with a memo: the rules are fixed for an import and
 * a workspace has few distinct source/medium/campaign triples. */
static tp_channel classify(tp_importer *imp, const char *source, const char *medium,
                           const char *campaign)
{
	/* "source\x1fmedium\x1fcampaign", joined by hand: snprintf cost more
	 * than the look-up. */
	char key[512];
	const char *parts[3] = {source, medium, campaign};
	size_t n = 0;
	int fits = 1;
	for (int i = 0; i < 3 && fits; i++) {
		size_t len = strlen(parts[i]);
		fits = n + len + 1 < sizeof key;
		if (fits) {
			memcpy(key + n, parts[i], len);
			n += len;
			key[n++] = i < 2 ? '\x1f' : '\0';
		}
	}
	int64_t ch;
	if (fits && tp__strmap_get(&imp->channels, key, &ch))
		return (tp_channel)ch;
	tp_channel c = tp_channel_classify(imp->rules, source, medium, campaign);
	/* A full memo is only slower, never wrong: stop adding past a bound. */
	if (fits && imp->channels.len < 100000)
		tp__strmap_put(&imp->channels, key, c);
	return c;
}

/* Channel of a touch, following GA4 sessions: a touch with a new traffic
 * source (UTM, click id, external referrer) starts a visit with that source;
 * one without (internal navigation, a server-side event) inside a visit
 * belongs to that visit; a page view with nothing starts a Direct visit; any
 * other touch with nothing is Unassigned. */
static tp_status assign_channel(tp_importer *imp, tp_ctx *ctx, const tp_event *ev, tp_visitor *v,
                                tp_event_row *row)
{
	tp_traffic t;
	tp_channel_traffic(imp->rules, ev, &t);
	int external = t.from_campaign || strcmp(t.source, "(direct)") != 0;
	int page = ev->call == TP_CALL_PAGE || ev->call == TP_CALL_SCREEN;
	int campaign_set = strcmp(t.campaign, "(not set)") != 0;

	row->source = t.source;
	row->medium = t.medium;
	row->campaign = campaign_set ? t.campaign : NULL;
	if (!v) {
		row->channel = external || page || ev->url ? classify(imp, t.source, t.medium, t.campaign)
		                                           : TP_CH_UNASSIGNED;
		return TP_OK;
	}
	int64_t gap = ev->ts - v->last_seen;
	int in_visit = v->visit_source && (gap < 0 ? -gap : gap) <= TP_VISIT_GAP_MS;
	if (!external && in_visit) {
		row->channel = v->visit_channel;
		row->source = v->visit_source;
		row->medium = v->visit_medium;
		row->campaign = v->visit_campaign;
	} else if (external || page || ev->url) {
		row->channel = classify(imp, t.source, t.medium, t.campaign);
		v->visit_channel = row->channel;
		v->visit_source = tp__identity_intern(imp->identity, t.source);
		v->visit_medium = tp__identity_intern(imp->identity, t.medium);
		v->visit_campaign = campaign_set ? tp__identity_intern(imp->identity, t.campaign) : NULL;
		if (!v->visit_source || !v->visit_medium)
			return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	} else {
		/* No source and no visit: not a touch of any channel, and not
		 * activity that keeps a visit alive. */
		row->channel = TP_CH_UNASSIGNED;
		return TP_OK;
	}
	if (ev->ts > v->last_seen)
		v->last_seen = ev->ts;
	if (ev->ts < v->first_seen)
		v->first_seen = ev->ts;
	if (v->first_channel == TP_CH_UNASSIGNED && row->channel != TP_CH_UNASSIGNED) {
		v->first_channel = row->channel;
		v->landing_url = tp__identity_keep(imp->identity, ev->url);
	}
	/* Click ids appear only on the landing hit: the visitor keeps them. */
	for (int i = 0; i < TP_CLICK__COUNT; i++)
		if (ev->click_id[i] && !v->click_id[i])
			v->click_id[i] = tp__identity_keep(imp->identity, ev->click_id[i]);
	return tp__identity_visitor_changed(imp->identity, ctx, v);
}

static tp_status take_call(tp_importer *imp, tp_ctx *ctx, const tp_event *ev, int64_t now)
{
	tp_store *s = imp->store;
	int exists;
	tp_status rc = s->ops->event_exists(s, ctx, ev->message_id, &exists);
	if (rc != TP_OK)
		return rc;
	if (exists) {
		imp->pending.duplicates++;
		return TP_OK;
	}
	tp_visitor *v = NULL;
	if (ev->anonymous_id &&
	    (rc = tp__identity_visitor(imp->identity, ctx, ev->anonymous_id, ev->ts, &v)) != TP_OK)
		return rc;
	tp_event_row row = {.ev = ev, .received_at = now};
	if ((rc = assign_channel(imp, ctx, ev, v, &row)) != TP_OK)
		return rc;
	tp_resolution res;
	const char *channel = row.channel != TP_CH_UNASSIGNED ? tp_channel_name(row.channel) : NULL;
	if ((rc = tp__identity_resolve_visitor(imp->identity, ctx, ev, v, imp->opts.actor, channel,
	                                       &res)) != TP_OK)
		return rc;
	row.contact_id = res.contact_id;
	row.origin_contact_id = res.origin_contact_id;
	if ((rc = s->ops->event_insert(s, ctx, &row)) != TP_OK)
		return rc;
	if (res.contact_id) {
		/* Adopted touches or a merge change the history wholesale. */
		rc = res.adopted || res.merged_away
		             ? tp_scorer_rebuild(imp->scorer, ctx, res.contact_id)
		             : tp_scorer_event(imp->scorer, ctx, res.contact_id, ev, row.channel);
		/* The merged-away contact's touches are the winner's now: its score
		 * row goes and its pending MQL move with it, as after a merge by hand. */
		if (rc == TP_OK && res.merged_away)
			rc = tp_scorer_forget(imp->scorer, ctx, res.merged_away);
		if (rc != TP_OK)
			return rc;
	}
	imp->pending.accepted++;
	imp->pending.contacts_created += res.contact_created;
	imp->pending.merges += res.merged_away != 0;
	imp->pending.conflicts += res.conflict;
	imp->pending.adopted += res.adopted;
	return TP_OK;
}

static void reject(tp_importer *imp, int64_t line, const char *field, const char *message)
{
	imp->pending.rejected++;
	if (imp->opts.on_reject)
		imp->opts.on_reject(imp->opts.user, line, field, message);
}

/* A record refused whole: reported, and an error only in strict mode. */
static tp_status refuse(tp_importer *imp, tp_ctx *ctx, int64_t line, const char *field,
                        const char *message)
{
	reject(imp, line, field, message);
	if (!imp->opts.strict)
		return TP_OK;
	/* Copies: field and message may be ctx's own, which the failure rewrites. */
	char f[128], m[512];
	snprintf(f, sizeof f, "%s", field);
	snprintf(m, sizeof m, "%s", message);
	return tp_ctx_fail(ctx, TP_ERR_INVALID, f, "line %lld: %s", (long long)line, m);
}

/* As refuse, for the failure on ctx. */
static tp_status refuse_record(tp_importer *imp, tp_ctx *ctx, int64_t line)
{
	return refuse(imp, ctx, line, tp_ctx_field(ctx), tp_ctx_message(ctx));
}

/* A record is counted, in the transaction (a bulk one for a first import). */
static tp_status open_record(tp_importer *imp, tp_ctx *ctx, size_t len)
{
	tp_status rc;
	if (!imp->in_tx) {
		const tp_store_ops *ops = imp->store->ops;
		int try_bulk = !imp->bulk_tried && !imp->opts.no_bulk && ops->bulk_begin;
		if (try_bulk && ops->bulk_prepare && (rc = ops->bulk_prepare(imp->store, ctx)) != TP_OK)
			return rc;
		if ((rc = tp_importer_begin(imp, ctx)) != TP_OK)
			return rc;
		if (try_bulk) {
			imp->bulk_tried = 1;
			if ((rc = ops->bulk_begin(imp->store, ctx, &imp->bulk)) != TP_OK)
				return rc;
		}
	}
	imp->pending.records++;
	imp->pending.bytes += (int64_t)len;
	return TP_OK;
}

/* now: the time the record was read, the calls' received_at. */
static tp_status take_items(tp_importer *imp, tp_ctx *ctx, const tp_parse_item *items, size_t n,
                            int64_t line, int64_t now)
{
	tp_status rc;
	for (size_t i = 0; i < n; i++) {
		if (items[i].status != TP_OK) {
			if (items[i].status == TP_ERR_NOMEM)
				return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
			reject(imp, line, items[i].field, items[i].message);
			if (imp->opts.strict)
				return tp_ctx_fail(ctx, TP_ERR_INVALID, items[i].field, "line %lld: %s %s",
				                   (long long)line, items[i].field, items[i].message);
			continue;
		}
		if ((rc = take_call(imp, ctx, &items[i].ev, now)) != TP_OK)
			return rc;
		imp->since_commit++;
	}
	/* Strict mode is all or nothing, and a bulk load is one transaction:
	 * both commit at the end only. */
	if (!imp->opts.strict && !imp->bulk && imp->since_commit >= imp->opts.commit_every)
		return tp_importer_commit(imp, ctx);
	return TP_OK;
}

/* endpoint_call: as tp_segment_parse_live's, or -2 for a record of a file. */
static tp_status take_record(tp_importer *imp, tp_ctx *ctx, const char *json, size_t len,
                             int64_t line, int endpoint_call)
{
	tp_status rc = open_record(imp, ctx, len);
	if (rc != TP_OK)
		return rc;
	int64_t now = tp_ctx_now(ctx);
	const tp_parse_item *items;
	size_t n;
	rc = endpoint_call == -2 ? tp_segment_parse(imp->parser, ctx, json, len, now, &items, &n)
	                         : tp_segment_parse_live(imp->parser, ctx, json, len, now,
	                                                 endpoint_call, &items, &n);
	if (rc != TP_OK)
		return rc == TP_ERR_NOMEM ? rc : refuse_record(imp, ctx, line);
	return take_items(imp, ctx, items, n, line, now);
}

tp_status tp_importer_items(tp_importer *imp, tp_ctx *ctx, const tp_parse_item *items, size_t n,
                            size_t len)
{
	tp_status rc = open_record(imp, ctx, len);
	return rc != TP_OK ? rc : take_items(imp, ctx, items, n, 1, tp_ctx_now(ctx));
}

tp_status tp_importer_record(tp_importer *imp, tp_ctx *ctx, const char *json, size_t len,
                             int64_t line)
{
	if (!imp->opts.leads)
		return take_record(imp, ctx, json, len, line, -2);
	/* A platform's lead payload: its Segment call goes the same way. */
	char *call;
	tp_status rc = tp_lead_call(ctx, imp->opts.leads, json, len, &call, NULL);
	if (rc != TP_OK) {
		imp->pending.records++;
		return rc == TP_ERR_NOMEM ? rc : refuse_record(imp, ctx, line);
	}
	rc = take_record(imp, ctx, call, strlen(call), line, -2);
	free(call);
	return rc;
}

/* tp_import_opts.cache_limit's default: about a million visitors. */
#define CACHE_LIMIT_DEFAULT ((size_t)512 << 20)

tp_status tp_importer_begin(tp_importer *imp, tp_ctx *ctx)
{
	if (imp->in_tx)
		return TP_OK;
	tp_status rc = imp->store->ops->begin(imp->store, ctx);
	if (rc != TP_OK)
		return rc;
	imp->in_tx = 1;
	/* A server's writer lives long: the CLI or the JSON API may have merged,
	 * erased or changed contacts since its last commit. Its transaction is
	 * IMMEDIATE, so nobody commits between this check and its reads. */
	int changed;
	if ((rc = imp->store->ops->changed_elsewhere(imp->store, ctx, &changed)) == TP_OK) {
		/* Between transactions everything cached is in the store too. */
		size_t held = tp__identity_held_bytes(imp->identity) + tp_scorer_held_bytes(imp->scorer);
		int over = held > (imp->opts.cache_limit ? imp->opts.cache_limit : CACHE_LIMIT_DEFAULT);
		if (changed || over) {
			tp_identity_reset(imp->identity);
			tp_scorer_reset(imp->scorer);
			imp->committed.cache_resets += over;  /* done, whatever the transaction's fate */
		}
	}
	if (rc != TP_OK)
		tp_importer_abort(imp);
	return rc;
}

tp_status tp_importer_record_live(tp_importer *imp, tp_ctx *ctx, const char *json, size_t len,
                                  int endpoint_call)
{
	return take_record(imp, ctx, json, len, 1, endpoint_call < 0 ? -1 : endpoint_call);
}

void tp_importer_abort(tp_importer *imp)
{
	if (imp->in_tx) {
		tp_store_rollback_quiet(imp->store);
		tp_identity_reset(imp->identity);
		tp_scorer_reset(imp->scorer);
		imp->in_tx = 0;
		imp->bulk = 0;
	}
	memset(&imp->pending, 0, sizeof imp->pending);
	imp->since_commit = 0;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A file read in blocks and cut at '\n' with memchr: a NUL byte is a byte
 * of its line (fgets would end the line there and join it to the next). */
typedef struct line_reader {
	FILE *in;
	tp_ctx *ctx;
	int64_t now;              /* when buf was read: the time of its calls without one */
	size_t at, len;           /* buf[at..len) is not read yet */
	char buf[65536];
} line_reader;

/* Reads one line into b (without its newline and a final '\r'). Returns 1
 * for a line, 0 at the end, -1 for a line over the cap (consumed, dropped). */
static int read_line(line_reader *r, tp_buf *b)
{
	int too_long = 0, got = 0;
	tp__buf_reset(b);
	for (;;) {
		if (r->at == r->len) {
			r->at = 0;
			r->len = fread(r->buf, 1, sizeof r->buf, r->in);
			if (!r->len)
				break;
			/* A clock read per block, not per line: 1% of a fast import. */
			r->now = tp_ctx_now(r->ctx);
		}
		got = 1;
		const char *start = r->buf + r->at;
		const char *nl = memchr(start, '\n', r->len - r->at);
		size_t n = nl ? (size_t)(nl - start) : r->len - r->at;
		if (!too_long && tp__buf_add(b, start, n) != 0)
			too_long = 1;
		r->at += n + (nl != NULL);
		if (nl)
			break;
	}
	if (!got)
		return 0;
	if (b->len && b->data[b->len - 1] == '\r')
		b->data[--b->len] = '\0';
	return too_long ? -1 : 1;
}

/* A record of a file, parsed one record ahead of its take: the message-id
 * and visitor look-ups it will make land at random in tables of tens of
 * MB, and are on their way from memory while the record before it is
 * taken. Its items live in its own parser and line buffer. */
typedef struct parsed_record {
	tp_buf line;
	int64_t lineno, now;
	tp_status rc;                      /* the parse's */
	char field[128], message[512];     /* why it was refused: ctx moves on */
	const tp_parse_item *items;
	size_t n;
} parsed_record;

static tp_status parse_ahead(tp_importer *imp, tp_ctx *ctx, tp_segment_parser *p,
                             parsed_record *rec, int64_t lineno, int64_t now)
{
	rec->lineno = lineno;
	rec->now = now;
	rec->rc = tp_segment_parse(p, ctx, rec->line.data, rec->line.len, rec->now, &rec->items,
	                           &rec->n);
	if (rec->rc == TP_ERR_NOMEM)
		return rec->rc;
	if (rec->rc != TP_OK) {
		snprintf(rec->field, sizeof rec->field, "%s", tp_ctx_field(ctx));
		snprintf(rec->message, sizeof rec->message, "%s", tp_ctx_message(ctx));
		return TP_OK;
	}
	for (size_t i = 0; i < rec->n; i++) {
		const tp_event *ev = &rec->items[i].ev;
		if (rec->items[i].status != TP_OK)
			continue;
		if (imp->store->ops->event_prefetch)
			imp->store->ops->event_prefetch(imp->store, ev->message_id);
		if (ev->anonymous_id)
			tp__identity_prefetch(imp->identity, ev->anonymous_id);
	}
	return TP_OK;
}

/* The waiting record's second hints, while the next record is parsed:
 * the visitor map's slot has arrived by now, and the anonymous id it
 * holds (which the look-up compares) and the visitor are the next misses. */
static void prefetch_more(tp_importer *imp, const parsed_record *rec)
{
	for (size_t i = 0; rec->rc == TP_OK && i < rec->n; i++)
		if (rec->items[i].status == TP_OK && rec->items[i].ev.anonymous_id)
			tp__identity_prefetch_visitor(imp->identity, rec->items[i].ev.anonymous_id);
}

static tp_status take_parsed(tp_importer *imp, tp_ctx *ctx, const parsed_record *rec)
{
	tp_status rc = open_record(imp, ctx, rec->line.len);
	if (rc != TP_OK)
		return rc;
	if (rec->rc != TP_OK)
		return refuse(imp, ctx, rec->lineno, rec->field, rec->message);
	return take_items(imp, ctx, rec->items, rec->n, rec->lineno, rec->now);
}

/* Commits what a read took (or rolls it back when rc says it failed),
 * then reports and frees the importer. */
static tp_status finish_import(tp_importer *imp, tp_ctx *ctx, tp_status rc, tp_import_stats *stats)
{
	if (rc == TP_OK) {
		rc = tp_importer_commit(imp, ctx);
	} else {
		if (imp->in_tx)
			tp_store_rollback_quiet(imp->store);
		imp->in_tx = 0;
		imp->pending.accepted = 0;
		add_stats(&imp->committed, &imp->pending);
	}
	if (stats)
		*stats = imp->committed;
	tp_importer_destroy(imp);
	return rc;
}

tp_status tp_import_events(tp_ctx *ctx, tp_store *store, FILE *in, const tp_import_opts *opts,
                           tp_import_stats *stats)
{
	tp_importer *imp = NULL;
	tp_status rc = tp_importer_create(ctx, store, opts, &imp);
	if (rc != TP_OK)
		return rc;
	/* Two records in flight: one parsed ahead, one waiting to be taken. */
	parsed_record rec[2];
	tp_segment_parser *parsers[2] = {imp->parser, tp_segment_parser_create()};
	for (int i = 0; i < 2; i++)
		tp__buf_init(&rec[i].line, TP_MAX_LINE_BYTES);
	if (!parsers[1])
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	const parsed_record *waiting = NULL;
	int k = 0;
	line_reader reader;
	reader.in = in;
	reader.ctx = ctx;
	reader.now = 0;
	reader.at = reader.len = 0;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	double next_progress = 1.0;
	int64_t lineno = 0;
	int r;
	while (rc == TP_OK && (r = read_line(&reader, &rec[k].line)) != 0) {
		lineno++;
		if (r < 0) {
			char msg[96];
			snprintf(msg, sizeof msg, "line is longer than %d bytes", TP_MAX_LINE_BYTES);
			if (waiting && (rc = take_parsed(imp, ctx, waiting)) != TP_OK)
				break;
			waiting = NULL;
			imp->pending.records++;
			reject(imp, lineno, "", msg);
			if (imp->opts.strict) {
				rc = tp_ctx_fail(ctx, TP_ERR_TOO_BIG, "", "line %lld: %s", (long long)lineno, msg);
				break;
			}
			continue;
		}
		size_t blank;
		const char *p = rec[k].line.data;
		for (blank = 0; blank < rec[k].line.len && (p[blank] == ' ' || p[blank] == '\t'); blank++)
			;
		if (blank == rec[k].line.len)
			continue;
		if (imp->opts.leads) {
			/* A platform's payload becomes its call first: taken at once. */
			rc = tp_importer_record(imp, ctx, rec[k].line.data, rec[k].line.len, lineno);
		} else {
			if (waiting)
				prefetch_more(imp, waiting);
			if ((rc = parse_ahead(imp, ctx, parsers[k], &rec[k], lineno, reader.now)) != TP_OK)
				break;
			if (waiting)
				rc = take_parsed(imp, ctx, waiting);
			waiting = &rec[k];
			k ^= 1;
		}
		if (rc != TP_OK)
			break;
		if ((lineno & 255) == 0)
			tp__heap_prefer_huge();  /* before the heap's new pages are touched */
		if ((lineno & 1023) == 0 && imp->opts.on_progress) {
			double sec = seconds_since(&t0);
			if (sec >= next_progress) {
				tp_import_stats now = imp->committed;
				add_stats(&now, &imp->pending);
				imp->opts.on_progress(imp->opts.user, &now, sec);
				next_progress = sec + 1.0;
			}
		}
	}
	if (rc == TP_OK && waiting)
		rc = take_parsed(imp, ctx, waiting);
	if (rc == TP_OK && ferror(in))
		rc = tp_ctx_fail(ctx, TP_ERR_IO, NULL, "read error after line %lld", (long long)lineno);
	for (int i = 0; i < 2; i++)
		tp__buf_free(&rec[i].line);
	tp_segment_parser_destroy(parsers[1]);
	return finish_import(imp, ctx, rc, stats);
}

typedef struct lead_rows {
	tp_importer *imp;
	tp_ctx *ctx;
} lead_rows;

static tp_status take_lead_row(void *user, const char *json, int64_t line)
{
	lead_rows *r = user;
	return tp_importer_record(r->imp, r->ctx, json, strlen(json), line);
}

tp_status tp_import_lead_csv(tp_ctx *ctx, tp_store *store, FILE *in, const tp_import_opts *opts,
                             tp_import_stats *stats)
{
	lead_rows r = {NULL, ctx};
	tp_status rc = tp_importer_create(ctx, store, opts, &r.imp);
	if (rc != TP_OK)
		return rc;
	rc = tp_lead_csv_read(ctx, (tp_lead_format)opts->leads, in, take_lead_row, &r);
	return finish_import(r.imp, ctx, rc, stats);
}
