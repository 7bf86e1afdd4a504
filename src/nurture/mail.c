/* Emails: a template rendered for one contact (values HTML-escaped in the
 * HTML part), links rewritten to signed click redirects, an open pixel, the
 * RFC 8058 one-click unsubscribe headers, all in one multipart message that
 * is stored in the outbox as it will be sent. Marketing email is checked
 * against suppressions and the workspace's consent rule before it is
 * queued (and again before it is sent, by the sender). */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/buf.h"
#include "nurture/nurture_int.h"
#include "touchpoint/touchpoint.h"

#define SECRET_KEY "nurture.secret"
#define MAX_MESSAGE_BYTES (1024 * 1024)

/* ---- settings ---- */

char *tp__nurture_setting(tp_ctx *ctx, tp_store *s, const char *key, const char *fallback)
{
	char *v = NULL;
	if (tp_store_setting(ctx, s, key, &v) != TP_OK || !v || !*v) {
		free(v);
		tp_ctx_clear(ctx);
		return fallback ? strdup(fallback) : NULL;
	}
	return v;
}

/* The workspace's signing secret, made on first use. */
tp_status tp__nurture_secret(tp_ctx *ctx, tp_store *s, unsigned char key[32])
{
	char *hex = NULL;
	tp_status rc = tp_store_setting(ctx, s, SECRET_KEY, &hex);
	if (rc != TP_OK)
		return rc;
	size_t n = 0;
	if (hex && sodium_hex2bin(key, 32, hex, strlen(hex), NULL, &n, NULL) == 0 && n == 32) {
		free(hex);
		return TP_OK;
	}
	free(hex);
	char text[65];
	randombytes_buf(key, 32);
	sodium_bin2hex(text, sizeof text, key, 32);
	return s->ops->setting_set(s, ctx, SECRET_KEY, text);
}

/* ---- tokens: workspace, message and purpose, signed ---- */

enum { TOKEN_DATA = 17, TOKEN_MAC = 16 };

static void token_mac(const unsigned char key[32], const unsigned char data[TOKEN_DATA],
                      unsigned char mac[TOKEN_MAC])
{
	unsigned char full[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256(full, data, TOKEN_DATA, key);
	memcpy(mac, full, TOKEN_MAC);
}

static void pack(unsigned char *p, int64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)(v & 0xff);
}

static int64_t unpack(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return (int64_t)v;
}

