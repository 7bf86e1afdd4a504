/* Contacts from CRM exports. Header names are compared after folding case
 * and dropping everything but letters and digits, so "First Name",
 * "first_name" and "FirstName" are one column. */
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "ingest/sheet.h"
#include "touchpoint/csv.h"
#include "touchpoint/email.h"
#include "touchpoint/identity.h"
#include "touchpoint/import.h"
#include "touchpoint/stage.h"

enum {
	F_EMAIL, F_FIRST_NAME, F_LAST_NAME, F_NAME, F_TITLE, F_PHONE, F_COMPANY, F_WEBSITE,
	F_INDUSTRY, F_COUNTRY, F_EMPLOYEES, F_ANNUAL_REVENUE, F_LEAD_SOURCE, F_STAGE, F_OWNER,
	F__COUNT
};

static const char *const field_names[F__COUNT + 1] = {
	"email", "first_name", "last_name", "name", "title", "phone", "company", "website",
	"industry", "country", "employees", "annual_revenue", "lead_source", "stage", "owner",
	NULL};

/* Folded header names per field: HubSpot and Salesforce export columns. */
static const char *const aliases[F__COUNT][8] = {
	[F_EMAIL] = {"email", "emailaddress", "workemail", "businessemail"},
	[F_FIRST_NAME] = {"firstname", "givenname"},
	[F_LAST_NAME] = {"lastname", "surname", "familyname"},
	[F_NAME] = {"name", "fullname", "contactname"},
	[F_TITLE] = {"jobtitle", "title", "position"},
	[F_PHONE] = {"phone", "phonenumber", "mobilephone", "mobilephonenumber", "workphone"},
	[F_COMPANY] = {"company", "companyname", "accountname", "organization",
	               "associatedcompany"},
	[F_WEBSITE] = {"website", "websiteurl", "companydomainname", "domain"},
	[F_INDUSTRY] = {"industry"},
	[F_COUNTRY] = {"country", "countryregion", "mailingcountry", "billingcountry"},
	[F_EMPLOYEES] = {"numberofemployees", "employees", "companysize", "employeecount"},
	[F_ANNUAL_REVENUE] = {"annualrevenue"},
	[F_LEAD_SOURCE] = {"leadsource", "originalsource", "source"},
	[F_STAGE] = {"lifecyclestage", "leadstatus", "status", "stage"},
	[F_OWNER] = {"contactowner", "leadowner", "owner", "ownername"},
};

const char *const *tp_contact_fields(void)
{
	return field_names;
}

typedef struct job {
	tp_ctx *ctx;
	tp_identity *identity;
	const tp_contacts_import_opts *opts;
	tp_contacts_import_stats *stats;
	int column[F__COUNT];      /* column index per field, -1 = absent */
	char *header[F__COUNT];    /* header text per field, for messages */
	tp_status rc;
	int64_t since_commit;
	tp_store *store;
	int header_seen;
} job;

static int map_override(job *j, const char *const *fields, size_t n)
{
	const char *map = j->opts->map;
	while (map && *map) {
		const char *comma = strchr(map, ',');
		size_t len = comma ? (size_t)(comma - map) : strlen(map);
		const char *eq = memchr(map, '=', len);
		if (!eq) {
			j->rc = tp_ctx_fail(j->ctx, TP_ERR_USAGE, "--map",
			                    "\"%.*s\" is not field=Header", (int)len, map);
			return -1;
		}
		size_t fl = (size_t)(eq - map);
		int field = -1;
		for (int f = 0; f < F__COUNT; f++)
			if (strlen(field_names[f]) == fl && strncmp(map, field_names[f], fl) == 0)
				field = f;
		if (field < 0) {
			j->rc = tp_ctx_fail(j->ctx, TP_ERR_USAGE, "--map",
			                    "\"%.*s\" is not a contact field (email, first_name, last_name,"
			                    " name, title, phone, company, website, industry, country,"
			                    " employees, annual_revenue, lead_source, stage, owner)",
			                    (int)fl, map);
			return -1;
		}
		const char *hdr = eq + 1;
		size_t hl = len - fl - 1;
		int found = -1;
		for (size_t c = 0; c < n; c++)
			if (fields[c] && strlen(fields[c]) == hl && strncmp(fields[c], hdr, hl) == 0)
				found = (int)c;
		if (found < 0) {
			j->rc = tp_ctx_fail(j->ctx, TP_ERR_USAGE, "--map",
			                    "the file has no column \"%.*s\"", (int)hl, hdr);
			return -1;
		}
		j->column[field] = found;
		map = comma ? comma + 1 : NULL;
	}
	return 0;
}

