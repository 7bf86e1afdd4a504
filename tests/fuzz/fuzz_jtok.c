/* libFuzzer target: the ingest path's JSON reader against two others.
 * Against the reader it replaced (jsmn's tokens with a second walk of
 * checks, tests/ref/jtok_jsmn.h): the same verdict on every input and,
 * when accepted, the same tokens field for field. Against cJSON: whatever
 * it accepts cJSON must accept too, its compact text of the value must
 * read back as the same value, and member look-ups and string texts must
 * agree with cJSON's. */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/jtok.h"
#include "../ref/jtok_jsmn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_print(const cJSON *a, const cJSON *b)
{
	char *pa = cJSON_PrintUnformatted(a), *pb = cJSON_PrintUnformatted(b);
	int same = pa && pb && strcmp(pa, pb) == 0;
	free(pa);
	free(pb);
	return same;
}

static tp_jtype ref_type(const jsmntok_t *t, const char *text)
{
	switch (t->type) {
	case JSMN_OBJECT: return TP_J_OBJECT;
	case JSMN_ARRAY: return TP_J_ARRAY;
	case JSMN_STRING: return TP_J_STRING;
	default:
		return text[t->start] == 't' ? TP_J_TRUE : text[t->start] == 'f' ? TP_J_FALSE
		       : text[t->start] == 'n' ? TP_J_NULL : TP_J_NUMBER;
	}
}

/* Aborts unless both readers agree on the input, token for token. */
static void same_as_reference(const tp_jtok *d, int accepted, const char *text, size_t size)
{
	static ref_jtok ref;
	size_t ref_at;
	int ref_accepted = ref_jtok_parse(&ref, text, size, &ref_at) == 0;
	if (accepted != ref_accepted)
		abort();
	if (!accepted)
		return;
	if (d->n != ref.n)
		abort();
	for (int i = 0; i < d->n; i++) {
		const tp_jnode *t = &d->tok[i];
		const jsmntok_t *r = &ref.tok[i];
		if (t->type != ref_type(r, text) || t->start != r->start || t->end != r->end ||
		    t->size != r->size || t->parent != r->parent || t->next != ref.next[i] ||
		    t->flags != ref.flags[i])
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static tp_jtok d;
	static tp_arena arena;
	static int ready;
	if (!ready) {
		tp__jtok_init(&d);
		tp__arena_init(&arena, 64 * 1024);
		ready = 1;
	}
	tp__arena_reset(&arena);
	const char *text = (const char *)data;
	size_t at;
	int accepted = tp__jtok_parse(&d, text, size, &at) == 0;
	same_as_reference(&d, accepted, text, size);
	if (!accepted) {
		if (size && at >= size)
			abort(); /* the error is always inside the input */
		return 0;
	}
	const char *end = NULL;
	cJSON *ref = cJSON_ParseWithLengthOpts(text, size, &end, 0);
	if (!ref)
		abort(); /* accepted what cJSON refuses */
	size_t n;
	char *compact = tp__jtok_compact(&d, 0, &arena, &n);
	cJSON *back = compact ? cJSON_ParseWithLength(compact, n) : NULL;
	if (!back || !same_print(ref, back))
		abort(); /* the compact text is another value */
	if (tp__jtok_type(&d, 0) == TP_J_OBJECT) {
		size_t kn_unused;
		int members = 0;
		for (int k = tp__jtok_first(&d, 0); k >= 0; k = tp__jtok_next(&d, k)) {
			members++;
			const cJSON *c = ref->child;
			for (int i = 1; i < members; i++)
				c = c->next;
			size_t kn;
			char *key = tp__jtok_str(&d, k, &arena, &kn);
			if (!key || !c || strcmp(key, c->string) != 0)
				abort(); /* members out of step */
			/* The first of duplicate keys, as cJSON finds it. */
			int v = tp__jtok_get(&d, 0, key);
			const cJSON *want = cJSON_GetObjectItemCaseSensitive(ref, key);
			size_t vn;
			char *s = tp__jtok_str(&d, v, &arena, &vn);
			if (cJSON_IsString(want) != (s != NULL) ||
			    (s && strcmp(s, want->valuestring) != 0))
				abort();
		}
		if (members != cJSON_GetArraySize(ref))
			abort();
		/* One pass for many keys finds what a look-up of each finds. */
		const char *keys[16];
		int n = 0;
		for (int k = tp__jtok_first(&d, 0); k >= 0 && n < 16; k = tp__jtok_next(&d, k)) {
			const char *key = tp__jtok_str(&d, k, &arena, &kn_unused);
			if (!key)
				abort();
			int again = 0;  /* a pick's keys differ from each other */
			for (int i = 0; i < n; i++)
				again |= strcmp(keys[i], key) == 0;
			if (!again && strlen(key) <= 0xffff)
				keys[n++] = key;
		}
		int picked[16];
		tp_jkeys set;
		if (tp__jkeys_init(&set, keys, n) != 0)
			abort();
		tp__jtok_pick(&d, 0, &set, picked);
		for (int i = 0; i < n; i++)
			if (picked[i] != tp__jtok_get(&d, 0, keys[i]))
				abort();
	}
	cJSON_Delete(ref);
	cJSON_Delete(back);
	return 0;
}
