/* The text in one pass, checked and linked: see jtok.h. */
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "ingest/jtok.h"

#define MAX_DEPTH 512

enum {
	ESCAPED = TP__J_ESCAPED,  /* a string with a backslash: read it through tp__jtok_unescape() */
	SPACED = 2,               /* a container with whitespace inside: compact it byte by byte */
};

void tp__jtok_init(tp_jtok *d)
{
	memset(d, 0, sizeof *d);
}

void tp__jtok_free(tp_jtok *d)
{
	free(d->tok);
	memset(d, 0, sizeof *d);
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

/* A lone surrogate is refused as cJSON refuses it. */
long tp__jtok_unescape(const char *s, size_t n, char *out)
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

int tp__jtok_word_ok(const char *s, size_t n)
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

typedef struct reader {
	tp_jtok *d;
	const char *s;
	size_t len;
	size_t err;     /* where the text stopped being JSON */
	size_t spaces;  /* whitespace runs seen so far */
	int depth;
} reader;

static int bad(reader *r, size_t at)
{
	r->err = at;
	return -1;
}

static inline size_t skip_ws(reader *r, size_t p)
{
	if (p < r->len && (unsigned char)r->s[p] > ' ')
		return p;  /* most values follow their ',' or ':' directly */
	size_t from = p;
	while (p < r->len && json_space(r->s[p]))
		p++;
	r->spaces += p != from;
	return p;
}

static int grow(reader *r, size_t at)
{
	tp_jtok *d = r->d;
	unsigned cap = d->cap ? d->cap * 2 : 256;
	tp_jnode *tok = cap > (unsigned)INT32_MAX / sizeof *tok ? NULL
	                : realloc(d->tok, cap * sizeof *tok);
	if (!tok)
		return bad(r, at);
	d->tok = tok;
	d->cap = cap;
	return 0;
}

/* A new token over text[start..end); its index, or -1 out of memory. A
 * key (is_key) is made whole: its size is 1, and its member ends after
 * the value that follows it, unless that value is a container, which
 * moves it when it closes. */
static inline int token(reader *r, tp_jtype type, size_t start, size_t end, int parent,
                        unsigned char flags, int is_key)
{
	tp_jtok *d = r->d;
	if ((unsigned)d->n == d->cap && grow(r, start) != 0)
		return -1;
	int i = d->n++;
	d->tok[i] = (tp_jnode){.start = (int)start, .end = (int)end, .size = is_key,
	                       .parent = parent, .next = i + 1 + is_key,
	                       .type = (unsigned char)type, .flags = flags};
	return i;
}

/* The first '"', '\\' or NUL in s[p..len), or len. Sixteen bytes a step
 * with SSE2, then eight with plain words: a byte equal to one of them is a
 * zero byte in v ^ that byte repeated, and (x - 0x01..) & ~x & 0x80..
 * flags x's zero bytes; wrongly only bytes above a true one (a borrow),
 * so its lowest flag is the first match. */
static inline size_t string_stop(const char *s, size_t p, size_t len)
{
#ifdef __SSE2__
	const __m128i quote16 = _mm_set1_epi8('"'), slash16 = _mm_set1_epi8('\\');
	const __m128i zero16 = _mm_setzero_si128();
	for (; p + 16 <= len; p += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + p));
		__m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, quote16), _mm_cmpeq_epi8(v, slash16));
		hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, zero16));
		unsigned mask = (unsigned)_mm_movemask_epi8(hit);
		if (mask)
			return p + (size_t)__builtin_ctz(mask);
	}
#endif
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	for (; p + 8 <= len; p += 8) {
		uint64_t v;
		memcpy(&v, s + p, 8);
		uint64_t quote = v ^ (ones * '"'), slash = v ^ (ones * '\\');
		uint64_t hit = ((quote - ones) & ~quote) | ((slash - ones) & ~slash) | ((v - ones) & ~v);
		if (hit & highs) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			return p + (size_t)__builtin_ctzll(hit & highs) / 8;
#else
			break;
#endif
		}
	}
	while (p < len && s[p] != '"' && s[p] != '\\' && s[p] != '\0')
		p++;
	return p;
}

/* The string whose quote is at `at`; its token, with *p past its closing
 * quote. A string that is wrong is reported at its quote. Inlined into
 * both callers: as a call, saving and restoring registers was a fifth of
 * its cost (callgrind). */
