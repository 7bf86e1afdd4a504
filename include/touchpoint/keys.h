/* API keys. A write key lets a website or a client library send events to
 * its workspace; a secret key opens the workspace's JSON API. A key is shown
 * once, when created; the store keeps its BLAKE2b hash and a prefix. */
#ifndef TOUCHPOINT_KEYS_H
#define TOUCHPOINT_KEYS_H

#include <stddef.h>

#include "touchpoint/ctx.h"
#include "touchpoint/store.h"

/* "tp_write_" or "tp_secret_", then 32 base32 characters (160 random bits). */
#define TP_API_KEY_MAX 48
#define TP_API_KEY_PREFIX_LEN 14   /* shown in lists: "tp_write_ab3k9" */

TP_API const char *tp_api_key_kind_name(tp_api_key_kind kind);   /* "write", "secret" */
TP_API int tp_api_key_kind_from_name(const char *name, tp_api_key_kind *out);

/* Creates a key of `kind` for the store's workspace, inside the caller's
 * transaction. The key is written to key[TP_API_KEY_MAX]; *row (optional) is
 * what was stored, its strings valid until the next store call. */
TP_API tp_status tp_api_key_create(tp_ctx *ctx, tp_store *store, tp_api_key_kind kind,
                                   const char *label, char key[TP_API_KEY_MAX],
                                   tp_api_key_row *row);

/* The stored key that `key` (len bytes, not necessarily terminated) is, in
 * any workspace of the database. TP_ERR_AUTH when there is none or it was
 * revoked; TP_ERR_FORBIDDEN when it is of another kind than `kind`. *row's
 * strings are valid until the next call on the store. */
TP_API tp_status tp_api_key_check(tp_ctx *ctx, tp_store *store, const char *key, size_t len,
                                  tp_api_key_kind kind, tp_api_key_row *row);

#endif
