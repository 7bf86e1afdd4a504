/* Core helpers: time, e-mail normalization, CSV in and out, status table. */
#include "helpers.h"

#include <pthread.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/i64map.h"
#include "core/strmap.h"
#include "core/strset.h"
#include "core/text.h"

static void test_time_parse_and_format(void **state)
{
	(void)state;
	int64_t t;
	assert_int_equal(tp_time_parse("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(tp_time_parse("2024-02-29T23:59:59.999Z", &t), 0);
	char buf[25];
	tp_time_format(t, buf);
	assert_string_equal(buf, "2024-02-29T23:59:59.999Z");
	assert_int_equal(tp_time_parse("2026-03-01T07:00:00+07:00", &t), 0);
	tp_time_format(t, buf);
	assert_string_equal(buf, "2026-03-01T00:00:00.000Z");
	assert_int_equal(tp_time_parse("2026-03-01T00:00:00-0530", &t), 0);
	tp_time_format(t, buf);
	assert_string_equal(buf, "2026-03-01T05:30:00.000Z");
	assert_int_equal(tp_time_parse("2026-03-01", &t), 0);
	assert_int_equal(t % 86400000, 0);
	const char *bad[] = {"2023-02-29", "2026-13-01", "2026-01-32T00:00Z", "2026-01-01T24:00:00Z",
	                     "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00Zjunk", "26-01-01", "", "1969-12-31",
	                     "0000-00-00T00:00:00.000Z", "0000-00-00"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (tp_time_parse(bad[i], &t) == 0)
			fail_msg("accepted %s", bad[i]);
	/* Round trip over a range of days, against days_from_civil. */
	for (int64_t d = 0; d < 200000; d += 97) {
		int64_t ms = d * 86400000 + 12345;
		tp_time_format(ms, buf);
		assert_int_equal(tp_time_parse(buf, &t), 0);
		assert_int_equal(t, ms);
	}
}

/* The canonical form "YYYY-MM-DDTHH:MM:SS.mmmZ" has a fast path; with a
 * space for its 'T' the same text goes the general way. Both must agree,
 * on the value and on refusing, for every byte of the form changed. */
static void assert_parse_agrees(const char *s)
{
	char general[32];
	snprintf(general, sizeof general, "%s", s);
	if (strlen(general) > 10 && general[10] == 'T')
		general[10] = ' ';
	int64_t fast = -1, slow = -1;
	int rf = tp_time_parse(s, &fast), rs = tp_time_parse(general, &slow);
	if (rf != rs || (rf == 0 && fast != slow))
		fail_msg("\"%s\": %d %lld, general way %d %lld", s, rf, (long long)fast, rs, (long long)slow);
}

/* The first parse of a thread, when no date is remembered yet. */
static void *parse_zero_date(void *result)
{
	int64_t t;
	*(int *)result = tp_time_parse("0000-00-00T00:00:00.000Z", &t);
	return NULL;
}

static void test_time_parse_fast_path_agrees(void **state)
{
	(void)state;
	int first = 0;
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, parse_zero_date, &first), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(first, -1);
	const char *bases[] = {
		"2026-01-01T00:00:31.332Z", "2024-02-29T23:59:59.999Z", "2023-02-29T00:00:00.000Z",
		"1970-01-01T00:00:00.000Z", "1969-12-31T23:59:59.999Z", "9999-12-31T23:59:60.999Z",
		"2026-00-10T10:00:00.000Z", "2026-13-10T10:00:00.000Z", "2026-04-31T10:00:00.000Z",
		"2026-04-00T10:00:00.000Z", "2026-04-10T24:00:00.000Z", "2026-04-10T10:60:00.000Z",
		"2026-04-10T10:00:61.000Z", "2026-04-10T10:00:60.500Z",
	};
	const char swaps[] = "0159-:.TtZz+ x";
	for (size_t b = 0; b < sizeof bases / sizeof bases[0]; b++) {
		assert_parse_agrees(bases[b]);
		for (size_t i = 0; i < 25; i++) {
			if (i == 10)
				continue;  /* the byte the general way's copy changes */
			char s[32];
			for (size_t k = 0; k <= sizeof swaps - 1; k++) {  /* the last: a NUL, cutting it short */
				memcpy(s, bases[b], 25);
				s[i] = swaps[k];
				s[25] = '\0';
				assert_parse_agrees(s);
			}
		}
	}
	/* And the value, against the formatter, across the whole range. */
	char buf[25];
	int64_t t;
	for (int64_t ms = 0; ms < INT64_C(253402300799999); ms += INT64_C(987654321987)) {
		tp_time_format(ms, buf);
		assert_int_equal(tp_time_parse(buf, &t), 0);
		assert_int_equal(t, ms);
		assert_parse_agrees(buf);
	}
}

static void test_email(void **state)
{
	(void)state;
	char out[TP_MAX_EMAIL_BYTES + 1];
	const char *why;
	assert_int_equal(tp_email_normalize("  Ana.Nguyen+Tag@Example.COM\t", out, &why), 0);
	assert_string_equal(out, "ana.nguyen+tag@example.com"); /* +tag kept */
	assert_string_equal(tp_email_domain(out), "example.com");
	const char *bad[] = {"", "plain", "@x.com", "a@b@c.com", "a@nodot", "a b@c.com", "a@.com",
	                     "a@c..com", "a@c.com."};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (tp_email_normalize(bad[i], out, &why) == 0)
			fail_msg("accepted %s", bad[i]);
	assert_true(tp_domain_is_freemail("gmail.com"));
	assert_true(tp_domain_is_freemail("QQ.com"));
	assert_true(tp_domain_is_freemail("163.com"));
	assert_false(tp_domain_is_freemail("acme.com"));
}

typedef struct rows {
	int n;
	char cells[8][8][64];
	size_t width[8];
} rows;

static int collect_row(void *user, int64_t row, const char *const *fields, size_t n)
{
	rows *r = user;
	(void)row;
	if (r->n < 8) {
		r->width[r->n] = n;
		for (size_t i = 0; i < n && i < 8; i++)
			snprintf(r->cells[r->n][i], 64, "%s", fields[i] ? fields[i] : "");
	}
	r->n++;
	return 0;
}

static void test_csv_reader(void **state)
{
	(void)state;
	tp_ctx *ctx = tp_ctx_create();
	rows r = {0};
	tp_csv_reader *rd = tp_csv_reader_create(collect_row, &r);
	const char *text = "\xEF\xBB\xBF" "Email,Note\r\na@b.com,\"two\nlines, \"\"quoted\"\"\"\nc@d.com,last";
	/* Fed in awkward pieces: the reader must not care where chunks split. */
	for (size_t i = 0; i < strlen(text); i += 5)
		assert_int_equal(tp_csv_feed(rd, ctx, text + i, strlen(text) - i < 5 ? strlen(text) - i : 5),
		                 TP_OK);
	assert_int_equal(tp_csv_finish(rd, ctx), TP_OK);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.cells[0][0], "Email");
	assert_string_equal(r.cells[1][1], "two\nlines, \"quoted\"");
	assert_string_equal(r.cells[2][1], "last");
	tp_csv_reader_destroy(rd);

	/* A field over the cap is an error, not a crash or a truncation. */
	rows r2 = {0};
	rd = tp_csv_reader_create(collect_row, &r2);
	char *huge = malloc(TP_MAX_CSV_FIELD_BYTES + 100);
	huge[0] = '"';
	memset(huge + 1, 'x', TP_MAX_CSV_FIELD_BYTES + 98);
	huge[TP_MAX_CSV_FIELD_BYTES + 99] = '\0';
	assert_int_equal(tp_csv_feed(rd, ctx, huge, strlen(huge)), TP_ERR_TOO_BIG);
	free(huge);
	tp_csv_reader_destroy(rd);
	tp_ctx_destroy(ctx);
}

static void test_csv_writer_neutralises_formulas(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	const char *cells[] = {"=HYPERLINK(\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "plain",
	                       "a,b", "say \"hi\"", "-12.50", "+3"};
	for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
		tp_csv_write_cell(out, cells[i]);
		fputc('|', out);
	}
	fclose(out);
	/* Plain numbers keep their sign: a spreadsheet reads them as numbers. */
	assert_string_equal(buf, "\"'=HYPERLINK(\"\"x\"\")\"|\"'+1+cmd|' /C calc'!A0\"|\"'-2+3\"|"
	                         "\"'@SUM(A1)\"|plain|\"a,b\"|\"say \"\"hi\"\"\"|-12.50|+3|");
	free(buf);
}

