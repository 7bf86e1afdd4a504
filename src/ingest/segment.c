/* Segment-spec parsing: validates each call, pulls out identity keys, time,
 * traits, page context, UTM and click ids, and types the touch. Field names
 * follow the Segment spec (Common Fields, Identify, Track, Page, Screen,
 * Group, Alias); snake_case trait variants are accepted as well. */
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/text.h"
#include "ingest/json.h"
#include "ingest/jtok.h"
#include "ingest/touch.h"
#include "touchpoint/email.h"
#include "touchpoint/limits.h"
#include "touchpoint/segment.h"
#include "touchpoint/time.h"

struct tp_segment_parser {
	tp_arena arena;
	tp_jtok doc;
};

typedef struct item_state {
	const tp_jtok *d;
	tp_arena *arena;
	tp_parse_item *item;
	const char *prefix;  /* "" or "batch[3]." */
	int call;            /* the endpoint's call type, or -1 */
	int live;            /* sent now, not read from a file */
	int shared_ctx;      /* the batch's context, for calls without one; -1 */
} item_state;

static const char *const call_names[TP_CALL__COUNT] = {
	"identify", "track", "page", "screen", "group", "alias"};

const char *tp_call_name(tp_call c)
{
	return (unsigned)c < TP_CALL__COUNT ? call_names[c] : "?";
}

tp_segment_parser *tp_segment_parser_create(void)
{
	tp_segment_parser *p = calloc(1, sizeof *p);
	if (p) {
		tp__arena_init(&p->arena, 256 * 1024);
		tp__jtok_init(&p->doc);
	}
	return p;
}

void tp_segment_parser_destroy(tp_segment_parser *p)
{
	if (!p)
		return;
	tp__arena_free(&p->arena);
	tp__jtok_free(&p->doc);
	free(p);
}

/* Field names are (where, key) pairs, "context.page" + "url", joined only
 * here: building them for every value would cost more than parsing it. */
static int fail_at(item_state *st, tp_status status, const char *where, const char *key,
                   const char *fmt, ...) TP_PRINTF(5, 6);
