/* GA4 default channel group, reproduced rule by rule from Google's "[GA4]
 * Default channel group" (support.google.com/analytics/answer/9756891):
 * ordered rules, first match wins, matching case-insensitive. Our additions:
 * four B2B offline channels, matched on exact mediums right after
 * Cross-network so that e.g. linkedin/webinar is Webinar, not Organic Social. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/text.h"
#include "touchpoint/channel.h"
#include "touchpoint/limits.h"

static const char *const search_sites[] = {
	"google", "bing", "yahoo", "baidu", "yandex", "duckduckgo", "ecosia",
	"naver", "daum", "seznam", "sogou", "so.com", "360.cn", "sm.cn", "qwant",
	"startpage", "ask", "aol", "search.brave.com", "coccoc", "yahoo.co.jp",
	"msn", "dogpile", "lycos", "onet", "rambler", "mail.ru", "biglobe", NULL};
static const char *const social_sites[] = {
	"facebook", "fb", "m.facebook.com", "l.facebook.com", "lm.facebook.com",
	"instagram", "ig", "linkedin", "lnkd.in", "twitter", "t.co", "x.com",
	"tiktok", "pinterest", "reddit", "quora", "weibo", "wechat", "weixin",
	"douyin", "xiaohongshu", "zalo", "vk", "xing", "threads.net", "snapchat",
	"tumblr", "medium.com", "messenger", "whatsapp", "line", "telegram",
	"discord", "mastodon", "bsky.app", "slack", NULL};
static const char *const video_sites[] = {
	"youtube", "youtu.be", "vimeo", "twitch", "dailymotion", "bilibili",
	"youku", "iqiyi", "wistia", "vidyard", "ted", NULL};
static const char *const shopping_sites[] = {
	"amazon", "ebay", "walmart", "etsy", "shopify", "alibaba", "aliexpress",
	"taobao", "tmall", "jd.com", "shopee", "lazada", "tiki", "rakuten",
	"mercadolibre", "google shopping", "shopping.google.com", NULL};
static const char *const *const default_sites[TP_SITES__COUNT] = {
	search_sites, social_sites, video_sites, shopping_sites};
static const char *const list_names[TP_SITES__COUNT] = {
	"search", "social", "video", "shopping"};

typedef struct site_list {
	char **sites;
	size_t len, cap;
} site_list;

struct tp_channel_rules {
	site_list lists[TP_SITES__COUNT];
};

static const char *const channel_names[] = {
#define TP__CH_NAME(e, s) s,
	TP_CHANNEL_MAP(TP__CH_NAME)
#undef TP__CH_NAME
};

const char *tp_channel_name(tp_channel ch)
{
	return (unsigned)ch < TP_CH__COUNT ? channel_names[ch] : "?";
}

int tp_channel_from_name(const char *name, tp_channel *out)
{
	/* The scores after a bulk load ask this of every row: the first letter
	 * spares most of the case-blind compares. */
	char first = tp__ascii_lower(*name);
	for (int i = 0; i < TP_CH__COUNT; i++)
		if (tp__ascii_lower(channel_names[i][0]) == first && tp__ieq(name, channel_names[i])) {
			*out = (tp_channel)i;
			return 0;
		}
	return -1;
}

const char *const *tp_channel_default_sites(tp_site_list list)
{
	return (unsigned)list < TP_SITES__COUNT ? default_sites[list] : NULL;
}

const char *tp_site_list_name(tp_site_list list)
{
	return (unsigned)list < TP_SITES__COUNT ? list_names[list] : "?";
}

int tp_site_list_from_name(const char *name, tp_site_list *out)
{
	for (int i = 0; i < TP_SITES__COUNT; i++)
		if (tp__ieq(name, list_names[i])) {
			*out = (tp_site_list)i;
			return 0;
		}
	return -1;
}

void tp_channel_rules_clear(tp_channel_rules *rules, tp_site_list list)
{
	site_list *l = &rules->lists[list];
	for (size_t i = 0; i < l->len; i++)
		free(l->sites[i]);
	l->len = 0;
}