static inline __attribute__((always_inline)) int string(reader *r, size_t at, int parent,
                                                        size_t *p, int is_key)
{
	const char *s = r->s;
	size_t q = at + 1;
	unsigned char flags = 0;
	for (;;) {
		q = string_stop(s, q, r->len);
		if (q >= r->len || s[q] == '\0')
			return bad(r, at);
		if (s[q] == '"')
			break;
		flags = ESCAPED;
		q += 2;  /* past the backslash and the byte it escapes; checked below */
	}
	if (flags && tp__jtok_unescape(s + at + 1, q - at - 1, NULL) < 0)
		return bad(r, at);
	int i = token(r, TP_J_STRING, at + 1, q, parent, flags, is_key);
	*p = q + 1;
	return i;
}

/* A number or literal: the bytes up to the next delimiter, as jsmn took
 * them, so that a wrong word is reported at its start. */
static int word(reader *r, size_t at, int parent, size_t *p)
{
	const char *s = r->s;
	size_t q = at;
	while (q < r->len && !json_space(s[q]) && s[q] != ',' && s[q] != ']' && s[q] != '}' &&
	       s[q] != '\0')
		q++;
	if (!tp__jtok_word_ok(s + at, q - at))
		return bad(r, at);
	tp_jtype type = s[at] == 't' ? TP_J_TRUE : s[at] == 'f' ? TP_J_FALSE
	                : s[at] == 'n' ? TP_J_NULL : TP_J_NUMBER;
	*p = q;
	return token(r, type, at, q, parent, 0, 0);
}

static int value(reader *r, int parent, size_t *p);

/* A member's or element's value: strings, the most of them, without the
 * call to value() (its saved registers were a tenth of the parse). */
static inline __attribute__((always_inline)) int member_value(reader *r, int parent, size_t *p)
{
	size_t at = skip_ws(r, *p);
	if (at < r->len && r->s[at] == '"')
		return string(r, at, parent, p, 0);
	*p = at;
	return value(r, parent, p);
}

/* The object or array whose bracket is at `at`. */
static int container(reader *r, size_t at, int parent, size_t *p)
{
	const char *s = r->s;
	int object = s[at] == '{';
	char close = object ? '}' : ']';
	if (++r->depth > MAX_DEPTH)
		return bad(r, at);
	int i = token(r, object ? TP_J_OBJECT : TP_J_ARRAY, at, at, parent, 0, 0);
	if (i < 0)
		return -1;
	size_t spaces = r->spaces, q = skip_ws(r, at + 1);
	int size = 0;
	if (q < r->len && s[q] == close)
		goto closed;
	for (;;) {
		if (object) {
			q = skip_ws(r, q);
			if (q >= r->len || s[q] != '"')
				return bad(r, q);
			int key = string(r, q, i, &q, 1);
			if (key < 0)
				return -1;
			q = skip_ws(r, q);
			if (q >= r->len || s[q] != ':')
				return bad(r, q);
			q++;
			if (member_value(r, key, &q) < 0)
				return -1;
		} else if (member_value(r, i, &q) < 0) {
			return -1;
		}
		size++;
		q = skip_ws(r, q);
		if (q < r->len && s[q] == ',') {
			q++;
			continue;
		}
		if (q < r->len && s[q] == close)
			break;
		return bad(r, q);
	}
closed:
	r->depth--;
	tp_jnode *t = &r->d->tok[i];
	t->end = (int)q + 1;
	t->size = size;
	t->next = r->d->n;
	t->flags = r->spaces != spaces ? SPACED : 0;
	if (parent >= 0 && r->d->tok[parent].type == TP_J_STRING)
		r->d->tok[parent].next = r->d->n;  /* a member's value: its key's member ends here too */
	*p = q + 1;
	return i;
}

/* The value at *p after whitespace; its token, with *p past it. */
static int value(reader *r, int parent, size_t *p)
{
	size_t at = skip_ws(r, *p);
	if (at >= r->len)
		return bad(r, at);
	switch (r->s[at]) {
	case '{':
	case '[': return container(r, at, parent, p);
	case '"': return string(r, at, parent, p, 0);
	case '-':
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
	case 't':
	case 'f':
	case 'n': return word(r, at, parent, p);
	default: return bad(r, at);
	}
}

