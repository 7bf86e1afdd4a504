/* The ingest path's JSON reader: what RFC 8259 refuses is refused (the
 * notes say where jsmn alone, which it once sat on, let it through), texts
 * come back unescaped, members are found past nested values, and the
 * compact text is the same value. */
#include "helpers.h"

#include <sys/mman.h>

#include "ingest/jtok.h"

static int parses(tp_jtok *d, const char *text, size_t *at)
{
	return tp__jtok_parse(d, text, strlen(text), at) == 0;
}

static void test_refuses_what_json_refuses(void **state)
{
	(void)state;
	tp_jtok d;
	tp__jtok_init(&d);
	int errors = 0;
	static const struct {
		const char *text;
		size_t at;  /* where the error is reported, 0-based */
	} bad[] = {
		{"{\"a\" \"b\"}", 5},          /* no ':' (jsmn takes it) */
		{"{\"a\":1,,\"b\":2}", 7},     /* two commas (jsmn takes it) */
		{"[1 2]", 3},                  /* no comma (jsmn takes it) */
		{"{\"a\":1,}", 7},             /* trailing comma: a member was due */
		{"{\"a\":tru}", 5},            /* not a literal (jsmn takes it) */
		{"{\"a\":01}", 5},             /* leading zero */
		{"{\"a\":1.}", 5},
		{"{\"a\":-}", 5},
		{"{\"a\":\"b\":\"c\"}", 8},    /* a value with a value: its ':' */
		{"{\"a\":1} x", 8},            /* extra text */
		{"{\"a\":\"\\ud800\"}", 5},    /* lone surrogate */
		{"{\"a\":\"\\x\"}", 5},        /* unknown escape */
		{"{\"a\":[}", 6},
		{"{\"a\":1", 5},               /* ends early: the last byte */
		{"this is not json", 0},
		{"", 0},
		{"   ", 2},
		{"5 x", 2},
		{"tru", 0},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t at;
		if (parses(&d, bad[i].text, &at))
			fail_msg("accepted %s", bad[i].text);
		if (at != bad[i].at)
			print_message("%s: error at %zu, not %zu\n", bad[i].text, at, bad[i].at), errors++;
	}
	assert_int_equal(errors, 0);
	static const char *const good[] = {
		"{}", " { } ", "[]", "{\"a\":[1,-0.5e+3,true,false,null,{},[]]}", "\"x\"", "0", " true\n",
		"{\"\\ud83d\\ude00\":\"\\u00e9\\n\\/\"}", "{\"a\":{\"b\":{\"c\":[[[]]]}}}",
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		size_t at;
		if (!parses(&d, good[i], &at))
			fail_msg("refused %s at %zu", good[i], at);
	}
	/* A lone number at the very end of an unterminated buffer is read
	 * without a byte past it: the page after it is unmapped. */
	long page = sysconf(_SC_PAGESIZE);
	char *pages = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	                   -1, 0);
	assert_true(pages != MAP_FAILED);
	assert_int_equal(mprotect(pages + page, (size_t)page, PROT_NONE), 0);
	char *five = pages + page - 1;
	*five = '5';
	double x;
	size_t at0;
	assert_int_equal(tp__jtok_parse(&d, five, 1, &at0), 0);
	assert_int_equal(tp__jtok_number(&d, 0, &x), 0);
	assert_true(x == 5.0);
	munmap(pages, (size_t)page * 2);
	/* Deeper than 512 levels is refused, not recursed into. */
	char deep[2 * 600 + 1];
	memset(deep, '[', 600);
	memset(deep + 600, ']', 600);
	deep[1200] = '\0';
	size_t at;
	assert_false(parses(&d, deep, &at));
	tp__jtok_free(&d);
}

