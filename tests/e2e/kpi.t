# Ad spend from the four platforms' exports (and the plain format), refusals,
# billing MRR; then KPIs and revenue movements of a demo workspace in the
# three formats, the same numbers in JSON and CSV, and revenue as of a past
# day. The hand-computed worked examples are in tests/unit/test_kpi.c and
# test_revenue.c.
$ touchpoint init --db t.db >/dev/null
$ TOUCHPOINT_NOW=2026-11-23T12:00:00Z touchpoint import spend $DATA/spend/google.csv --db t.db
> google report: 3 rows stored (2026-11-01 to 2026-11-02), 2700 impressions, 88 clicks, cost 270.40 USD; 0 refused, 1 total rows skipped
$ TOUCHPOINT_NOW=2026-11-23T12:00:00Z touchpoint import spend $DATA/spend/meta.csv --db t.db
> meta report: 1 rows stored (2026-11-01 to 2026-11-01), 3000 impressions, 25 clicks, cost 80.10 USD; 1 refused, 0 total rows skipped
! row 3: Reporting ends: this row covers more than a day (to 2026-11-30): export the report by day
? 3
# LinkedIn's export: UTF-16, tab-separated, report titles above the header.
$ TOUCHPOINT_NOW=2026-11-23T12:00:00Z touchpoint import spend $DATA/spend/linkedin-utf16.csv --db t.db
> linkedin report: 1 rows stored (2026-11-01 to 2026-11-01), 9000 impressions, 55 clicks, cost 412.50 USD; 0 refused, 0 total rows skipped
$ TOUCHPOINT_NOW=2026-11-23T12:00:00Z touchpoint import spend $DATA/spend/tiktok.csv --db t.db
> tiktok report: 1 rows stored (2026-11-01 to 2026-11-01), 20000 impressions, 60 clicks, cost 55.00 USD; 0 refused, 0 total rows skipped
$ TOUCHPOINT_NOW=2026-11-23T12:00:00Z touchpoint import spend $DATA/spend/touchpoint.csv --db t.db --strict
! row 3: channel: "Paid Serch" is not a channel (touchpoint channels lists them)
! touchpoint: row 3: "Paid Serch" is not a channel (touchpoint channels lists them)
! touchpoint: nothing from this file was stored
? 1
$ touchpoint import spend $DATA/spend/tiktok.csv --db t.db --format meta
! touchpoint: no Meta Ads Manager header in the first 30 rows (its date, campaign and cost columns)
! touchpoint: nothing from this file was stored
? 1
$ touchpoint import spend $DATA/spend/tiktok.csv --db t.db --format bing 2>&1 | head -1
> touchpoint: --format is google, meta, linkedin, tiktok or touchpoint, not "bing"
# Spend per channel as imported: the platforms' clicks and these rows meet under one channel.
$ TOUCHPOINT_NOW=2026-11-23T12:00:00Z touchpoint report kpi --db t.db --month 2026-11 --by channel --csv | cut -d, -f1,13-15
> channel,impressions,clicks,cost
> all,34700,228,818
> Paid Search,2200,88,270.4
> Paid Shopping,500,0,0
> Paid Social,32000,140,547.6
$ TOUCHPOINT_NOW=2026-11-23T12:00:00Z touchpoint import revenue $DATA/revenue_small.csv --db t.db
> 5 rows: 4 MRR levels stored (2026-01 to 2026-03), 2 accounts created, 1 refused
! row 6: Month: "2026-13" is not a month (2026-03, 2026-03-01)
? 3
$ TOUCHPOINT_NOW=2026-11-23T12:00:00Z touchpoint report revenue --db t.db --csv | cut -d, -f1,3-11
> month,start_mrr,new,referral_new,expansion,reactivation,contraction,churn,net_new,end_mrr
> 2026-01,0,300,0,0,0,0,0,300,300
> 2026-02,300,0,0,50,0,0,-200,-150,150
> 2026-03,150,0,0,0,80,0,-150,-70,80

# A demo workspace.
$ TOUCHPOINT_NOW=2026-11-23T12:00:00Z touchpoint demo --db d.db --contacts 300 --seed 3 >/dev/null 2>&1
$ TOUCHPOINT_NOW=2026-11-23T12:00:00Z touchpoint report kpi --db d.db --month 2026-06
< expected/kpi_demo_2026-06.txt
$ TOUCHPOINT_NOW=2026-11-23T12:00:00Z touchpoint report kpi --db d.db --month 2026-06 --by campaign --csv
< expected/kpi_demo_campaign.csv
$ export TOUCHPOINT_NOW=2026-11-23T12:00:00Z; touchpoint report kpi --db d.db --month 2026-06 --by channel --json > k.json && touchpoint report kpi --db d.db --month 2026-06 --by channel --csv > k.csv && python3 $DATA/grid_same.py k.json k.csv
> 15 rows agree
$ export TOUCHPOINT_NOW=2026-11-23T12:00:00Z; touchpoint report revenue --db d.db --json > r.json && touchpoint report revenue --db d.db --csv > r.csv && python3 $DATA/grid_same.py r.json r.csv
> 7 rows agree
$ TOUCHPOINT_NOW=2026-11-23T12:00:00Z touchpoint report revenue --db d.db --from 2026-05 --to 2026-08 --csv
< expected/revenue_demo.csv
# As of 15 July: July's MRR was not known yet (billing states a month when it closes).
$ TOUCHPOINT_NOW=2026-11-23T12:00:00Z touchpoint report revenue --db d.db --from 2026-05 --to 2026-08 --as-of 2026-07-15
< expected/revenue_demo_asof.txt
$ TOUCHPOINT_NOW=2026-11-23T12:00:00Z touchpoint report kpi --db d.db --month 2027-02
! touchpoint: 2027-02 has not begun at the report's date
? 2
$ touchpoint report kpi --db d.db --by owner 2>&1 | head -1
> touchpoint: --by is channel or campaign, not "owner"