static int read_header(job *j, const char *const *fields, size_t n)
{
	for (int f = 0; f < F__COUNT; f++)
		j->column[f] = -1;
	for (size_t c = 0; c < n; c++) {
		char folded[128];
		tp__fold(fields[c] ? fields[c] : "", folded, sizeof folded);
		for (int f = 0; f < F__COUNT; f++)
			for (int a = 0; a < 8 && aliases[f][a]; a++)
				if (j->column[f] < 0 && strcmp(folded, aliases[f][a]) == 0)
					j->column[f] = (int)c;
	}
	if (map_override(j, fields, n) != 0)
		return -1;
	for (int f = 0; f < F__COUNT; f++)
		if (j->column[f] >= 0 && fields[j->column[f]])
			j->header[f] = strdup(fields[j->column[f]]);
	if (j->column[F_EMAIL] < 0) {
		j->rc = tp_ctx_fail(j->ctx, TP_ERR_INVALID, "Email",
		                    "the file has no email column (looked for Email, Email Address,"
		                    " Work Email; name it with --map email=Header)");
		return -1;
	}
	return 0;
}

static const char *cell(const job *j, int field, const char *const *fields, size_t n)
{
	int c = j->column[field];
	if (c < 0 || (size_t)c >= n || !fields[c])
		return NULL;
	size_t len;
	const char *s = tp__trim(fields[c], &len);
	return len ? s : NULL;
}

static void row_reject(job *j, int64_t row, int field, const char *fmt, const char *value)
{
	char msg[512];
	snprintf(msg, sizeof msg, fmt, value ? value : "");
	j->stats->rejected++;
	if (j->opts->on_reject)
		j->opts->on_reject(j->opts->user, row, field >= 0 && j->header[field]
		                   ? j->header[field] : field_names[field < 0 ? 0 : field], msg);
	if (j->opts->strict)
		j->rc = tp_ctx_fail(j->ctx, TP_ERR_INVALID, field_names[field < 0 ? 0 : field],
		                    "row %lld: %s", (long long)row, msg);
}

/* "51-200" and "1,000" → the first whole number; -1 when there is none. */
static int64_t leading_number(const char *s)
{
	if (!s)
		return -1;
	int64_t v = -1;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (v < 0)
				v = 0;
			if (v > 100000000000000LL)
				return -1;
			v = v * 10 + (*s - '0');
		} else if (*s == ',' && v >= 0) {
			continue;
		} else if (v >= 0) {
			break;
		}
	}
	return v;
}

