/* Loading and saving a workspace's edited channel site lists. */
#include "touchpoint/channel.h"
#include "touchpoint/store.h"

typedef struct add_args {
	tp_channel_rules *rules;
	tp_site_list list;
	tp_status rc;
} add_args;

static int add_site(void *user, const char *site)
{
	add_args *a = user;
	a->rc = tp_channel_rules_add(a->rules, a->list, site);
	return a->rc != TP_OK;
}

tp_status tp_channel_rules_load(tp_ctx *ctx, tp_store *store, tp_channel_rules **out)
{
	tp_channel_rules *rules = tp_channel_rules_create();
	if (!rules)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	for (int l = 0; l < TP_SITES__COUNT; l++) {
		add_args a = {rules, (tp_site_list)l, TP_OK};
		int stored = 0;
		/* An edited list replaces the built-in one whole. */
		tp_channel_rules_clear(rules, a.list);
		tp_status rc = store->ops->sites_get(store, ctx, a.list, add_site, &a, &stored);
		if (rc == TP_OK && a.rc != TP_OK)
			rc = tp_ctx_fail(ctx, a.rc, "sites", "cannot load the %s site list",
			                 tp_site_list_name(a.list));
		if (rc == TP_OK && !stored)
			for (const char *const *s = tp_channel_default_sites(a.list); *s && rc == TP_OK; s++)
				rc = tp_channel_rules_add(rules, a.list, *s);
		if (rc != TP_OK) {
			tp_channel_rules_destroy(rules);
			return rc;
		}
	}
	*out = rules;
	return TP_OK;
}

tp_status tp_channel_rules_save(tp_ctx *ctx, tp_store *store, const tp_channel_rules *rules,
                                tp_site_list list)
{
	size_t n;
	const char *const *sites = tp_channel_rules_sites(rules, list, &n);
	tp_status rc = store->ops->begin(store, ctx);
	if (rc != TP_OK)
		return rc;
	if ((rc = store->ops->sites_set(store, ctx, list, sites, n)) != TP_OK) {
		tp_store_rollback_quiet(store);
		return rc;
	}
	return store->ops->commit(store, ctx);
}
