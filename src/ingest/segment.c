/* Segment-spec parsing: validates each call, pulls out identity keys, time,
 * traits, page context, UTM and click ids, and types the touch. Field names
 * follow the Segment spec (Common Fields, Identify, Track, Page, Screen,
 * Group, Alias); snake_case trait variants are accepted as well. */
#include <inttypes.h>
#include <math.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/text.h"
#include "ingest/json.h"
#include "ingest/touch.h"
#include "touchpoint/email.h"
#include "touchpoint/limits.h"
#include "touchpoint/segment.h"
#include "touchpoint/time.h"

struct tp_segment_parser {
	tp_arena arena;
};

typedef struct item_state {
	tp_arena *arena;
	tp_parse_item *item;
	const char *prefix;  /* "" or "batch[3]." */
	int call;            /* the endpoint's call type, or -1 */
	int live;            /* sent now, not read from a file */
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
	if (p)
		tp__arena_init(&p->arena, 256 * 1024);
	return p;
}

void tp_segment_parser_destroy(tp_segment_parser *p)
{
	if (!p)
		return;
	tp__arena_free(&p->arena);
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

/* A copy of s, trimmed, optionally lower-cased; NULL result for empty. */
static int copy_text(item_state *st, const char *where, const char *key, const char *s,
                     size_t max, int lower, const char **out)
{
	size_t n;
	s = tp__trim(s, &n);
	if (n == 0) {
		*out = NULL;
		return 0;
	}
	if (n > max)
		return fail_at(st, TP_ERR_TOO_BIG, where, key, "is %zu bytes; the limit is %zu", n, max);
	char *c = tp__arena_strndup(st->arena, s, n);
	if (!c)
		return nomem(st);
	*out = lower ? tp__lower(c) : c;
	return 0;
}

/* A string member (trimmed); numbers are accepted and written in decimal.
 * Absent, null and "" give NULL. */
/* The text of a value already found (`key` names it in messages). */
static int item_text(item_state *st, const cJSON *v, const char *where, const char *key,
                     size_t max, int lower, const char **out)
{
	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsNumber(v)) {
		char num[64];
		double d = v->valuedouble;
		if (d == floor(d) && fabs(d) < 9.0e15)
			snprintf(num, sizeof num, "%.0f", d);
		else
			snprintf(num, sizeof num, "%.17g", d);
		return copy_text(st, where, key, num, max, lower, out);
	}
	if (!cJSON_IsString(v))
		return fail_at(st, TP_ERR_INVALID, where, key, "must be a string");
	return copy_text(st, where, key, v->valuestring, max, lower, out);
}

static int get_text(item_state *st, const cJSON *obj, const char *where, const char *key,
                    size_t max, int lower, const char **out)
{
	return item_text(st, tp__json_get(obj, key), where, key, max, lower, out);
}

/* A page field: from the page call's properties (props is NULL for other
 * calls), else from context.page. */
static int page_text(item_state *st, const cJSON *props, const cJSON *page, const char *key,
                     size_t max, const char **out)
{
	*out = NULL;
	if (props && get_text(st, props, "properties", key, max, 0, out))
		return -1;
	return *out ? 0 : get_text(st, page, "context.page", key, max, 0, out);
}

/* The members of a call, found in one pass over the object: looking each
 * up by name would scan the members once per field. The first of duplicate
 * keys wins, as with cJSON_GetObjectItem. */
typedef struct call_members {
	const cJSON *type, *message_id, *anonymous_id, *user_id, *previous_id, *group_id;
	const cJSON *event, *name, *context, *properties, *traits;
	const cJSON *time[4];   /* timestamp, originalTimestamp, sentAt, receivedAt */
} call_members;

static const char *const time_keys[4] = {"timestamp", "originalTimestamp", "sentAt", "receivedAt"};

static void read_members(const cJSON *o, call_members *m)
{
	memset(m, 0, sizeof *m);
#define TAKE(field, name)                                    \
	if (!m->field && strcmp(k, name) == 0) {            \
		m->field = c;                                \
		continue;                                    \
	}
	for (const cJSON *c = o->child; c; c = c->next) {
		const char *k = c->string;
		if (!k)
			continue;
		switch (k[0]) {
		case 't':
			TAKE(type, "type");
			TAKE(time[0], "timestamp");
			TAKE(traits, "traits");
			break;
		case 'm': TAKE(message_id, "messageId"); break;
		case 'a': TAKE(anonymous_id, "anonymousId"); break;
		case 'u': TAKE(user_id, "userId"); break;
		case 'p':
			TAKE(properties, "properties");
			TAKE(previous_id, "previousId");
			break;
		case 'g': TAKE(group_id, "groupId"); break;
		case 'e': TAKE(event, "event"); break;
		case 'n': TAKE(name, "name"); break;
		case 'c': TAKE(context, "context"); break;
		case 'o': TAKE(time[1], "originalTimestamp"); break;
		case 's': TAKE(time[2], "sentAt"); break;
		case 'r': TAKE(time[3], "receivedAt"); break;
		default: break;
		}
	}
#undef TAKE
}

