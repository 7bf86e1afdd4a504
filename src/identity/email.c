/* E-mail normalization and the free-mail domain list. We lower-case the whole
 * address (RFC 5321 lets the local part be case-sensitive, but no provider
 * relevant to B2B treats it so) and keep "+tags" and dots: a plus-address is
 * often a deliberate second identity (ana+events@...), and stripping it would
 * fuse two records that the person kept apart. */
#include <string.h>

#include "core/text.h"
#include "touchpoint/email.h"

static const char *const freemail[] = {
	/* global */
	"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com",
	"msn.com", "yahoo.com", "ymail.com", "rocketmail.com", "aol.com", "icloud.com",
	"me.com", "mac.com", "proton.me", "protonmail.com", "pm.me", "zoho.com",
	"gmx.com", "gmx.net", "gmx.de", "web.de", "mail.com", "yandex.com",
	"yandex.ru", "mail.ru", "tutanota.com", "fastmail.com", "hey.com",
	/* regional variants */
	"hotmail.co.uk", "hotmail.fr", "outlook.fr", "yahoo.co.uk", "yahoo.fr",
	"yahoo.de", "yahoo.co.jp", "yahoo.com.vn", "libero.it", "orange.fr",
	"free.fr", "t-online.de", "naver.com", "daum.net", "hanmail.net",
	/* China */
	"qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "sina.com",
	"sina.cn", "sohu.com", "139.com", "aliyun.com",
	NULL};

const char *const *tp_freemail_domains(void)
{
	return freemail;
}

int tp_domain_is_freemail(const char *domain)
{
	/* Scoring asks this of every call with traits: the first letter spares
	 * most of the list's case-blind compares. */
	char first = tp__ascii_lower(*domain);
	for (const char *const *d = freemail; *d; d++)
		if ((*d)[0] == first && tp__ieq(domain, *d))
			return 1;
	return 0;
}

const char *tp_email_domain(const char *email)
{
	const char *at = strrchr(email, '@');
	return at ? at + 1 : email + strlen(email);
}

int tp_email_normalize(const char *in, char *out, const char **why)
{
	size_t n;
	const char *s = tp__trim(in, &n);
	if (n == 0) {
		*why = "is empty";
		return -1;
	}
	if (n > TP_MAX_EMAIL_BYTES) {
		*why = "is longer than 254 bytes";
		return -1;
	}
	const char *at = memchr(s, '@', n);
	if (!at || at == s || memchr(at + 1, '@', n - (size_t)(at - s) - 1)) {
		*why = "needs exactly one '@' with something before it";
		return -1;
	}
	size_t local = (size_t)(at - s), domain = n - local - 1;
	if (local > 64) {
		*why = "has a local part longer than 64 bytes";
		return -1;
	}
	const char *d = at + 1;
	if (domain < 3 || !memchr(d, '.', domain) || d[0] == '.' || d[domain - 1] == '.') {
		*why = "needs a domain with a dot, like example.com";
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c == '"' || c == ',' || c == '<' || c == '>' || c == '(' ||
		    c == ')' || c == ';' || c == '\\' || c == 0x7f) {
			*why = "contains a space or a character not allowed in an address";
			return -1;
		}
		if (i > local && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		                   (c >= '0' && c <= '9') || c == '-' || c == '.' || c >= 0x80)) {
			*why = "has a character not allowed in a domain";
			return -1;
		}
	}
	for (size_t i = 1; i < domain; i++)
		if (d[i] == '.' && d[i - 1] == '.') {
			*why = "has an empty label in its domain";
			return -1;
		}
	memcpy(out, s, n);
	out[n] = '\0';
	tp__lower(out);
	return 0;
}