int tp__jtok_parse(tp_jtok *d, const char *text, size_t len, size_t *err_at)
{
	d->text = text;
	d->len = len;
	d->n = 0;
	*err_at = 0;
	if (len > INT32_MAX)
		return -1;
	reader r = {.d = d, .s = text, .len = len};
	size_t at = 0;
	if (value(&r, -1, &at) < 0 || ((at = skip_ws(&r, at)) != len && bad(&r, at))) {
		*err_at = r.err < len ? r.err : len ? len - 1 : 0;
		d->n = 0;
		return -1;
	}
	return 0;
}

int tp__jtok_size(const tp_jtok *d, int container)
{
	tp_jtype t = tp__jtok_type(d, container);
	return t == TP_J_OBJECT || t == TP_J_ARRAY ? d->tok[container].size : 0;
}

int tp__jtok_first(const tp_jtok *d, int container)
{
	return tp__jtok_size(d, container) > 0 ? container + 1 : -1;
}

int tp__jtok_next(const tp_jtok *d, int v)
{
	if (v < 0 || v >= d->n)
		return -1;
	const tp_jnode *t = d->tok;
	int after = t[v].next;
	/* A member's value hangs from its key; siblings share the container. */
	int container = t[v].parent;
	if (container >= 0 && t[container].type == TP_J_STRING)
		container = t[container].parent;
	return after < d->n && container >= 0 && t[after].parent == container ? after : -1;
}

static int escaped_key_eq(const tp_jtok *d, int k, const char *key, size_t kn);

/* Inline: a look-up compares a key with most members of its object. */
static inline int key_eq(const tp_jtok *d, int k, const char *key, size_t kn)
{
	if (k < 0 || k >= d->n)
		return 0;
	const tp_jnode *t = &d->tok[k];
	if (d->tok[k].flags & ESCAPED)
		return escaped_key_eq(d, k, key, kn);
	/* Keys of one length often differ in their first byte: no call then. */
	return (size_t)(t->end - t->start) == kn &&
	       (kn == 0 || (d->text[t->start] == key[0] && memcmp(d->text + t->start, key, kn) == 0));
}

/* An escaped key unescaped into small (or a malloc'd buffer when it does
 * not fit: *buf says which), up to its first "\u0000", as that ends any
 * text we read; its length, or -1. */
static long unescaped_key(const tp_jtok *d, int k, char *small, size_t cap, char **buf)
{
	const tp_jnode *t = &d->tok[k];
	const char *s = d->text + t->start;
	size_t n = (size_t)(t->end - t->start);
	/* An escaped key is never longer unescaped. */
	*buf = n < cap ? small : malloc(n);
	if (!*buf)
		return -1;
	long m = tp__jtok_unescape(s, n, *buf);
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


int tp__jtok_get(const tp_jtok *d, int obj, const char *key)
{
	if (tp__jtok_type(d, obj) != TP_J_OBJECT)
		return -1;
	int members = d->tok[obj].size;
	size_t kn = strlen(key);
	for (int k = obj + 1, i = 0; i < members; i++, k = d->tok[k].next)
		if (key_eq(d, k, key, kn))
			return k + 1;
	return -1;
}

/* A name's first 16 bytes as two words, zero past its end: what is
 * hashed and compared. Words are loaded whole where 16 bytes can be read
 * (room) and masked; the byte copy gives the same words anywhere. */
static inline __attribute__((always_inline)) void name_words(const char *s, size_t n, size_t room,
                                                            uint64_t w[2])
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (room >= 16) {
		memcpy(w, s, 16);
		if (n < 16) {
			w[1] &= n <= 8 ? 0 : (UINT64_C(1) << ((n - 8) * 8)) - 1;
			if (n < 8)
				w[0] &= (UINT64_C(1) << (n * 8)) - 1;
		}
		return;
	}
#endif
	(void)room;
	w[0] = w[1] = 0;
	memcpy(w, s, n < 16 ? n : 16);
}

/* A name's slot, from its first 16 bytes and its length, mixed by mult. */
static inline unsigned jkey_hash(const uint64_t w[2], size_t n, uint64_t mult)
{
	uint64_t x = w[0] ^ (w[1] * UINT64_C(0x9E3779B97F4A7C15)) ^ n;
	return (unsigned)((x * mult) >> 57);
}