/* Non-negative integer from a number or a numeric string; -1 when absent. */
static int get_count(item_state *st, const cJSON *obj, const char *where, const char *key,
                     int64_t *out)
{
	const cJSON *v = tp__json_get(obj, key);
	*out = -1;
	if (!v || cJSON_IsNull(v))
		return 0;
	double d;
	if (cJSON_IsNumber(v)) {
		d = v->valuedouble;
	} else if (cJSON_IsString(v)) {
		char *end;
		d = strtod(v->valuestring, &end);
		if (end == v->valuestring || *end)
			return fail_at(st, TP_ERR_INVALID, where, key, "must be a number, not \"%.40s\"",
			               v->valuestring);
	} else {
		return fail_at(st, TP_ERR_INVALID, where, key, "must be a number");
	}
	if (!(d >= 0 && d < 9.0e15))
		return fail_at(st, TP_ERR_INVALID, where, key, "must be between 0 and 9e15");
	*out = (int64_t)d;
	return 0;
}

/* The first of two spellings of a trait that is present ("firstName", "first_name"). */
static int trait_text(item_state *st, const cJSON *t, const char *where, const char *k1,
                      const char *k2, const char **out)
{
	if (get_text(st, t, where, k1, TP_MAX_TEXT_BYTES, 0, out))
		return -1;
	if (*out || !k2)
		return 0;
	return get_text(st, t, where, k2, TP_MAX_TEXT_BYTES, 0, out);
}