static void test_members_and_texts(void **state)
{
	(void)state;
	tp_jtok d;
	tp_arena a;
	tp__jtok_init(&d);
	tp__arena_init(&a, 4096);
	const char *text = "{\"skip\":{\"name\":\"inner\",\"l\":[1,{\"name\":2}]},\"n\\u0061me\":\" A\\u00e9\\ud83d\\ude00\\\"\","
	                   "\"count\":-12.5e1,\"name\":\"second\",\"ok\":true,\"none\":null}";
	size_t at, n;
	assert_true(parses(&d, text, &at));
	assert_int_equal(tp__jtok_type(&d, 0), TP_J_OBJECT);
	assert_int_equal(tp__jtok_size(&d, 0), 6);
	/* The first "name" of the object itself, not the nested ones; its key was escaped. */
	int v = tp__jtok_get(&d, 0, "name");
	assert_string_equal(tp__jtok_str(&d, v, &a, &n), " A\xc3\xa9\xf0\x9f\x98\x80\"");
	assert_int_equal(n, strlen(" A\xc3\xa9\xf0\x9f\x98\x80\""));
	double x;
	assert_int_equal(tp__jtok_number(&d, tp__jtok_get(&d, 0, "count"), &x), 0);
	assert_true(x == -125.0);
	assert_int_equal(tp__jtok_number(&d, tp__jtok_get(&d, 0, "name"), &x), -1);
	assert_int_equal(tp__jtok_type(&d, tp__jtok_get(&d, 0, "ok")), TP_J_TRUE);
	assert_int_equal(tp__jtok_type(&d, tp__jtok_get(&d, 0, "none")), TP_J_NULL);
	assert_int_equal(tp__jtok_get(&d, 0, "absent"), -1);
	assert_int_equal(tp__jtok_type(&d, -1), TP_J_NONE);
	assert_null(tp__jtok_str(&d, -1, &a, &n));
	/* Every reader takes "absent", as a failed look-up returns it. */
	assert_null(tp__jtok_compact(&d, -1, &a, &n));
	assert_int_equal(n, 0);
	size_t from = 1, to = 1;
	tp__jtok_span(&d, -1, &from, &to);
	assert_true(from == 0 && to == 0);
	assert_int_equal(tp__jtok_first(&d, -1), -1);
	assert_int_equal(tp__jtok_next(&d, -1), -1);
	assert_int_equal(tp__jtok_size(&d, -1), 0);
	assert_int_equal(tp__jtok_get(&d, -1, "name"), -1);
	assert_int_equal(tp__jtok_number(&d, -1, &x), -1);
	/* Walking the members visits each once, in order. */
	const char *keys[6];
	int count = 0;
	for (int k = tp__jtok_first(&d, 0); k >= 0; k = tp__jtok_next(&d, k))
		keys[count++] = tp__jtok_str(&d, k, &a, &n);
	assert_int_equal(count, 6);
	assert_string_equal(keys[0], "skip");
	assert_string_equal(keys[1], "name");
	assert_string_equal(keys[5], "none");
	/* Array elements chain the same way. */
	int list = tp__jtok_get(&d, tp__jtok_get(&d, 0, "skip"), "l");
	count = 0;
	for (int e = tp__jtok_first(&d, list); e >= 0; e = tp__jtok_next(&d, e))
		count++;
	assert_int_equal(count, 2);
	tp__jtok_free(&d);
	tp__arena_free(&a);
}

static void test_compact_keeps_the_value(void **state)
{
	(void)state;
	tp_jtok d;
	tp_arena a;
	tp__jtok_init(&d);
	tp__arena_init(&a, 4096);
	const char *text = "{ \"p\" : { \"a b\" : [ 1 , \"x \\\" y\" ] ,\n\t\"c\" : { } } }";
	size_t at, n;
	assert_true(parses(&d, text, &at));
	char *c = tp__jtok_compact(&d, tp__jtok_get(&d, 0, "p"), &a, &n);
	assert_string_equal(c, "{\"a b\":[1,\"x \\\" y\"],\"c\":{}}");
	assert_int_equal(n, strlen(c));
	tp__jtok_free(&d);
	tp__arena_free(&a);
}

/* A pick finds what a look-up of each key finds: the first of duplicates,
 * escaped keys by their text, nothing for a key's prefix or extension. */
static void test_pick_is_a_lookup_per_key(void **state)
{
	(void)state;
	tp_jtok d;
	tp__jtok_init(&d);
	const char *text = "{\"nam\":1,\"names\":2,\"n\\u0061me\":3,\"name\":4,\"\":5,\"email\":{\"name\":6}}";
	size_t at;
	assert_true(parses(&d, text, &at));
	static const char *const keys[] = {"name", "email", "", "title", "na"};
	tp_jkeys set;
	assert_int_equal(tp__jkeys_init(&set, keys, 5), 0);
	int out[5];
	tp__jtok_pick(&d, 0, &set, out);
	for (int i = 0; i < 5; i++)
		assert_int_equal(out[i], tp__jtok_get(&d, 0, keys[i]));
	double x;
	assert_int_equal(tp__jtok_number(&d, out[0], &x), 0);
	assert_true(x == 3.0);  /* the escaped spelling comes first */
	assert_int_equal(tp__jtok_type(&d, out[1]), TP_J_OBJECT);
	assert_int_equal(tp__jtok_number(&d, out[2], &x), 0);
	assert_true(x == 5.0);
	assert_int_equal(out[3], -1);
	assert_int_equal(out[4], -1);
	/* Not an object: nothing. */
	tp__jtok_pick(&d, out[0], &set, out);
	for (int i = 0; i < 5; i++)
		assert_int_equal(out[i], -1);
	tp__jtok_free(&d);
}

