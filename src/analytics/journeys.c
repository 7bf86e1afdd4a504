/* The journeys container every attribution model reads, and the reader of
 * ChannelAttribution's aggregated path files. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/strmap.h"
#include "core/text.h"
#include "touchpoint/attribution.h"
#include "touchpoint/limits.h"

/* Steps live in one array; a journey keeps its offset so that the array
 * can grow. */
typedef struct journey_row {
	size_t first;
	uint32_t n_steps;
	double conversions, value, nulls;
	int64_t converted_at;
} journey_row;

struct tp_journeys {
	tp_strmap channel_index;
	char **names;
	size_t n_names, cap_names;
	tp_journey_step *steps;
	size_t n_steps, cap_steps;
	journey_row *rows;
	size_t n_rows, cap_rows;
	int untimed;               /* some step has no time */
};

tp_journeys *tp_journeys_create(void)
{
	tp_journeys *j = calloc(1, sizeof *j);
	if (j)
		tp__strmap_init(&j->channel_index);
	return j;
}

void tp_journeys_free(tp_journeys *j)
{
	if (!j)
		return;
	tp__strmap_free(&j->channel_index);
	for (size_t i = 0; i < j->n_names; i++)
		free(j->names[i]);
	free(j->names);
	free(j->steps);
	free(j->rows);
	free(j);
}

int64_t tp_journeys_channel(tp_journeys *j, const char *name)
{
	int64_t idx;
	if (tp__strmap_get(&j->channel_index, name, &idx))
		return idx;
	if (j->n_names >= UINT32_MAX ||
	    tp__grow((void **)&j->names, &j->cap_names, j->n_names + 1, sizeof *j->names) != 0)
		return -1;
	char *copy = strdup(name);
	if (!copy || tp__strmap_put(&j->channel_index, name, (int64_t)j->n_names) != 0) {
		free(copy);
		return -1;
	}
	j->names[j->n_names] = copy;
	return (int64_t)j->n_names++;
}

const char *tp_journeys_channel_name(const tp_journeys *j, uint32_t channel)
{
	return channel < j->n_names ? j->names[channel] : "?";
}

size_t tp_journeys_n_channels(const tp_journeys *j)
{
	return j->n_names;
}

tp_status tp_journeys_add(tp_ctx *ctx, tp_journeys *j, const tp_journey_step *steps,
                          uint32_t n_steps, double conversions, double value, double nulls,
                          int64_t converted_at)
{
	if (tp__grow((void **)&j->steps, &j->cap_steps, j->n_steps + n_steps, sizeof *j->steps) != 0 ||
	    tp__grow((void **)&j->rows, &j->cap_rows, j->n_rows + 1, sizeof *j->rows) != 0)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "journeys: out of memory");
	for (uint32_t i = 0; i < n_steps; i++) {
		if (steps[i].channel >= j->n_names)
			return tp_ctx_fail(ctx, TP_ERR_INVALID, "channel", "no channel number %u",
			                   (unsigned)steps[i].channel);
		if (steps[i].ts < 0)
			j->untimed = 1;
	}
	if (n_steps)
		memcpy(j->steps + j->n_steps, steps, n_steps * sizeof *steps);
	j->rows[j->n_rows++] = (journey_row){j->n_steps, n_steps, conversions, value, nulls,
	                                     converted_at};
	j->n_steps += n_steps;
	return TP_OK;
}

size_t tp_journeys_count(const tp_journeys *j)
{
	return j->n_rows;
}

tp_journey tp_journeys_get(const tp_journeys *j, size_t i)
{
	const journey_row *r = &j->rows[i];
	return (tp_journey){j->steps + r->first, r->n_steps, r->conversions, r->value, r->nulls,
	                    r->converted_at};
}

int tp_journeys_timed(const tp_journeys *j)
{
	return !j->untimed;
}

/* ---- ChannelAttribution path files ---------------------------------------- */

/* Splits the next ';'-separated field off *p (NUL-terminating it). */
static char *next_field(char **p)
{
	if (!*p)
		return NULL;
	char *f = *p, *semi = strchr(f, ';');
	if (semi) {
		*semi = '\0';
		*p = semi + 1;
	} else {
		*p = NULL;
	}
	return f;
}