static int fail_at(item_state *st, tp_status status, const char *where, const char *key,
                   const char *fmt, ...)
{
	char msg[512], name[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(name, sizeof name, "%s%s%s%s", st->prefix, where ? where : "", where ? "." : "",
	         key);
	st->item->status = status;
	st->item->field = tp__arena_strndup(st->arena, name, strlen(name));
	st->item->message = tp__arena_strndup(st->arena, msg, strlen(msg));
	if (!st->item->field || !st->item->message) {
		st->item->field = "";
		st->item->message = "out of memory";
		st->item->status = TP_ERR_NOMEM;
	}
	return -1;
}

#define fail(st, status, field, ...) fail_at(st, status, NULL, field, __VA_ARGS__)

static int nomem(item_state *st)
{
	st->item->status = TP_ERR_NOMEM;
	st->item->field = "";
	st->item->message = "out of memory";
	return -1;
}

/* s[0..len) trimmed, optionally lower-cased, copied into the arena (only
 * what is kept); NULL result for empty. */
static int keep_text(item_state *st, const char *where, const char *key, const char *s,
                     size_t len, size_t max, int lower, const char **out)
{
	size_t n;
	const char *t = tp__trim_n(s, len, &n);
	*out = NULL;
	if (n == 0)
		return 0;
	if (n > max)
		return fail_at(st, TP_ERR_TOO_BIG, where, key, "is %zu bytes; the limit is %zu", n, max);
	char *copy = tp__arena_alloc(st->arena, n + 1);
	if (!copy)
		return nomem(st);
	if (lower)
		for (size_t i = 0; i < n; i++)
			copy[i] = tp__ascii_lower(t[i]);
	else
		memcpy(copy, t, n);
	copy[n] = '\0';
	*out = copy;
	return 0;
}

/* The text of a value already found (`key` names it in messages), trimmed
 * and optionally lower-cased; numbers are accepted and written in decimal.
 * Absent, null and "" give NULL. */
static int item_text(item_state *st, int v, const char *where, const char *key, size_t max,
                     int lower, const char **out)
{
	*out = NULL;
	char *text = NULL;
	size_t n = 0;
	/* Most texts have no escape: read from the input, copied once. */
	const char *raw = tp__jtok_raw(st->d, v, &n);
	if (raw)
		return keep_text(st, where, key, raw, n, max, lower, out);
	switch (tp__jtok_type(st->d, v)) {
	case TP_J_NONE:
	case TP_J_NULL:
		return 0;
	case TP_J_NUMBER: {
		char num[64];
		double d;
		tp__jtok_number(st->d, v, &d);
		if (d == floor(d) && fabs(d) < 9.0e15)
			snprintf(num, sizeof num, "%.0f", d);
		else
			snprintf(num, sizeof num, "%.17g", d);
		return keep_text(st, where, key, num, strlen(num), max, lower, out);
	}
	case TP_J_STRING:  /* with escapes: unescaped first */
		text = tp__jtok_str(st->d, v, st->arena, &n);
		break;
	default:
		return fail_at(st, TP_ERR_INVALID, where, key, "must be a string");
	}
	if (!text)
		return nomem(st);
	return keep_text(st, where, key, text, n, max, lower, out);
}

static int get_text(item_state *st, int obj, const char *where, const char *key,
                    size_t max, int lower, const char **out)
{
	return item_text(st, tp__jtok_get(st->d, obj, key), where, key, max, lower, out);
}

/* The page fields, picked from the page call's properties and from
 * context.page in one pass each. */
enum page_key { PK_URL, PK_REFERRER, PK_TITLE, PK_PATH, PK__COUNT };
static const char *const page_keys[PK__COUNT] = {"url", "referrer", "title", "path"};

/* A page field: from the page call's properties, else from context.page. */
static int page_text(item_state *st, const int *from_props, const int *from_page, int key,
                     size_t max, const char **out)
{
	if (item_text(st, from_props[key], "properties", page_keys[key], max, 0, out))
		return -1;
	return *out ? 0
	            : item_text(st, from_page[key], "context.page", page_keys[key], max, 0, out);
}

/* A call's member names. */
enum call_key {
	CK_TYPE, CK_MESSAGE_ID, CK_ANONYMOUS_ID, CK_USER_ID, CK_PREVIOUS_ID, CK_GROUP_ID, CK_EVENT,
	CK_NAME, CK_CONTEXT, CK_PROPERTIES, CK_TRAITS,
	CK_BATCH,    /* a record's, not a call's */
	CK_TIME,     /* timestamp, originalTimestamp, sentAt, receivedAt */
	CK__COUNT = CK_TIME + 4
};
static const char *const call_keys[CK__COUNT] = {
	"type", "messageId", "anonymousId", "userId", "previousId", "groupId", "event", "name",
	"context", "properties", "traits", "batch",
	"timestamp", "originalTimestamp", "sentAt", "receivedAt"};

/* The members of a call, found in one pass over the object: looking each
 * up by name would scan the members once per field. The first of duplicate
 * keys wins, as with cJSON_GetObjectItem. -1: absent. */
typedef struct call_members {
	int at[CK__COUNT];
} call_members;

/* What a call's context holds that the parse reads. */
enum context_key { XK_TRAITS, XK_PAGE, XK_CAMPAIGN, XK__COUNT };
static const char *const context_keys[XK__COUNT] = {"traits", "page", "campaign"};

/* context.campaign: Segment names utm_campaign "name"; click ids follow. */
enum { CAMPAIGN_KEYS = TP_UTM__COUNT + TP_CLICK__COUNT };
static const char *campaign_keys[CAMPAIGN_KEYS] = {"source", "medium", "name", "term", "content"};

static tp_jkeys call_set, context_set, campaign_set, page_set, trait_set;

static void read_members(const tp_jtok *d, int o, call_members *m)
{
	tp__jtok_pick(d, o, &call_set, m->at);
}

/* A non-negative integer from a number or a numeric string, the value v
 * (`key` names it in messages); -1 when absent. */
static int count_of(item_state *st, int v, const char *where, const char *key, int64_t *out)
{
	tp_jtype type = tp__jtok_type(st->d, v);
	*out = -1;
	if (type == TP_J_NONE || type == TP_J_NULL)
		return 0;
	double d;
	if (type == TP_J_NUMBER) {
		tp__jtok_number(st->d, v, &d);
	} else if (type == TP_J_STRING) {
		char *end;
		size_t n;
		const char *text = tp__jtok_str(st->d, v, st->arena, &n);
		if (!text)
			return nomem(st);
		d = strtod(text, &end);
		if (end == text || *end)
			return fail_at(st, TP_ERR_INVALID, where, key, "must be a number, not \"%.40s\"",
			               text);
	} else {
		return fail_at(st, TP_ERR_INVALID, where, key, "must be a number");
	}
	if (!(d >= 0 && d < 9.0e15))
		return fail_at(st, TP_ERR_INVALID, where, key, "must be between 0 and 9e15");
	*out = (int64_t)d;
	return 0;
}

/* The traits parse_traits reads, picked from their object in one pass. A
 * second spelling (snake_case) follows its first. */
enum trait_key {
	TK_EMAIL, TK_FIRST_NAME, TK_FIRST_NAME_2, TK_LAST_NAME, TK_LAST_NAME_2, TK_NAME,
	TK_TITLE, TK_TITLE_2, TK_PHONE, TK_WEBSITE, TK_WEBSITE_2, TK_INDUSTRY, TK_COUNTRY,
	TK_LEAD_SOURCE, TK_LEAD_SOURCE_2, TK_LIFECYCLE_STAGE, TK_LIFECYCLE_STAGE_2, TK_OWNER,
	TK_ADDRESS, TK_COMPANY, TK_COMPANY_2, TK_EMPLOYEES, TK_ANNUAL_REVENUE, TK_ANNUAL_REVENUE_2,
	TK_CONSENT, TK__COUNT
};
static const char *const trait_keys[TK__COUNT] = {
	"email", "firstName", "first_name", "lastName", "last_name", "name",
	"title", "job_title", "phone", "website", "domain", "industry", "country",
	"leadSource", "lead_source", "lifecycleStage", "lifecycle_stage", "owner",
	"address", "company", "company_name", "employees", "annualRevenue", "annual_revenue",
	"consent"};

static pthread_once_t key_sets_once = PTHREAD_ONCE_INIT;

static void prepare_key_sets(void)
{
	for (int i = 0; i < TP_CLICK__COUNT; i++)
		campaign_keys[TP_UTM__COUNT + i] = tp_click_name((tp_click)i);
	/* Distinct names in fixed sets: preparing them cannot fail. */
	tp__jkeys_init(&call_set, call_keys, CK__COUNT);
	tp__jkeys_init(&context_set, context_keys, XK__COUNT);
	tp__jkeys_init(&campaign_set, campaign_keys, CAMPAIGN_KEYS);
	tp__jkeys_init(&page_set, page_keys, PK__COUNT);
	tp__jkeys_init(&trait_set, trait_keys, TK__COUNT);
}

/* The first of a trait's spellings that has a text (k2 < 0: one spelling). */
static int trait_text(item_state *st, const int *v, const char *where, int k1, int k2,
                      const char **out)
{
	if (item_text(st, v[k1], where, trait_keys[k1], TP_MAX_TEXT_BYTES, 0, out))
		return -1;
	if (*out || k2 < 0)
		return 0;
	return item_text(st, v[k2], where, trait_keys[k2], TP_MAX_TEXT_BYTES, 0, out);
}

/* The first of a count's spellings that is present (k2 < 0: one spelling). */
static int trait_count(item_state *st, const int *v, const char *where, int k1, int k2,
                       int64_t *out)
{
	if (count_of(st, v[k1], where, trait_keys[k1], out))
		return -1;
	if (*out >= 0 || k2 < 0)
		return 0;
	return count_of(st, v[k2], where, trait_keys[k2], out);
}

static int parse_traits(item_state *st, int t, const char *where, tp_traits *tr)
{
	/* Nested objects name their fields "traits.company" + "name"; built only
	 * when such an object is there. */
	char sub[96];
#define SUB(name) (snprintf(sub, sizeof sub, "%s.%s", where, name), sub)
#define TEXT(dst, k1, k2)                                        \
	do {                                                     \
		if (trait_text(st, member, where, k1, k2, &tr->dst)) \
			return -1;                               \
	} while (0)
	if (tp__jtok_type(st->d, t) != TP_J_OBJECT)
		return 0;
	int member[TK__COUNT];
	tp__jtok_pick(st->d, t, &trait_set, member);
	const char *email = NULL;
	if (item_text(st, member[TK_EMAIL], where, "email", TP_MAX_EMAIL_BYTES + 64, 0, &email))
		return -1;
	if (email) {
		char norm[TP_MAX_EMAIL_BYTES + 1];
		const char *why;
		if (tp_email_normalize(email, norm, &why) != 0)
			return fail_at(st, TP_ERR_INVALID, where, "email", "\"%.80s\" %s", email, why);
		tr->email = tp__arena_strndup(st->arena, norm, strlen(norm));
		if (!tr->email)
			return nomem(st);
	}
	TEXT(first_name, TK_FIRST_NAME, TK_FIRST_NAME_2);
	TEXT(last_name, TK_LAST_NAME, TK_LAST_NAME_2);
	if (!tr->first_name && !tr->last_name) {
		const char *name = NULL;
		if (trait_text(st, member, where, TK_NAME, -1, &name))
			return -1;
		if (name) {
			/* "Ana María Lopez" → first "Ana María", last "Lopez". */
			const char *sp = strrchr(name, ' ');
			if (sp) {
				tr->first_name = tp__arena_strndup(st->arena, name, (size_t)(sp - name));
				tr->last_name = sp + 1;
			} else {
				tr->first_name = name;
			}
		}
	}
	TEXT(title, TK_TITLE, TK_TITLE_2);
	TEXT(phone, TK_PHONE, -1);
	TEXT(website, TK_WEBSITE, TK_WEBSITE_2);
	TEXT(industry, TK_INDUSTRY, -1);
	TEXT(country, TK_COUNTRY, -1);
	TEXT(lead_source, TK_LEAD_SOURCE, TK_LEAD_SOURCE_2);
	TEXT(lifecycle_stage, TK_LIFECYCLE_STAGE, TK_LIFECYCLE_STAGE_2);
	TEXT(owner, TK_OWNER, -1);
	if (!tr->country) {
		int addr = member[TK_ADDRESS];
		if (tp__jtok_type(st->d, addr) == TP_J_OBJECT &&
		    get_text(st, addr, SUB("address"), "country", TP_MAX_TEXT_BYTES, 0, &tr->country))
			return -1;
	}
	/* Segment's company trait is a string or an object {name, industry, employee_count}. */
	int company = member[TK_COMPANY];
	if (tp__jtok_type(st->d, company) == TP_J_OBJECT) {
		SUB("company");
		if (get_text(st, company, sub, "name", TP_MAX_TEXT_BYTES, 0, &tr->company))
			return -1;
		if (!tr->industry &&
		    get_text(st, company, sub, "industry", TP_MAX_TEXT_BYTES, 0, &tr->industry))
			return -1;
		if (count_of(st, tp__jtok_get(st->d, company, "employee_count"), sub, "employee_count",
		             &tr->employees))
			return -1;
	} else {
		TEXT(company, TK_COMPANY, TK_COMPANY_2);
	}
	if (tr->employees < 0 && trait_count(st, member, where, TK_EMPLOYEES, -1, &tr->employees))
		return -1;
	int64_t revenue;
	if (trait_count(st, member, where, TK_ANNUAL_REVENUE, TK_ANNUAL_REVENUE_2, &revenue))
		return -1;
	/* Revenue arrives in whole currency units; we keep minor units. */
	tr->annual_revenue = revenue >= 0 && revenue < INT64_MAX / 100 ? revenue * 100 : -1;
	/* Consent: a boolean, or what a checkbox posts ("on", "yes", "true", "1"). */
	int consent = member[TK_CONSENT];
	tp_jtype consent_type = tp__jtok_type(st->d, consent);
	if (consent_type == TP_J_TRUE || consent_type == TP_J_FALSE) {
		tr->consent = consent_type == TP_J_TRUE ? TP_CONSENT_GIVEN : TP_CONSENT_REFUSED;
	} else if (consent_type == TP_J_STRING) {
		static const char *const yes[] = {"on", "yes", "true", "1"}, *const no[] = {"off", "no",
		                                                                            "false", "0", ""};
		size_t n;
		const char *v = tp__jtok_str(st->d, consent, st->arena, &n);
		if (!v)
			return nomem(st);
		for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
			if (tp__ieq(v, yes[i]))
				tr->consent = TP_CONSENT_GIVEN;
		for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
			if (tp__ieq(v, no[i]))
				tr->consent = TP_CONSENT_REFUSED;
		if (tr->consent == TP_CONSENT_UNSAID)
			return fail_at(st, TP_ERR_INVALID, where, "consent",
			               "\"%.40s\" is not a yes or a no (true, on, yes, 1 / false, off, no, 0)", v);
	} else if (consent_type != TP_J_NONE && consent_type != TP_J_NULL) {
		return fail_at(st, TP_ERR_INVALID, where, "consent", "must be true or false");
	}
	return 0;
#undef TEXT
#undef SUB
}

/* Percent-decodes s[0..n) ('+' is a space, as in forms) into the arena. */
static char *url_decode(tp_arena *a, const char *s, size_t n)
{
	char *out = tp__arena_alloc(a, n + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int h, l;
		if (s[i] == '%' && i + 2 < n && (h = tp__hex_digit(s[i + 1])) >= 0 &&
		    (l = tp__hex_digit(s[i + 2])) >= 0) {
			char c = (char)(h * 16 + l);
			*o++ = c ? c : ' ';
			i += 2;
		} else {
			*o++ = s[i] == '+' ? ' ' : s[i];
		}
	}
	*o = '\0';
	return out;
}

/* Reads utm_* and click ids from the page URL's query, where the landing hit
 * carries them; values already set from context.campaign win. */
static int read_query(item_state *st, tp_event *ev)
{
	static const char *const utm_keys[TP_UTM__COUNT] = {
		"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"};
	static const char *const click_keys[] = {
#define TP__CLICK_KEY(e, s) s,
		TP_CLICK_MAP(TP__CLICK_KEY)
#undef TP__CLICK_KEY
	};
	static const char *const search_keys[] = {"q", "s", "search", "query", "keyword", NULL};
	const char *q = strchr(ev->url, '?');
	if (!q)
		return 0;
	q++;
	size_t total = strcspn(q, "#");
	const char *end = q + total;
	while (q < end) {
		const char *amp = memchr(q, '&', (size_t)(end - q));
		const char *pe = amp ? amp : end;
		const char *eq = memchr(q, '=', (size_t)(pe - q));
		if (eq && eq > q) {
			char key[32];
			size_t kn = (size_t)(eq - q);
			if (kn < sizeof key) {
				memcpy(key, q, kn);
				key[kn] = '\0';
				tp__lower(key);
				const char **slot = NULL;
				int lower = 0;
				for (int i = 0; i < TP_UTM__COUNT && !slot; i++)
					if (strcmp(key, utm_keys[i]) == 0) {
						slot = &ev->utm[i];
						lower = 1;
					}
				for (int i = 0; i < TP_CLICK__COUNT && !slot; i++)
					if (strcmp(key, click_keys[i]) == 0)
						slot = &ev->click_id[i];
				for (int i = 0; search_keys[i] && !slot; i++)
					if (strcmp(key, search_keys[i]) == 0)
						slot = &ev->search_term;
				if (slot && !*slot) {
					char *v = url_decode(st->arena, eq + 1, (size_t)(pe - eq - 1));
					if (!v)
						return nomem(st);
					if (keep_text(st, "context.page.url", key, v, strlen(v), TP_MAX_TEXT_BYTES,
					              lower, slot))
						return -1;
				}
			}
		}
		q = pe + 1;
	}
	return 0;
}

static int split_url(item_state *st, tp_event *ev)
{
	size_t hn;
	const char *p = tp__url_host(ev->url, &hn);
	char *host = tp__arena_strndup(st->arena, p, hn);
	if (!host)
		return nomem(st);
	ev->host = tp__lower(host);
	const char *path = p + hn + strcspn(p + hn, "/?#");
	size_t pn = *path == '/' ? strcspn(path, "?#") : 0;
	ev->path = pn ? tp__arena_strndup(st->arena, path, pn) : "/";
	return ev->path ? 0 : nomem(st);
}

static int parse_campaign(item_state *st, int campaign, tp_event *ev)
{
	/* The first of duplicate keys wins, as for every member. */
	int v[CAMPAIGN_KEYS];
	tp__jtok_pick(st->d, campaign, &campaign_set, v);
	for (int i = 0; i < CAMPAIGN_KEYS; i++) {
		int utm = i < TP_UTM__COUNT;
		const char **slot = utm ? &ev->utm[i] : &ev->click_id[i - TP_UTM__COUNT];
		if (v[i] >= 0 &&
		    item_text(st, v[i], "context.campaign", campaign_keys[i], TP_MAX_TEXT_BYTES, utm, slot))
			return -1;
	}
	return 0;
}

/* The object's own text, without whitespace: printing it back from a tree
 * would cost a tenth of the parse. */
static int print_json(item_state *st, int v, const char *field, const char **out)
{
	*out = NULL;
	if (tp__jtok_size(st->d, v) == 0 || tp__jtok_type(st->d, v) != TP_J_OBJECT)
		return 0;
	size_t n;
	char *s = tp__jtok_compact(st->d, v, st->arena, &n);
	if (!s)
		return nomem(st);
	if (n > TP_MAX_PROPERTIES_BYTES)
		return fail(st, TP_ERR_TOO_BIG, field, "is %zu bytes of JSON; the limit is %d", n,
		            TP_MAX_PROPERTIES_BYTES);
	*out = s;
	return 0;
}

static int parse_time(item_state *st, const call_members *m, int64_t now_ms, int64_t *ts)
{
	const char *const *keys = call_keys + CK_TIME;
	for (size_t i = 0; i < 4; i++) {
		tp_jtype type = tp__jtok_type(st->d, m->at[CK_TIME + i]);
		if (type == TP_J_NONE || type == TP_J_NULL)
			continue;
		if (type != TP_J_STRING)
			return fail(st, TP_ERR_INVALID, keys[i], "must be an ISO 8601 string");
		size_t n;
		const char *text = tp__jtok_str(st->d, m->at[CK_TIME + i], st->arena, &n);
		if (!text)
			return nomem(st);
		if (tp_time_parse(text, ts) != 0)
			return fail(st, TP_ERR_INVALID, keys[i],
			            "\"%.40s\" is not an ISO 8601 time like 2026-03-01T10:00:00Z", text);
		return 0;
	}
	*ts = now_ms;
	return 0;
}

/* messageId when the caller sent none: a hash of the call's JSON, so that
 * importing the same file twice still stores each call once. A live call
 * with no time of its own is an event of the moment it arrived: that moment
 * is hashed too, or two identical clicks would be one. */
/* cJSON's print of the call, which derived ids have always hashed: a
 * file imported before and after a change of parser must give the same
 * ids. Only calls without a messageId pay for it. */
static char *canonical_text(item_state *st, int o, int own_context)
{
	size_t from, to, cfrom, cto;
	tp__jtok_span(st->d, o, &from, &to);
	tp__json_use_arena(st->arena);
	char *text = NULL;
	cJSON *call = cJSON_ParseWithLength(st->d->text + from, to - from);
	if (call && !own_context && st->shared_ctx >= 0) {
		/* The batch's context, as if the call had it last. */
		tp__jtok_span(st->d, st->shared_ctx, &cfrom, &cto);
		cJSON *shared = cJSON_ParseWithLength(st->d->text + cfrom, cto - cfrom);
		if (!shared || !cJSON_AddItemToObject(call, "context", shared))
			call = NULL;
	}
	if (call)
		text = cJSON_PrintUnformatted(call);
	tp__json_use_arena(NULL);
	return text;
}

static int derive_message_id(item_state *st, int o, const call_members *m, int64_t ts,
                             const char **out)
{
	char *text = canonical_text(st, o, m->at[CK_CONTEXT] >= 0);
	if (!text)
		return nomem(st);
	int timeless = 1;
	for (size_t i = 0; i < 4; i++)
		if (tp__jtok_type(st->d, m->at[CK_TIME + i]) > TP_J_NONE &&
		    tp__jtok_type(st->d, m->at[CK_TIME + i]) != TP_J_NULL)
			timeless = 0;
	unsigned char h[16];
	crypto_generichash_state hs;
	crypto_generichash_init(&hs, NULL, 0, sizeof h);
	crypto_generichash_update(&hs, (const unsigned char *)text, strlen(text));
	if (st->live && timeless)
		crypto_generichash_update(&hs, (const unsigned char *)&ts, sizeof ts);
	crypto_generichash_final(&hs, h, sizeof h);
	char *id = tp__arena_alloc(st->arena, 2 + 32 + 1);
	if (!id)
		return nomem(st);
	id[0] = 'h';
	id[1] = ':';
	sodium_bin2hex(id + 2, 33, h, sizeof h);
	*out = id;
	return 0;
}

/* The call at token o; `known` holds its members when the record's
 * reading found them already (NULL: read here). */
static int parse_call(item_state *st, int o, const call_members *known, int64_t now_ms)
{
	tp_event *ev = &st->item->ev;
	memset(ev, 0, sizeof *ev);
	ev->video_percent = -1;
	ev->traits.employees = ev->traits.annual_revenue = -1;

	if (tp__jtok_type(st->d, o) != TP_J_OBJECT)
		return fail(st, TP_ERR_INVALID, "", "each call must be a JSON object");
	call_members m;
	if (known)
		m = *known;
	else
		read_members(st->d, o, &m);
	/* The type as the input spells it, without a copy, when it has no escape. */
	size_t type_len;
	const char *raw = tp__jtok_raw(st->d, m.at[CK_TYPE], &type_len);
	int call = -1;
	for (int i = 0; raw && i < TP_CALL__COUNT && call < 0; i++)
		if (strlen(call_names[i]) == type_len && strncasecmp(raw, call_names[i], type_len) == 0)
			call = i;
	if (call < 0) {
		const char *type = tp__jtok_str(st->d, m.at[CK_TYPE], st->arena, &type_len);
		if (!type && st->call < 0)
			return fail(st, TP_ERR_INVALID, "type",
			            "is required: one of identify, track, page, screen, group, alias");
		call = type ? -1 : st->call;
		for (int i = 0; type && i < TP_CALL__COUNT && call < 0; i++)
			if (tp__ieq(type, call_names[i]))
				call = i;
		if (call < 0)
			return fail(st, TP_ERR_INVALID, "type",
			            "\"%.40s\" is not one of identify, track, page, screen, group, alias",
			            type);
	}
	if (st->call >= 0 && call != st->call)
		return fail(st, TP_ERR_INVALID, "type", "is %s, but this endpoint takes %s calls",
		            call_names[call], call_names[st->call]);
	ev->call = (tp_call)call;

	if (item_text(st, m.at[CK_MESSAGE_ID], NULL, "messageId", TP_MAX_ID_BYTES, 0, &ev->message_id) ||
	    item_text(st, m.at[CK_ANONYMOUS_ID], NULL, "anonymousId", TP_MAX_ID_BYTES, 0, &ev->anonymous_id) ||
	    item_text(st, m.at[CK_USER_ID], NULL, "userId", TP_MAX_ID_BYTES, 0, &ev->user_id) ||
	    parse_time(st, &m, now_ms, &ev->ts))
		return -1;

	/* Absent or null is no object; anything else must be one. */
#define OBJECT_OR_NOTHING(v) \
	(tp__jtok_type(st->d, v) <= TP_J_OBJECT || tp__jtok_type(st->d, v) == TP_J_NULL)
	int ctx = m.at[CK_CONTEXT] >= 0 ? m.at[CK_CONTEXT] : st->shared_ctx;
	if (!OBJECT_OR_NOTHING(ctx))
		return fail(st, TP_ERR_INVALID, "context", "must be an object");
	int props = m.at[CK_PROPERTIES];
	if (!OBJECT_OR_NOTHING(props))
		return fail(st, TP_ERR_INVALID, "properties", "must be an object");
	int traits = m.at[CK_TRAITS];
	if (!OBJECT_OR_NOTHING(traits))
		return fail(st, TP_ERR_INVALID, "traits", "must be an object");
#undef OBJECT_OR_NOTHING
	int in_context[XK__COUNT];
	tp__jtok_pick(st->d, ctx, &context_set, in_context);

	switch (ev->call) {
	case TP_CALL_ALIAS:
		if (item_text(st, m.at[CK_PREVIOUS_ID], NULL, "previousId", TP_MAX_ID_BYTES, 0, &ev->previous_id))
			return -1;
		if (!ev->previous_id)
			return fail(st, TP_ERR_INVALID, "previousId", "is required in an alias call");
		if (!ev->user_id)
			return fail(st, TP_ERR_INVALID, "userId", "is required in an alias call");
		break;
	case TP_CALL_GROUP:
		if (item_text(st, m.at[CK_GROUP_ID], NULL, "groupId", TP_MAX_ID_BYTES, 0, &ev->group_id))
			return -1;
		if (!ev->group_id)
			return fail(st, TP_ERR_INVALID, "groupId", "is required in a group call");
		/* fall through */
	default:
		if (!ev->user_id && !ev->anonymous_id)
			return fail(st, TP_ERR_INVALID, "userId",
			            "a call needs a userId or an anonymousId");
	}
	if (ev->call == TP_CALL_TRACK) {
		if (item_text(st, m.at[CK_EVENT], NULL, "event", TP_MAX_TEXT_BYTES, 0, &ev->name))
			return -1;
		if (!ev->name)
			return fail(st, TP_ERR_INVALID, "event", "is required in a track call");
	} else if (ev->call == TP_CALL_PAGE || ev->call == TP_CALL_SCREEN) {
		if (item_text(st, m.at[CK_NAME], NULL, "name", TP_MAX_TEXT_BYTES, 0, &ev->name))
			return -1;
	}

	/* Traits: identify and group carry them at the top; other calls in context.traits. */
	if (ev->call == TP_CALL_IDENTIFY || ev->call == TP_CALL_GROUP) {
		if (parse_traits(st, traits, "traits", &ev->traits))
			return -1;
		/* A group's "name" is the company's (Segment Group spec), not a person's. */
		if (ev->call == TP_CALL_GROUP) {
			ev->traits.first_name = ev->traits.last_name = NULL;
			if (get_text(st, traits, "traits", "name", TP_MAX_TEXT_BYTES, 0,
			             &ev->traits.company))
				return -1;
		}
	} else if (parse_traits(st, in_context[XK_TRAITS], "context.traits", &ev->traits)) {
		return -1;
	}
	/* A form submitted with an email identifies its sender, like identify. */
	if (!ev->traits.email && ev->call == TP_CALL_TRACK && tp__jtok_get(st->d, props, "email") >= 0) {
		tp_traits form = {.employees = -1, .annual_revenue = -1};
		if (parse_traits(st, props, "properties", &form))
			return -1;
		if (form.email)
			ev->traits = form;
	}

	/* The page an event happened on: a page call names it in its
	 * properties (as analytics.js sends it) or in context.page; any other
	 * call only in context.page, since a track's properties.url is the
	 * event's own object (the file downloaded, the link followed). */
	int from_page[PK__COUNT], from_props[PK__COUNT];
	tp__jtok_pick(st->d, in_context[XK_PAGE], &page_set, from_page);
	tp__jtok_pick(st->d, ev->call == TP_CALL_PAGE || ev->call == TP_CALL_SCREEN ? props : -1,
	              &page_set, from_props);
	const char *url = NULL, *ref = NULL, *title = NULL;
	if (page_text(st, from_props, from_page, PK_URL, TP_MAX_URL_BYTES, &url) ||
	    page_text(st, from_props, from_page, PK_REFERRER, TP_MAX_URL_BYTES, &ref) ||
	    page_text(st, from_props, from_page, PK_TITLE, TP_MAX_TEXT_BYTES, &title))
		return -1;
	ev->url = url;
	ev->referrer = ref;
	ev->title = title;
	if (parse_campaign(st, in_context[XK_CAMPAIGN], ev))
		return -1;
	if (ev->url && (split_url(st, ev) || read_query(st, ev)))
		return -1;
	if (!ev->path && page_text(st, from_props, from_page, PK_PATH, TP_MAX_URL_BYTES, &ev->path))
		return -1;

	const char *why_field = NULL;
	if (tp__touch_classify(ev, st->d, props, st->arena, &why_field) != 0)
		return fail(st, TP_ERR_INVALID, why_field, "has a value that cannot be read");

	int stored = (ev->call == TP_CALL_IDENTIFY || ev->call == TP_CALL_GROUP) ? traits : props;
	if (print_json(st, stored, stored == traits ? "traits" : "properties", &ev->properties))
		return -1;
	if (!ev->message_id && derive_message_id(st, o, &m, ev->ts, &ev->message_id))
		return -1;
	st->item->status = TP_OK;
	st->item->field = "";
	st->item->message = "";
	return 0;
}

tp_status tp_segment_parse(tp_segment_parser *p, tp_ctx *ctx, const char *json, size_t len,
                           int64_t now_ms, const tp_parse_item **items, size_t *n_items)
{
	return tp_segment_parse_live(p, ctx, json, len, now_ms, -2, items, n_items);
}

tp_status tp_segment_parse_live(tp_segment_parser *p, tp_ctx *ctx, const char *json, size_t len,
                                int64_t now_ms, int endpoint_call, const tp_parse_item **items,
                                size_t *n_items)
{
	/* -2: not live (a file); -1: live, a batch whose calls name their types. */
	int live = endpoint_call >= -1, call = endpoint_call < 0 ? -1 : endpoint_call;
	pthread_once(&key_sets_once, prepare_key_sets);
	tp__arena_reset(&p->arena);
	if (len > TP_MAX_LINE_BYTES)
		return tp_ctx_fail(ctx, TP_ERR_TOO_BIG, "", "record is %zu bytes; the limit is %d",
		                   len, TP_MAX_LINE_BYTES);
	tp_jtok *d = &p->doc;
	size_t at;
	if (tp__jtok_parse(d, json, len, &at) != 0)
		return tp_ctx_fail(ctx, TP_ERR_PARSE, "", "not valid JSON (error near byte %zu)", at + 1);
	if (tp__jtok_type(d, 0) != TP_J_OBJECT)
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "", "a record must be a JSON object");
	call_members top;
	read_members(d, 0, &top);
	int batch = top.at[CK_BATCH];
	if (live && (batch < 0) != (call >= 0))
		return call >= 0 ? tp_ctx_fail(ctx, TP_ERR_INVALID, "batch", "is for /v1/batch, not /v1/%s",
		                               call_names[call])
		                 : tp_ctx_fail(ctx, TP_ERR_INVALID, "batch", "is required: an array of calls");
	if (batch < 0) {
		tp_parse_item *one = tp__arena_alloc(&p->arena, sizeof *one);
		if (!one)
			return tp_ctx_fail(ctx, TP_ERR_NOMEM, "", "out of memory");
		item_state st = {d, &p->arena, one, "", call, live, -1};
		parse_call(&st, 0, &top, now_ms);
		*items = one;
		*n_items = 1;
		return TP_OK;
	}
	if (tp__jtok_type(d, batch) != TP_J_ARRAY)
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "batch", "must be an array of calls");
	int n = tp__jtok_size(d, batch);
	if (n == 0)
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "batch", "is empty");
	if (n > TP_MAX_BATCH_ITEMS)
		return tp_ctx_fail(ctx, TP_ERR_TOO_BIG, "batch", "has %d calls; the limit is %d", n,
		                   TP_MAX_BATCH_ITEMS);
	tp_parse_item *arr = tp__arena_alloc(&p->arena, (size_t)n * sizeof *arr);
	if (!arr)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, "", "out of memory");
	/* Batch-level context applies to calls that have none (Segment's HTTP
	 * API does the same for "context" at the batch level). */
	int shared_ctx = top.at[CK_CONTEXT];
	if (tp__jtok_type(d, shared_ctx) != TP_J_OBJECT)
		shared_ctx = -1;
	int i = 0;
	for (int item = tp__jtok_first(d, batch); item >= 0; item = tp__jtok_next(d, item), i++) {
		char prefix[32];
		snprintf(prefix, sizeof prefix, "batch[%d].", i);
		item_state st = {d, &p->arena, &arr[i], prefix, -1, live, shared_ctx};
		parse_call(&st, item, NULL, now_ms);
	}
	*items = arr;
	*n_items = (size_t)n;
	return TP_OK;
}
