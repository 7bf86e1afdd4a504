/* cJSON allocation hooks backed by a thread-local arena. */
#include <pthread.h>
#include <stdlib.h>

#include "ingest/json.h"

static _Thread_local tp_arena *current;

static void *hook_malloc(size_t n)
{
	return current ? tp__arena_alloc(current, n) : malloc(n);
}

static void hook_free(void *p)
{
	if (current && tp__arena_owns(current, p))
		return;
	free(p);
}

static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static void install_hooks(void)
{
	cJSON_Hooks hooks = {hook_malloc, hook_free};
	cJSON_InitHooks(&hooks);
}

void tp__json_use_arena(tp_arena *a)
{
	pthread_once(&hooks_once, install_hooks);
	current = a;
}