tp_status tp_channel_rules_add(tp_channel_rules *rules, tp_site_list list,
                               const char *site)
{
	if ((unsigned)list >= TP_SITES__COUNT || !site || !*site)
		return TP_ERR_INVALID;
	site_list *l = &rules->lists[list];
	if (l->len >= TP_MAX_SITE_LIST)
		return TP_ERR_TOO_BIG;
	if (tp__grow((void **)&l->sites, &l->cap, l->len + 1, sizeof *l->sites) != 0)
		return TP_ERR_NOMEM;
	char *copy = strdup(site);
	if (!copy)
		return TP_ERR_NOMEM;
	l->sites[l->len++] = tp__lower(copy);
	return TP_OK;
}

tp_status tp_channel_rules_remove(tp_channel_rules *rules, tp_site_list list, const char *site)
{
	if ((unsigned)list >= TP_SITES__COUNT)
		return TP_ERR_INVALID;
	site_list *l = &rules->lists[list];
	for (size_t i = 0; i < l->len; i++)
		if (strcasecmp(l->sites[i], site) == 0) {
			free(l->sites[i]);
			memmove(&l->sites[i], &l->sites[i + 1], (l->len - i - 1) * sizeof *l->sites);
			l->len--;
			return TP_OK;
		}
	return TP_ERR_NOT_FOUND;
}

const char *const *tp_channel_rules_sites(const tp_channel_rules *rules, tp_site_list list,
                                          size_t *n)
{
	const site_list *l = &rules->lists[list];
	*n = l->len;
	return (const char *const *)l->sites;
}

tp_channel_rules *tp_channel_rules_create(void)
{
	tp_channel_rules *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	for (int l = 0; l < TP_SITES__COUNT; l++)
		for (const char *const *s = default_sites[l]; *s; s++)
			if (tp_channel_rules_add(r, (tp_site_list)l, *s) != TP_OK) {
				tp_channel_rules_destroy(r);
				return NULL;
			}
	return r;
}

void tp_channel_rules_destroy(tp_channel_rules *rules)
{
	if (!rules)
		return;
	for (int l = 0; l < TP_SITES__COUNT; l++) {
		tp_channel_rules_clear(rules, (tp_site_list)l);
		free(rules->lists[l].sites);
	}
	free(rules);
}

/* A source matches an entry when it is the entry, a host under it
 * ("news.google.com" under "google.com"), or — for entries without a dot —
 * a host with that name as one of its labels other than the last
 * ("www.google.co.uk" matches "google"). */
static int site_matches(const char *source, const char *entry)
{
	if (strcasecmp(source, entry) == 0)
		return 1;
	size_t n = strlen(source), m = strlen(entry);
	if (strchr(entry, '.'))
		return n > m && source[n - m - 1] == '.' && strcasecmp(source + n - m, entry) == 0;
	const char *last_dot = strrchr(source, '.');
	if (!last_dot)
		return 0;
	for (const char *p = source; p < last_dot;) {
		const char *dot = strchr(p, '.');
		if ((size_t)(dot - p) == m && strncasecmp(p, entry, m) == 0)
			return 1;
		p = dot + 1;
	}
	return 0;
}

int tp_channel_site_in(const tp_channel_rules *rules, tp_site_list list,
                       const char *source)
{
	if (!source || !*source || (unsigned)list >= TP_SITES__COUNT)
		return 0;
	const site_list *l = &rules->lists[list];
	for (size_t i = 0; i < l->len; i++)
		if (site_matches(source, l->sites[i]))
			return 1;
	return 0;
}

static int one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcasecmp(s, *set) == 0)
			return 1;
	return 0;
}

static int contains(const char *s, const char *needle)
{
	return strcasestr(s, needle) != NULL;
}

/* GA4: medium matches ^(.*cp.*|ppc|retargeting|paid.*)$ */
static int paid_medium(const char *m)
{
	return contains(m, "cp") || tp__ieq(m, "ppc") || tp__ieq(m, "retargeting") ||
	       strncasecmp(m, "paid", 4) == 0;
}

