/* ASCII-only helpers: identifiers, UTM values and domains are compared
 * case-insensitively in ASCII, as GA4 does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"

char *tp__lower(char *s)
{
	for (char *p = s; *p; p++)
		*p = tp__ascii_lower(*p);
	return s;
}

const char *tp__trim(const char *s, size_t *len)
{
	return tp__trim_n(s, strlen(s), len);
}

int tp__ieq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

int tp__iends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

const char *tp__url_host(const char *url, size_t *len)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	size_t n = strcspn(p, "/?#");
	for (size_t i = n; i > 0; i--)
		if (p[i - 1] == '@') {
			p += i;
			n -= i;
			break;
		}
	const char *port = memchr(p, ':', n);
	*len = port ? (size_t)(port - p) : n;
	return p;
}

int tp__parse_i64(const char *s, long long *out)
{
	if (!s || !*s)
		return -1;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return -1;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

size_t tp__put_i64(char *out, int64_t v)
{
	char digits[20];
	/* Unsigned, so that INT64_MIN negates without overflow. */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	size_t n = 0, w = 0;
	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		out[w++] = '-';
	while (n)
		out[w++] = digits[--n];
	return w;
}

size_t tp__website_domain(const char *website, char *out, size_t cap)
{
	size_t n;
	const char *p = tp__url_host(website, &n);
	if (n >= 4 && strncasecmp(p, "www.", 4) == 0)
		p += 4, n -= 4;
	if (n == 0 || n >= cap || !memchr(p, '.', n))
		return 0;
	memcpy(out, p, n);
	out[n] = '\0';
	tp__lower(out);
	return n;
}

int tp__http_url_ok(const char *u)
{
	const char *rest = strncmp(u, "https://", 8) == 0 ? u + 8
	                   : strncmp(u, "http://", 7) == 0 ? u + 7 : NULL;
	if (!rest || !*rest || *rest == '/' || strlen(u) > 2000)
		return 0;
	for (const char *c = u; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == '"' || *c == '<' || *c == '>' || *c == '\\')
			return 0;
	return 1;
}

int tp__hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}
