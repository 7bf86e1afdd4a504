/* MRR levels from a billing export (Stripe, Chargebee, a finance sheet):
 * account, month, MRR. Levels rather than movements, because that is what
 * billing knows; src/analytics/revenue.c derives the movements. */
#include <string.h>

#include "core/text.h"
#include "ingest/sheet.h"
#include "touchpoint/import.h"
#include "touchpoint/money.h"
#include "touchpoint/time.h"

enum { C_ACCOUNT_ID, C_DOMAIN, C_NAME, C_MONTH, C_MRR, C_CURRENCY, C__COUNT };

#define L(...) (const char *const[]){__VA_ARGS__, NULL}

static const char *const column_names[C__COUNT] = {"account_id", "domain", "account", "month",
	"mrr", "currency"};
static const char *const *const aliases[C__COUNT] = {
	[C_ACCOUNT_ID] = L("accountid", "touchpointaccountid"),
	[C_DOMAIN] = L("domain", "website", "accountdomain", "companydomain", "companywebsite"),
	[C_NAME] = L("account", "accountname", "company", "companyname", "customer",
	             "customername"),
	[C_MONTH] = L("month", "period", "date", "invoicemonth", "billingmonth"),
	[C_MRR] = L("mrr", "monthlyrecurringrevenue", "mrramount"),
	[C_CURRENCY] = L("currency", "currencycode"),
};

typedef struct job {
	tp__sheet_job base;       /* ctx, store, refusals, rc */
	const tp_revenue_import_opts *opts;
	tp_revenue_import_stats *stats;
	int column[C__COUNT];
	char *header[C__COUNT];
	int64_t now;
} job;

static void reject(job *j, int64_t row, int col, const char *fmt, const char *value)
{
	tp__sheet_reject(&j->base, row, j->header[col] ? j->header[col] : column_names[col], fmt,
	                 value);
}

static int take_header(job *j, const char *const *fields, size_t n)
{
	j->base.header_seen = 1;
	if (tp__sheet_columns(fields, n, aliases, C__COUNT, j->column, j->header) != 0) {
		j->base.rc = tp_ctx_fail(j->base.ctx, TP_ERR_NOMEM, NULL, "out of memory");
		return 1;
	}
	const char *missing = j->column[C_ACCOUNT_ID] < 0 && j->column[C_DOMAIN] < 0
	                      ? "an account column (domain, website or account_id)"
	                      : j->column[C_MONTH] < 0 ? "a month column"
	                      : j->column[C_MRR] < 0 ? "an MRR column (mrr)" : NULL;
	if (missing) {
		j->base.rc = tp_ctx_fail(j->base.ctx, TP_ERR_INVALID, "", "the header has no %s", missing);
		return 1;
	}
	return 0;
}

/* The account a row names: by Touchpoint id, else by domain (created when new). */
static int account_of(job *j, int64_t row, const char *const *fields, size_t n, int64_t *id)
{
	char buf[256], domain[256], name[256];
	const char *v;
	if ((v = tp__sheet_cell(fields, n, j->column[C_ACCOUNT_ID], buf, sizeof buf))) {
		long long parsed;
		tp_account a;
		int found = 0;
		if (tp__parse_i64(v, &parsed) != 0 || parsed <= 0) {
			reject(j, row, C_ACCOUNT_ID, "\"%s\" is not an account id", v);
			return -1;
		}
		if ((j->base.rc = j->base.store->ops->account_get(j->base.store, j->base.ctx, parsed, &a, &found)) != TP_OK)
			return -1;
		if (!found) {
			reject(j, row, C_ACCOUNT_ID, "there is no account %s", v);
			return -1;
		}
		*id = parsed;
		return 0;
	}
	if (!(v = tp__sheet_cell(fields, n, j->column[C_DOMAIN], buf, sizeof buf))) {
		reject(j, row, j->column[C_DOMAIN] >= 0 ? C_DOMAIN : C_ACCOUNT_ID, "is empty", NULL);
		return -1;
	}
	if (!tp__website_domain(v, domain, sizeof domain)) {
		reject(j, row, C_DOMAIN, "\"%s\" is not a domain like acme.com", v);
		return -1;
	}
	if ((j->base.rc = j->base.store->ops->account_find(j->base.store, j->base.ctx, domain, NULL, id)) != TP_OK)
		return -1;
	if (*id)
		return 0;
	tp_account a = {.domain = domain, .employees = -1, .annual_revenue = -1,
	                .created_at = j->now,
	                .name = tp__sheet_cell(fields, n, j->column[C_NAME], name, sizeof name)};
	if ((j->base.rc = j->base.store->ops->account_put(j->base.store, j->base.ctx, &a)) != TP_OK)
		return -1;
	j->stats->accounts_created++;
	*id = a.id;
	return 0;
}

