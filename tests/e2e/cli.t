# Usage errors are exit 2 with the command's usage; a missing database is exit 1.
$ touchpoint version
> touchpoint 0.1.0 (schema 10)
$ touchpoint nosuch
! touchpoint: no command "nosuch" (see touchpoint --help)
? 2
$ touchpoint contacts list --bogus
! touchpoint: unknown option --bogus
! usage: touchpoint contacts list [--stage S] [--limit N] [--json|--csv] | show EMAIL|ID|USERID [--json] | merge WINNER LOSER [--reason TEXT] | unmerge CONTACT  [--db FILE]
? 2
$ touchpoint contacts list --db missing.db
! touchpoint: cannot open missing.db: unable to open database file (create it with: touchpoint init --db FILE)
? 1
$ touchpoint init --db t.db && touchpoint contacts list --db t.db --stage hot
> workspace "default" ready in t.db (schema 10, SQLite WAL)
> 4 starter workflows installed: the MQL alert to owners, welcome, content drip, re-engagement (touchpoint nurture list)
! touchpoint: "hot" is not a stage (visitor, lead, mql, sal, sql, opportunity, customer, disqualified, recycled, churned)
! usage: touchpoint contacts list [--stage S] [--limit N] [--json|--csv] | show EMAIL|ID|USERID [--json] | merge WINNER LOSER [--reason TEXT] | unmerge CONTACT  [--db FILE]
? 2
$ TOUCHPOINT_NOW=soon touchpoint status --db t.db
! touchpoint: TOUCHPOINT_NOW=soon is not an ISO 8601 time
? 2
