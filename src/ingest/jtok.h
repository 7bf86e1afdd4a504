/* A record's JSON read in place: one pass over the input text that checks
 * it against RFC 8259 and leaves a token per value, with each token's
 * subtree end so that looking a member up skips whole values. Nothing is
 * copied until a value is asked for; the ingest path reads about a dozen of
 * a call's ~35 values, and keeps `properties` as the input's own text.
 * It replaced jsmn's tokens checked in a second walk (bench/bench_json.c
 * measures both; tests/fuzz/fuzz_jtok.c holds them to the same tokens).
 *
 * What it takes beyond RFC 8259, as jsmn and cJSON do: raw control bytes
 * inside strings, and any bytes above 0x7F (the text is not checked as
 * UTF-8). What it refuses beyond it: a NUL byte anywhere, a lone UTF-16
 * surrogate escape, nesting deeper than 512.
 *
 * Values are token indexes; -1 is "absent" and every reader accepts it. */
#ifndef TP_INGEST_JTOK_H
#define TP_INGEST_JTOK_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

typedef enum tp_jtype {
	TP_J_NONE,  /* absent (-1) */
	TP_J_OBJECT,
	TP_J_ARRAY,
	TP_J_STRING,
	TP_J_NUMBER,
	TP_J_TRUE,
	TP_J_FALSE,
	TP_J_NULL
} tp_jtype;

/* One value, or an object's key. */
typedef struct tp_jnode {
	int start, end;  /* its text; a string's without the quotes */
	int size;        /* an object's members, an array's elements; 1 for a key */
	int parent;      /* its container, or for a member's value its key; -1 at the top */
	int next;        /* the token after its value (a key's: after its member) */
	unsigned char type;   /* tp_jtype; a key is a TP_J_STRING */
	unsigned char flags;  /* a string with escapes, a container with spaces inside */
} tp_jnode;

typedef struct tp_jtok {
	const char *text;
	size_t len;
	tp_jnode *tok;
	unsigned cap;
	int n;
} tp_jtok;

void tp__jtok_init(tp_jtok *d);
void tp__jtok_free(tp_jtok *d);

/* Tokenizes and checks text[0..len); 0, or -1 with *err_at the offset of
 * the byte where the input stopped being JSON (len - 1 when it ends early;
 * a string's or a word's first byte when it is the string or word that is
 * wrong). */
int tp__jtok_parse(tp_jtok *d, const char *text, size_t len, size_t *err_at);

/* Inline: the parse asks a value's type several times per member. */
static inline tp_jtype tp__jtok_type(const tp_jtok *d, int v)
{
	return v < 0 || v >= d->n ? TP_J_NONE : (tp_jtype)d->tok[v].type;
}
/* The member `key` of object obj (the first of duplicates), or -1. */
int tp__jtok_get(const tp_jtok *d, int obj, const char *key);
/* Member names prepared for tp__jtok_pick: a member's name is found with
 * one table look-up on its length and first 16 bytes (a multiplier
 * searched at preparation makes that exact for the set), then one compare
 * of two words, instead of a compare per name. */
#define TP_JKEYS_MAX 32
typedef struct tp_jkeys {
	const char *const *names;
	int n;
	int linear;                    /* no multiplier found: compare each name */
	uint64_t mult;
	unsigned short len[TP_JKEYS_MAX];
	uint64_t head[TP_JKEYS_MAX][2];  /* a name's first 16 bytes, zero-padded */
	signed char slot[128];         /* a hash's name index, or -1 */
} tp_jkeys;

/* Prepares names[0..n), which must differ from each other; 0, or -1 when
 * there are more than TP_JKEYS_MAX or two are the same. */
int tp__jkeys_init(tp_jkeys *k, const char *const *names, int n);

/* The members keys->names[0..n) of object obj found in one pass, for a
 * reader that wants many of one object's members (a look-up each would
 * scan the object once per key): out[i] is the value of the first member
 * named names[i], or -1. */
void tp__jtok_pick(const tp_jtok *d, int obj, const tp_jkeys *keys, int *out);
/* Members and elements: for an object, tp__jtok_first gives its first key,
 * the key's value is key + 1 and tp__jtok_next(value) the next key; for an
 * array, the elements chain with tp__jtok_next. -1 after the last. */
int tp__jtok_first(const tp_jtok *d, int container);
int tp__jtok_next(const tp_jtok *d, int v);
/* Members of an object, elements of an array. */
int tp__jtok_size(const tp_jtok *d, int container);

/* A string's text, unescaped, NUL-terminated, in the arena (*n its length);
 * NULL when v is not a string or out of memory. */
char *tp__jtok_str(const tp_jtok *d, int v, tp_arena *a, size_t *n);
/* A string's text in the input, for a string without escapes (its text
 * is then the input's own): not copied, not terminated, *n its length.
 * NULL when v is not a string or has escapes. */
#define TP__J_ESCAPED 1  /* a tp_jnode flag: a string with escapes */
static inline const char *tp__jtok_raw(const tp_jtok *d, int v, size_t *n)
{
	if (tp__jtok_type(d, v) != TP_J_STRING || (d->tok[v].flags & TP__J_ESCAPED))
		return NULL;
	*n = (size_t)(d->tok[v].end - d->tok[v].start);
	return d->text + d->tok[v].start;
}
/* A number's value; -1 when v is not a number (or out of memory). */
int tp__jtok_number(const tp_jtok *d, int v, double *out);
/* The input's text of a value without insignificant whitespace, in the
 * arena; NULL when v is absent or out of memory. */
char *tp__jtok_compact(const tp_jtok *d, int v, tp_arena *a, size_t *n);
/* Unescapes s[0..n), a string's text between its quotes, into out (n
 * bytes are always enough), or only checks it when out is NULL; the length
 * written, or -1 for a bad escape or a lone UTF-16 surrogate. */
long tp__jtok_unescape(const char *s, size_t n, char *out);
/* Whether s[0..n) is an RFC 8259 number, true, false or null. */
int tp__jtok_word_ok(const char *s, size_t n);

/* Where a value's text starts and ends in the input (quotes included);
 * 0 and 0 when v is absent. */
void tp__jtok_span(const tp_jtok *d, int v, size_t *start, size_t *end);

#endif
