# A call without a messageId gets one derived from its content, so that a
# file imported twice stores each call once. The ids below are the ones the
# cJSON parser derived (7a604cc): the jsmn reader must give the same, or a
# file imported before and after an upgrade would be stored twice. The file
# has escapes, whitespace between tokens, and a batch whose context applies
# to the calls without one. Properties keep the sender's own text.
$ touchpoint init --db m.db >/dev/null && touchpoint import events $DATA/noid.jsonl --db m.db
> 3 lines: 4 calls stored, 0 duplicates skipped, 0 refused; 0 new contacts, 0 merges, 0 identity conflicts logged
$ sqlite3 m.db "SELECT message_id, type, ifnull(properties, '-') FROM event ORDER BY id"
> h:84234dff86f22404adb545cd9c23e33e|page_view|{"path":"/pricing","title":"Pric\u00e9s \/ plans"}
> h:018f5ad1ab17fa3660efacbd4a051d5b|custom|{"percent":0.50,"title":"Demo \"tour\""}
> h:4888a0b0742259a97a6884a13eecfd6a|page_view|-
> h:5f2bee738874916dae67c49faa1ccc83|trial_signup|-
$ touchpoint import events $DATA/noid.jsonl --db m.db
> 3 lines: 0 calls stored, 4 duplicates skipped, 0 refused; 0 new contacts, 0 merges, 0 identity conflicts logged
$ sqlite3 m.db "SELECT json_extract(properties, '$.title') FROM event WHERE id = 1"
> Pricés / plans
