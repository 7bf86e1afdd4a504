/* Touch typing. Track event names are matched after folding case and
 * treating '_', '-' and ' ' alike, so "Form Submitted", "form_submitted" and
 * "form-submitted" are one event. Names come from the Segment spec's
 * semantic events (Video, E-commerce, Email) where one exists. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/strmap.h"
#include "core/text.h"
#include "ingest/touch.h"

static const char *const touch_names[] = {
#define TP__TOUCH_NAME(e, s) s,
	TP_TOUCH_MAP(TP__TOUCH_NAME)
#undef TP__TOUCH_NAME
};
static const char *const click_names[] = {
#define TP__CLICK_NAME(e, s) s,
	TP_CLICK_MAP(TP__CLICK_NAME)
#undef TP__CLICK_NAME
};

const char *tp_touch_name(tp_touch t)
{
	return (unsigned)t < TP_TOUCH__COUNT ? touch_names[t] : "?";
}

const char *tp_click_name(tp_click c)
{
	return (unsigned)c < TP_CLICK__COUNT ? click_names[c] : "?";
}

int tp_touch_from_name(const char *name, tp_touch *out)
{
	for (int i = 0; i < TP_TOUCH__COUNT; i++)
		if (strcmp(name, touch_names[i]) == 0) {
			*out = (tp_touch)i;
			return 0;
		}
	return -1;
}

/* Folded event name → touch. Keys are lower case with single spaces. */
static const struct {
	const char *name;
	tp_touch touch;
} track_names[] = {
	{"products searched", TP_TOUCH_SITE_SEARCH}, {"site search", TP_TOUCH_SITE_SEARCH},
	{"searched", TP_TOUCH_SITE_SEARCH},          {"search", TP_TOUCH_SITE_SEARCH},
	{"file downloaded", TP_TOUCH_DOWNLOAD},      {"content downloaded", TP_TOUCH_DOWNLOAD},
	{"whitepaper downloaded", TP_TOUCH_DOWNLOAD}, {"ebook downloaded", TP_TOUCH_DOWNLOAD},
	{"case study downloaded", TP_TOUCH_DOWNLOAD}, {"download", TP_TOUCH_DOWNLOAD},
	{"video playback progress", TP_TOUCH_VIDEO_PROGRESS},
	{"video content playing", TP_TOUCH_VIDEO_PROGRESS},
	{"video progress", TP_TOUCH_VIDEO_PROGRESS},
	{"video playback completed", TP_TOUCH_VIDEO_PROGRESS},
	{"video content completed", TP_TOUCH_VIDEO_PROGRESS},
	{"video playback started", TP_TOUCH_VIDEO_PROGRESS},
	{"email signup", TP_TOUCH_EMAIL_SIGNUP},     {"newsletter subscribed", TP_TOUCH_EMAIL_SIGNUP},
	{"subscribed", TP_TOUCH_EMAIL_SIGNUP},
	{"form submitted", TP_TOUCH_FORM_SUBMIT},    {"form submit", TP_TOUCH_FORM_SUBMIT},
	{"contact form submitted", TP_TOUCH_FORM_SUBMIT},
	{"demo requested", TP_TOUCH_DEMO_REQUEST},   {"demo request", TP_TOUCH_DEMO_REQUEST},
	{"chat started", TP_TOUCH_CHAT},             {"live chat started", TP_TOUCH_CHAT},
	{"chat", TP_TOUCH_CHAT},
	{"trial started", TP_TOUCH_TRIAL_SIGNUP},    {"trial signup", TP_TOUCH_TRIAL_SIGNUP},
	{"trial signed up", TP_TOUCH_TRIAL_SIGNUP},  {"signed up", TP_TOUCH_TRIAL_SIGNUP},
	{"offer claimed", TP_TOUCH_OFFER_SIGNUP},    {"offer signup", TP_TOUCH_OFFER_SIGNUP},
	{"coupon applied", TP_TOUCH_OFFER_SIGNUP},
	{"order completed", TP_TOUCH_PAYMENT},       {"payment completed", TP_TOUCH_PAYMENT},
	{"payment", TP_TOUCH_PAYMENT},               {"invoice paid", TP_TOUCH_PAYMENT},
	{"webinar registered", TP_TOUCH_WEBINAR_REGISTERED},
	{"webinar attended", TP_TOUCH_WEBINAR_ATTENDED},
	{"event attended", TP_TOUCH_EVENT_ATTENDED}, {"trade show visited", TP_TOUCH_EVENT_ATTENDED},
	{"booth visited", TP_TOUCH_EVENT_ATTENDED},
	{"email opened", TP_TOUCH_EMAIL_OPEN},       {"email open", TP_TOUCH_EMAIL_OPEN},
	{"email link clicked", TP_TOUCH_EMAIL_CLICK}, {"email clicked", TP_TOUCH_EMAIL_CLICK},
	{"email click", TP_TOUCH_EMAIL_CLICK},
	{"email bounced", TP_TOUCH_EMAIL_BOUNCE},    {"email bounce", TP_TOUCH_EMAIL_BOUNCE},
	{"unsubscribed", TP_TOUCH_UNSUBSCRIBE},      {"email unsubscribed", TP_TOUCH_UNSUBSCRIBE},
	{"post liked", TP_TOUCH_SOCIAL_LIKE},        {"social like", TP_TOUCH_SOCIAL_LIKE},
	{"post commented", TP_TOUCH_SOCIAL_COMMENT}, {"social comment", TP_TOUCH_SOCIAL_COMMENT},
	{"post shared", TP_TOUCH_SOCIAL_SHARE},      {"social share", TP_TOUCH_SOCIAL_SHARE},
	{"lead ad submitted", TP_TOUCH_LEAD_AD_SUBMIT}, {"lead ad submit", TP_TOUCH_LEAD_AD_SUBMIT},
	{"link clicked", TP_TOUCH_CLICK},            {"outbound link clicked", TP_TOUCH_CLICK},
	{"cta clicked", TP_TOUCH_CLICK},
	{"scroll depth", TP_TOUCH_SCROLL},           {"scrolled", TP_TOUCH_SCROLL},
	{"meeting booked", TP_TOUCH_MEETING_BOOKED},
};