static void test_status_table(void **state)
{
	(void)state;
	assert_string_equal(tp_status_name(TP_ERR_INVALID), "TP_ERR_INVALID");
	assert_string_equal(tp_strerror(TP_OK), "success");
	assert_int_equal(TP_DUPLICATE, 12); /* codes are never renumbered */
}

/* A key of length len, numbered j in base 26 from its last byte back, so
 * that neighbours differ in their last byte. */
static void numbered_key(char *key, int len, int j)
{
	memset(key, 'a', (size_t)len);
	key[len] = '\0';
	for (int at = len - 1; at >= 0 && j; at--, j /= 26)
		key[at] = (char)('a' + j % 26);
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Up to this many keys of each length (fewer where 26^len is fewer). */
static int keys_of_length(int len)
{
	long n = 1;
	for (int i = 0; i < len && n < 5000; i++)
		n *= 26;
	return n < 5000 ? (int)n : 5000;
}

/* The message-id set: keys of every length, each added twice and counted
 * once, found, and the next one of each length not found; grown past the
 * slots its tags can place (lowered for the test) so that growth hashes the
 * keys again. */
static void test_strset(void **state)
{
	(void)state;
	for (int tag_bits = 24; tag_bits >= 12; tag_bits -= 12) {
		tp_strset s;
		tp__strset_init(&s);
		s.tag_bits = tag_bits;
		char key[48];
		assert_false(tp__strset_has(&s, ""));
		size_t n = 0;
		for (int len = 0; len <= 40; len++)
			for (int j = 0; j < keys_of_length(len); j++, n++) {
				numbered_key(key, len, j);
				assert_int_equal(tp__strset_add(&s, key), 0);
				assert_int_equal(tp__strset_add(&s, key), 0);
			}
		assert_int_equal(s.len, n);
		assert_true(s.bits > 12);
		for (int len = 0; len <= 40; len++) {
			for (int j = 0; j < keys_of_length(len); j++) {
				numbered_key(key, len, j);
				assert_true(tp__strset_has(&s, key));
			}
			if (len >= 3) {
				numbered_key(key, len, keys_of_length(len)); /* the next one: never added */
				assert_false(tp__strset_has(&s, key));
			}
		}
		tp__strset_free(&s);
		assert_false(tp__strset_has(&s, ""));
	}
}

/* Keys of every length from 0 to 40 (the hash reads eight bytes at a time,
 * then a tail), each differing from the next in its last byte, enough that
 * the slots grow past 2 MB onto the huge-page allocation. */
static void test_strmap(void **state)
{
	(void)state;
	tp_strmap m;
	tp__strmap_init(&m);
	char key[48];
	int64_t v;
	assert_false(tp__strmap_get(&m, "", &v));
	size_t n = 0;
	for (int len = 0; len <= 40; len++)
		for (int j = 0; j < keys_of_length(len); j++, n++) {
			numbered_key(key, len, j);
			assert_int_equal(tp__strmap_put(&m, key, -1), 0);
			assert_int_equal(tp__strmap_put(&m, key, len * 10000 + j), 0); /* replaces */
		}
	assert_int_equal(m.len, n);
	assert_true(m.cap * sizeof *m.slots > 2 * 1024 * 1024);
	for (int len = 0; len <= 40; len++) {
		for (int j = 0; j < keys_of_length(len); j++) {
			numbered_key(key, len, j);
			assert_true(tp__strmap_get(&m, key, &v));
			assert_int_equal(v, len * 10000 + j);
		}
		if (len >= 3) {
			numbered_key(key, len, keys_of_length(len)); /* the next one: never put */
			assert_false(tp__strmap_get(&m, key, &v));
		}
	}
	memset(key, 'a', 41);
	key[41] = '\0';
	assert_false(tp__strmap_get(&m, key, &v));
	/* Every byte counts in the hash: no two of these keys share one. */
	uint64_t *hashes = malloc(n * sizeof *hashes);
	assert_non_null(hashes);
	for (size_t i = 0, at = 0; i < m.cap; i++)
		if (m.slots[i].key)
			hashes[at++] = tp__hash_str(m.slots[i].key);
	qsort(hashes, n, sizeof *hashes, compare_u64);
	for (size_t i = 1; i < n; i++)
		assert_true(hashes[i] != hashes[i - 1]);
	free(hashes);
	tp__strmap_free(&m);
	assert_false(tp__strmap_get(&m, "", &v));
}

/* Arrays and buffers that pass TP_HUGE_MIN move to new memory by hand:
 * every element and byte written before comes along, at each doubling. */
static void test_big_growth_keeps_contents(void **state)
{
	(void)state;
	int64_t *arr = NULL;
	size_t cap = 0, n = 3 * TP_HUGE_MIN / sizeof *arr;
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(tp__grow((void **)&arr, &cap, i + 1, sizeof *arr), 0);
		arr[i] = (int64_t)(i * 7 + 1);
	}
	for (size_t i = 0; i < n; i++)
		if (arr[i] != (int64_t)(i * 7 + 1))
			fail_msg("element %zu lost", i);
	free(arr);
	tp_buf b;
	tp__buf_init(&b, 0);
	char chunk[4096];
	for (size_t i = 0; i < sizeof chunk; i++)
		chunk[i] = (char)('a' + i % 26);
	size_t rounds = 3 * TP_HUGE_MIN / sizeof chunk;
	for (size_t r = 0; r < rounds; r++)
		assert_int_equal(tp__buf_add(&b, chunk, sizeof chunk), 0);
	assert_int_equal(b.len, rounds * sizeof chunk);
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] != (char)('a' + i % sizeof chunk % 26))
			fail_msg("byte %zu lost", i);
	assert_int_equal(b.data[b.len], '\0');
	tp__buf_free(&b);
	/* A growing arena's texts stay where they were put. */
	tp_arena a;
	tp__arena_init(&a, 1024);
	char *first = tp__arena_strndup(&a, "first", 5);
	for (size_t i = 0; i < 40000; i++)
		assert_non_null(tp__arena_alloc(&a, 1000));
	assert_string_equal(first, "first");
	tp__arena_free(&a);
}

