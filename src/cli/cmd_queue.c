/* touchpoint queue: the sales queue. MQLs not yet accepted, best first, each
 * with the three rules that weigh most in its score; or, with --accounts,
 * accounts ranked as buying committees for account-based marketing. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static int queue_contacts(tp_ctx *ctx, tp_store *s, const cli_opts *o)
{
	cJSON *arr;
	size_t waiting;
	tp_status rc = tp_view_queue(ctx, s, o->owner, o->limit, &arr, &waiting);
	if (rc != TP_OK)
		return cli_fail(ctx, rc);
	if (o->json) {
		tp_json_print(arr, stdout);
		return EXIT_OK;
	}
	/* The table is drawn from the JSON view, so the two always agree. */
	tp_table *t = tp_table_new(7);
	tp_table_add(t, (const char *[]){"ID", "EMAIL", "NAME", "OWNER", "SCORE", "GRADE",
	                                  "TOP REASONS"});
	const cJSON *l;
	cJSON_ArrayForEach(l, arr) {
		char id[24], score[24], grade[16];
		snprintf(id, sizeof id, "%.0f", cJSON_GetObjectItem(l, "contact_id")->valuedouble);
		snprintf(score, sizeof score, "%.2f", cJSON_GetObjectItem(l, "score")->valuedouble);
		snprintf(grade, sizeof grade, "%d", cJSON_GetObjectItem(l, "grade")->valueint);
		tp_table_add(t, (const char *[]){id, cJSON_GetObjectItem(l, "email")->valuestring,
		                                 cJSON_GetObjectItem(l, "name")->valuestring,
		                                 cJSON_GetObjectItem(l, "owner")->valuestring, score, grade,
		                                 cJSON_GetObjectItem(l, "top_reasons")->valuestring});
	}
	tp_table_print(t, stdout);
	tp_table_free(t);
	cJSON_Delete(arr);
	printf("%zu MQLs waiting for sales%s%s\n", waiting, o->owner ? " for " : "",
	       o->owner ? o->owner : "");
	return EXIT_OK;
}

/* ---- accounts ------------------------------------------------------------ */

typedef struct person {
	int64_t id, account_id;
	char seniority[16];
} person;

typedef struct ranking {
	const tp_score_config *cfg;
	int64_t now;
	person *people;
	size_t n_people, cap_people;
	tp_account_score *scores;   /* by account index */
	int64_t *account_ids;
	char **names, **domains;
	size_t n_accounts, cap_accounts;
	int nomem;
} ranking;

static int collect_person(void *user, const tp_contact *c)
{
	ranking *r = user;
	if (!c->account_id)
		return 0;
	if (r->n_people == r->cap_people) {
		size_t cap = r->cap_people ? r->cap_people * 2 : 1024;
		person *p = realloc(r->people, cap * sizeof *p);
		if (!p) {
			r->nomem = 1;
			return 1;
		}
		r->people = p;
		r->cap_people = cap;
	}
	person *p = &r->people[r->n_people++];
	p->id = c->id;
	p->account_id = c->account_id;
	const char *sen = tp_title_seniority(c->title);
	snprintf(p->seniority, sizeof p->seniority, "%s", sen ? sen : "");
	return 0;
}

static int collect_account(void *user, const tp_account *a, int64_t n_contacts)
{
	ranking *r = user;
	(void)n_contacts;
	if (r->n_accounts == r->cap_accounts) {
		size_t cap = r->cap_accounts ? r->cap_accounts * 2 : 256;
		int64_t *ids = realloc(r->account_ids, cap * sizeof *ids);
		if (ids)
			r->account_ids = ids;
		char **names = realloc(r->names, cap * sizeof *names);
		if (names)
			r->names = names;
		char **domains = realloc(r->domains, cap * sizeof *domains);
		if (domains)
			r->domains = domains;
		tp_account_score *sc = realloc(r->scores, cap * sizeof *sc);
		if (sc)
			r->scores = sc;
		if (!ids || !names || !domains || !sc) {
			r->nomem = 1;
			return 1;
		}
		r->cap_accounts = cap;
	}
	size_t i = r->n_accounts++;
	r->account_ids[i] = a->id;
	r->names[i] = strdup(a->name ? a->name : "");
	r->domains[i] = strdup(a->domain ? a->domain : "");
	memset(&r->scores[i], 0, sizeof r->scores[i]);
	/* The account's own fit: size, industry, country. */
	tp_fit_input in = {.industry = a->industry, .country = a->country, .employees = a->employees};
	r->scores[i].fit = tp_score_fit(r->cfg, &in, 1, NULL, NULL);
	return 0;
}