/* GA4: campaign matches ^(.*(([^a-df-z]|^)shop|shopping).*)$ */
static int shopping_campaign(const char *c)
{
	if (contains(c, "shopping"))
		return 1;
	for (const char *p = c; (p = strcasestr(p, "shop")) != NULL; p++) {
		if (p == c)
			return 1;
		char b = (char)(p[-1] | 0x20);
		if (!(b >= 'a' && b <= 'z') || b == 'e')
			return 1;
	}
	return 0;
}

tp_channel tp_channel_classify(const tp_channel_rules *rules, const char *source,
                               const char *medium, const char *campaign)
{
	static const char *const none_media[] = {"(not set)", "(none)", "", NULL};
	static const char *const display_media[] = {
		"display", "banner", "expandable", "interstitial", "cpm", NULL};
	static const char *const social_media[] = {
		"social", "social-network", "social-media", "sm", "social network",
		"social media", NULL};
	static const char *const referral_media[] = {"referral", "app", "link", NULL};
	static const char *const email_words[] = {"email", "e-mail", "e_mail", "e mail", NULL};
	static const char *const events_media[] = {
		"event", "events", "tradeshow", "trade-show", "trade_show", "conference",
		"field-event", "booth", NULL};
	static const char *const webinar_media[] = {"webinar", "webinars", "virtual-event", NULL};
	static const char *const outbound_media[] = {
		"outbound", "sdr", "bdr", "cold-email", "cold-call", "outreach",
		"prospecting", NULL};
	static const char *const partner_media[] = {
		"partner", "partners", "reseller", "co-marketing", "channel-partner", NULL};
	const char *s = source ? source : "", *m = medium ? medium : "",
		   *c = campaign ? campaign : "";

	if (tp__ieq(s, "(direct)") && one_of(m, none_media))
		return TP_CH_DIRECT;
	if (contains(c, "cross-network"))
		return TP_CH_CROSS_NETWORK;
	if (one_of(m, events_media))
		return TP_CH_EVENTS;
	if (one_of(m, webinar_media))
		return TP_CH_WEBINAR;
	if (one_of(m, outbound_media))
		return TP_CH_OUTBOUND;
	if (one_of(m, partner_media))
		return TP_CH_PARTNER;

	int shopping = tp_channel_site_in(rules, TP_SITES_SHOPPING, s) || shopping_campaign(c);
	int search = tp_channel_site_in(rules, TP_SITES_SEARCH, s);
	int social = tp_channel_site_in(rules, TP_SITES_SOCIAL, s);
	int video = tp_channel_site_in(rules, TP_SITES_VIDEO, s);
	int paid = paid_medium(m);

	if (shopping && paid)
		return TP_CH_PAID_SHOPPING;
	if (search && paid)
		return TP_CH_PAID_SEARCH;
	if (social && paid)
		return TP_CH_PAID_SOCIAL;
	if (video && paid)
		return TP_CH_PAID_VIDEO;
	if (one_of(m, display_media))
		return TP_CH_DISPLAY;
	if (paid)
		return TP_CH_PAID_OTHER;
	if (shopping)
		return TP_CH_ORGANIC_SHOPPING;
	if (social || one_of(m, social_media))
		return TP_CH_ORGANIC_SOCIAL;
	if (video || contains(m, "video"))
		return TP_CH_ORGANIC_VIDEO;
	if (search || tp__ieq(m, "organic"))
		return TP_CH_ORGANIC_SEARCH;
	if (one_of(m, referral_media))
		return TP_CH_REFERRAL;
	if (one_of(s, email_words) || one_of(m, email_words))
		return TP_CH_EMAIL;
	if (tp__ieq(m, "affiliate"))
		return TP_CH_AFFILIATES;
	if (tp__ieq(m, "audio"))
		return TP_CH_AUDIO;
	if (tp__ieq(s, "sms") || tp__ieq(m, "sms"))
		return TP_CH_SMS;
	if (tp__iends_with(m, "push") || contains(m, "mobile") ||
	    contains(m, "notification") || tp__ieq(s, "firebase"))
		return TP_CH_MOBILE_PUSH;
	return TP_CH_UNASSIGNED;
}