static int on_row(void *user, int64_t row, const char *const *fields, size_t n)
{
	job *j = user;
	if (row == 1) {
		j->header_seen = 1;
		return read_header(j, fields, n);
	}
	j->stats->rows++;
	const char *email = cell(j, F_EMAIL, fields, n);
	if (!email) {
		row_reject(j, row, F_EMAIL, "is empty: contacts are deduplicated by email%s", NULL);
		return j->opts->strict;
	}
	char norm[TP_MAX_EMAIL_BYTES + 1];
	const char *why;
	if (tp_email_normalize(email, norm, &why) != 0) {
		char msg[400];
		snprintf(msg, sizeof msg, "\"%.200s\" %s", email, why);
		row_reject(j, row, F_EMAIL, "%s", msg);
		return j->opts->strict;
	}
	tp_traits tr = {.email = norm, .employees = -1, .annual_revenue = -1};
	tr.first_name = cell(j, F_FIRST_NAME, fields, n);
	tr.last_name = cell(j, F_LAST_NAME, fields, n);
	char first[256];
	const char *full = cell(j, F_NAME, fields, n);
	if (!tr.first_name && !tr.last_name && full) {
		const char *sp = strrchr(full, ' ');
		if (sp && (size_t)(sp - full) < sizeof first) {
			memcpy(first, full, (size_t)(sp - full));
			first[sp - full] = '\0';
			tr.first_name = first;
			tr.last_name = sp + 1;
		} else {
			tr.first_name = full;
		}
	}
	tr.title = cell(j, F_TITLE, fields, n);
	tr.phone = cell(j, F_PHONE, fields, n);
	tr.company = cell(j, F_COMPANY, fields, n);
	tr.website = cell(j, F_WEBSITE, fields, n);
	tr.industry = cell(j, F_INDUSTRY, fields, n);
	tr.country = cell(j, F_COUNTRY, fields, n);
	tr.lead_source = cell(j, F_LEAD_SOURCE, fields, n);
	tr.owner = cell(j, F_OWNER, fields, n);
	tr.employees = leading_number(cell(j, F_EMPLOYEES, fields, n));
	int64_t revenue = leading_number(cell(j, F_ANNUAL_REVENUE, fields, n));
	tr.annual_revenue = revenue >= 0 ? revenue * 100 : -1;
	int stage = -1;
	const char *stage_text = cell(j, F_STAGE, fields, n);
	if (stage_text) {
		tp_stage s;
		if (tp_stage_from_crm(stage_text, &s) != 0) {
			row_reject(j, row, F_STAGE,
			           "\"%.100s\" is not a stage we know (see docs/STAGES.md for the HubSpot"
			           " and Salesforce values)", stage_text);
			return j->opts->strict;
		}
		stage = (int)s;
	}
	int64_t cid;
	int created;
	tp_status rc = tp_identity_upsert(j->identity, j->ctx, &tr, stage, "import",
	                                  j->opts->overwrite, &cid, &created);
	if (rc != TP_OK) {
		j->rc = rc;
		return 1;
	}
	if (created)
		j->stats->created++;
	else
		j->stats->updated++;
	if (!j->opts->strict && ++j->since_commit >= 10000) {
		j->since_commit = 0;
		if ((j->rc = j->store->ops->commit(j->store, j->ctx)) != TP_OK ||
		    (j->rc = j->store->ops->begin(j->store, j->ctx)) != TP_OK)
			return 1;
	}
	return 0;
}

tp_status tp_import_contacts(tp_ctx *ctx, tp_store *store, FILE *in,
                             const tp_contacts_import_opts *opts,
                             tp_contacts_import_stats *stats)
{
	tp_contacts_import_opts none = {0};
	tp_contacts_import_stats local = {0};
	job j = {.ctx = ctx, .opts = opts ? opts : &none, .stats = stats ? stats : &local,
	         .store = store};
	memset(j.stats, 0, sizeof *j.stats);
	j.identity = tp_identity_create(store);
	tp_csv_reader *r = tp_csv_reader_create(on_row, &j);
	tp_status rc = TP_OK;
	if (!j.identity || !r) {
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
		goto out;
	}
	if ((rc = store->ops->begin(store, ctx)) != TP_OK)
		goto out;
	rc = tp_csv_read_file(r, ctx, in);
	if (rc == TP_OK)
		rc = j.rc;
	if (rc == TP_OK && !j.header_seen)
		rc = tp_ctx_fail(ctx, TP_ERR_INVALID, "", "the file is empty: it needs a header row");
	if (rc == TP_OK) {
		rc = store->ops->commit(store, ctx);
	} else {
		tp_store_rollback_quiet(store);
	}
out:
	for (int f = 0; f < F__COUNT; f++)
		free(j.header[f]);
	tp_csv_reader_destroy(r);
	tp_identity_destroy(j.identity);
	return rc;
}