static size_t account_index(const ranking *r, int64_t id)
{
	size_t lo = 0, hi = r->n_accounts;   /* accounts come ordered by id */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->account_ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int by_account_total(const void *a, const void *b, void *arg)
{
	const ranking *r = arg;
	const tp_account_score *x = &r->scores[*(const size_t *)a], *y = &r->scores[*(const size_t *)b];
	double rx = x->total, ry = y->total;
	if (rx != ry)
		return rx > ry ? -1 : 1;
	/* Past the 100 cap, the larger committee engagement ranks first. */
	if (x->engagement != y->engagement)
		return x->engagement > y->engagement ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static int queue_accounts(tp_ctx *ctx, tp_store *s, const tp_score_config *cfg, const cli_opts *o)
{
	ranking r = {.cfg = cfg, .now = tp_ctx_now(ctx)};
	tp_contact_filter f = {.stage = -1};
	tp_status rc = s->ops->accounts_list(s, ctx, collect_account, &r);
	if (rc == TP_OK && !r.nomem)
		rc = s->ops->contacts_list(s, ctx, &f, collect_person, &r);
	if (rc == TP_OK && r.nomem)
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	for (size_t i = 0; i < r.n_people && rc == TP_OK; i++) {
		tp_score_row row;
		int found;
		if ((rc = tp_score_now(ctx, s, cfg, r.people[i].id, r.now, &row, &found)) != TP_OK)
			break;
		size_t a = account_index(&r, r.people[i].account_id);
		if (a < r.n_accounts && r.account_ids[a] == r.people[i].account_id)
			tp_account_score_add(cfg, &r.scores[a], found ? row.engagement : 0,
			                     r.people[i].seniority);
	}
	int exit_code = EXIT_OK;
	size_t *order = calloc(r.n_accounts + 1, sizeof *order);
	if (rc == TP_OK && !order)
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	if (rc != TP_OK) {
		exit_code = cli_fail(ctx, rc);
		goto out;
	}
	for (size_t i = 0; i < r.n_accounts; i++) {
		tp_account_score_finish(cfg, &r.scores[i], r.scores[i].fit);
		order[i] = i;
	}
	qsort_r(order, r.n_accounts, sizeof *order, by_account_total, &r);
	size_t shown = o->limit >= 0 && (size_t)o->limit < r.n_accounts ? (size_t)o->limit : r.n_accounts;
	if (o->json) {
		cJSON *arr = cJSON_CreateArray();
		for (size_t k = 0; k < shown; k++) {
			size_t i = order[k];
			const tp_account_score *a = &r.scores[i];
			cJSON *j = cJSON_CreateObject();
			cJSON_AddNumberToObject(j, "account_id", (double)r.account_ids[i]);
			cJSON_AddStringToObject(j, "name", r.names[i]);
			cJSON_AddStringToObject(j, "domain", r.domains[i]);
			cJSON_AddNumberToObject(j, "score", (double)llround(a->total * 100) / 100);
			cJSON_AddNumberToObject(j, "fit", (double)llround(a->fit * 100) / 100);
			cJSON_AddNumberToObject(j, "engagement", (double)llround(a->engagement * 100) / 100);
			cJSON_AddNumberToObject(j, "people", a->people);
			cJSON_AddNumberToObject(j, "engaged_people", a->engaged);
			cJSON_AddNumberToObject(j, "senior_engaged_people", a->senior_engaged);
			cJSON_AddItemToArray(arr, j);
		}
		tp_json_print(arr, stdout);
	} else {
		tp_table *t = tp_table_new(8);
		tp_table_add(t, (const char *[]){"ID", "ACCOUNT", "DOMAIN", "SCORE", "FIT",
		                                  "ENGAGEMENT", "ENGAGED", "SENIOR ENGAGED"});
		for (size_t k = 0; k < shown; k++) {
			size_t i = order[k];
			const tp_account_score *a = &r.scores[i];
			char id[24], sc[24], fit[24], eng[24], en[24], se[24];
			snprintf(id, sizeof id, "%lld", (long long)r.account_ids[i]);
			snprintf(sc, sizeof sc, "%.2f", a->total);
			snprintf(fit, sizeof fit, "%.2f", a->fit);
			snprintf(eng, sizeof eng, "%.2f", a->engagement);
			snprintf(en, sizeof en, "%d of %d", a->engaged, a->people);
			snprintf(se, sizeof se, "%d", a->senior_engaged);
			tp_table_add(t, (const char *[]){id, r.names[i], r.domains[i], sc, fit, eng, en, se});
		}
		tp_table_print(t, stdout);
		tp_table_free(t);
	}
out:
	for (size_t i = 0; i < r.n_accounts; i++) {
		free(r.names[i]);
		free(r.domains[i]);
	}
	free(order);
	free(r.names);
	free(r.domains);
	free(r.account_ids);
	free(r.scores);
	free(r.people);
	return exit_code;
}

int cmd_queue(tp_ctx *ctx, int argc, char **argv)
{
	cli_opts o;
	int rc = cli_parse("queue", argc, argv, "db workspace owner accounts limit json", &o);
	if (rc)
		return rc;
	tp_store *s = NULL;
	tp_score_config *cfg = NULL;
	tp_status st;
	if (o.nargs)
		rc = cli_usage("queue", "takes no arguments");
	else if (o.accounts && o.owner)
		rc = cli_usage("queue", "--owner is for contacts, not --accounts");
	else if (!(s = cli_open(ctx, o.db, o.workspace)))
		rc = EXIT_FAILED;
	else if ((st = tp_score_config_load(ctx, s, &cfg)) != TP_OK)
		rc = cli_fail(ctx, st);
	else
		rc = o.accounts ? queue_accounts(ctx, s, cfg, &o) : queue_contacts(ctx, s, &o);
	tp_score_config_free(cfg);
	tp_store_close(s);
	cli_opts_free(&o);
	return rc;
}
