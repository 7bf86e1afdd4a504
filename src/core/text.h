/* Small string helpers shared by the parsers. */
#ifndef TP_CORE_TEXT_H
#define TP_CORE_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline char tp__ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* ASCII lower-case in place; returns s. */
char *tp__lower(char *s);
/* Pointer to the first non-space byte, and the length without trailing space. */
const char *tp__trim(const char *s, size_t *len);
static inline int tp__is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* As tp__trim, for the n bytes at s (no terminator needed). Inline: the
 * parse trims each of a call's dozen texts. */
static inline const char *tp__trim_n(const char *s, size_t n, size_t *len)
{
	while (n && tp__is_space(*s))
		s++, n--;
	while (n && tp__is_space(s[n - 1]))
		n--;
	*len = n;
	return s;
}
int tp__ieq(const char *a, const char *b);
/* Whether two optional texts are the same: both NULL, or equal. */
static inline int tp__same_text(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}
/* ASCII case-insensitive: does s end with suffix? */
int tp__iends_with(const char *s, const char *suffix);
/* The host of a URL, not copied: what follows "scheme://" and any "user@",
 * up to the port, path, query or fragment. Returns its start; *len is set. */
const char *tp__url_host(const char *url, size_t *len);

/* 1 for an absolute http(s) URL with a host, no spaces, quotes or angle
 * brackets, at most 2,000 bytes: one safe to store and to redirect to. */
int tp__http_url_ok(const char *url);

/* The company domain of a website: "https://www.acme.com/about" →
 * "acme.com", lower-case, into out. Returns its length, or 0 when the host
 * has no dot or does not fit. */
size_t tp__website_domain(const char *website, char *out, size_t cap);

/* The value of a hexadecimal digit, either case; -1 for any other byte. */
int tp__hex_digit(char c);

/* Parses a non-negative decimal integer that fills s entirely. */
int tp__parse_i64(const char *s, long long *out);

/* Writes v in decimal at out (up to 20 bytes, no NUL); the bytes written.
 * For hot loops where snprintf's format parsing is most of the cost. */
size_t tp__put_i64(char *out, int64_t v);

#endif