void tp__mail_token(const unsigned char key[32], int64_t workspace_id, int64_t message_id,
                    char kind, char out[64])
{
	unsigned char raw[TOKEN_DATA + TOKEN_MAC];
	pack(raw, workspace_id);
	pack(raw + 8, message_id);
	raw[16] = (unsigned char)kind;
	token_mac(key, raw, raw + TOKEN_DATA);
	sodium_bin2base64(out, 64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int tp_mail_token_read(const char *token, char kind, int64_t *workspace_id, int64_t *message_id)
{
	unsigned char raw[TOKEN_DATA + TOKEN_MAC];
	size_t n = 0;
	if (!token || strlen(token) > 60 ||
	    sodium_base642bin(raw, sizeof raw, token, strlen(token), NULL, &n, NULL,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != sizeof raw || raw[16] != (unsigned char)kind)
		return -1;
	*workspace_id = unpack(raw);
	*message_id = unpack(raw + 8);
	return *workspace_id > 0 && *message_id > 0 ? 0 : -1;
}

tp_status tp_mail_token_check(tp_ctx *ctx, tp_store *s, const char *token, char kind,
                              int64_t *message_id)
{
	int64_t ws;
	unsigned char key[32], raw[TOKEN_DATA + TOKEN_MAC], mac[TOKEN_MAC];
	size_t n = 0;
	if (tp_mail_token_read(token, kind, &ws, message_id) != 0 || ws != s->workspace_id)
		return tp_ctx_fail(ctx, TP_ERR_AUTH, "token", "is not a token of this workspace");
	tp_status rc = tp__nurture_secret(ctx, s, key);
	if (rc != TP_OK)
		return rc;
	sodium_base642bin(raw, sizeof raw, token, strlen(token), NULL, &n, NULL,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	token_mac(key, raw, mac);
	sodium_memzero(key, sizeof key);
	if (sodium_memcmp(mac, raw + TOKEN_DATA, TOKEN_MAC) != 0)
		return tp_ctx_fail(ctx, TP_ERR_AUTH, "token", "has a signature that does not match");
	return TP_OK;
}

/* ---- rendering ---- */

typedef struct render {
	const tp_person *p;
	const char *unsubscribe_url;
	const char *alert;         /* score explanation and last touches, for owners */
	char score[16];
} render;

static int add_str(tp_buf *b, const char *s)
{
	return tp__buf_add(b, s, strlen(s));
}

static int add_escaped(tp_buf *b, const char *s, int html)
{
	if (!html)
		return add_str(b, s);
	for (; *s; s++) {
		const char *e = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;"
		              : *s == '"' ? "&quot;" : *s == '\'' ? "&#39;" : NULL;
		if (e ? add_str(b, e) : tp__buf_add(b, s, 1))
			return -1;
	}
	return 0;
}

static const char *variable(const render *r, const char *name)
{
	const tp_contact *c = &r->p->c;
	if (!strcmp(name, "first_name"))
		return c->first_name;
	if (!strcmp(name, "last_name"))
		return c->last_name;
	if (!strcmp(name, "email"))
		return c->email;
	if (!strcmp(name, "company"))
		return c->company;
	if (!strcmp(name, "title"))
		return c->title;
	if (!strcmp(name, "country"))
		return c->country;
	if (!strcmp(name, "owner"))
		return c->owner;
	if (!strcmp(name, "stage"))
		return tp_stage_name(c->stage);
	if (!strcmp(name, "score"))
		return r->score[0] ? r->score : NULL;
	if (!strcmp(name, "unsubscribe_url"))
		return r->unsubscribe_url;
	if (!strcmp(name, "alert"))
		return r->alert;
	if (!strncmp(name, "field.", 6))
		return tp__person_field(r->p, name + 6);
	return NULL;
}

/* {{name}} or {{name|fallback}}; an unknown or empty name gives the fallback. */
static int expand(tp_buf *b, const char *tpl, const render *r, int html)
{
	while (*tpl) {
		const char *open = strstr(tpl, "{{");
		const char *close = open ? strstr(open + 2, "}}") : NULL;
		if (!close)
			return add_str(b, tpl);
		if (tp__buf_add(b, tpl, (size_t)(open - tpl)))
			return -1;
		char name[128] = "";
		const char *fallback = "";
		size_t n = (size_t)(close - open - 2);
		if (n < sizeof name) {
			memcpy(name, open + 2, n);
			name[n] = '\0';
			char *bar = strchr(name, '|');
			if (bar) {
				*bar = '\0';
				fallback = bar + 1;
			}
			for (char *t = name + strlen(name); t > name && t[-1] == ' '; *--t = '\0')
				;
		}
		const char *start = name;
		while (*start == ' ')
			start++;
		const char *v = variable(r, start);
		if (add_escaped(b, v && *v ? v : fallback, html))
			return -1;
		tpl = close + 2;
	}
	return 0;
}

/* href="http..." → the click redirect; the URLs go to `links`. */
static int track_links(tp_buf *out, const char *html, const char *click_base, cJSON *links)
{
	const char *p = html;
	for (;;) {
		const char *h = strstr(p, "href=\"");
		if (!h)
			return add_str(out, p);
		const char *url = h + 6;
		const char *end = strchr(url, '"');
		if (!end)
			return add_str(out, p);
		if (tp__buf_add(out, p, (size_t)(url - p)))
			return -1;
		if (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8)) {
			if (tp__buf_add(out, url, (size_t)(end - url)))
				return -1;
		} else {
			char *target = strndup(url, (size_t)(end - url));
			char ref[96];
			snprintf(ref, sizeof ref, "/%d", cJSON_GetArraySize(links));
			if (!target)
				return -1;
			/* The stored URL is the escaped attribute's text, as the browser
			 * would read it: &amp; back to &. */
			for (char *a; (a = strstr(target, "&amp;"));)
				memmove(a + 1, a + 5, strlen(a + 5) + 1);
			cJSON_AddItemToArray(links, cJSON_CreateString(target));
			free(target);
			if (add_str(out, click_base) || add_str(out, ref))
				return -1;
		}
		p = end;
	}
}

static int add_base64(tp_buf *b, const char *data, size_t n)
{
	/* 57 bytes → one 76-character line. */
	for (size_t i = 0; i < n; i += 57) {
		size_t k = n - i < 57 ? n - i : 57;
		char line[80];
		sodium_bin2base64(line, sizeof line, (const unsigned char *)data + i, k,
		                  sodium_base64_VARIANT_ORIGINAL);
		if (add_str(b, line) || add_str(b, "\r\n"))
			return -1;
	}
	return 0;
}

static int is_ascii_line(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80 || *s == '\r' || *s == '\n')
			return 0;
	return 1;
}

/* A header value: as is when plain ASCII, else RFC 2047 base64 words. */
static int add_header_text(tp_buf *b, const char *v)
{
	if (is_ascii_line(v))
		return add_str(b, v);
	size_t n = strlen(v);
	for (size_t i = 0; i < n;) {
		size_t k = n - i < 45 ? n - i : 45;
		size_t whole = k;
		while (i + whole < n && whole > 0 && ((unsigned char)v[i + whole] & 0xc0) == 0x80)
			whole--;   /* a word holds whole UTF-8 characters */
		if (whole)     /* else not UTF-8 at all: cut anywhere, but go on */
			k = whole;
		char word[80];
		sodium_bin2base64(word, sizeof word, (const unsigned char *)v + i, k,
		                  sodium_base64_VARIANT_ORIGINAL);
		if ((i && add_str(b, "\r\n ")) || add_str(b, "=?UTF-8?B?") || add_str(b, word) ||
		    add_str(b, "?="))
			return -1;
		i += k;
	}
	return 0;
}

/* ---- who may be sent marketing email ---- */

static const char *const opt_in_countries[] = {
	"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
	"LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
	"GB", "CH", "CA", NULL};

/* Does the workspace's rule (setting nurture.consent_required: "all",
 * "none", "eu" (the default: EU/EEA, UK, Switzerland, Canada) or a list of
 * country codes) ask for consent from this contact? */
static int consent_required(const char *rule, const char *country)
{
	if (!strcasecmp(rule, "all"))
		return 1;
	if (!strcasecmp(rule, "none"))
		return 0;
	if (!country || !*country)
		return !strcasecmp(rule, "eu");   /* unknown country: be safe */
	if (!strcasecmp(rule, "eu")) {
		for (int i = 0; opt_in_countries[i]; i++)
			if (!strcasecmp(country, opt_in_countries[i]))
				return 1;
		return 0;
	}
	size_t n = strlen(country);
	for (const char *p = rule; *p;) {
		size_t k = strcspn(p, ", ");
		if (k == n && !strncasecmp(p, country, n))
			return 1;
		p += k;
		p += strspn(p, ", ");
	}
	return 0;
}

/* Why marketing email may not go to this person now, or NULL. */
tp_status tp__mail_blocked(tp_ctx *ctx, tp_store *s, const tp_person *p, const char *address,
                           char *why, size_t cap, int *blocked)
{
	*blocked = 0;
	char reason[64] = "";
	int found = 0;
	tp_status rc = s->ops->suppression_get(s, ctx, address, NULL, NULL, &found);
	if (rc != TP_OK)
		return rc;
	if (found) {
		*blocked = 1;
		snprintf(why, cap, "not sent: %s is suppressed", address);
		return TP_OK;
	}
	char *rule = tp__nurture_setting(ctx, s, "nurture.consent_required", "eu");
	if (!rule)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	if (p->c.consent == 0)
		snprintf(reason, sizeof reason, "the contact said no to marketing email");
	else if (p->c.consent != 1 && consent_required(rule, p->c.country))
		snprintf(reason, sizeof reason, "no consent, which %s requires",
		         p->c.country ? p->c.country : "an unknown country");
	free(rule);
	if (reason[0]) {
		*blocked = 1;
		snprintf(why, cap, "not sent: %s", reason);
	}
	return TP_OK;
}

/* ---- the message ---- */

static char *alert_text(tp_ctx *ctx, tp_store *s, const tp_person *p)
{
	tp_buf b;
	tp__buf_init(&b, 64 * 1024);
	cJSON *score = NULL;
	char line[512];
	if (tp_view_score(ctx, s, p->c.id, &score) == TP_OK) {
		snprintf(line, sizeof line, "Score %g (fit %g, engagement %g):\n",
		         cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(score, "total")),
		         cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(score, "fit")),
		         cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(score, "engagement")));
		add_str(&b, line);
		const cJSON *parts = cJSON_GetObjectItemCaseSensitive(score, "parts");
		int shown = 0;
		for (const cJSON *x = parts ? parts->child : NULL; x && shown < 8; x = x->next, shown++) {
			snprintf(line, sizeof line, "  %+g  %s (%s)\n",
			         cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(x, "points")),
			         cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "rule")),
			         cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "kind")));
			add_str(&b, line);
		}
	}
	tp_ctx_clear(ctx);
	cJSON_Delete(score);
	cJSON *view = NULL;
	if (tp_view_contact(ctx, s, p->c.id, &view) == TP_OK) {
		const cJSON *touches = cJSON_GetObjectItemCaseSensitive(view, "timeline");
		int n = cJSON_GetArraySize(touches);
		add_str(&b, "Last touches:\n");
		for (int i = n > 5 ? n - 5 : 0; i < n; i++) {
			const cJSON *t = cJSON_GetArrayItem(touches, i);
			const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "name"));
			snprintf(line, sizeof line, "  %s  %s%s%s  (%s)\n",
			         cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "ts")) ?: "",
			         cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "type")) ?: "",
			         name ? " " : "", name ? name : "",
			         cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "channel")) ?: "");
			add_str(&b, line);
		}
	}
	tp_ctx_clear(ctx);
	cJSON_Delete(view);
	if (tp__buf_add(&b, "", 1)) {
		tp__buf_free(&b);
		return NULL;
	}
	return b.data;
}