static int parse_traits(item_state *st, const cJSON *t, const char *where, tp_traits *tr)
{
	/* Nested objects name their fields "traits.company" + "name"; built only
	 * when such an object is there. */
	char sub[96];
#define SUB(name) (snprintf(sub, sizeof sub, "%s.%s", where, name), sub)
#define TEXT(dst, k1, k2)                                        \
	do {                                                     \
		if (trait_text(st, t, where, k1, k2, &tr->dst)) \
			return -1;                               \
	} while (0)
	if (!cJSON_IsObject(t))
		return 0;
	const char *email = NULL;
	if (get_text(st, t, where, "email", TP_MAX_EMAIL_BYTES + 64, 0, &email))
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
	TEXT(first_name, "firstName", "first_name");
	TEXT(last_name, "lastName", "last_name");
	if (!tr->first_name && !tr->last_name) {
		const char *name = NULL;
		if (get_text(st, t, where, "name", TP_MAX_TEXT_BYTES, 0, &name))
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
	TEXT(title, "title", "job_title");
	TEXT(phone, "phone", NULL);
	TEXT(website, "website", "domain");
	TEXT(industry, "industry", NULL);
	TEXT(country, "country", NULL);
	TEXT(lead_source, "leadSource", "lead_source");
	TEXT(lifecycle_stage, "lifecycleStage", "lifecycle_stage");
	TEXT(owner, "owner", NULL);
	if (!tr->country) {
		const cJSON *addr = tp__json_get(t, "address");
		if (cJSON_IsObject(addr) &&
		    get_text(st, addr, SUB("address"), "country", TP_MAX_TEXT_BYTES, 0, &tr->country))
			return -1;
	}
	/* Segment's company trait is a string or an object {name, industry, employee_count}. */
	const cJSON *company = tp__json_get(t, "company");
	if (cJSON_IsObject(company)) {
		SUB("company");
		if (get_text(st, company, sub, "name", TP_MAX_TEXT_BYTES, 0, &tr->company))
			return -1;
		if (!tr->industry &&
		    get_text(st, company, sub, "industry", TP_MAX_TEXT_BYTES, 0, &tr->industry))
			return -1;
		if (get_count(st, company, sub, "employee_count", &tr->employees))
			return -1;
	} else {
		TEXT(company, "company", "company_name");
	}
	if (tr->employees < 0 && get_count(st, t, where, "employees", &tr->employees))
		return -1;
	int64_t revenue;
	if (get_count(st, t, where, "annualRevenue", &revenue))
		return -1;
	if (revenue < 0 && get_count(st, t, where, "annual_revenue", &revenue))
		return -1;
	/* Revenue arrives in whole currency units; we keep minor units. */
	tr->annual_revenue = revenue >= 0 && revenue < INT64_MAX / 100 ? revenue * 100 : -1;
	/* Consent: a boolean, or what a checkbox posts ("on", "yes", "true", "1"). */
	const cJSON *consent = tp__json_get(t, "consent");
	if (cJSON_IsBool(consent)) {
		tr->consent = cJSON_IsTrue(consent) ? TP_CONSENT_GIVEN : TP_CONSENT_REFUSED;
	} else if (cJSON_IsString(consent)) {
		static const char *const yes[] = {"on", "yes", "true", "1"}, *const no[] = {"off", "no",
		                                                                            "false", "0", ""};
		const char *v = consent->valuestring;
		for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
			if (tp__ieq(v, yes[i]))
				tr->consent = TP_CONSENT_GIVEN;
		for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
			if (tp__ieq(v, no[i]))
				tr->consent = TP_CONSENT_REFUSED;
		if (tr->consent == TP_CONSENT_UNSAID)
			return fail_at(st, TP_ERR_INVALID, where, "consent",
			               "\"%.40s\" is not a yes or a no (true, on, yes, 1 / false, off, no, 0)", v);
	} else if (consent && !cJSON_IsNull(consent)) {
		return fail_at(st, TP_ERR_INVALID, where, "consent", "must be true or false");
	}
	return 0;
#undef TEXT
#undef SUB
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decodes s[0..n) ('+' is a space, as in forms) into the arena. */
static char *url_decode(tp_arena *a, const char *s, size_t n)
{
	char *out = tp__arena_alloc(a, n + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int h, l;
		if (s[i] == '%' && i + 2 < n && (h = hexval(s[i + 1])) >= 0 &&
		    (l = hexval(s[i + 2])) >= 0) {
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
					if (copy_text(st, "context.page.url", key, v, TP_MAX_TEXT_BYTES, lower, slot))
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

static int parse_campaign(item_state *st, const cJSON *campaign, tp_event *ev)
{
	/* Segment names utm_campaign "name" in context.campaign. */
	static const char *const keys[TP_UTM__COUNT] = {"source", "medium", "name", "term", "content"};
	if (!cJSON_IsObject(campaign))
		return 0;
	/* One pass over the members; the first of duplicate keys wins. */
	for (const cJSON *c = campaign->child; c; c = c->next) {
		const char *k = c->string, **slot = NULL;
		int lower = 0;
		for (int i = 0; k && i < TP_UTM__COUNT && !slot; i++)
			if (strcmp(k, keys[i]) == 0)
				slot = &ev->utm[i], lower = 1;
		for (int i = 0; k && i < TP_CLICK__COUNT && !slot; i++)
			if (strcmp(k, tp_click_name((tp_click)i)) == 0)
				slot = &ev->click_id[i];
		if (slot && !*slot &&
		    item_text(st, c, "context.campaign", k, TP_MAX_TEXT_BYTES, lower, slot))
			return -1;
	}
	return 0;
}

static int print_json(item_state *st, const cJSON *v, const char *field, const char **out)
{
	*out = NULL;
	if (!cJSON_IsObject(v) || !v->child)
		return 0;
	char *s = cJSON_PrintUnformatted(v);
	if (!s)
		return nomem(st);
	size_t n = strlen(s);
	if (n > TP_MAX_PROPERTIES_BYTES)
		return fail(st, TP_ERR_TOO_BIG, field, "is %zu bytes of JSON; the limit is %d", n,
		            TP_MAX_PROPERTIES_BYTES);
	*out = s;
	return 0;
}

static int parse_time(item_state *st, const call_members *m, int64_t now_ms, int64_t *ts)
{
	const char *const *keys = time_keys;
	for (size_t i = 0; i < 4; i++) {
		const cJSON *v = m->time[i];
		if (!v || cJSON_IsNull(v))
			continue;
		if (!cJSON_IsString(v))
			return fail(st, TP_ERR_INVALID, keys[i], "must be an ISO 8601 string");
		if (tp_time_parse(v->valuestring, ts) != 0)
			return fail(st, TP_ERR_INVALID, keys[i],
			            "\"%.40s\" is not an ISO 8601 time like 2026-03-01T10:00:00Z",
			            v->valuestring);
		return 0;
	}
	*ts = now_ms;
	return 0;
}

/* messageId when the caller sent none: a hash of the call's JSON, so that
 * importing the same file twice still stores each call once. A live call
 * with no time of its own is an event of the moment it arrived: that moment
 * is hashed too, or two identical clicks would be one. */
static int derive_message_id(item_state *st, const cJSON *o, const call_members *m,
                             int64_t ts, const char **out)
{
	char *text = cJSON_PrintUnformatted(o);
	if (!text)
		return nomem(st);
	int timeless = 1;
	for (size_t i = 0; i < 4; i++)
		if (m->time[i] && !cJSON_IsNull(m->time[i]))
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

static int parse_call(item_state *st, const cJSON *o, int64_t now_ms)
{
	tp_event *ev = &st->item->ev;
	memset(ev, 0, sizeof *ev);
	ev->video_percent = -1;
	ev->traits.employees = ev->traits.annual_revenue = -1;

	if (!cJSON_IsObject(o))
		return fail(st, TP_ERR_INVALID, "", "each call must be a JSON object");
	call_members m;
	read_members(o, &m);
	const char *type = cJSON_IsString(m.type) ? m.type->valuestring : NULL;
	if (!type && st->call < 0)
		return fail(st, TP_ERR_INVALID, "type",
		            "is required: one of identify, track, page, screen, group, alias");
	int call = type ? -1 : st->call;
	for (int i = 0; type && i < TP_CALL__COUNT; i++)
		if (tp__ieq(type, call_names[i]))
			call = i;
	if (call < 0)
		return fail(st, TP_ERR_INVALID, "type",
		            "\"%.40s\" is not one of identify, track, page, screen, group, alias", type);
	if (st->call >= 0 && call != st->call)
		return fail(st, TP_ERR_INVALID, "type", "is %s, but this endpoint takes %s calls",
		            call_names[call], call_names[st->call]);
	ev->call = (tp_call)call;

	if (item_text(st, m.message_id, NULL, "messageId", TP_MAX_ID_BYTES, 0, &ev->message_id) ||
	    item_text(st, m.anonymous_id, NULL, "anonymousId", TP_MAX_ID_BYTES, 0, &ev->anonymous_id) ||
	    item_text(st, m.user_id, NULL, "userId", TP_MAX_ID_BYTES, 0, &ev->user_id) ||
	    parse_time(st, &m, now_ms, &ev->ts))
		return -1;

	const cJSON *ctx = m.context;
	if (ctx && !cJSON_IsObject(ctx) && !cJSON_IsNull(ctx))
		return fail(st, TP_ERR_INVALID, "context", "must be an object");
	const cJSON *props = m.properties;
	if (props && !cJSON_IsObject(props) && !cJSON_IsNull(props))
		return fail(st, TP_ERR_INVALID, "properties", "must be an object");
	const cJSON *traits = m.traits;
	if (traits && !cJSON_IsObject(traits) && !cJSON_IsNull(traits))
		return fail(st, TP_ERR_INVALID, "traits", "must be an object");

	switch (ev->call) {
	case TP_CALL_ALIAS:
		if (item_text(st, m.previous_id, NULL, "previousId", TP_MAX_ID_BYTES, 0, &ev->previous_id))
			return -1;
		if (!ev->previous_id)
			return fail(st, TP_ERR_INVALID, "previousId", "is required in an alias call");
		if (!ev->user_id)
			return fail(st, TP_ERR_INVALID, "userId", "is required in an alias call");
		break;
	case TP_CALL_GROUP:
		if (item_text(st, m.group_id, NULL, "groupId", TP_MAX_ID_BYTES, 0, &ev->group_id))
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
		if (item_text(st, m.event, NULL, "event", TP_MAX_TEXT_BYTES, 0, &ev->name))
			return -1;
		if (!ev->name)
			return fail(st, TP_ERR_INVALID, "event", "is required in a track call");
	} else if (ev->call == TP_CALL_PAGE || ev->call == TP_CALL_SCREEN) {
		if (item_text(st, m.name, NULL, "name", TP_MAX_TEXT_BYTES, 0, &ev->name))
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
	} else if (parse_traits(st, tp__json_get(ctx, "traits"), "context.traits", &ev->traits)) {
		return -1;
	}
	/* A form submitted with an email identifies its sender, like identify. */
	if (!ev->traits.email && ev->call == TP_CALL_TRACK && tp__json_get(props, "email")) {
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
	const cJSON *page = tp__json_get(ctx, "page");
	const cJSON *page_props = ev->call == TP_CALL_PAGE || ev->call == TP_CALL_SCREEN ? props : NULL;
	const char *url = NULL, *ref = NULL, *title = NULL;
	if (page_text(st, page_props, page, "url", TP_MAX_URL_BYTES, &url) ||
	    page_text(st, page_props, page, "referrer", TP_MAX_URL_BYTES, &ref) ||
	    page_text(st, page_props, page, "title", TP_MAX_TEXT_BYTES, &title))
		return -1;
	ev->url = url;
	ev->referrer = ref;
	ev->title = title;
	if (parse_campaign(st, tp__json_get(ctx, "campaign"), ev))
		return -1;
	if (ev->url && (split_url(st, ev) || read_query(st, ev)))
		return -1;
	if (!ev->path && page_text(st, page_props, page, "path", TP_MAX_URL_BYTES, &ev->path))
		return -1;

	const char *why_field = NULL;
	if (tp__touch_classify(ev, props, st->arena, &why_field) != 0)
		return fail(st, TP_ERR_INVALID, why_field, "has a value that cannot be read");

	const cJSON *stored = (ev->call == TP_CALL_IDENTIFY || ev->call == TP_CALL_GROUP) ? traits : props;
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
	tp__arena_reset(&p->arena);
	if (len > TP_MAX_LINE_BYTES)
		return tp_ctx_fail(ctx, TP_ERR_TOO_BIG, "", "record is %zu bytes; the limit is %d",
		                   len, TP_MAX_LINE_BYTES);
	tp__json_use_arena(&p->arena);
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
	tp_status rc = TP_OK;
	if (!root) {
		size_t at = end && end >= json ? (size_t)(end - json) : 0;
		rc = tp_ctx_fail(ctx, TP_ERR_PARSE, "", "not valid JSON (error near byte %zu)", at + 1);
		goto out;
	}
	for (const char *q = end; q && q < json + len; q++)
		if (*q != ' ' && *q != '\t' && *q != '\r' && *q != '\n') {
			rc = tp_ctx_fail(ctx, TP_ERR_PARSE, "",
			                 "extra text after the JSON value (byte %zu)",
			                 (size_t)(q - json) + 1);
			goto out;
		}
	if (!cJSON_IsObject(root)) {
		rc = tp_ctx_fail(ctx, TP_ERR_INVALID, "", "a record must be a JSON object");
		goto out;
	}
	const cJSON *batch = tp__json_get(root, "batch");
	if (live && !batch != (call >= 0)) {
		rc = call >= 0 ? tp_ctx_fail(ctx, TP_ERR_INVALID, "batch", "is for /v1/batch, not /v1/%s",
		                             call_names[call])
		               : tp_ctx_fail(ctx, TP_ERR_INVALID, "batch", "is required: an array of calls");
		goto out;
	}
	if (batch) {
		if (!cJSON_IsArray(batch)) {
			rc = tp_ctx_fail(ctx, TP_ERR_INVALID, "batch", "must be an array of calls");
			goto out;
		}
		int n = cJSON_GetArraySize(batch);
		if (n == 0) {
			rc = tp_ctx_fail(ctx, TP_ERR_INVALID, "batch", "is empty");
			goto out;
		}
		if (n > TP_MAX_BATCH_ITEMS) {
			rc = tp_ctx_fail(ctx, TP_ERR_TOO_BIG, "batch", "has %d calls; the limit is %d",
			                 n, TP_MAX_BATCH_ITEMS);
			goto out;
		}
		tp_parse_item *arr = tp__arena_alloc(&p->arena, (size_t)n * sizeof *arr);
		if (!arr) {
			rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, "", "out of memory");
			goto out;
		}
		/* Batch-level context applies to calls that have none (Segment's
		 * HTTP API does the same for "context" at the batch level). */
		cJSON *shared_ctx = cJSON_GetObjectItemCaseSensitive(root, "context");
		int i = 0;
		for (cJSON *item = batch->child; item; item = item->next, i++) {
			char prefix[32];
			snprintf(prefix, sizeof prefix, "batch[%d].", i);
			item_state st = {&p->arena, &arr[i], prefix, -1, live};
			if (shared_ctx && cJSON_IsObject(item) &&
			    !cJSON_GetObjectItemCaseSensitive(item, "context")) {
				cJSON *ref = cJSON_CreateObjectReference(shared_ctx->child);
				if (ref)
					cJSON_AddItemToObject(item, "context", ref);
			}
			parse_call(&st, item, now_ms);
		}
		*items = arr;
		*n_items = (size_t)n;
	} else {
		tp_parse_item *one = tp__arena_alloc(&p->arena, sizeof *one);
		if (!one) {
			rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, "", "out of memory");
			goto out;
		}
		item_state st = {&p->arena, one, "", call, live};
		parse_call(&st, root, now_ms);
		*items = one;
		*n_items = 1;
	}
out:
	tp__json_use_arena(NULL);
	return rc;
}
