/* Money as exports write it. A comma after the point, or a point used as a
 * thousands separator ("1.234,56"), is refused rather than guessed. */
#include <stdint.h>

#include "touchpoint/money.h"

int tp_money_parse(const char *s, int64_t *minor)
{
	int64_t units = 0, cents = 0;
	int digits = 0, frac = -1;
	if (!s)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p == ',' && frac < 0 && digits)
			continue;
		if (*p == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || frac >= 2 || units > INT64_MAX / 1000)
			return -1;
		if (frac >= 0) {
			cents = cents * 10 + (*p - '0');
			frac++;
		} else {
			units = units * 10 + (*p - '0');
		}
		digits++;
	}
	if (!digits)
		return -1;
	if (frac == 1)
		cents *= 10;
	*minor = units * 100 + cents;
	return 0;
}

int tp_currency_parse(const char *s, char out[4])
{
	if (!s)
		return -1;
	for (int i = 0; i < 3; i++) {
		char c = s[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 32);
		if (c < 'A' || c > 'Z')
			return -1;
		out[i] = c;
	}
	if (s[3])
		return -1;
	out[3] = '\0';
	return 0;
}
