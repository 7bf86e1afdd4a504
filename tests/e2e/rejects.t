# Bad lines are reported with line number, field and reason, not stored, and
# the import goes on (exit 3); --strict stops at the first and stores nothing.
$ touchpoint init --db t.db >/dev/null && touchpoint import events $DATA/bad.jsonl --db t.db
> 7 lines: 3 calls stored, 0 duplicates skipped, 5 refused; 1 new contacts, 0 merges, 0 identity conflicts logged
! line 2: event: is required in a track call
! line 3: timestamp: "last tuesday" is not an ISO 8601 time like 2026-03-01T10:00:00Z
! line 4: not valid JSON (error near byte 1)
! line 5: traits.email: "ana at example.com" needs exactly one '@' with something before it
! line 6: batch[1].type: "tracks" is not one of identify, track, page, screen, group, alias
? 3
$ touchpoint init --db s.db >/dev/null && touchpoint import events $DATA/bad.jsonl --db s.db --strict
! line 2: event: is required in a track call
! touchpoint: line 2: event is required in a track call
! touchpoint: nothing from this import was stored; 0 calls stored before the stop
? 1
$ touchpoint status --db s.db | head -1
> workspace default: 0 events, 0 contacts, 0 accounts, 0 visitors (0 still anonymous), 0 merges
$ touchpoint import events nothere.jsonl --db s.db
! touchpoint: cannot read nothere.jsonl: No such file or directory
? 1
# A line over the cap (512 KB) is refused in its place among the others: the
# record before it is taken first, the one after it still is.
$ touchpoint init --db l.db >/dev/null && { head -2 $DATA/bad.jsonl; printf '{"type":"page","x":"%0600000d"}\n' 0; tail -1 $DATA/bad.jsonl; } > long.jsonl && touchpoint import events long.jsonl --db l.db
> 4 lines: 2 calls stored, 0 duplicates skipped, 2 refused; 1 new contacts, 0 merges, 0 identity conflicts logged
! line 2: event: is required in a track call
! line 3: line is longer than 524288 bytes
? 3
$ touchpoint init --db m.db >/dev/null && touchpoint import events long.jsonl --db m.db --strict
! line 2: event: is required in a track call
! touchpoint: line 2: event is required in a track call
! touchpoint: nothing from this import was stored; 0 calls stored before the stop
? 1
# A NUL byte is a byte of its line: the line is refused, the next one is not
# joined to it.
$ touchpoint init --db z.db >/dev/null && { printf '{"type":"page","anonymousId":"a\0b","messageId":"z1","timestamp":"2026-03-02T09:00:00Z"}\n'; tail -1 $DATA/bad.jsonl; } > nul.jsonl && touchpoint import events nul.jsonl --db z.db
> 2 lines: 1 calls stored, 0 duplicates skipped, 1 refused; 1 new contacts, 0 merges, 0 identity conflicts logged
! line 1: not valid JSON (error near byte 30)
? 3
