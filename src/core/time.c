/* ISO 8601 parsing and formatting. Calendar arithmetic after Howard Hinnant,
 * "chrono-Compatible Low-Level Date Algorithms" (days_from_civil /
 * civil_from_days), exact for the proleptic Gregorian calendar. */
#include <stdio.h>
#include <string.h>

#include "touchpoint/time.h"

int64_t tp_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

static int digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 ? 28 + leap : dim[m - 1];
}

/* A time's fields checked and made UTC ms: 0, or -1 for a field out of
 * range. Second 60 (a leap second) is read as 59. */
typedef struct time_fields {
	int y, mo, d, h, mi, sec, ms, off;  /* off: the zone's minutes east of UTC */
} time_fields;

static int time_of(time_fields f, int64_t *out)
{
	/* Calls come in time order: most are on the last call's date, whose
	 * check and day number are kept (per thread: the server parses in
	 * several). */
	static _Thread_local int last_date = -1;  /* yyyymmdd; -1: none */
	static _Thread_local int64_t last_days;
	int date = f.y * 10000 + f.mo * 100 + f.d;
	if (f.h > 23 || f.mi > 59 || f.sec > 60)
		return -1;
	if (date != last_date) {
		if (f.y < 1970 || f.y > 9999 || f.mo < 1 || f.mo > 12 || f.d < 1 ||
		    f.d > days_in_month(f.y, f.mo))
			return -1;
		last_days = tp_days_from_civil(f.y, (unsigned)f.mo, (unsigned)f.d);
		last_date = date;
	}
	if (f.sec == 60)
		f.sec = 59;
	int64_t days = last_days;
	*out = (((days * 24 + f.h) * 60 + f.mi - f.off) * 60 + f.sec) * 1000 + f.ms;
	return 0;
}

/* "2026-01-01T00:00:31.332Z", the form nearly every call carries, read
 * without the general parse's choices (which cost it 310 instructions a
 * call): 1 when s has another form, which the general parse then reads.
 * digits() stops at the first byte that is not one, so a shorter s is
 * never overrun. */
static int parse_canonical(const char *s, time_fields *f)
{
	const char *p = s;
	if (digits(&p, 4, &f->y) || *p++ != '-' || digits(&p, 2, &f->mo) || *p++ != '-' ||
	    digits(&p, 2, &f->d) || *p++ != 'T' || digits(&p, 2, &f->h) || *p++ != ':' ||
	    digits(&p, 2, &f->mi) || *p++ != ':' || digits(&p, 2, &f->sec) || *p++ != '.' ||
	    digits(&p, 3, &f->ms) || *p++ != 'Z' || *p != '\0')
		return 1;
	f->off = 0;
	return 0;
}

int tp_time_parse(const char *s, int64_t *out)
{
	time_fields f = {0};
	if (!s)
		return -1;
	if (parse_canonical(s, &f) == 0)
		return time_of(f, out);
	f = (time_fields){0};
	const char *p = s;
	if (digits(&p, 4, &f.y) || *p++ != '-' || digits(&p, 2, &f.mo) || *p++ != '-' ||
	    digits(&p, 2, &f.d))
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &f.h) || *p++ != ':' || digits(&p, 2, &f.mi))
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &f.sec))
				return -1;
			if (*p == '.' || *p == ',') {
				p++;
				int n = 0, scale = 100;
				while (*p >= '0' && *p <= '9') {
					if (n++ < 3) {
						f.ms += (*p - '0') * scale;
						scale /= 10;
					}
					p++;
				}
				if (n == 0)
					return -1;
			}
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
			if (digits(&p, 2, &oh))
				return -1;
			if (*p == ':')
				p++;
			if (*p >= '0' && *p <= '9' && digits(&p, 2, &om))
				return -1;
			if (oh > 23 || om > 59)
				return -1;
			f.off = sign * (oh * 60 + om);
		}
	}
	if (*p != '\0')
		return -1;
	return time_of(f, out);
}

void tp_time_format(int64_t ms, char out[25])
{
	int64_t s = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
	int msec = (int)(ms - s * 1000);
	int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
	int sod = (int)(s - days * 86400);
	int y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	/* Values are in range by construction; the casts tell the compiler so. */
	snprintf(out, 25, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ", (unsigned)y % 10000u, m % 13u,
	         d % 32u, (unsigned)sod / 3600u % 24u, (unsigned)sod / 60u % 60u,
	         (unsigned)sod % 60u, (unsigned)msec % 1000u);
}

void tp_time_format_date(int64_t ms, char out[11])
{
	char full[25];
	tp_time_format(ms, full);
	memcpy(out, full, 10);
	out[10] = '\0';
}

int tp_month_parse(const char *s, int *out)
{
	const char *p = s;
	int y, m;
	if (!s || digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &m) || *p || y < 1970 ||
	    m < 1 || m > 12)
		return -1;
	*out = y * 12 + m - 1;
	return 0;
}

int tp_month_of(int64_t ms)
{
	int64_t days = ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000;
	int y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	return y * 12 + (int)m - 1;
}

int64_t tp_month_start(int month)
{
	return tp_days_from_civil(month / 12, (unsigned)(month % 12 + 1), 1) * 86400000;
}

void tp_month_format(int month, char out[8])
{
	snprintf(out, 8, "%04u-%02u", (unsigned)(month / 12) % 10000u, (unsigned)(month % 12 + 1) % 13u);
}
