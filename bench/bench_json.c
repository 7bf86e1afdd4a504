/* JSON libraries on our events: cJSON (with and without our arena hooks),
 * jsmn (tokens in place, with the RFC 8259 checks in a second walk: the
 * reader of tests/ref/jtok_jsmn.h) and our one-pass reader
 * (src/ingest/jtok.c) against jansson, parsing demo Segment lines and
 * taking the text of `properties`, as the import does. The baseline of the
 * run is jansson. */
#include <cjson/cJSON.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ingest/jtok.h"
#include "touchpoint/touchpoint.h"
#include "../tests/ref/jtok_jsmn.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Our arena, as src/ingest/json.c routes it, reproduced for the comparison. */
static char *arena;
static size_t used, cap;
static void *arena_malloc(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (used + n > cap)
		return malloc(n);
	void *p = arena + used;
	used += n;
	return p;
}
static void arena_free(void *p)
{
	if ((char *)p >= arena && (char *)p < arena + cap)
		return;
	free(p);
}

/* The text of member `key` of the reference's top object, copied (the
 * demo's lines have no whitespace to take out); its length, or 0. */
static size_t ref_member_text(const ref_jtok *d, const char *text, const char *key, tp_arena *a)
{
	size_t kn = strlen(key);
	for (int k = 1, i = 0; d->n > 0 && i < d->tok[0].size; i++, k = d->next[k]) {
		const jsmntok_t *t = &d->tok[k];
		if ((size_t)(t->end - t->start) != kn || memcmp(text + t->start, key, kn) != 0)
			continue;
		const jsmntok_t *v = &d->tok[k + 1];
		int quoted = v->type == JSMN_STRING;
		size_t from = (size_t)(v->start - quoted), to = (size_t)(v->end + quoted);
		return d->flags[k + 1] & REF_SPACED || !tp__arena_strndup(a, text + from, to - from)
		       ? 0 : to - from;
	}
	return 0;
}

int main(void)
{
	tp_ctx *ctx = tp_ctx_create();
	tp_demo_opts d = {.contacts = 8000, .seed = 1, .days = 365};
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	tp_demo_write_events(ctx, &d, out, NULL);
	fclose(out);
	size_t n = 0, bytes = 0;
	char **lines = NULL;
	for (char *p = text, *nl; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		*nl = '\0';
		lines = realloc(lines, (n + 1) * sizeof *lines);
		lines[n++] = p;
		bytes += (size_t)(nl - p);
	}
	printf("%zu demo lines, %zu bytes on average\n", n, bytes / n);
	double rate[5];
	const char *names[] = {"jansson", "cJSON", "cJSON + arena", "jsmn + checks", "jtok, one pass"};
	ref_jtok ref = {0};
	tp_jtok doc;
	tp_arena scratch;
	tp__jtok_init(&doc);
	tp__arena_init(&scratch, 1 << 20);
	for (int lib = 0; lib < 5; lib++) {
		size_t sink = 0;
		if (lib == 2) {
			cap = 1 << 20;
			arena = malloc(cap);
			cJSON_Hooks h = {arena_malloc, arena_free};
			cJSON_InitHooks(&h);
		}
		double t0 = now();
		for (size_t i = 0; i < n; i++) {
			if (lib == 3) {
				size_t at;
				tp__arena_reset(&scratch);
				if (ref_jtok_parse(&ref, lines[i], strlen(lines[i]), &at) == 0)
					sink += ref_member_text(&ref, lines[i], "properties", &scratch);
			} else if (lib == 4) {
				size_t at, plen;
				tp__arena_reset(&scratch);
				if (tp__jtok_parse(&doc, lines[i], strlen(lines[i]), &at) == 0) {
					char *s = tp__jtok_compact(&doc, tp__jtok_get(&doc, 0, "properties"),
					                           &scratch, &plen);
					sink += s ? plen : 0;
				}
			} else if (lib == 0) {
				json_error_t e;
				json_t *j = json_loads(lines[i], 0, &e);
				char *s = json_dumps(json_object_get(j, "properties"), JSON_COMPACT);
				sink += s ? strlen(s) : 0;
				free(s);
				json_decref(j);
			} else {
				used = 0;
				cJSON *j = cJSON_Parse(lines[i]);
				char *s = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(j, "properties"));
				sink += s ? strlen(s) : 0;
				if (lib == 1) {
					free(s);
					cJSON_Delete(j);
				}
			}
		}
		double sec = now() - t0;
		rate[lib] = (double)n / sec;
		printf("%-14s %9.0f lines/s %6.0f MB/s  %5.2fx jansson  (%zu)\n", names[lib], rate[lib],
		       (double)bytes / sec / 1e6, rate[lib] / rate[0], sink);
	}
	tp__jtok_free(&doc);
	ref_jtok_free(&ref);
	tp__arena_free(&scratch);
	free(lines);
	free(text);
	tp_ctx_destroy(ctx);
	return 0;
}