static tp_status nomem(tp_ctx *ctx)
{
	return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
}

tp_status tp__mail_queue(tp_ctx *ctx, tp_store *s, const tp_mail_job *job, int *queued,
                         char *outcome, size_t cap)
{
	const cJSON *tpl = cJSON_GetObjectItemCaseSensitive(job->flow->templates, job->template_name);
	int marketing = !strcmp(job->purpose, "marketing");
	*queued = 0;
	tp_status rc;
	if (marketing) {
		int blocked;
		if ((rc = tp__mail_blocked(ctx, s, job->person, job->recipient, outcome, cap,
		                           &blocked)) != TP_OK || blocked)
			return rc;
	}
	/* The row first: its id is in the message's tokens. */
	tp_message_row m = {.run_id = job->run_id, .contact_id = job->person->c.id, .kind = "email",
	                    .purpose = job->purpose, .recipient = job->recipient,
	                    .subject = job->template_name, .state = "queued", .next_at = job->now,
	                    .created_at = job->now};
	if ((rc = s->ops->message_put(s, ctx, &m)) != TP_OK)
		return rc;
	unsigned char key[32];
	if ((rc = tp__nurture_secret(ctx, s, key)) != TP_OK)
		return rc;
	char *base = tp__nurture_setting(ctx, s, "nurture.public_url", "http://127.0.0.1:8080");
	char *from = tp__nurture_setting(ctx, s, "nurture.from", "Touchpoint <no-reply@localhost>");
	char tok_u[64], tok_o[64], tok_c[64], unsub[512], click[512], pixel[512];
	tp__mail_token(key, s->workspace_id, m.id, 'u', tok_u);
	tp__mail_token(key, s->workspace_id, m.id, 'o', tok_o);
	tp__mail_token(key, s->workspace_id, m.id, 'c', tok_c);
	sodium_memzero(key, sizeof key);
	size_t bl = base ? strlen(base) : 0;
	while (bl && base[bl - 1] == '/')
		base[--bl] = '\0';
	snprintf(unsub, sizeof unsub, "%s/u/%s", base ? base : "", tok_u);
	snprintf(click, sizeof click, "%s/c/%s", base ? base : "", tok_c);
	snprintf(pixel, sizeof pixel, "%s/o/%s", base ? base : "", tok_o);

	render r = {.p = job->person, .unsubscribe_url = unsub};
	if (job->person->total >= 0)
		snprintf(r.score, sizeof r.score, "%.0f", job->person->total);
	char *alert = marketing ? NULL : alert_text(ctx, s, job->person);
	r.alert = alert;
	tp_buf subject, text, html, tracked, msg;
	tp__buf_init(&subject, 4096);
	tp__buf_init(&text, MAX_MESSAGE_BYTES);
	tp__buf_init(&html, MAX_MESSAGE_BYTES);
	tp__buf_init(&tracked, MAX_MESSAGE_BYTES);
	tp__buf_init(&msg, 2 * MAX_MESSAGE_BYTES);
	cJSON *links = cJSON_CreateArray();
	const char *html_tpl = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(tpl, "html"));
	int fail = !base || !from || !links ||
	           expand(&subject, cJSON_GetObjectItemCaseSensitive(tpl, "subject")->valuestring, &r, 0) ||
	           tp__buf_add(&subject, "", 1) ||
	           expand(&text, cJSON_GetObjectItemCaseSensitive(tpl, "text")->valuestring, &r, 0);
	if (!fail && marketing)
		fail = add_str(&text, "\n\nUnsubscribe: ") || add_str(&text, unsub) ||
		       add_str(&text, "\n");
	if (!fail && html_tpl) {
		fail = expand(&html, html_tpl, &r, 1) || tp__buf_add(&html, "", 1) ||
		       track_links(&tracked, html.data, click, links);
		if (!fail && marketing)
			fail = add_str(&tracked, "<p><a href=\"") || add_str(&tracked, unsub) ||
			       add_str(&tracked, "\">Unsubscribe</a></p>");
		if (!fail)
			fail = add_str(&tracked, "<img src=\"") || add_str(&tracked, pixel) ||
			       add_str(&tracked, "\" width=\"1\" height=\"1\" alt=\"\">");
	}
	char boundary[48], date[64], head[1024];
	snprintf(boundary, sizeof boundary, "=_tp_%" PRId64 "_%08x", m.id, randombytes_random());
	time_t secs = (time_t)(job->now / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	const char *at = from ? strrchr(from, '@') : NULL;
	char domain[256];
	snprintf(domain, sizeof domain, "%.*s", at ? (int)strcspn(at + 1, ">") : 9,
	         at ? at + 1 : "localhost");
	if (!fail) {
		snprintf(head, sizeof head,
		         "From: %s\r\nTo: %s\r\nDate: %s\r\nMessage-ID: <tp-%" PRId64 "-%" PRId64
		         "@%s>\r\nMIME-Version: 1.0\r\nSubject: ",
		         from, job->recipient, date, s->workspace_id, m.id, domain);
		fail = add_str(&msg, head) || add_header_text(&msg, subject.data) ||
		       add_str(&msg, "\r\n");
	}
	if (!fail && marketing)
		fail = add_str(&msg, "List-Unsubscribe: <") || add_str(&msg, unsub) ||
		       add_str(&msg, ">\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
	if (!fail) {
		snprintf(head, sizeof head,
		         "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n"
		         "--%s\r\nContent-Type: text/plain; charset=UTF-8\r\n"
		         "Content-Transfer-Encoding: base64\r\n\r\n",
		         boundary, boundary);
		fail = add_str(&msg, head) || add_base64(&msg, text.data ? text.data : "", text.len);
	}
	if (!fail && html_tpl) {
		snprintf(head, sizeof head,
		         "--%s\r\nContent-Type: text/html; charset=UTF-8\r\n"
		         "Content-Transfer-Encoding: base64\r\n\r\n", boundary);
		fail = add_str(&msg, head) || add_base64(&msg, tracked.data, tracked.len);
	}
	if (!fail) {
		snprintf(head, sizeof head, "--%s--\r\n", boundary);
		fail = add_str(&msg, head) || tp__buf_add(&msg, "", 1);
	}
	char *links_json = fail ? NULL : cJSON_PrintUnformatted(links);
	if (fail || !links_json) {
		rc = nomem(ctx);
	} else {
		m.subject = subject.data;
		m.body = msg.data;
		m.links = links_json;
		rc = s->ops->message_put(s, ctx, &m);
	}
	if (rc == TP_OK) {
		*queued = 1;
		snprintf(outcome, cap, "email %s to %s queued (message %" PRId64 ")", job->template_name,
		         job->recipient, m.id);
	}
	free(links_json);
	cJSON_Delete(links);
	tp__buf_free(&subject);
	tp__buf_free(&text);
	tp__buf_free(&html);
	tp__buf_free(&tracked);
	tp__buf_free(&msg);
	free(alert);
	free(base);
	free(from);
	return rc;
}
