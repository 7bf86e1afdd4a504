/* Ad spend from the ad platforms' campaign reports. Each platform names its
 * columns its own way and puts report titles above the header, so the
 * header is looked for in the first rows and the platform told by columns
 * only it writes. A day's spend is filed under the channel its clicks get
 * (the same rules classify both), so that cost meets the leads it bought. */
#include <string.h>
#include <strings.h>

#include "core/text.h"
#include "ingest/sheet.h"
#include "touchpoint/channel.h"
#include "touchpoint/import.h"
#include "touchpoint/money.h"

/* Rows searched for the header: report title, date range, account name. */
#define HEADER_ROWS 30

enum { C_DATE, C_END, C_CAMPAIGN, C_IMPRESSIONS, C_CLICKS, C_COST, C_CURRENCY, C_CHANNEL,
       C_SOURCE, C__COUNT };

static const char *const column_names[C__COUNT] = {"date", "end date", "campaign",
	"impressions", "clicks", "cost", "currency", "channel", "source"};

typedef struct format_def {
	const char *name, *label;
	const char *source;                   /* utm_source its clicks carry */
	const char *const *signature;         /* any of these tells the platform */
	const char *const *columns[C__COUNT]; /* folded names; '*' = prefix */
} format_def;

#define L(...) (const char *const[]){__VA_ARGS__, NULL}

static const format_def formats[TP_SPEND__COUNT] = {
	[TP_SPEND_GOOGLE] = {"google", "Google Ads", "google",
		L("impr", "currencycode", "campaigntype"),
		{[C_DATE] = L("day", "date"), [C_CAMPAIGN] = L("campaign"),
		 [C_IMPRESSIONS] = L("impr", "impressions"), [C_CLICKS] = L("clicks"),
		 [C_COST] = L("cost"), [C_CURRENCY] = L("currencycode", "currency")}},
	[TP_SPEND_META] = {"meta", "Meta Ads Manager", "facebook",
		L("amountspent*", "reportingstarts"),
		{[C_DATE] = L("day", "reportingstarts", "date"), [C_END] = L("reportingends"),
		 [C_CAMPAIGN] = L("campaignname"), [C_IMPRESSIONS] = L("impressions"),
		 [C_CLICKS] = L("linkclicks", "clicksall", "clicks"), [C_COST] = L("amountspent*"),
		 [C_CURRENCY] = L("currency")}},
	[TP_SPEND_LINKEDIN] = {"linkedin", "LinkedIn Campaign Manager", "linkedin",
		L("startdateinutc", "totalspent", "campaigngroupname"),
		{[C_DATE] = L("startdateinutc", "startdate", "date", "day"),
		 [C_CAMPAIGN] = L("campaignname", "campaign"), [C_IMPRESSIONS] = L("impressions"),
		 [C_CLICKS] = L("clicks"), [C_COST] = L("totalspent", "amountspent*", "spend"),
		 [C_CURRENCY] = L("currency")}},
	[TP_SPEND_TIKTOK] = {"tiktok", "TikTok Ads Manager", "tiktok",
		L("clicksdestination", "bydate", "statdate"),
		{[C_DATE] = L("date", "bydate", "statdate", "day"), [C_CAMPAIGN] = L("campaignname"),
		 [C_IMPRESSIONS] = L("impressions", "impression"),
		 [C_CLICKS] = L("clicksdestination", "clicks", "clicksall"),
		 [C_COST] = L("cost", "totalcost", "spend"), [C_CURRENCY] = L("currency")}},
	[TP_SPEND_TOUCHPOINT] = {"touchpoint", "Touchpoint spend", NULL,
		L("channel"),
		{[C_DATE] = L("date"), [C_CAMPAIGN] = L("campaign"),
		 [C_IMPRESSIONS] = L("impressions"), [C_CLICKS] = L("clicks"), [C_COST] = L("cost"),
		 [C_CURRENCY] = L("currency"), [C_CHANNEL] = L("channel"), [C_SOURCE] = L("source")}},
};

/* Detection order: the hand-made format first (its "channel" is decisive),
 * TikTok last (its columns are the plainest). */
static const tp_spend_format detect_order[] = {TP_SPEND_TOUCHPOINT, TP_SPEND_GOOGLE,
	TP_SPEND_META, TP_SPEND_LINKEDIN, TP_SPEND_TIKTOK};

const char *tp_spend_format_name(tp_spend_format f)
{
	return f > TP_SPEND_AUTO && f < TP_SPEND__COUNT ? formats[f].name : "auto";
}

int tp_spend_format_from_name(const char *name, tp_spend_format *out)
{
	for (int f = 0; f < TP_SPEND__COUNT; f++)
		if (strcmp(name, tp_spend_format_name((tp_spend_format)f)) == 0) {
			*out = (tp_spend_format)f;
			return 0;
		}
	return -1;
}

