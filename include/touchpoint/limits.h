/* Every cap on input lives here. Going over a cap is a TP_ERR_TOO_BIG with
 * the field named, never a crash or a silent truncation. */
#ifndef TOUCHPOINT_LIMITS_H
#define TOUCHPOINT_LIMITS_H

#define TP_MAX_LINE_BYTES      (512 * 1024) /* one JSON Lines record; Segment caps a call at 32 KB */
#define TP_MAX_BATCH_ITEMS     2500         /* items in one {"batch": [...]}; Segment caps a batch at 500 KB */
#define TP_MAX_JSON_DEPTH      64           /* nesting of traits/properties */
#define TP_MAX_ID_BYTES        256          /* messageId, anonymousId, userId, groupId */
#define TP_MAX_EMAIL_BYTES     254          /* RFC 5321 path limit */
#define TP_MAX_URL_BYTES       8192
#define TP_MAX_TEXT_BYTES      1024         /* names, titles, utm values, event names */
#define TP_MAX_PROPERTIES_BYTES (64 * 1024) /* stored properties JSON of one event */
#define TP_MAX_CSV_FIELD_BYTES (64 * 1024)
#define TP_MAX_CSV_COLUMNS     256
#define TP_MAX_CSV_ROW_BYTES   (1024 * 1024)
#define TP_MAX_SITE_LIST       4096         /* entries in one channel site list */
#define TP_MAX_PATH_STEPS      10000        /* touches in one attribution path */

#endif
