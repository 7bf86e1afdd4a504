/* jsmn's tokens, checked and linked: see jtok.h. */
#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "ingest/jtok.h"

#define MAX_DEPTH 512

enum {
	ESCAPED = 1,  /* a string with a backslash: read it through unescape() */
	SPACED = 2,   /* a value with whitespace inside: compact it byte by byte */
};

void tp__jtok_init(tp_jtok *d)
{
	memset(d, 0, sizeof *d);
}

void tp__jtok_free(tp_jtok *d)
{
	free(d->tok);
	free(d->next);
	free(d->flags);
	memset(d, 0, sizeof *d);
}

static int grow(tp_jtok *d)
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

/* RFC 8259's insignificant whitespace. */
static inline int json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		int digit = tp__hex_digit(s[i]);
		if (digit < 0)
			return -1;
		v = v << 4 | (unsigned)digit;
	}
	*out = v;
	return 0;
}

/* Unescapes s[0..n) (a string's text between its quotes) into out, or
 * only checks it when out is NULL; the length written, or -1 for a bad
 * escape or a lone UTF-16 surrogate (cJSON refuses those too). */
static long unescape(const char *s, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c != '\\') {
			if (out)
				out[o] = c;
			o++;
			continue;
		}
		if (++i >= n)
			return -1;
		switch (s[i]) {
		case '"': c = '"'; break;
		case '\\': c = '\\'; break;
		case '/': c = '/'; break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'u': {
			unsigned cp, lo;
			if (i + 4 >= n || hex4(s + i + 1, &cp) != 0)
				return -1;
			i += 4;
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return -1;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (i + 6 >= n || s[i + 1] != '\\' || s[i + 2] != 'u' ||
				    hex4(s + i + 3, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
					return -1;
				i += 6;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			}
			char u[4];
			size_t un;
			if (cp < 0x80) {
				u[0] = (char)cp, un = 1;
			} else if (cp < 0x800) {
				u[0] = (char)(0xC0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3F)), un = 2;
			} else if (cp < 0x10000) {
				u[0] = (char)(0xE0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
				u[2] = (char)(0x80 | (cp & 0x3F)), un = 3;
			} else {
				u[0] = (char)(0xF0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
				u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F));
				un = 4;
			}
			if (out)
				memcpy(out + o, u, un);
			o += un;
			continue;
		}
		default: return -1;
		}
		if (out)
			out[o] = c;
		o++;
	}
	return (long)o;
}