typedef struct job {
	tp__sheet_job base;       /* ctx, store, refusals, rc */
	const tp_spend_import_opts *opts;
	tp_spend_import_stats *stats;
	tp_channel_rules *rules;
	const format_def *fmt;
	int column[C__COUNT];
	char *header[C__COUNT];   /* the file's own header names, for messages */
	char header_currency[4];  /* "Amount spent (USD)" */
	int64_t imported_at;
	int64_t rows_seen;
	char no_header[192];      /* the message when no header is found */
	int mixed_currency;
} job;

static void reject(job *j, int64_t row, int col, const char *fmt, const char *value)
{
	tp__sheet_reject(&j->base, row, j->header[col] ? j->header[col] : column_names[col], fmt,
	                 value);
}

/* "(USD)" at the end of a header cell. */
static void currency_in_header(const char *cell, char out[4])
{
	const char *open = cell ? strrchr(cell, '(') : NULL;
	char code[8];
	if (open && strlen(open) == 5 && open[4] == ')') {
		memcpy(code, open + 1, 3);
		code[3] = '\0';
		tp_currency_parse(code, out);
	}
}

/* A header of format f: its required columns, and (when the format was not
 * named) a column only that platform writes. */
static int header_matches(const format_def *f, int named, const char *const *fields, size_t n)
{
	return (named || tp__sheet_column(fields, n, f->signature) >= 0) &&
	       tp__sheet_column(fields, n, f->columns[C_DATE]) >= 0 &&
	       tp__sheet_column(fields, n, f->columns[C_CAMPAIGN]) >= 0 &&
	       tp__sheet_column(fields, n, f->columns[C_COST]) >= 0 &&
	       (!f->columns[C_CHANNEL] || tp__sheet_column(fields, n, f->columns[C_CHANNEL]) >= 0);
}

static int take_header(job *j, const char *const *fields, size_t n)
{
	tp_spend_format forced = j->opts->format;
	for (size_t i = 0; i < sizeof detect_order / sizeof detect_order[0]; i++) {
		tp_spend_format f = detect_order[i];
		if (forced != TP_SPEND_AUTO && f != forced)
			continue;
		if (!header_matches(&formats[f], forced != TP_SPEND_AUTO, fields, n))
			continue;
		j->fmt = &formats[f];
		j->stats->format = f;
		if (tp__sheet_columns(fields, n, j->fmt->columns, C__COUNT, j->column, j->header) != 0)
			return -1;
		if (j->column[C_COST] >= 0)
			currency_in_header(fields[j->column[C_COST]], j->header_currency);
		return 1;
	}
	return 0;
}

static int blank_row(const char *const *fields, size_t n)
{
	for (size_t c = 0; c < n; c++) {
		size_t len;
		if (fields[c] && (tp__trim(fields[c], &len), len))
			return 0;
	}
	return 1;
}

/* Google Ads ends its report with "Total: Account", "Total: Campaigns". */
static int totals_row(const char *const *fields, size_t n)
{
	for (size_t c = 0; c < n; c++) {
		size_t len;
		const char *s = fields[c] ? tp__trim(fields[c], &len) : NULL;
		if (s && strncasecmp(s, "total", 5) == 0)
			return 1;
	}
	return 0;
}

static tp_channel channel_of(job *j, const char *campaign)
{
	char lower[256];
	snprintf(lower, sizeof lower, "%s", campaign);
	tp__lower(lower);
	return tp_channel_classify(j->rules, j->fmt->source, "cpc", lower);
}

