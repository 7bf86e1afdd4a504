/* Amounts are kept in minor units (cents) of their currency, as int64. */
#ifndef TOUCHPOINT_MONEY_H
#define TOUCHPOINT_MONEY_H

#include <stdint.h>

#include "touchpoint/api.h"

/* "12000", "12,000.5", "12000.50", "1,234,567.89" → minor units. No sign,
 * at most two decimals, commas only as thousands separators before the
 * point. Returns 0, or -1 (and leaves *minor untouched). */
TP_API int tp_money_parse(const char *s, int64_t *minor);

/* "USD", "eur" → "EUR" into out[4]: three ASCII letters. Returns 0 or -1. */
TP_API int tp_currency_parse(const char *s, char out[4]);

#endif
