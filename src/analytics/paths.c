/* The paths report: which channel sequences and combinations convert, and
 * how long journeys are. */
#include <stdlib.h>
#include <string.h>

#include "analytics/attribution_int.h"
#include "core/buf.h"
#include "core/strmap.h"

typedef struct rows {
	tp_path_row *v;
	size_t n, cap;
} rows;

/* Appends s; sets *oom on failure. */
static void puts_oom(tp_buf *b, const char *s, int *oom)
{
	if (tp__buf_add(b, s, strlen(s)) != 0)
		*oom = 1;
}

static tp_path_row *rows_add(rows *r, const char *path, uint32_t length)
{
	if (tp__grow((void **)&r->v, &r->cap, r->n + 1, sizeof *r->v) != 0)
		return NULL;
	char *copy = strdup(path);
	if (!copy)
		return NULL;
	tp_path_row *row = &r->v[r->n++];
	*row = (tp_path_row){copy, length, 0, 0, 0, -1};
	return row;
}

static void rows_free(tp_path_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

static int by_conversions(const void *a, const void *b)
{
	const tp_path_row *x = a, *y = b;
	if (x->conversions != y->conversions)
		return x->conversions < y->conversions ? 1 : -1;
	return strcmp(x->path, y->path);
}

static int by_journeys(const void *a, const void *b)
{
	const tp_path_row *x = a, *y = b;
	double jx = x->conversions + x->nulls, jy = y->conversions + y->nulls;
	if (jx != jy)
		return jx < jy ? 1 : -1;
	return strcmp(x->path, y->path);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int by_length(const void *a, const void *b)
{
	const tp_path_row *x = a, *y = b;
	return (x->length > y->length) - (x->length < y->length);
}

static void finish(rows *r, int (*cmp)(const void *, const void *), size_t limit,
                   tp_path_row **out, size_t *n)
{
	for (size_t i = 0; i < r->n; i++) {
		double all = r->v[i].conversions + r->v[i].nulls;
		r->v[i].conversion_rate = all > 0 ? r->v[i].conversions / all : -1;
	}
	if (r->n)
		qsort(r->v, r->n, sizeof *r->v, cmp);
	while (limit && r->n > limit)
		free(r->v[--r->n].path);
	*out = r->v;
	*n = r->n;
}

/* Adds a journey's counts to the row of `key`, made when new. */
static int tally(rows *r, tp_strmap *index, const char *key, uint32_t length,
                 const tp_journey *jr)
{
	int64_t at;
	tp_path_row *row;
	if (tp__strmap_get(index, key, &at)) {
		row = &r->v[at];
	} else {
		if (tp__strmap_put(index, key, (int64_t)r->n) != 0 || !(row = rows_add(r, key, length)))
			return -1;
	}
	row->conversions += jr->conversions;
	row->value += jr->value;
	row->nulls += jr->nulls;
	return 0;
}

tp_status tp_paths_report_build(tp_ctx *ctx, const tp_journeys *j, size_t limit,
                                tp_paths_report *out)
{
	memset(out, 0, sizeof *out);
	rows conv = {0}, none = {0}, sets = {0}, lengths = {0};
	tp_strmap conv_ix, none_ix, len_ix;
	tp__strmap_init(&conv_ix);
	tp__strmap_init(&none_ix);
	tp__strmap_init(&len_ix);
	tp_buf key;
	tp__buf_init(&key, 0);
	int oom = 0;
	for (size_t k = 0; !oom && k < tp_journeys_count(j); k++) {
		tp_journey jr = tp_journeys_get(j, k);
		tp__buf_reset(&key);
		for (uint32_t i = 0; i < jr.n_steps; i++) {
			if (i)
				puts_oom(&key, " > ", &oom);
			puts_oom(&key, tp_journeys_channel_name(j, jr.steps[i].channel), &oom);
		}
		if (!jr.n_steps)
			puts_oom(&key, "(no touches)", &oom);
		const char *path = key.data;
		if (oom)
			break;
		if (jr.conversions > 0 && tally(&conv, &conv_ix, path, jr.n_steps, &jr) != 0)
			oom = 1;
		if (!oom && jr.nulls > 0 && tally(&none, &none_ix, path, jr.n_steps, &jr) != 0)
			oom = 1;
		char len[16];
		snprintf(len, sizeof len, "%u", (unsigned)jr.n_steps);
		if (!oom && tally(&lengths, &len_ix, len, jr.n_steps, &jr) != 0)
			oom = 1;
	}
	/* In the converting and non-converting lists a row shows only its side. */
	for (size_t i = 0; i < conv.n; i++)
		conv.v[i].nulls = 0;
	for (size_t i = 0; i < none.n; i++)
		none.v[i].conversions = none.v[i].value = 0;
	channel_sets cs = {0};
	tp_status rc = oom ? TP_ERR_NOMEM : tp__channel_sets(ctx, j, 0, &cs);
	for (size_t i = 0; rc == TP_OK && i < cs.n; i++) {
		tp__buf_reset(&key);
		/* Members by name, so that a combination reads the same everywhere. */
		const char **names = malloc(cs.sets[i].n * sizeof *names);
		if (!names) {
			rc = TP_ERR_NOMEM;
			break;
		}
		for (uint32_t m = 0; m < cs.sets[i].n; m++)
			names[m] = tp_journeys_channel_name(j, cs.sets[i].members[m]);
		qsort(names, cs.sets[i].n, sizeof *names, cmp_str);
		for (uint32_t m = 0; m < cs.sets[i].n; m++) {
			if (m)
				puts_oom(&key, " + ", &oom);
			puts_oom(&key, names[m], &oom);
		}
		free(names);
		tp_path_row *row = oom ? NULL : rows_add(&sets, key.data, cs.sets[i].n);
		if (!row) {
			rc = TP_ERR_NOMEM;
			break;
		}
		row->conversions = cs.sets[i].conversions;
		row->value = cs.sets[i].value;
		row->nulls = cs.sets[i].journeys - cs.sets[i].conversions;
	}
	tp__channel_sets_free(&cs);
	tp__strmap_free(&conv_ix);
	tp__strmap_free(&none_ix);
	tp__strmap_free(&len_ix);
	tp__buf_free(&key);
	if (rc != TP_OK) {
		rows_free(conv.v, conv.n);
		rows_free(none.v, none.n);
		rows_free(sets.v, sets.n);
		rows_free(lengths.v, lengths.n);
		return rc == TP_ERR_NOMEM ? tp_ctx_fail(ctx, rc, NULL, "paths: out of memory") : rc;
	}
	finish(&conv, by_conversions, limit, &out->converting, &out->n_converting);
	finish(&none, by_journeys, limit, &out->non_converting, &out->n_non_converting);
	finish(&sets, by_journeys, limit, &out->sets, &out->n_sets);
	finish(&lengths, by_length, 0, &out->lengths, &out->n_lengths);
	return TP_OK;
}

void tp_paths_report_free(tp_paths_report *r)
{
	if (!r)
		return;
	rows_free(r->converting, r->n_converting);
	rows_free(r->non_converting, r->n_non_converting);
	rows_free(r->sets, r->n_sets);
	rows_free(r->lengths, r->n_lengths);
	memset(r, 0, sizeof *r);
}
