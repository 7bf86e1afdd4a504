# The demo world is deterministic: same options, same workspace.
$ touchpoint demo --db t.db --contacts 60 --seed 7 --days 120 --events-out ev.jsonl
> demo world (seed 7, 120 days from 2026-01-01): 60 people at 16 accounts, 180 visitors
> 2003 events written to ev.jsonl; imported 1998, 5 duplicates skipped, 0 refused
> 600 ad spend rows (a day of a campaign each), 5 opportunities (2 won, 1 lost), 4 monthly MRR levels, 74 stage changes by sales
$ sha256sum ev.jsonl | cut -c1-16
> 031c780e3c941773
$ touchpoint status --db t.db --json
< expected/demo_status.json
$ touchpoint demo --db t.db --contacts 60 --seed 7 --days 120
! touchpoint: workspace "default" in t.db already has data; the demo needs a new one (another --db FILE or --workspace NAME)
? 1
