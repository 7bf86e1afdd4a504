# Lifecycle, scores with explanations, the sales queue, opportunities, the
# pipeline report, and the predictive model on a demo world (fixed seed).
$ touchpoint init --db t.db >/dev/null && touchpoint import events $DATA/journey.jsonl --db t.db | tail -1
> 2 contacts reached the MQL threshold and moved to mql
$ TOUCHPOINT_NOW=2026-03-20T00:00:00Z touchpoint score explain wei.zhang@novalogix.com --db t.db
< expected/scoring_explain.txt
$ TOUCHPOINT_NOW=2026-03-20T00:00:00Z touchpoint score explain 1 --db t.db --json
< expected/scoring_explain.json
$ TOUCHPOINT_NOW=2026-03-20T00:00:00Z touchpoint queue --db t.db
< expected/scoring_queue.txt
$ touchpoint stage set 2 lead --db t.db
! touchpoint: contact 2 cannot move from mql to lead: stages only move forward. Legal from mql: sal, sql, opportunity, customer; with a reason: disqualified, recycled
? 1
$ touchpoint stage set 2 disqualified --db t.db
! touchpoint: moving to disqualified needs a reason (--reason TEXT)
? 1
$ TOUCHPOINT_NOW=2026-03-21T09:00:00Z touchpoint stage set 2 sal --by "Bao Tran" --db t.db
> contact 2 is now sal
$ touchpoint stage history 2 --db t.db --json
< expected/scoring_history.json
$ TOUCHPOINT_NOW=2026-03-22T00:00:00Z touchpoint opportunities add --contact ana.nguyen@novalogix.com --amount 24,000 --currency USD --name "NovaLogix annual" --db t.db
> opportunity 1 opened at qualify (10%)
$ TOUCHPOINT_NOW=2026-04-22T00:00:00Z touchpoint opportunities update 1 --stage won --db t.db >/dev/null && touchpoint report pipeline --by owner --json --db t.db
< expected/scoring_pipeline.json
$ TOUCHPOINT_NOW=2026-04-23T00:00:00Z touchpoint score recompute --db t.db | sed 's/in [0-9.]* s/in S s/'
> rescored 3 contacts from 11 events in S s; 0 moved to mql
$ TOUCHPOINT_NOW=2027-01-01T00:00:00Z touchpoint demo --db d.db --contacts 1000 --seed 5 >/dev/null 2>&1 && TOUCHPOINT_NOW=2027-01-01T00:00:00Z touchpoint score train --db d.db
< expected/scoring_train.txt
$ TOUCHPOINT_NOW=2027-01-01T00:00:00Z touchpoint score predict --db d.db
> stored a probability for 1000 contacts
$ TOUCHPOINT_NOW=2027-01-01T00:00:00Z touchpoint queue --accounts --limit 5 --db d.db
< expected/scoring_accounts.txt