/* The kernel's flags ("VmFlags:" in /proc/self/smaps) of the mapping
 * that holds address p, into flags; 0, or -1 when not found. */
static int mapping_flags(const void *p, char *flags, size_t cap)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	char line[512];
	int inside = 0, found = -1;
	while (found < 0 && fgets(line, sizeof line, f)) {
		unsigned long from, to;
		if (sscanf(line, "%lx-%lx ", &from, &to) == 2)  /* a mapping's first line */
			inside = (uintptr_t)p >= from && (uintptr_t)p < to;
		else if (inside && strncmp(line, "VmFlags:", 8) == 0) {
			size_t n = strlen(line + 8);
			n = n < cap ? n : cap - 1;
			memcpy(flags, line + 8, n);
			flags[n] = '\0';
			found = 0;
		}
	}
	fclose(f);
	return found;
}

/* malloc's heap grows in one big step once an import has asked for huge
 * pages, and what it grew by is advised: its last page's mapping carries
 * the kernel's "hg". */
static void test_heap_prefer_huge(void **state)
{
	(void)state;
	tp__heap_prefer_huge();
	char *before = sbrk(0);
	/* Small blocks until the heap grows: at most what one step left free.
	 * Under AddressSanitizer, whose malloc does not use the heap, it never
	 * does: nothing to check. */
	void **list = NULL;
	size_t n = 0;
	while ((char *)sbrk(0) == before && n < 2 * (size_t)TP_HEAP_STEP / 1024) {
		void **block = malloc(1024);
		assert_non_null(block);
		*block = list;
		list = block;
		n++;
	}
	char *after = sbrk(0);
	while (list) {
		void **next = *list;
		free(list);
		list = next;
	}
	if (after == before)
		skip();
	assert_true(after - before >= TP_HEAP_STEP);
	tp__heap_prefer_huge();
	char flags[256];
	assert_int_equal(mapping_flags(after - 4096, flags, sizeof flags), 0);
	if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) != 0)
		skip();  /* a kernel without huge pages refuses the advice */
	if (!strstr(flags, " hg"))
		fail_msg("the heap's new pages are not advised: VmFlags:%s", flags);
}

