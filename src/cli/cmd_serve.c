/* touchpoint serve: runs the HTTP server until SIGTERM or SIGINT, then
 * stops gracefully (answers and commits what is in flight). */
#include <signal.h>
#include <string.h>

#include "cli/cli.h"

static int write_port_file(const char *path, unsigned port)
{
	/* Written whole under a temporary name, then renamed: a reader polling
	 * for the file never sees it half-written. */
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f || fprintf(f, "%u\n", port) < 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

int cmd_serve(tp_ctx *ctx, int argc, char **argv)
{
	cli_opts o;
	int rc = cli_parse("serve", argc, argv,
	                   "db workspace listen body-limit batch-limit threads form-rate access-log port-file"
	                   " lead-retry-ms no-nurture nurture-poll-ms queue-over"
	                   " inbox-limit cache-mb", &o);
	if (rc)
		return rc;
	if (o.nargs)
		rc = cli_usage("serve", "takes no arguments");
	else if (o.body_limit < 0 || o.batch_limit < 0 || o.threads < 0 || o.threads > 64 ||
	         o.form_rate < 0 || o.form_rate > 100000 || o.lead_retry_ms < 0 ||
	         o.nurture_poll_ms < 0 || o.inbox_limit < 0 || o.cache_mb < 0 ||
	         o.cache_mb > 1 << 30)
		rc = cli_usage("serve", "limits must be positive and --threads at most 64");
	if (rc) {
		cli_opts_free(&o);
		return rc;
	}
	tp_server_opts so = {.db = o.db, .workspace = o.workspace, .listen = o.listen,
	                     .call_limit = (size_t)o.body_limit, .batch_limit = (size_t)o.batch_limit,
	                     .threads = (unsigned)o.threads, .form_rate = (unsigned)o.form_rate,
	                     .lead_retry_ms = o.lead_retry_ms, .access_log = stderr,
	                     .no_nurture = o.no_nurture, .nurture_poll_ms = o.nurture_poll_ms,
	                     /* --queue-over 0 queues every group; unset is the default */
	                     .queue_over = o.queue_over < 0 ? 0 : o.queue_over == 0 ? -1 : o.queue_over,
	                     .inbox_limit = o.inbox_limit, .cache_limit = (size_t)o.cache_mb << 20};
	FILE *log = NULL;
	if (o.access_log && strcmp(o.access_log, "off") == 0)
		so.access_log = NULL;
	else if (o.access_log && strcmp(o.access_log, "-") == 0)
		so.access_log = stdout;
	else if (o.access_log && !(so.access_log = log = fopen(o.access_log, "a"))) {
		perror(o.access_log);
		cli_opts_free(&o);
		return EXIT_FAILED;
	}
	if (log)
		setvbuf(log, NULL, _IOLBF, 0);
	/* Block the stop signals before the server's threads start, so that
	 * only sigwait below receives them. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	tp_server *srv;
	tp_status st = tp_server_start(ctx, &so, &srv);
	if (st != TP_OK) {
		rc = cli_fail(ctx, st);
	} else {
		fprintf(stderr, "touchpoint: serving %s on port %u (%s); stop with Ctrl-C or SIGTERM\n",
		        o.db, tp_server_port(srv), o.listen ? o.listen : "127.0.0.1:8080");
		if (o.port_file && write_port_file(o.port_file, tp_server_port(srv)) != 0) {
			rc = EXIT_FAILED;
		} else {
			int sig;
			sigwait(&stop, &sig);
			fprintf(stderr, "touchpoint: %s: finishing the requests in flight\n",
			        sig == SIGTERM ? "SIGTERM" : "SIGINT");
		}
		tp_server_stop(srv);
		fprintf(stderr, "touchpoint: stopped\n");
	}
	if (log)
		fclose(log);
	cli_opts_free(&o);
	return rc;
}