/* RFC 8259's number, or true, false, null. */
static int primitive_ok(const char *s, size_t n)
{
	if ((n == 4 && memcmp(s, "true", 4) == 0) || (n == 5 && memcmp(s, "false", 5) == 0) ||
	    (n == 4 && memcmp(s, "null", 4) == 0))
		return 1;
	size_t i = 0;
#define DIGITS()                                       \
	do {                                           \
		size_t from = i;                       \
		while (i < n && s[i] >= '0' && s[i] <= '9') \
			i++;                           \
		if (i == from)                         \
			return 0;                      \
	} while (0)
	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else
		DIGITS();
	if (i < n && s[i] == '.') {
		i++;
		DIGITS();
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		DIGITS();
	}
#undef DIGITS
	return i == n;
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

static inline size_t skip_ws(walk *w, size_t p)
{
	if (p < w->len && (unsigned char)w->s[p] > ' ')
		return p;  /* most values follow their ',' or ':' directly */
	size_t from = p;
	while (p < w->len && json_space(w->s[p]))
		p++;
	w->spaces += p != from;
	return p;
}

static int bad(walk *w, size_t at)
{
	w->err = at;
	return -1;
}

/* A string token that starts at `at` (its quote), has `size` children
 * (0 for a value; -1: a key, checked by the caller) and escapes that decode. */
static inline int string_at(walk *w, int i, size_t at, int size)
{
	const jsmntok_t *t = &w->t[i];
	if (i >= w->n || t->type != JSMN_STRING || (size_t)t->start != at + 1 ||
	    (size >= 0 && t->size != size))
		return bad(w, at);
	const char *s = w->s + t->start;
	size_t n = (size_t)(t->end - t->start);
	w->flags[i] = 0;
	/* Most records have no escape at all: one search of the text spares
	 * one per string. */
	if ((size_t)t->end > w->first_escape && memchr(s, '\\', n)) {
		if (unescape(s, n, NULL) < 0)
			return bad(w, at);
		w->flags[i] = ESCAPED;
	}
	return 0;
}

/* Checks the value of token i, which must start at *p after whitespace,
 * and the punctuation inside it; moves *p past it and returns the token
 * after its subtree, or -1. */
static int value(walk *w, int i, size_t *p)
{
	size_t at = skip_ws(w, *p);
	if (i >= w->n || at >= w->len)
		return bad(w, at);
	const jsmntok_t *t = &w->t[i];
	if (t->type == JSMN_STRING) {
		if (string_at(w, i, at, 0) != 0)
			return -1;
		*p = (size_t)t->end + 1;
		return w->next[i] = i + 1;
	}
	if ((size_t)t->start != at)
		return bad(w, at);
	if (t->type == JSMN_PRIMITIVE) {
		if (!primitive_ok(w->s + t->start, (size_t)(t->end - t->start)))
			return bad(w, at);
		w->flags[i] = 0;
		*p = (size_t)t->end;
		return w->next[i] = i + 1;
	}
	int object = t->type == JSMN_OBJECT;
	if (!object && t->type != JSMN_ARRAY)
		return bad(w, at);
	if (++w->depth > MAX_DEPTH)
		return bad(w, at);
	size_t q = at + 1, spaces = w->spaces;
	int j = i + 1;
	for (int k = 0; k < t->size; k++) {
		if (k > 0) {
			q = skip_ws(w, q);
			if (q >= w->len || w->s[q] != ',')
				return bad(w, q);
			q++;
		}
		if (object) {
			q = skip_ws(w, q);
			if (string_at(w, j, q, -1) != 0)
				return -1;
			q = skip_ws(w, (size_t)w->t[j].end + 1);
			if (q >= w->len || w->s[q] != ':')
				return bad(w, q);
			q++;
			if (w->t[j].size != 1)
				return bad(w, skip_ws(w, q));
			int key = j;
			if ((j = value(w, j + 1, &q)) < 0)
				return -1;
			w->next[key] = j;
		} else if ((j = value(w, j, &q)) < 0) {
			return -1;
		}
	}
	q = skip_ws(w, q);
	if (q >= w->len || w->s[q] != (object ? '}' : ']') || (size_t)t->end != q + 1)
		return bad(w, q);
	*p = q + 1;
	w->depth--;
	w->flags[i] = w->spaces != spaces ? SPACED : 0;
	return w->next[i] = j;
}

int tp__jtok_parse(tp_jtok *d, const char *text, size_t len, size_t *err_at)
{
	d->text = text;
	d->len = len;
	d->n = 0;
	*err_at = 0;
	if (len > INT32_MAX)
		return -1;
	if (!d->cap && grow(d) != 0)
		return -1;
	jsmn_parser p;
	jsmn_init(&p);
	int r;
	while ((r = jsmn_parse(&p, text, len, d->tok, d->cap)) == JSMN_ERROR_NOMEM)
		if (grow(d) != 0)
			return -1;
	if (r == JSMN_ERROR_PART && p.toknext == 0) {
		/* A lone number or literal is JSON, but strict jsmn waits for a
		 * delimiter after it: take it as the one token. */
		size_t from = 0, to = len;
		while (from < to && json_space(text[from]))
			from++;
		while (to > from && json_space(text[to - 1]))
			to--;
		if (to > from && primitive_ok(text + from, to - from)) {
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
			    !primitive_ok(text + t[i].start, (size_t)(t[i].end - t[i].start))) {
				*err_at = (size_t)t[i].start;
				break;
			}
		return -1;
	}
	const char *escape = memchr(text, '\\', len);
	walk w = {text,     len, d->tok, d->next, d->flags, (int)p.toknext, 0, 0, 0,
	          escape ? (size_t)(escape - text) : len};
	size_t at = 0;
	if (w.n == 0 || value(&w, 0, &at) != w.n) {
		*err_at = w.n == 0 ? skip_ws(&w, 0) : w.err;
		if (*err_at >= len)
			*err_at = len ? len - 1 : 0;
		return -1;
	}
	at = skip_ws(&w, at);
	if (at != len) {
		*err_at = at;
		return -1;
	}
	d->n = w.n;
	return 0;
}

tp_jtype tp__jtok_type(const tp_jtok *d, int v)
{
	if (v < 0 || v >= d->n)
		return TP_J_NONE;
	const jsmntok_t *t = &((const jsmntok_t *)d->tok)[v];
	switch (t->type) {
	case JSMN_OBJECT: return TP_J_OBJECT;
	case JSMN_ARRAY: return TP_J_ARRAY;
	case JSMN_STRING: return TP_J_STRING;
	case JSMN_PRIMITIVE:
		switch (d->text[t->start]) {
		case 't': return TP_J_TRUE;
		case 'f': return TP_J_FALSE;
		case 'n': return TP_J_NULL;
		default: return TP_J_NUMBER;
		}
	default: return TP_J_NONE;
	}
}

int tp__jtok_size(const tp_jtok *d, int container)
{
	tp_jtype t = tp__jtok_type(d, container);
	return t == TP_J_OBJECT || t == TP_J_ARRAY ? ((const jsmntok_t *)d->tok)[container].size : 0;
}

int tp__jtok_first(const tp_jtok *d, int container)
{
	return tp__jtok_size(d, container) > 0 ? container + 1 : -1;
}

int tp__jtok_next(const tp_jtok *d, int v)
{
	if (v < 0 || v >= d->n)
		return -1;
	const jsmntok_t *t = d->tok;
	int after = d->next[v];
	/* A member's value hangs from its key; siblings share the container. */
	int container = t[v].parent;
	if (container >= 0 && t[container].type == JSMN_STRING)
		container = t[container].parent;
	return after < d->n && container >= 0 && t[after].parent == container ? after : -1;
}

static int escaped_key_eq(const tp_jtok *d, int k, const char *key, size_t kn);

/* Inline: a look-up compares a key with most members of its object. */
static inline int key_eq(const tp_jtok *d, int k, const char *key, size_t kn)
{
	if (k < 0 || k >= d->n)
		return 0;
	const jsmntok_t *t = &((const jsmntok_t *)d->tok)[k];
	if (d->flags[k] & ESCAPED)
		return escaped_key_eq(d, k, key, kn);
	return (size_t)(t->end - t->start) == kn && memcmp(d->text + t->start, key, kn) == 0;
}

int tp__jtok_key_eq(const tp_jtok *d, int k, const char *key, size_t kn)
{
	return key_eq(d, k, key, kn);
}

/* An escaped key unescaped into small (or a malloc'd buffer when it does
 * not fit: *buf says which), up to its first "\u0000", as that ends any
 * text we read; its length, or -1. */
static long unescaped_key(const tp_jtok *d, int k, char *small, size_t cap, char **buf)
{
	const jsmntok_t *t = &((const jsmntok_t *)d->tok)[k];
	const char *s = d->text + t->start;
	size_t n = (size_t)(t->end - t->start);
	/* An escaped key is never longer unescaped. */
	*buf = n < cap ? small : malloc(n);
	if (!*buf)
		return -1;
	long m = unescape(s, n, *buf);
	return m >= 0 ? (long)strnlen(*buf, (size_t)m) : -1;
}

static int escaped_key_eq(const tp_jtok *d, int k, const char *key, size_t kn)
{
	char small[256], *buf;
	long m = unescaped_key(d, k, small, sizeof small, &buf);
	int same = m >= 0 && (size_t)m == kn && memcmp(buf, key, kn) == 0;
	if (buf && buf != small)
		free(buf);
	return same;
}

char tp__jtok_key_first(const tp_jtok *d, int k)
{
	if (k < 0 || k >= d->n)
		return '\0';
	const jsmntok_t *t = &((const jsmntok_t *)d->tok)[k];
	if (!(d->flags[k] & ESCAPED))
		return t->end > t->start ? d->text[t->start] : '\0';
	char small[256], *buf;
	long m = unescaped_key(d, k, small, sizeof small, &buf);
	char first = m > 0 ? buf[0] : '\0';
	if (buf && buf != small)
		free(buf);
	return first;
}

int tp__jtok_key_is(const tp_jtok *d, int k, const char *key)
{
	return tp__jtok_key_eq(d, k, key, strlen(key));
}

int tp__jtok_get(const tp_jtok *d, int obj, const char *key)
{
	if (tp__jtok_type(d, obj) != TP_J_OBJECT)
		return -1;
	int members = ((const jsmntok_t *)d->tok)[obj].size;
	size_t kn = strlen(key);
	for (int k = obj + 1, i = 0; i < members; i++, k = d->next[k])
		if (key_eq(d, k, key, kn))
			return k + 1;
	return -1;
}

char *tp__jtok_str(const tp_jtok *d, int v, tp_arena *a, size_t *n)
{
	if (tp__jtok_type(d, v) != TP_J_STRING)
		return NULL;
	const jsmntok_t *t = &((const jsmntok_t *)d->tok)[v];
	const char *s = d->text + t->start;
	size_t raw = (size_t)(t->end - t->start);
	if (!(d->flags[v] & ESCAPED)) {
		*n = raw;
		return tp__arena_strndup(a, s, raw);
	}
	char *out = tp__arena_alloc(a, raw + 1);
	if (!out)
		return NULL;
	long m = unescape(s, raw, out);
	if (m < 0)  /* checked at parse time */
		m = 0;
	out[m] = '\0';
	/* "\u0000" ends a C string: the text stops there, as with cJSON. */
	*n = strlen(out);
	return out;
}

int tp__jtok_number(const tp_jtok *d, int v, double *out)
{
	if (tp__jtok_type(d, v) != TP_J_NUMBER)
		return -1;
	/* strtod wants a terminated string, and the text need not be one. */
	const jsmntok_t *t = &((const jsmntok_t *)d->tok)[v];
	size_t n = (size_t)(t->end - t->start);
	char small[64], *buf = n < sizeof small ? small : malloc(n + 1);
	if (!buf)
		return -1;
	memcpy(buf, d->text + t->start, n);
	buf[n] = '\0';
	*out = strtod(buf, NULL);
	if (buf != small)
		free(buf);
	return 0;
}

void tp__jtok_span(const tp_jtok *d, int v, size_t *start, size_t *end)
{
	if (v < 0 || v >= d->n) {
		*start = *end = 0;
		return;
	}
	const jsmntok_t *t = &((const jsmntok_t *)d->tok)[v];
	int quoted = t->type == JSMN_STRING;
	*start = (size_t)t->start - (size_t)quoted;
	*end = (size_t)t->end + (size_t)quoted;
}

char *tp__jtok_compact(const tp_jtok *d, int v, tp_arena *a, size_t *n)
{
	size_t from, to;
	*n = 0;
	if (v < 0 || v >= d->n)
		return NULL;
	tp__jtok_span(d, v, &from, &to);
	if (!(d->flags[v] & SPACED)) {
		*n = to - from;
		return tp__arena_strndup(a, d->text + from, to - from);
	}
	char *out = tp__arena_alloc(a, to - from + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	int in_string = 0;
	for (size_t i = from; i < to; i++) {
		char c = d->text[i];
		if (in_string) {
			if (c == '\\')
				out[o++] = d->text[i++];
			else if (c == '"')
				in_string = 0;
		} else if (json_space(c)) {
			continue;
		} else if (c == '"') {
			in_string = 1;
		}
		out[o++] = d->text[i];
	}
	out[o] = '\0';
	*n = o;
	return out;
}
