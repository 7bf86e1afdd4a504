/* The grid writer (see grid.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "views/grid.h"
#include "views/report.h"

static void cell_text(const grid_col *c, double v, char *buf, size_t cap)
{
	if (isnan(v)) {
		snprintf(buf, cap, "-");
		return;
	}
	switch (c->kind) {
	case GRID_MONEY:
		tp_money_text(llround(v), buf, cap);
		break;
	case GRID_PERCENT:
		snprintf(buf, cap, "%.1f%%", v);
		break;
	case GRID_RATIO:
		snprintf(buf, cap, "%.2f", v);
		break;
	case GRID_SECONDS:
		snprintf(buf, cap, "%.0f s", v);
		break;
	default:
		snprintf(buf, cap, "%.0f", v);
		break;
	}
}

/* JSON and CSV carry the exact value: money in major units. */
static double exact(const grid_col *c, double v)
{
	return c->kind == GRID_MONEY ? v / 100 : v;
}

static void print_table(const grid *g, FILE *out)
{
	tp_table *t = tp_table_new(g->n_cols + 1);
	const char **cells = calloc((size_t)g->n_cols + 1, sizeof *cells);
	char (*buf)[48] = calloc((size_t)g->n_cols, sizeof *buf);
	if (!t || !cells || !buf)
		goto out;
	cells[0] = g->key_title;
	for (int c = 0; c < g->n_cols; c++)
		cells[c + 1] = g->cols[c].title;
	tp_table_add(t, cells);
	for (size_t r = 0; r < g->n_rows; r++) {
		cells[0] = g->keys[r];
		for (int c = 0; c < g->n_cols; c++) {
			cell_text(&g->cols[c], g->values[r * (size_t)g->n_cols + (size_t)c], buf[c],
			          sizeof buf[c]);
			cells[c + 1] = buf[c];
		}
		tp_table_add(t, cells);
	}
	tp_table_print(t, out);
out:
	tp_table_free(t);
	free(cells);
	free(buf);
}

static void print_vertical(const grid *g, FILE *out)
{
	tp_table *t = tp_table_new(3);
	tp_table_add(t, (const char *[]){"", "VALUE", "HOW"});
	for (int c = 0; c < g->n_cols; c++) {
		char v[48];
		cell_text(&g->cols[c], g->n_rows ? g->values[c] : NAN, v, sizeof v);
		tp_table_add(t, (const char *[]){g->cols[c].title, v,
		                                  g->cols[c].formula ? g->cols[c].formula : ""});
	}
	tp_table_print(t, out);
	tp_table_free(t);
}

static void print_json(const grid *g, FILE *out)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t r = 0; r < g->n_rows; r++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, g->key_name, g->keys[r]);
		if (g->currency)
			cJSON_AddStringToObject(o, "currency", g->currency);
		for (int c = 0; c < g->n_cols; c++) {
			double v = g->values[r * (size_t)g->n_cols + (size_t)c];
			if (isnan(v))
				cJSON_AddNullToObject(o, g->cols[c].key);
			else
				cJSON_AddNumberToObject(o, g->cols[c].key, exact(&g->cols[c], v));
		}
		cJSON_AddItemToArray(arr, o);
	}
	tp_json_print(arr, out);
}

static void print_csv(const grid *g, FILE *out)
{
	int n = g->n_cols + 1 + (g->currency != NULL);
	const char **cells = calloc((size_t)n, sizeof *cells);
	char (*buf)[48] = calloc((size_t)g->n_cols, sizeof *buf);
	if (!cells || !buf)
		goto out;
	int k = 0;
	cells[k++] = g->key_name;
	if (g->currency)
		cells[k++] = "currency";
	for (int c = 0; c < g->n_cols; c++)
		cells[k + c] = g->cols[c].key;
	tp_csv_row(out, cells, n);
	for (size_t r = 0; r < g->n_rows; r++) {
		k = 0;
		cells[k++] = g->keys[r];
		if (g->currency)
			cells[k++] = g->currency;
		for (int c = 0; c < g->n_cols; c++) {
			double v = g->values[r * (size_t)g->n_cols + (size_t)c];
			if (isnan(v))
				buf[c][0] = '\0';
			else
				snprintf(buf[c], sizeof buf[c], "%.10g", exact(&g->cols[c], v));
			cells[k + c] = buf[c];
		}
		tp_csv_row(out, cells, n);
	}
out:
	free(cells);
	free(buf);
}

tp_status grid_rows(grid *g, tp_ctx *ctx, size_t n)
{
	g->values = calloc(n ? n * (size_t)g->n_cols : 1, sizeof *g->values);
	g->keys = calloc(n ? n : 1, sizeof *g->keys);
	g->n_rows = n;
	if (g->values && g->keys)
		return TP_OK;
	grid_free(g);
	return tp__nomem(ctx);
}

double *grid_row(grid *g, size_t row)
{
	return g->values + row * (size_t)g->n_cols;
}

void grid_free(grid *g)
{
	free(g->values);
	free(g->keys);
	g->values = NULL;
	g->keys = NULL;
}

void grid_print(const grid *g, tp_format f, int vertical, FILE *out)
{
	if (f == TP_FORMAT_JSON)
		print_json(g, out);
	else if (f == TP_FORMAT_CSV)
		print_csv(g, out);
	else if (vertical)
		print_vertical(g, out);
	else
		print_table(g, out);
}
