/* The JSON reader the ingest path had before src/ingest/jtok.c read the
 * text in one pass: jsmn's tokens (Debian libjsmn-dev), then a second walk
 * over them with the RFC 8259 checks jsmn leaves out. Kept as the
 * reference that tests/fuzz/fuzz_jtok.c holds the new reader to, token for
 * token, and that bench/bench_json.c measures it against. */
#ifndef TP_TESTS_REF_JTOK_JSMN_H
#define TP_TESTS_REF_JTOK_JSMN_H

#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/jtok.h"

#define REF_MAX_DEPTH 512

enum { REF_ESCAPED = 1, REF_SPACED = 2 };

typedef struct ref_jtok {
	jsmntok_t *tok;
	int *next;
	unsigned char *flags;
	unsigned cap;
	int n;
} ref_jtok;

static void ref_jtok_free(ref_jtok *d)
{
	free(d->tok);
	free(d->next);
	free(d->flags);
	memset(d, 0, sizeof *d);
}

static int ref_grow(ref_jtok *d)
{
	unsigned cap = d->cap ? d->cap * 2 : 256;
	jsmntok_t *tok = realloc(d->tok, cap * sizeof *tok);
	if (!tok)
		return -1;
	d->tok = tok;
	int *next = realloc(d->next, cap * sizeof *next);
	if (!next)
		return -1;
	d->next = next;
	unsigned char *flags = realloc(d->flags, cap);
	if (!flags)
		return -1;
	d->flags = flags;
	d->cap = cap;
	return 0;
}

static inline int ref_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

typedef struct walk {
	const char *s;
	size_t len;
	jsmntok_t *t;
	int *next;
	unsigned char *flags;
	int n, depth;
	size_t err, spaces;  /* spaces: whitespace runs seen so far */
	size_t first_escape; /* offset of the text's first '\\' (len: none) */
} walk;

static inline size_t ref_skip_ws(walk *w, size_t p)
{
	if (p < w->len && (unsigned char)w->s[p] > ' ')
		return p;  /* most values follow their ',' or ':' directly */
	size_t from = p;
	while (p < w->len && ref_space(w->s[p]))
		p++;
	w->spaces += p != from;
	return p;
}

static int ref_bad(walk *w, size_t at)
{
	w->err = at;
	return -1;
}

/* A string token that starts at `at` (its quote), has `size` children
 * (0 for a value; -1: a key, checked by the caller) and escapes that decode. */
static inline int ref_string_at(walk *w, int i, size_t at, int size)
{
	const jsmntok_t *t = &w->t[i];
	if (i >= w->n || t->type != JSMN_STRING || (size_t)t->start != at + 1 ||
	    (size >= 0 && t->size != size))
		return ref_bad(w, at);
	const char *s = w->s + t->start;
	size_t n = (size_t)(t->end - t->start);
	w->flags[i] = 0;
	/* Most records have no escape at all: one search of the text spares
	 * one per string. */
	if ((size_t)t->end > w->first_escape && memchr(s, '\\', n)) {
		if (tp__jtok_unescape(s, n, NULL) < 0)
			return ref_bad(w, at);
		w->flags[i] = REF_ESCAPED;
	}
	return 0;
}

/* Checks the value of token i, which must start at *p after whitespace,
 * and the punctuation inside it; moves *p past it and returns the token
 * after its subtree, or -1. */
