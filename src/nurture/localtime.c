/* A contact's local time, for waits "until Tuesday 09:00": the time zone
 * comes from the contact's country, with the daylight-saving rules of the
 * EU and of North America. Countries that span zones take their most
 * populous one (US: Eastern); a country not in the table is UTC.
 * docs/NURTURE.md lists the table. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "nurture/nurture_int.h"
#include "touchpoint/time.h"

#define HOUR_MS (3600LL * 1000)
#define DAY_MS (24 * HOUR_MS)

enum dst_rule { NO_DST, EU_DST, US_DST };

static const struct zone {
	const char *country;     /* ISO 3166 alpha-2 */
	int offset_minutes;      /* standard time */
	enum dst_rule dst;
} zones[] = {
	{"GB", 0, EU_DST},    {"IE", 0, EU_DST},    {"PT", 0, EU_DST},    {"DE", 60, EU_DST},
	{"FR", 60, EU_DST},   {"ES", 60, EU_DST},   {"IT", 60, EU_DST},   {"NL", 60, EU_DST},
	{"BE", 60, EU_DST},   {"LU", 60, EU_DST},   {"AT", 60, EU_DST},   {"CH", 60, EU_DST},
	{"PL", 60, EU_DST},   {"CZ", 60, EU_DST},   {"SK", 60, EU_DST},   {"HU", 60, EU_DST},
	{"DK", 60, EU_DST},   {"SE", 60, EU_DST},   {"NO", 60, EU_DST},   {"SI", 60, EU_DST},
	{"HR", 60, EU_DST},   {"FI", 120, EU_DST},  {"EE", 120, EU_DST},  {"LV", 120, EU_DST},
	{"LT", 120, EU_DST},  {"RO", 120, EU_DST},  {"BG", 120, EU_DST},  {"GR", 120, EU_DST},
	{"CY", 120, EU_DST},  {"US", -300, US_DST}, {"CA", -300, US_DST}, {"MX", -360, NO_DST},
	{"BR", -180, NO_DST}, {"AR", -180, NO_DST}, {"IN", 330, NO_DST},  {"VN", 420, NO_DST},
	{"TH", 420, NO_DST},  {"ID", 420, NO_DST},  {"CN", 480, NO_DST},  {"HK", 480, NO_DST},
	{"TW", 480, NO_DST},  {"SG", 480, NO_DST},  {"MY", 480, NO_DST},  {"PH", 480, NO_DST},
	{"JP", 540, NO_DST},  {"KR", 540, NO_DST},  {"AU", 600, NO_DST},  {"AE", 240, NO_DST},
	{"IL", 120, NO_DST},  {"TR", 180, NO_DST},  {"ZA", 120, NO_DST},  {"NG", 60, NO_DST},
};

static int64_t weekday(int64_t days)   /* 0 = Sunday; 1970-01-01 was a Thursday */
{
	return ((days % 7) + 11) % 7;
}

static int64_t last_sunday(int64_t year, unsigned month)
{
	int64_t last = tp_days_from_civil(month == 12 ? year + 1 : year, month == 12 ? 1 : month + 1, 1) - 1;
	return last - weekday(last);
}

static int64_t nth_sunday(int64_t year, unsigned month, int n)
{
	int64_t first = tp_days_from_civil(year, month, 1);
	return first + (7 - weekday(first)) % 7 + 7 * (n - 1);
}

/* The zone's offset from UTC at the instant `utc`, in ms. */
static int64_t offset_at(const struct zone *z, int64_t utc)
{
	int64_t std = z->offset_minutes * 60000LL;
	int64_t year = tp_month_of(utc) / 12;
	int64_t start, end;   /* of summer time, UTC */
	if (z->dst == EU_DST) {
		start = last_sunday(year, 3) * DAY_MS + HOUR_MS;
		end = last_sunday(year, 10) * DAY_MS + HOUR_MS;
	} else if (z->dst == US_DST) {
		start = nth_sunday(year, 3, 2) * DAY_MS + 2 * HOUR_MS - std;
		end = nth_sunday(year, 11, 1) * DAY_MS + 2 * HOUR_MS - std - HOUR_MS;
	} else {
		return std;
	}
	return utc >= start && utc < end ? std + HOUR_MS : std;
}

static const struct zone *zone_of(const char *country)
{
	static const struct zone utc = {"", 0, NO_DST};
	for (size_t i = 0; country && i < sizeof zones / sizeof *zones; i++)
		if (!strcasecmp(country, zones[i].country))
			return &zones[i];
	return &utc;
}

/* The first instant at or after `from` when it is `hour`:00 on the given
 * weekday (sun..sat, "weekday" = mon-fri, "any") in the country's zone. */
int64_t tp__wait_until(const cJSON *until, const char *country, int64_t from)
{
	const struct zone *z = zone_of(country);
	const char *wd = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(until, "weekday"));
	int hour = (int)cJSON_GetObjectItemCaseSensitive(until, "hour")->valuedouble;
	static const char *const names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
	int64_t local_day = (from + offset_at(z, from)) / DAY_MS;
	for (int64_t d = local_day; d < local_day + 9; d++) {
		int64_t w = weekday(d);
		int ok = !wd || !strcmp(wd, "any") || (!strcmp(wd, "weekday") && w >= 1 && w <= 5) ||
		         !strcmp(wd, names[w]);
		if (!ok)
			continue;
		int64_t local = d * DAY_MS + hour * HOUR_MS;
		/* The offset at the guess, then at the answer: exact but at the
		 * hour that a change of clocks skips. */
		int64_t utc = local - offset_at(z, local - z->offset_minutes * 60000LL);
		if (utc >= from)
			return utc;
	}
	return from;
}