void tp__name_fold(const char *in, char *out, size_t cap)
{
	size_t n = 0;
	int space = 1; /* drops leading separators */
	for (; *in && n + 1 < cap; in++) {
		char c = *in;
		if (c == '_' || c == '-' || c == ' ' || c == '\t') {
			if (!space)
				out[n++] = ' ';
			space = 1;
			continue;
		}
		out[n++] = tp__ascii_lower(c);
		space = 0;
	}
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* Folded name → touch, hashed once for the process: every track call looks
 * its name up, and a search down the list cost some 70 compares for a
 * custom event. The slots outnumber the names more than twice. */
enum { NAME_SLOTS = 256 };
static struct {
	const char *name;
	tp_touch touch;
} name_slots[NAME_SLOTS];
static char own_folded[TP_TOUCH__COUNT][64];
static pthread_once_t names_once = PTHREAD_ONCE_INIT;
_Static_assert(2 * (sizeof track_names / sizeof track_names[0] + TP_TOUCH__COUNT) < NAME_SLOTS,
               "name_slots must stay under half full");

static size_t name_slot(const char *folded)
{
	size_t i = tp__hash_str(folded) & (NAME_SLOTS - 1);
	while (name_slots[i].name && strcmp(name_slots[i].name, folded) != 0)
		i = (i + 1) & (NAME_SLOTS - 1);
	return i;
}

/* The first put of a name wins: the event names before our own. */
static void name_put(const char *folded, tp_touch touch)
{
	size_t i = name_slot(folded);
	if (!name_slots[i].name) {
		name_slots[i].name = folded;
		name_slots[i].touch = touch;
	}
}

static void names_build(void)
{
	for (size_t i = 0; i < sizeof track_names / sizeof track_names[0]; i++)
		name_put(track_names[i].name, track_names[i].touch);
	/* Our own touch names, as the store writes them ("form_submit"). */
	for (int i = 0; i < TP_TOUCH__COUNT; i++) {
		tp__name_fold(touch_names[i], own_folded[i], sizeof own_folded[i]);
		name_put(own_folded[i], (tp_touch)i);
	}
}

static tp_touch track_touch(const char *name)
{
	char folded[128];
	tp__name_fold(name, folded, sizeof folded);
	pthread_once(&names_once, names_build);
	size_t i = name_slot(folded);
	return name_slots[i].name ? name_slots[i].touch : TP_TOUCH_CUSTOM;
}

/* First path segment → category; prefixes are matched on whole segments. */
const char *tp__page_category(const char *path)
{
	static const struct {
		const char *prefix, *category;
	} rules[] = {
		{"pricing", "pricing"},   {"plans", "pricing"},      {"price", "pricing"},
		{"demo", "demo"},         {"request-demo", "demo"},  {"book-a-demo", "demo"},
		{"contact-sales", "demo"},{"careers", "careers"},    {"jobs", "careers"},
		{"blog", "blog"},         {"news", "blog"},          {"articles", "blog"},
		{"docs", "docs"},         {"documentation", "docs"}, {"help", "docs"},
		{"case-studies", "case_study"}, {"customers", "case_study"},
		{"product", "product"},   {"products", "product"},   {"features", "product"},
		{"solutions", "product"}, {"platform", "product"},   {"integrations", "product"},
		{"resources", "content"}, {"whitepapers", "content"},{"ebooks", "content"},
		{"webinars", "content"},
	};
	if (!path || !*path)
		return "other";
	while (*path == '/')
		path++;
	/* A locale prefix ("/vi/pricing", "/zh-cn/pricing") does not decide the category. */
	size_t seg = strcspn(path, "/?#");
	if ((seg == 2 || (seg == 5 && path[2] == '-')) && path[seg] == '/')
		path += seg + 1;
	seg = strcspn(path, "/?#");
	if (seg == 0)
		return "home";
	/* Every page view asks: the first letter spares most compares, and a
	 * rule's end must be the segment's. */
	char first = tp__ascii_lower(path[0]);
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (rules[i].prefix[0] == first && strncasecmp(path, rules[i].prefix, seg) == 0 &&
		    rules[i].prefix[seg] == '\0')
			return rules[i].category;
	return "other";
}

/* The value of the first of keys' names that props has as a non-empty
 * string (the first member of each name, as a look-up finds it). */
static const char *prop_text(const tp_jtok *d, int props, tp_arena *arena, const tp_jkeys *keys)
{
	int found[TP_JKEYS_MAX];
	tp__jtok_pick(d, props, keys, found);
	for (int r = 0; r < keys->n; r++) {
		size_t len;
		const char *s = tp__jtok_str(d, found[r], arena, &len);
		if (s && *s)
			return s;
	}
	return NULL;
}

static int number_of(const tp_jtok *d, int props, const char *key, double *out)
{
	return tp__jtok_number(d, tp__jtok_get(d, props, key), out);
}

static int video_percent(const tp_jtok *d, int props, const char *folded_name)
{
	if (strstr(folded_name, "completed"))
		return 100;
	double v, pos, len;
	if (number_of(d, props, "percent", &v) == 0 || number_of(d, props, "progress", &v) == 0) {
		if (v > 0 && v <= 1.0)
			v *= 100; /* a fraction */
		return v < 0 ? 0 : v > 100 ? 100 : (int)(v + 0.5);
	}
	if (number_of(d, props, "position", &pos) == 0 &&
	    number_of(d, props, "total_length", &len) == 0 && len > 0) {
		v = pos / len * 100;
		return v < 0 ? 0 : v > 100 ? 100 : (int)(v + 0.5);
	}
	return 0;
}

/* properties.category when it names a category we know, compared folded
 * ("Case Study", "case-study" and "case_study" alike); NULL otherwise. */
static const char *declared_category(const tp_jtok *d, int props, tp_arena *arena)
{
	static const struct {
		const char *folded, *category;
	} known[] = {{"pricing", "pricing"}, {"demo", "demo"},       {"product", "product"},
	             {"blog", "blog"},       {"careers", "careers"}, {"docs", "docs"},
	             {"case study", "case_study"}, {"content", "content"}, {"home", "home"}};
	size_t n;
	int v = tp__jtok_get(d, props, "category");
	/* Most pages name a category already folded: matched in place. */
	const char *raw = tp__jtok_raw(d, v, &n);
	for (size_t i = 0; raw && i < sizeof known / sizeof known[0]; i++)
		if (strlen(known[i].folded) == n && memcmp(raw, known[i].folded, n) == 0)
			return known[i].category;
	const char *cat = tp__jtok_str(d, v, arena, &n);
	if (!cat || !*cat)
		return NULL;
	char folded[64];
	tp__name_fold(cat, folded, sizeof folded);
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(folded, known[i].folded) == 0)
			return known[i].category;
	return NULL;
}

