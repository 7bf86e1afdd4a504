/* Backend-independent helpers of the storage interface. */
#include "touchpoint/store.h"

void tp_store_rollback_quiet(tp_store *s)
{
	tp_ctx *scratch = tp_ctx_create();
	if (scratch)
		s->ops->rollback(s, scratch);
	tp_ctx_destroy(scratch);
}