int tp__jkeys_init(tp_jkeys *k, const char *const *names, int n)
{
	memset(k, 0, sizeof *k);
	if (n < 0 || n > TP_JKEYS_MAX)
		return -1;
	k->names = names;
	k->n = n;
	for (int i = 0; i < n; i++) {
		size_t len = strlen(names[i]);
		if (len > 0xffff)
			return -1;
		k->len[i] = (unsigned short)len;
		name_words(names[i], len, 0, k->head[i]);
		for (int j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0)
				return -1;
	}
	/* Odd multipliers from a fixed sequence until no two names share a
	 * slot: tens of tries for 32 names in 128 slots. Names alike in their
	 * first 16 bytes and length share a slot under any: such a set is
	 * compared name by name. */
	uint64_t mult = UINT64_C(0x9E3779B97F4A7C15);
	for (int tries = 0; tries < 4096; tries++, mult = mult * UINT64_C(6364136223846793005) + 1) {
		mult |= 1;
		memset(k->slot, -1, sizeof k->slot);
		int clash = 0;
		for (int i = 0; i < n && !clash; i++) {
			unsigned h = jkey_hash(k->head[i], k->len[i], mult);
			clash = k->slot[h] >= 0;
			k->slot[h] = (signed char)i;
		}
		if (!clash) {
			k->mult = mult;
			return 0;
		}
	}
	k->linear = 1;
	return 0;
}

/* Marks name s (kn bytes, no NUL inside; room bytes readable) in out
 * when it is one of keys. */
static inline __attribute__((always_inline)) void pick_name(const tp_jkeys *keys,
                                                          const char *s, size_t kn,
                                                          size_t room, int value, int *out)
{
	int i;
	if (keys->linear) {
		for (i = 0; i < keys->n; i++)
			if (keys->len[i] == kn && memcmp(keys->names[i], s, kn) == 0)
				break;
		if (i == keys->n)
			return;
	} else {
		uint64_t w[2];
		name_words(s, kn, room, w);
		i = keys->slot[jkey_hash(w, kn, keys->mult)];
		if (i < 0 || keys->len[i] != kn || w[0] != keys->head[i][0] || w[1] != keys->head[i][1] ||
		    (kn > 16 && memcmp(keys->names[i] + 16, s + 16, kn - 16) != 0))
			return;
	}
	if (out[i] < 0)
		out[i] = value;
}

void tp__jtok_pick(const tp_jtok *d, int obj, const tp_jkeys *keys, int *out)
{
	memset(out, -1, (size_t)keys->n * sizeof *out);
	if (tp__jtok_type(d, obj) != TP_J_OBJECT)
		return;
	int members = d->tok[obj].size;
	for (int k = obj + 1, m = 0; m < members; m++, k = d->tok[k].next) {
		const tp_jnode *t = &d->tok[k];
		if (!(t->flags & ESCAPED)) {
			pick_name(keys, d->text + t->start, (size_t)(t->end - t->start),
			          d->len - (size_t)t->start, k + 1, out);
			continue;
		}
		char small[256], *buf;
		long kn = unescaped_key(d, k, small, sizeof small, &buf);
		if (kn >= 0)
			pick_name(keys, buf, (size_t)kn, (size_t)kn, k + 1, out);
		if (buf && buf != small)
			free(buf);
	}
}

char *tp__jtok_str(const tp_jtok *d, int v, tp_arena *a, size_t *n)
{
	if (tp__jtok_type(d, v) != TP_J_STRING)
		return NULL;
	const tp_jnode *t = &d->tok[v];
	const char *s = d->text + t->start;
	size_t raw = (size_t)(t->end - t->start);
	if (!(d->tok[v].flags & ESCAPED)) {
		*n = raw;
		return tp__arena_strndup(a, s, raw);
	}
	char *out = tp__arena_alloc(a, raw + 1);
	if (!out)
		return NULL;
	long m = tp__jtok_unescape(s, raw, out);
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
	const tp_jnode *t = &d->tok[v];
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
	const tp_jnode *t = &d->tok[v];
	int quoted = t->type == TP_J_STRING;
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
	if (!(d->tok[v].flags & SPACED)) {
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