/* Auto-tagging click ids, used when a landing has no UTM. Google's ids are
 * paid search clicks (GA4 reads them as google/cpc); dclid comes from Display &
 * Video 360; fbclid is added by Facebook to every outbound link, paid or not,
 * so GA4 sees facebook.com/referral (Organic Social). */
static const struct {
	tp_click id;
	const char *source, *medium;
} click_sources[] = {
	{TP_CLICK_GCLID, "google", "cpc"},       {TP_CLICK_GBRAID, "google", "cpc"},
	{TP_CLICK_WBRAID, "google", "cpc"},      {TP_CLICK_MSCLKID, "bing", "cpc"},
	{TP_CLICK_DCLID, "dv360", "cpm"},        {TP_CLICK_LI_FAT_ID, "linkedin", "cpc"},
	{TP_CLICK_TTCLID, "tiktok", "cpc"},      {TP_CLICK_FBCLID, "facebook.com", "referral"},
};

/* Host of a URL, lower-cased, without "www.", copied into buf. */
static const char *url_host(const char *url, char *buf, size_t cap)
{
	size_t n;
	const char *p = tp__url_host(url, &n);
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	tp__lower(buf);
	return strncmp(buf, "www.", 4) == 0 ? buf + 4 : buf;
}

void tp_channel_traffic(const tp_channel_rules *rules, const tp_event *ev,
                        tp_traffic *out)
{
	/* Referrer hosts are copied into thread-local storage: the result must
	 * not depend on the caller keeping a buffer alive. */
	static _Thread_local char ref_buf[256], page_buf[256], src_buf[256];
	const char *us = ev->utm[TP_UTM_SOURCE], *um = ev->utm[TP_UTM_MEDIUM];

	out->campaign = ev->utm[TP_UTM_CAMPAIGN] ? ev->utm[TP_UTM_CAMPAIGN] : "(not set)";
	out->internal = 0;
	if (us || um) {
		out->source = us ? us : "(not set)";
		out->medium = um ? um : "(not set)";
		out->from_campaign = 1;
		return;
	}
	for (size_t i = 0; i < sizeof click_sources / sizeof click_sources[0]; i++)
		if (ev->click_id[click_sources[i].id]) {
			out->source = click_sources[i].source;
			out->medium = click_sources[i].medium;
			out->from_campaign = 1;
			return;
		}
	out->from_campaign = 0;
	if (ev->referrer && *ev->referrer) {
		const char *ref = url_host(ev->referrer, ref_buf, sizeof ref_buf);
		/* The parser's host of the page is url_host's, unless a buffer
		 * would have cut it. */
		const char *page = "";
		if (ev->host && strlen(ev->host) < sizeof page_buf)
			page = strncmp(ev->host, "www.", 4) == 0 ? ev->host + 4 : ev->host;
		else if (ev->url)
			page = url_host(ev->url, page_buf, sizeof page_buf);
		if (*ref && strcmp(ref, page) != 0) {
			/* A search engine referral is organic search under the engine's
			 * list name ("google"), as GA4 reports it. */
			const site_list *l = &rules->lists[TP_SITES_SEARCH];
			for (size_t i = 0; i < l->len; i++)
				if (site_matches(ref, l->sites[i])) {
					size_t n = strlen(l->sites[i]);
					if (n >= sizeof src_buf)
						n = sizeof src_buf - 1;
					memcpy(src_buf, l->sites[i], n);
					src_buf[n] = '\0';
					out->source = src_buf;
					out->medium = "organic";
					return;
				}
			out->source = ref;
			out->medium = "referral";
			return;
		}
		if (*ref)
			out->internal = 1;
	}
	out->source = "(direct)";
	out->medium = "(none)";
}