static int ref_value(walk *w, int i, size_t *p)
{
	size_t at = ref_skip_ws(w, *p);
	if (i >= w->n || at >= w->len)
		return ref_bad(w, at);
	const jsmntok_t *t = &w->t[i];
	if (t->type == JSMN_STRING) {
		if (ref_string_at(w, i, at, 0) != 0)
			return -1;
		*p = (size_t)t->end + 1;
		return w->next[i] = i + 1;
	}
	if ((size_t)t->start != at)
		return ref_bad(w, at);
	if (t->type == JSMN_PRIMITIVE) {
		if (!tp__jtok_word_ok(w->s + t->start, (size_t)(t->end - t->start)))
			return ref_bad(w, at);
		w->flags[i] = 0;
		*p = (size_t)t->end;
		return w->next[i] = i + 1;
	}
	int object = t->type == JSMN_OBJECT;
	if (!object && t->type != JSMN_ARRAY)
		return ref_bad(w, at);
	if (++w->depth > REF_MAX_DEPTH)
		return ref_bad(w, at);
	size_t q = at + 1, spaces = w->spaces;
	int j = i + 1;
	for (int k = 0; k < t->size; k++) {
		if (k > 0) {
			q = ref_skip_ws(w, q);
			if (q >= w->len || w->s[q] != ',')
				return ref_bad(w, q);
			q++;
		}
		if (object) {
			q = ref_skip_ws(w, q);
			if (ref_string_at(w, j, q, -1) != 0)
				return -1;
			q = ref_skip_ws(w, (size_t)w->t[j].end + 1);
			if (q >= w->len || w->s[q] != ':')
				return ref_bad(w, q);
			q++;
			if (w->t[j].size != 1)
				return ref_bad(w, ref_skip_ws(w, q));
			int key = j;
			if ((j = ref_value(w, j + 1, &q)) < 0)
				return -1;
			w->next[key] = j;
		} else if ((j = ref_value(w, j, &q)) < 0) {
			return -1;
		}
	}
	q = ref_skip_ws(w, q);
	if (q >= w->len || w->s[q] != (object ? '}' : ']') || (size_t)t->end != q + 1)
		return ref_bad(w, q);
	*p = q + 1;
	w->depth--;
	w->flags[i] = w->spaces != spaces ? REF_SPACED : 0;
	return w->next[i] = j;
}

static int ref_jtok_parse(ref_jtok *d, const char *text, size_t len, size_t *err_at)
{
	d->n = 0;
	*err_at = 0;
	if (len > INT32_MAX)
		return -1;
	if (!d->cap && ref_grow(d) != 0)
		return -1;
	jsmn_parser p;
	jsmn_init(&p);
	int r;
	while ((r = jsmn_parse(&p, text, len, d->tok, d->cap)) == JSMN_ERROR_NOMEM)
		if (ref_grow(d) != 0)
			return -1;
	if (r == JSMN_ERROR_PART && p.toknext == 0) {
		/* A lone number or literal is JSON, but strict jsmn waits for a
		 * delimiter after it: take it as the one token. */
		size_t from = 0, to = len;
		while (from < to && ref_space(text[from]))
			from++;
		while (to > from && ref_space(text[to - 1]))
			to--;
		if (to > from && tp__jtok_word_ok(text + from, to - from)) {
			jsmntok_t *t = d->tok;
			t[0] = (jsmntok_t){.type = JSMN_PRIMITIVE, .start = (int)from, .end = (int)to,
			                   .size = 0, .parent = -1};
			d->next[0] = 1;
			d->flags[0] = 0;
			d->n = 1;
			return 0;
		}
	}
	if (r < 0) {
		/* jsmn stops at the start of the value it could not read; a word
		 * it took for a primitive before that may be the first error. */
		*err_at = p.pos < len ? p.pos : len ? len - 1 : 0;
		const jsmntok_t *t = d->tok;
		for (unsigned i = 0; i < p.toknext; i++)
			if (t[i].type == JSMN_PRIMITIVE && t[i].end >= 0 && (size_t)t[i].start < *err_at &&
			    !tp__jtok_word_ok(text + t[i].start, (size_t)(t[i].end - t[i].start))) {
				*err_at = (size_t)t[i].start;
				break;
			}
		return -1;
	}
	const char *escape = memchr(text, '\\', len);
	walk w = {text,     len, d->tok, d->next, d->flags, (int)p.toknext, 0, 0, 0,
	          escape ? (size_t)(escape - text) : len};
	size_t at = 0;
	if (w.n == 0 || ref_value(&w, 0, &at) != w.n) {
		*err_at = w.n == 0 ? ref_skip_ws(&w, 0) : w.err;
		if (*err_at >= len)
			*err_at = len ? len - 1 : 0;
		return -1;
	}
	at = ref_skip_ws(&w, at);
	if (at != len) {
		*err_at = at;
		return -1;
	}
	d->n = w.n;
	return 0;
}

#endif
