/* The reports of `touchpoint report`, one function each. */
#ifndef TP_CLI_REPORT_H
#define TP_CLI_REPORT_H

#include "cli/cli.h"

int report_attribution(tp_ctx *ctx, const cli_opts *o);
int report_paths(tp_ctx *ctx, const cli_opts *o);
int report_funnel(tp_ctx *ctx, tp_store *s, const cli_opts *o);
int report_revenue(tp_ctx *ctx, tp_store *s, const cli_opts *o);
int report_kpi(tp_ctx *ctx, tp_store *s, const cli_opts *o);

#endif