/* The names an asset and a search term go by, in the order they are tried. */
static const char *const asset_keys[] = {
	"asset", "file_name", "fileName", "content_name", "form_id", "form_name", "webinar",
	"webinar_name", "event_name", "video_title", "title", "name"};
static const char *const term_keys[] = {"query", "term", "search_term", "keyword"};
static tp_jkeys asset_set, term_set;
static pthread_once_t key_sets_once = PTHREAD_ONCE_INIT;

static void prepare_key_sets(void)
{
	/* Distinct names in fixed sets: preparing them cannot fail. */
	tp__jkeys_init(&asset_set, asset_keys, sizeof asset_keys / sizeof *asset_keys);
	tp__jkeys_init(&term_set, term_keys, sizeof term_keys / sizeof *term_keys);
}

int tp__touch_classify(tp_event *ev, const tp_jtok *d, int props, tp_arena *arena,
                       const char **field)
{
	pthread_once(&key_sets_once, prepare_key_sets);
	*field = NULL;
	switch (ev->call) {
	case TP_CALL_IDENTIFY:
		ev->touch = TP_TOUCH_IDENTIFY;
		return 0;
	case TP_CALL_GROUP:
		ev->touch = TP_TOUCH_GROUP;
		return 0;
	case TP_CALL_ALIAS:
		ev->touch = TP_TOUCH_ALIAS;
		return 0;
	case TP_CALL_SCREEN:
		ev->touch = TP_TOUCH_SCREEN_VIEW;
		return 0;
	case TP_CALL_PAGE:
		/* A declared category wins when it is one we know; else the path's. */
		ev->page_category = declared_category(d, props, arena);
		if (!ev->page_category)
			ev->page_category = tp__page_category(ev->path);
		/* GA4 enhanced measurement: a page with a search parameter is a site search. */
		ev->touch = ev->search_term ? TP_TOUCH_SITE_SEARCH : TP_TOUCH_PAGE_VIEW;
		return 0;
	case TP_CALL_TRACK:
	default:
		break;
	}
	ev->touch = track_touch(ev->name);
	switch (ev->touch) {
	case TP_TOUCH_SITE_SEARCH: {
		const char *term = prop_text(d, props, arena, &term_set);
		if (term)
			ev->search_term = term;
		break;
	}
	case TP_TOUCH_VIDEO_PROGRESS: {
		char folded[128];
		tp__name_fold(ev->name, folded, sizeof folded);
		ev->video_percent = video_percent(d, props, folded);
		ev->asset = prop_text(d, props, arena, &asset_set);
		break;
	}
	default:
		ev->asset = prop_text(d, props, arena, &asset_set);
		break;
	}
	return 0;
}