static void take_row(job *j, int64_t row, const char *const *fields, size_t n)
{
	char date[64], end[64], campaign[256], num[64], cur[16], chan[64], src[128], day[11],
		end_day[11], code[4];
	tp_spend_row r = {.imported_at = j->imported_at};
	const char *v;
	j->stats->rows++;
	v = tp__sheet_cell(fields, n, j->column[C_DATE], date, sizeof date);
	if ((!v || tp__sheet_date(v, day) != 0) && totals_row(fields, n)) {
		j->stats->rows--, j->stats->totals++;
		return;
	}
	if (!v)
		return reject(j, row, C_DATE, "is empty", NULL);
	if (tp__sheet_date(v, day) != 0)
		return reject(j, row, C_DATE, "\"%s\" is not a day (2026-11-01, 11/1/2026)", v);
	r.date = day;
	if ((v = tp__sheet_cell(fields, n, j->column[C_END], end, sizeof end)) &&
	    (tp__sheet_date(v, end_day) != 0 || strcmp(end_day, day) != 0))
		return reject(j, row, C_END,
		              "this row covers more than a day (to %s): export the report by day", v);
	if (!(r.campaign = tp__sheet_cell(fields, n, j->column[C_CAMPAIGN], campaign,
	                                  sizeof campaign)))
		return reject(j, row, C_CAMPAIGN, "is empty", NULL);
	v = tp__sheet_cell(fields, n, j->column[C_IMPRESSIONS], num, sizeof num);
	if (tp__sheet_count(v, &r.impressions) != 0)
		return reject(j, row, C_IMPRESSIONS, "\"%s\" is not a count", v);
	v = tp__sheet_cell(fields, n, j->column[C_CLICKS], num, sizeof num);
	if (tp__sheet_count(v, &r.clicks) != 0)
		return reject(j, row, C_CLICKS, "\"%s\" is not a count", v);
	v = tp__sheet_cell(fields, n, j->column[C_COST], num, sizeof num);
	if (v && strcmp(v, "--") != 0 && tp_money_parse(v, &r.cost) != 0)
		return reject(j, row, C_COST, "\"%s\" is not an amount like 1234.56", v);
	if ((v = tp__sheet_cell(fields, n, j->column[C_CURRENCY], cur, sizeof cur))) {
		if (tp_currency_parse(v, code) != 0)
			return reject(j, row, C_CURRENCY, "\"%s\" is not a currency code like USD", v);
	} else if (j->header_currency[0]) {
		memcpy(code, j->header_currency, 4);
	} else if (j->opts->currency && tp_currency_parse(j->opts->currency, code) == 0) {
		;
	} else {
		return reject(j, row, C_CURRENCY, "the file does not say its currency: give --currency",
		              NULL);
	}
	r.currency = code;
	if (j->column[C_CHANNEL] >= 0) {
		tp_channel ch;
		if (!(v = tp__sheet_cell(fields, n, j->column[C_CHANNEL], chan, sizeof chan)) ||
		    tp_channel_from_name(v, &ch) != 0)
			return reject(j, row, C_CHANNEL,
			              "\"%s\" is not a channel (touchpoint channels lists them)", v);
		r.channel = tp_channel_name(ch);
		r.source = tp__sheet_cell(fields, n, j->column[C_SOURCE], src, sizeof src);
		if (r.source)
			tp__lower(src);
	} else {
		r.channel = tp_channel_name(channel_of(j, r.campaign));
		r.source = j->fmt->source;
	}
	tp_status rc = j->base.store->ops->spend_insert(j->base.store, j->base.ctx, &r);
	if (rc != TP_OK) {
		j->base.rc = rc;
		return;
	}
	tp_spend_import_stats *st = j->stats;
	if (!st->stored)
		memcpy(st->currency, code, 4);
	else if (strcmp(st->currency, code) != 0)
		j->mixed_currency = 1;
	st->stored++;
	st->impressions += r.impressions;
	st->clicks += r.clicks;
	st->cost += r.cost;
	if (!st->first_date[0] || strcmp(day, st->first_date) < 0)
		memcpy(st->first_date, day, 11);
	if (strcmp(day, st->last_date) > 0)
		memcpy(st->last_date, day, 11);
}

static void describe_no_header(job *j)
{
	tp_spend_format f = j->opts->format;
	snprintf(j->no_header, sizeof j->no_header,
	         "no %s header in the first %d rows (its date, campaign and cost columns)",
	         f ? formats[f].label : "Google Ads, Meta, LinkedIn, TikTok or Touchpoint spend",
	         HEADER_ROWS);
}

static int on_row(void *user, int64_t row, const char *const *fields, size_t n)
{
	job *j = user;
	if (blank_row(fields, n))
		return 0;
	if (!j->fmt) {
		int got = take_header(j, fields, n);
		j->base.header_seen = got > 0;
		if (got < 0) {
			j->base.rc = tp_ctx_fail(j->base.ctx, TP_ERR_NOMEM, NULL, "out of memory");
			return 1;
		}
		if (!got && ++j->rows_seen >= HEADER_ROWS) {
			j->base.rc = tp_ctx_fail(j->base.ctx, TP_ERR_INVALID, "", "%s", j->no_header);
			return 1;
		}
		return 0;
	}
	take_row(j, row, fields, n);
	return j->base.rc != TP_OK;
}

tp_status tp_import_spend(tp_ctx *ctx, tp_store *store, FILE *in,
                          const tp_spend_import_opts *opts, tp_spend_import_stats *stats)
{
	tp_spend_import_opts none = {0};
	tp_spend_import_stats local;
	job j = {.opts = opts ? opts : &none,
	         .stats = stats ? stats : &local, .imported_at = tp_ctx_now(ctx)};
	memset(j.stats, 0, sizeof *j.stats);
	tp_status rc = tp__sheet_job_init(&j.base, ctx, store, j.opts->strict, j.opts->on_reject,
	                                  j.opts->user, &j.stats->rejected, j.opts->currency);
	if (rc != TP_OK)
		return rc;
	rc = tp_channel_rules_load(ctx, store, &j.rules);
	describe_no_header(&j);
	if (rc == TP_OK)
		rc = tp__sheet_import(&j.base, in, on_row, &j, j.no_header);
	if (j.mixed_currency)
		j.stats->currency[0] = '\0';
	tp__sheet_headers_free(j.header, C__COUNT);
	tp_channel_rules_destroy(j.rules);
	return rc;
}
