/* API keys: random, shown once, stored hashed. The keys carry 160 random
 * bits, so a fast hash is enough — nobody can search that space — and it
 * keeps the collector's per-request check to a microsecond; a password hash
 * (Argon2) would cost tens of milliseconds a request for nothing. */
#include <sodium.h>
#include <string.h>

#include "touchpoint/keys.h"

static const char *const kind_names[] = {"write", "secret"};

const char *tp_api_key_kind_name(tp_api_key_kind kind)
{
	return kind == TP_API_KEY_SECRET ? kind_names[1] : kind_names[0];
}

int tp_api_key_kind_from_name(const char *name, tp_api_key_kind *out)
{
	for (int k = 0; k < 2; k++)
		if (strcmp(name, kind_names[k]) == 0) {
			*out = (tp_api_key_kind)k;
			return 1;
		}
	return 0;
}

static void key_hash(const char *key, size_t len, char hex[2 * crypto_generichash_BYTES + 1])
{
	unsigned char h[crypto_generichash_BYTES];
	crypto_generichash(h, sizeof h, (const unsigned char *)key, len, NULL, 0);
	sodium_bin2hex(hex, 2 * sizeof h + 1, h, sizeof h);
}

tp_status tp_api_key_create(tp_ctx *ctx, tp_store *store, tp_api_key_kind kind,
                            const char *label, char key[TP_API_KEY_MAX], tp_api_key_row *row)
{
	/* Base32 without l, o, 0 and 1: the key survives being read aloud. */
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
	if (sodium_init() < 0)
		return tp_ctx_fail(ctx, TP_ERR_IO, NULL, "libsodium could not start");
	unsigned char random[20];
	randombytes_buf(random, sizeof random);
	size_t n = (size_t)snprintf(key, TP_API_KEY_MAX, "tp_%s_", tp_api_key_kind_name(kind));
	/* 160 bits as 32 five-bit groups. */
	for (size_t bit = 0; bit < 8 * sizeof random; bit += 5) {
		unsigned v = 0;
		for (size_t b = bit; b < bit + 5; b++)
			v = v << 1 | ((random[b / 8] >> (7 - b % 8)) & 1u);
		key[n++] = alphabet[v];
	}
	key[n] = '\0';
	char hex[2 * crypto_generichash_BYTES + 1], prefix[TP_API_KEY_PREFIX_LEN + 1];
	key_hash(key, n, hex);
	snprintf(prefix, sizeof prefix, "%s", key);
	tp_api_key_row r = {.kind = kind, .prefix = prefix, .hash = hex, .label = label,
	                    .created_at = tp_ctx_now(ctx)};
	tp_status rc = store->ops->key_insert(store, ctx, &r);
	sodium_memzero(random, sizeof random);
	if (rc == TP_OK && row) {
		int found;
		rc = store->ops->key_lookup(store, ctx, hex, row, &found);
	}
	return rc;
}

tp_status tp_api_key_check(tp_ctx *ctx, tp_store *store, const char *key, size_t len,
                           tp_api_key_kind kind, tp_api_key_row *row)
{
	if (len == 0 || len >= TP_API_KEY_MAX)
		return tp_ctx_fail(ctx, TP_ERR_AUTH, "key", len ? "is not a Touchpoint key"
		                                                : "is missing");
	char hex[2 * crypto_generichash_BYTES + 1];
	key_hash(key, len, hex);
	int found;
	tp_status rc = store->ops->key_lookup(store, ctx, hex, row, &found);
	if (rc != TP_OK)
		return rc;
	if (!found)
		return tp_ctx_fail(ctx, TP_ERR_AUTH, "key", "is not a key of this server");
	if (row->revoked_at)
		return tp_ctx_fail(ctx, TP_ERR_AUTH, "key", "%s... was revoked", row->prefix);
	if (row->kind != kind)
		return tp_ctx_fail(ctx, TP_ERR_FORBIDDEN, "key",
		                   "%s... is a %s key; this needs a %s key", row->prefix,
		                   tp_api_key_kind_name(row->kind), tp_api_key_kind_name(kind));
	return TP_OK;
}
