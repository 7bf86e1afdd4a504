/* A workspace's lead-ad connections (workspace setting "leadads", a JSON
 * object by platform) and the HMAC-SHA256 signatures of their webhooks.
 * The secrets are kept as given, not hashed: checking a signature and
 * calling the platform's API need them in clear (docs/LEADADS.md). */
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "store/settings.h"
#include "touchpoint/leadads.h"

#define SOURCES_KEY "leadads"

static const char *const default_api[TP_LEADS__COUNT] = {
	[TP_LEADS_META] = "https://graph.facebook.com/v21.0",
	[TP_LEADS_LINKEDIN] = "https://api.linkedin.com/rest",
	[TP_LEADS_TIKTOK] = "https://business-api.tiktok.com/open_api/v1.3",
};

const char *tp_lead_api_default(tp_lead_format format)
{
	return (unsigned)format < TP_LEADS__COUNT && default_api[format] ? default_api[format] : "";
}

static const struct {
	const char *name;
	size_t offset, cap;
} source_fields[] = {
	{"app_secret", offsetof(tp_lead_source, app_secret), sizeof ((tp_lead_source *)0)->app_secret},
	{"verify_token", offsetof(tp_lead_source, verify_token),
	 sizeof ((tp_lead_source *)0)->verify_token},
	{"access_token", offsetof(tp_lead_source, access_token),
	 sizeof ((tp_lead_source *)0)->access_token},
	{"api_url", offsetof(tp_lead_source, api_url), sizeof ((tp_lead_source *)0)->api_url},
};
#define N_SOURCE_FIELDS (sizeof source_fields / sizeof source_fields[0])

tp_status tp_lead_source_get(tp_ctx *ctx, tp_store *store, tp_lead_format format,
                             tp_lead_source *out, int *found)
{
	memset(out, 0, sizeof *out);
	*found = 0;
	tp_status rc;
	cJSON *all = tp__setting_object_load(ctx, store, SOURCES_KEY, &rc);
	if (!all)
		return rc;
	const cJSON *src = cJSON_GetObjectItemCaseSensitive(all, tp_lead_format_name(format));
	if (cJSON_IsObject(src)) {
		*found = 1;
		for (size_t i = 0; i < N_SOURCE_FIELDS; i++) {
			const char *v = cJSON_GetStringValue(
				cJSON_GetObjectItemCaseSensitive(src, source_fields[i].name));
			snprintf((char *)out + source_fields[i].offset, source_fields[i].cap, "%s",
			         v ? v : "");
		}
	}
	cJSON_Delete(all);
	return TP_OK;
}

tp_status tp_lead_source_set(tp_ctx *ctx, tp_store *store, tp_lead_format format,
                             const tp_lead_source *src)
{
	if (format <= TP_LEADS_NONE || format >= TP_LEADS__COUNT)
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "platform", "no such platform");
	if (src->api_url[0] && !tp__http_url_ok(src->api_url))
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "api_url",
		                   "\"%.80s\" is not an absolute http(s) URL", src->api_url);
	tp_status rc;
	cJSON *all = tp__setting_object_load(ctx, store, SOURCES_KEY, &rc);
	if (!all)
		return rc;
	cJSON *o = cJSON_CreateObject();
	for (size_t i = 0; i < N_SOURCE_FIELDS; i++)
		cJSON_AddStringToObject(o, source_fields[i].name,
		                        (const char *)src + source_fields[i].offset);
	const char *name = tp_lead_format_name(format);
	cJSON_DeleteItemFromObjectCaseSensitive(all, name);
	cJSON_AddItemToObject(all, name, o);
	return tp__setting_object_save(ctx, store, SOURCES_KEY, all);
}

static void hmac(const char *secret, const char *text, size_t len,
                 unsigned char out[crypto_auth_hmacsha256_BYTES])
{
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)text, len);
	crypto_auth_hmacsha256_final(&st, out);
}

void tp_lead_hmac_hex(const char *secret, const char *text, size_t len, char out[65])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	hmac(secret, text, len, mac);
	sodium_bin2hex(out, 65, mac, sizeof mac);
}

int tp_lead_signature_ok(const char *secret, const char *body, size_t len, const char *signature)
{
	if (!secret || !secret[0] || !signature)
		return 0;
	if (strncmp(signature, "sha256=", 7) == 0)
		signature += 7;
	else if (strncmp(signature, "hmacsha256=", 11) == 0)
		signature += 11;
	unsigned char want[crypto_auth_hmacsha256_BYTES], got[crypto_auth_hmacsha256_BYTES];
	size_t n = 0;
	if (strlen(signature) != 2 * sizeof got ||
	    sodium_hex2bin(got, sizeof got, signature, strlen(signature), NULL, &n, NULL) != 0 ||
	    n != sizeof got)
		return 0;
	hmac(secret, body, len, want);
	return sodium_memcmp(want, got, sizeof got) == 0;
}