/* The hash's tail read as one overlapping word mixes the same bytes as
 * reading them one at a time: the hash, written out plainly, agrees at
 * every length and alignment. */
static uint64_t plain_hash(const char *s)
{
	size_t n = strlen(s);
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
	for (size_t at = 0; at < n; at += 8) {
		uint64_t w = 0;
		for (size_t i = 0; i < 8 && at + i < n; i++)
			w |= (uint64_t)(unsigned char)s[at + i] << (8 * i);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

static void test_hash_tail(void **state)
{
	(void)state;
	char buf[64];
	for (size_t offset = 0; offset < 8; offset++)
		for (size_t len = 0; len <= 40; len++) {
			for (size_t i = 0; i < len; i++)
				buf[offset + i] = (char)(0x21 + (i * 7 + offset) % 90);
			buf[offset + len] = '\0';
			assert_true(tp__hash_str(buf + offset) == plain_hash(buf + offset));
		}
}

/* An interned text is the map's one copy: the same pointer each time,
 * equal to the text, and a put keeps it while changing the value. */
static void test_strmap_intern(void **state)
{
	(void)state;
	tp_strmap m;
	tp__strmap_init(&m);
	char text[16];
	snprintf(text, sizeof text, "google");
	const char *one = tp__strmap_intern(&m, text);
	assert_non_null(one);
	assert_ptr_not_equal(one, text);
	assert_string_equal(one, "google");
	snprintf(text, sizeof text, "bing");
	assert_string_equal(one, "google");  /* a copy, not the caller's buffer */
	const char *other = tp__strmap_intern(&m, text);
	assert_ptr_not_equal(other, one);
	assert_ptr_equal(tp__strmap_intern(&m, "google"), one);
	assert_int_equal(m.len, 2);
	int64_t v = -1;
	assert_true(tp__strmap_get(&m, "google", &v));
	assert_int_equal(v, 0);
	assert_int_equal(tp__strmap_put(&m, "google", 7), 0);
	assert_ptr_equal(tp__strmap_intern(&m, "google"), one);
	assert_true(tp__strmap_get(&m, "google", &v));
	assert_int_equal(v, 7);
	/* The second prefetch hint gives a key's value from its home slot, and
	 * -1 for a key not there. */
	assert_int_equal(tp__strmap_prefetch_key(&m, "google"), 7);
	assert_int_equal(tp__strmap_prefetch_key(&m, "yahoo"), -1);
	tp__strmap_free(&m);
	assert_int_equal(tp__strmap_prefetch_key(&m, "google"), -1);
}

/* tp__put_i64 writes what printf's %lld writes, at the extremes too. */
static void test_put_i64(void **state)
{
	(void)state;
	const int64_t values[] = {0, 7, -7, 10, 1234567890, -1000000, INT64_MAX, INT64_MIN};
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		char want[32], got[32];
		snprintf(want, sizeof want, "%lld", (long long)values[i]);
		size_t n = tp__put_i64(got, values[i]);
		got[n] = '\0';
		assert_string_equal(got, want);
	}
}

static void test_i64map(void **state)
{
	(void)state;
	tp_i64map m;
	tp__i64map_init(&m);
	int64_t v;
	assert_false(tp__i64map_get(&m, 7, &v));
	enum { N = 300000 };
	for (int64_t k = 1; k <= N; k++)
		assert_int_equal(tp__i64map_put(&m, k * 7919, k), 0);
	assert_int_equal(tp__i64map_put(&m, 7919, -5), 0);
	assert_int_equal(m.len, N);
	assert_true(tp__i64map_get(&m, 7919, &v));
	assert_int_equal(v, -5);
	for (int64_t k = 2; k <= N; k++) {
		assert_true(tp__i64map_get(&m, k * 7919, &v));
		assert_int_equal(v, k);
		assert_false(tp__i64map_get(&m, k * 7919 + 1, &v));
	}
	tp__i64map_free(&m);
	assert_false(tp__i64map_get(&m, 7919, &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_parse_and_format),
		cmocka_unit_test(test_time_parse_fast_path_agrees),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_csv_reader),
		cmocka_unit_test(test_csv_writer_neutralises_formulas),
		cmocka_unit_test(test_status_table),
		cmocka_unit_test(test_strmap),
		cmocka_unit_test(test_strmap_intern),
		cmocka_unit_test(test_hash_tail),
		cmocka_unit_test(test_big_growth_keeps_contents),
		cmocka_unit_test(test_heap_prefer_huge),
		cmocka_unit_test(test_strset),
		cmocka_unit_test(test_i64map),
		cmocka_unit_test(test_put_i64),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