static void take_row(job *j, int64_t row, const char *const *fields, size_t n)
{
	char buf[64], day[11], month[8], code[4] = "USD";
	int m;
	const char *v;
	j->stats->rows++;
	if (!(v = tp__sheet_cell(fields, n, j->column[C_MONTH], buf, sizeof buf)))
		return reject(j, row, C_MONTH, "is empty", NULL);
	if (tp_month_parse(v, &m) != 0) {
		int64_t ms;
		if (tp__sheet_date(v, day) != 0 || tp_time_parse(day, &ms) != 0)
			return reject(j, row, C_MONTH, "\"%s\" is not a month (2026-03, 2026-03-01)", v);
		m = tp_month_of(ms);
	}
	tp_month_format(m, month);
	tp_mrr_row r = {.month = month, .currency = code, .imported_at = j->now};
	v = tp__sheet_cell(fields, n, j->column[C_MRR], buf, sizeof buf);
	if (!v)
		r.mrr = 0;   /* a blank is no MRR that month */
	else if (tp_money_parse(v, &r.mrr) != 0)
		return reject(j, row, C_MRR, "\"%s\" is not an amount like 1234.56 (MRR is never"
		              " negative)", v);
	if ((v = tp__sheet_cell(fields, n, j->column[C_CURRENCY], buf, sizeof buf))) {
		if (tp_currency_parse(v, code) != 0)
			return reject(j, row, C_CURRENCY, "\"%s\" is not a currency code like USD", v);
	} else if (j->opts->currency) {
		tp_currency_parse(j->opts->currency, code);
	}
	if (account_of(j, row, fields, n, &r.account_id) != 0)
		return;
	if ((j->base.rc = j->base.store->ops->mrr_insert(j->base.store, j->base.ctx, &r)) != TP_OK)
		return;
	tp_revenue_import_stats *st = j->stats;
	st->stored++;
	if (!st->first_month[0] || strcmp(month, st->first_month) < 0)
		memcpy(st->first_month, month, 8);
	if (strcmp(month, st->last_month) > 0)
		memcpy(st->last_month, month, 8);
}

static int on_row(void *user, int64_t row, const char *const *fields, size_t n)
{
	job *j = user;
	if (n == 1 && (!fields[0] || !*fields[0]))
		return 0;   /* a blank line */
	if (!j->base.header_seen)
		return take_header(j, fields, n);
	take_row(j, row, fields, n);
	return j->base.rc != TP_OK;
}

tp_status tp_import_revenue(tp_ctx *ctx, tp_store *store, FILE *in,
                            const tp_revenue_import_opts *opts, tp_revenue_import_stats *stats)
{
	tp_revenue_import_opts none = {0};
	tp_revenue_import_stats local;
	job j = {.opts = opts ? opts : &none,
	         .stats = stats ? stats : &local, .now = tp_ctx_now(ctx)};
	memset(j.stats, 0, sizeof *j.stats);
	tp_status rc = tp__sheet_job_init(&j.base, ctx, store, j.opts->strict, j.opts->on_reject,
	                                  j.opts->user, &j.stats->rejected, j.opts->currency);
	if (rc != TP_OK)
		return rc;
	rc = tp__sheet_import(&j.base, in, on_row, &j,
	                                "the file is empty: it needs a header row");
	tp__sheet_headers_free(j.header, C__COUNT);
	return rc;
}
