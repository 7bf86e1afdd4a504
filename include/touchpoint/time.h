/* Times are UTC milliseconds since the Unix epoch (int64). */
#ifndef TOUCHPOINT_TIME_H
#define TOUCHPOINT_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "touchpoint/api.h"

/* Parses ISO 8601 / RFC 3339: "2026-03-01", "2026-03-01T10:00:00Z",
 * "2026-03-01T10:00:00.123+07:00", "2026-03-01 10:00:00" (taken as UTC).
 * Returns 0 and sets *out, or -1 (and leaves *out untouched). */
TP_API int tp_time_parse(const char *s, int64_t *out);

/* Writes "2026-03-01T10:00:00.123Z" (24 chars + NUL) into out[25]. */
TP_API void tp_time_format(int64_t ms, char out[25]);
/* Writes "2026-03-01" into out[11]. */
TP_API void tp_time_format_date(int64_t ms, char out[11]);

/* Days since the epoch of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil); valid for years 0..9999. */
TP_API int64_t tp_days_from_civil(int64_t y, unsigned m, unsigned d);

/* Months as one number, year * 12 + (month - 1), for calendar-month
 * arithmetic (the month after is m + 1). */
TP_API int tp_month_parse(const char *s, int *out);   /* "2026-03" → 0 or -1 */
TP_API int tp_month_of(int64_t ms);
TP_API int64_t tp_month_start(int month);             /* ms of its first instant */
TP_API void tp_month_format(int month, char out[8]);  /* "2026-03" */

#endif