/* Names alike are told apart: "country" and "company" by the hash; names
 * past 16 bytes by their tail; a set the hash cannot part (the same first
 * 16 bytes and length) by comparing each name. Duplicate names and too
 * many are refused. */
static void test_pick_tells_alike_names_apart(void **state)
{
	(void)state;
	tp_jtok d;
	tp__jtok_init(&d);
	const char *text = "{\"company\":1,\"country\":2,\"originalTimestampY\":3,"
	                   "\"originalTimestampW\":4,\"originalTimestamp\":5,\"ab\":6}";
	size_t at;
	assert_true(parses(&d, text, &at));
	/* "ab" ends the text: fewer than 16 bytes follow it. */
	static const char *const hashed[] = {"country", "company", "originalTimestamp",
	                                     "originalTimestampX", "ab"};
	static const char *const alike[] = {"originalTimestampW", "originalTimestampY",
	                                    "originalTimestampX"};
	tp_jkeys set;
	int out[5];
	double x;
	assert_int_equal(tp__jkeys_init(&set, hashed, 5), 0);
	assert_false(set.linear);
	tp__jtok_pick(&d, 0, &set, out);
	const double want[5] = {2, 1, 5, -1, 6};
	for (int i = 0; i < 5; i++) {
		if (want[i] < 0) {
			assert_int_equal(out[i], -1);
			continue;
		}
		assert_int_equal(tp__jtok_number(&d, out[i], &x), 0);
		assert_true(x == want[i]);
	}
	assert_int_equal(tp__jkeys_init(&set, alike, 3), 0);
	assert_true(set.linear);
	tp__jtok_pick(&d, 0, &set, out);
	assert_int_equal(tp__jtok_number(&d, out[0], &x), 0);
	assert_true(x == 4.0);
	assert_int_equal(tp__jtok_number(&d, out[1], &x), 0);
	assert_true(x == 3.0);
	assert_int_equal(out[2], -1);
	static const char *const twice[] = {"name", "email", "name"};
	assert_int_equal(tp__jkeys_init(&set, twice, 3), -1);
	const char *many[TP_JKEYS_MAX + 1];
	char names[TP_JKEYS_MAX + 1][16];
	for (int i = 0; i <= TP_JKEYS_MAX; i++) {
		snprintf(names[i], sizeof names[i], "k%d", i);
		many[i] = names[i];
	}
	assert_int_equal(tp__jkeys_init(&set, many, TP_JKEYS_MAX), 0);
	assert_int_equal(tp__jkeys_init(&set, many, TP_JKEYS_MAX + 1), -1);
	tp__jtok_free(&d);
}

/* Strings are searched eight bytes a step: the closing quote, a backslash
 * and a NUL byte are found at every offset inside a step and across two. */
static void test_strings_of_every_length(void **state)
{
	(void)state;
	tp_jtok d;
	tp_arena a;
	tp__jtok_init(&d);
	tp__arena_init(&a, 4096);
	char text[64];
	for (size_t k = 0; k < 40; k++) {
		/* ["aaa...", 1]: the string ends where its quote is. */
		text[0] = '[', text[1] = '"';
		memset(text + 2, 'a', k);
		memcpy(text + 2 + k, "\",1]", 5);
		size_t at, n, len = k + 6;
		assert_int_equal(tp__jtok_parse(&d, text, len, &at), 0);
		assert_int_equal(tp__jtok_size(&d, 0), 2);
		assert_int_equal(strlen(tp__jtok_str(&d, 1, &a, &n)), k);
		/* An escaped quote at the same place does not end it. */
		if (k > 0) {
			text[1 + k] = '\\';
			memcpy(text + 2 + k, "\"\",1]", 6);
			assert_int_equal(tp__jtok_parse(&d, text, len + 1, &at), 0);
			assert_int_equal(n = strlen(tp__jtok_str(&d, 1, &a, &n)), k);
			assert_int_equal(tp__jtok_str(&d, 1, &a, &n)[k - 1], '"');
			text[1 + k] = 'a';
			memcpy(text + 2 + k, "\",1]", 5);
		}
		/* A NUL byte anywhere in it refuses the text, reported at its quote. */
		for (size_t j = 2; j < 2 + k; j++) {
			text[j] = '\0';
			assert_int_equal(tp__jtok_parse(&d, text, len, &at), -1);
			assert_int_equal(at, 1);
			text[j] = 'a';
		}
	}
	tp__jtok_free(&d);
	tp__arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refuses_what_json_refuses),
		cmocka_unit_test(test_members_and_texts),
		cmocka_unit_test(test_compact_keeps_the_value),
		cmocka_unit_test(test_strings_of_every_length),
		cmocka_unit_test(test_pick_is_a_lookup_per_key),
		cmocka_unit_test(test_pick_tells_alike_names_apart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
