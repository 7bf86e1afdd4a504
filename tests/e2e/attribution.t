# Attribution and paths: a chain solved on paper (tests/unit/test_attribution.c
# has the working), every model on a small path file in three formats that
# carry the same numbers, refused input, and a demo workspace: time decay,
# W-shaped, campaigns, another conversion, and the report as of a past date.
$ touchpoint report attribution --paths $DATA/paths_paper.csv --model markov
< expected/attribution_paper.txt
$ touchpoint report attribution --paths $DATA/paths_small.csv 2>&1
< expected/attribution_small.txt
$ touchpoint report attribution --paths $DATA/paths_small.csv --csv 2>/dev/null
< expected/attribution_small.csv
$ touchpoint report attribution --paths $DATA/paths_small.csv --json 2>/dev/null > a.json && touchpoint report attribution --paths $DATA/paths_small.csv --csv 2>/dev/null > a.csv && python3 $DATA/same_numbers.py a.json a.csv
> 64 credits agree; every model adds up to 13 conversions and 7610.00
$ touchpoint report attribution --paths $DATA/paths_bad.csv
! touchpoint: line 3: total_conversions is not a number >= 0 up to 1e15
? 1
$ touchpoint report attribution --paths $DATA/paths_small.csv --model w-shaped
! touchpoint: w-shaped needs the time of each touch and the lead and opportunity touches; a path file has neither
? 1
$ touchpoint report attribution --paths $DATA/paths_small.csv --model markov --order 5 2>err; echo "exit $?"; head -1 err
> exit 2
> touchpoint: --order is a whole number from 1 to 4, not "5"
$ touchpoint report paths --paths $DATA/paths_small.csv --limit 3
< expected/paths_small.txt
$ TOUCHPOINT_NOW=2027-01-01T00:00:00Z touchpoint demo --db d.db --contacts 300 --seed 3 >/dev/null 2>&1
$ TOUCHPOINT_NOW=2027-01-01T00:00:00Z touchpoint report attribution --db d.db --model w-shaped
< expected/attribution_demo_w.txt
$ TOUCHPOINT_NOW=2027-01-01T00:00:00Z touchpoint report attribution --db d.db --model time-decay --half-life 14d --by campaign --conversion opportunity --as-of 2026-06-30
< expected/attribution_demo_campaign.txt
$ TOUCHPOINT_NOW=2027-01-01T00:00:00Z touchpoint report paths --db d.db --limit 3 --conversion sql --lookback 30d
< expected/paths_demo.txt
$ TOUCHPOINT_NOW=2027-01-01T00:00:00Z touchpoint report funnel --db d.db
< expected/funnel_demo.txt
$ TOUCHPOINT_NOW=2027-01-01T00:00:00Z touchpoint report funnel --db d.db --by month --from 2026-02-01 --to 2026-03-31 --as-of 2026-06-30 --csv
< expected/funnel_demo_months.csv
