/* Aligned text tables, CSV rows and money as text: the plain-text side of
 * the views. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/touchpoint.h"

struct tp_table {
	int columns;
	char **cells;
	size_t rows, cap;
};

tp_table *tp_table_new(int columns)
{
	tp_table *t = calloc(1, sizeof *t);
	if (t)
		t->columns = columns;
	return t;
}

void tp_table_add(tp_table *t, const char *const *cells)
{
	if (!t)
		return;
	if (t->rows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		char **p = realloc(t->cells, cap * (size_t)t->columns * sizeof *p);
		if (!p)
			return;
		t->cells = p;
		t->cap = cap;
	}
	for (int c = 0; c < t->columns; c++) {
		char *v = strdup(cells[c] ? cells[c] : "");
		/* A table cell is one line: control characters would break the grid. */
		for (char *p = v; p && *p; p++)
			if ((unsigned char)*p < 0x20)
				*p = ' ';
		t->cells[t->rows * (size_t)t->columns + (size_t)c] = v;
	}
	t->rows++;
}

/* Display width in terminal columns: UTF-8 code points, not bytes. */
static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

void tp_table_print(tp_table *t, FILE *out)
{
	if (!t)
		return;
	size_t *w = calloc((size_t)t->columns, sizeof *w);
	if (!w)
		return;
	for (size_t r = 0; r < t->rows; r++)
		for (int c = 0; c < t->columns; c++) {
			const char *v = t->cells[r * (size_t)t->columns + (size_t)c];
			size_t cw = v ? width(v) : 0;
			if (cw > w[c])
				w[c] = cw;
		}
	for (size_t r = 0; r < t->rows; r++) {
		for (int c = 0; c < t->columns; c++) {
			const char *v = t->cells[r * (size_t)t->columns + (size_t)c];
			v = v ? v : "";
			fputs(v, out);
			if (c + 1 < t->columns)
				for (size_t pad = width(v); pad < w[c] + 2; pad++)
					fputc(' ', out);
		}
		fputc('\n', out);
	}
	free(w);
}

void tp_table_free(tp_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->rows * (size_t)t->columns; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

void tp_csv_row(FILE *out, const char *const *cells, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			fputc(',', out);
		tp_csv_write_cell(out, cells[i]);
	}
	fputs("\r\n", out);
}


const char *tp_money_text(int64_t minor, char *buf, size_t cap)
{
	char digits[32];
	uint64_t v = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	snprintf(digits, sizeof digits, "%llu", (unsigned long long)(v / 100));
	size_t n = strlen(digits), o = 0;
	if (minor < 0 && o + 1 < cap)
		buf[o++] = '-';
	for (size_t i = 0; i < n && o + 2 < cap; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	snprintf(buf + o, cap > o ? cap - o : 0, ".%02llu", (unsigned long long)(v % 100));
	return buf;
}