static int parse_number(const char *s, int allow_negative, double *out)
{
	size_t n;
	s = tp__trim(s, &n);
	if (n == 0 || n > 64)
		return -1;
	char buf[65], *end;
	memcpy(buf, s, n);
	buf[n] = '\0';
	double v = strtod(buf, &end);
	/* Up to 10^15: sums over millions of rows stay exact enough to add up. */
	if (*end || !isfinite(v) || (!allow_negative && v < 0) || fabs(v) > 1e15)
		return -1;
	*out = v;
	return 0;
}

/* Reads the " > "-separated channels of `path` into *steps; *n is set. */
static tp_status parse_path(tp_ctx *ctx, tp_journeys *j, char *path, int64_t line,
                            tp_journey_step **steps, size_t *cap, uint32_t *n)
{
	*n = 0;
	for (char *p = path; p;) {
		char *sep = strchr(p, '>'), *name = p;
		if (sep) {
			*sep = '\0';
			p = sep + 1;
		} else {
			p = NULL;
		}
		size_t len;
		char *t = (char *)tp__trim(name, &len);
		if (len == 0)
			return tp_ctx_fail(ctx, TP_ERR_INVALID, "path",
			                   "line %lld: an empty channel name in the path", (long long)line);
		if (len > TP_MAX_TEXT_BYTES)
			return tp_ctx_fail(ctx, TP_ERR_TOO_BIG, "path", "line %lld: a channel name over %d bytes",
			                   (long long)line, TP_MAX_TEXT_BYTES);
		if (*n >= TP_MAX_PATH_STEPS)
			return tp_ctx_fail(ctx, TP_ERR_TOO_BIG, "path", "line %lld: over %d touches",
			                   (long long)line, TP_MAX_PATH_STEPS);
		t[len] = '\0';
		int64_t ch = tp_journeys_channel(j, t);
		if (ch < 0 || tp__grow((void **)steps, cap, *n + 1, sizeof **steps) != 0)
			return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "paths: out of memory");
		(*steps)[(*n)++] = (tp_journey_step){(uint32_t)ch, 0, -1};
	}
	return TP_OK;
}

tp_status tp_journeys_read_paths(tp_ctx *ctx, FILE *in, tp_journeys *j)
{
	char *line = NULL;
	size_t cap = 0, steps_cap = 0;
	tp_journey_step *steps = NULL;
	ssize_t len;
	int64_t no = 0;
	tp_status rc = TP_OK;
	while (rc == TP_OK && (len = getline(&line, &cap, in)) >= 0) {
		no++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if ((size_t)len != strlen(line)) {
			rc = tp_ctx_fail(ctx, TP_ERR_INVALID, "path", "line %lld: a NUL byte", (long long)no);
			break;
		}
		if (no == 1) {
			if (strncmp(line, "path;", 5) != 0)
				rc = tp_ctx_fail(ctx, TP_ERR_INVALID, "header",
				                 "line 1 must be the header "
				                 "path;total_conversions;total_conversion_value;total_null");
			continue;
		}
		if (len == 0)
			continue;
		char *p = line;
		char *path = next_field(&p), *conv = next_field(&p), *value = next_field(&p),
		     *nulls = next_field(&p);
		double c, v, u;
		const char *bad = NULL;
		if (!nulls || p)
			rc = tp_ctx_fail(ctx, TP_ERR_INVALID, "line",
			                 "line %lld: %s fields; want path;conversions;value;nulls",
			                 (long long)no, p ? "more than 4" : "fewer than 4");
		else if (parse_number(conv, 0, &c) != 0)
			bad = "total_conversions";
		else if (parse_number(value, 1, &v) != 0)
			bad = "total_conversion_value";
		else if (parse_number(nulls, 0, &u) != 0)
			bad = "total_null";
		if (bad)
			rc = tp_ctx_fail(ctx, TP_ERR_INVALID, bad, "line %lld: %s is not a number%s up to 1e15",
			                 (long long)no, bad,
			                 strcmp(bad, "total_conversion_value") ? " >= 0" : "");
		if (rc != TP_OK)
			break;
		uint32_t n;
		rc = parse_path(ctx, j, path, no, &steps, &steps_cap, &n);
		if (rc == TP_OK)
			rc = tp_journeys_add(ctx, j, steps, n, c, v, u, -1);
	}
	if (rc == TP_OK && ferror(in))
		rc = tp_ctx_fail(ctx, TP_ERR_IO, NULL, "paths: read error");
	if (rc == TP_OK && no == 0)
		rc = tp_ctx_fail(ctx, TP_ERR_INVALID, "header", "the path file is empty");
	free(line);
	free(steps);
	return rc;
}
