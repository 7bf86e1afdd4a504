# A two-person journey: anonymous touches adopted at identification, GA4
# channels with visits, a lead ad, a batch, a duplicate messageId, a group
# call, and a shared browser that must not fuse two people.
$ touchpoint init --db t.db >/dev/null && touchpoint import events $DATA/journey.jsonl --db t.db
> 11 lines: 11 calls stored, 1 duplicates skipped, 0 refused; 3 new contacts, 0 merges, 1 identity conflicts logged
> 2 contacts reached the MQL threshold and moved to mql
$ touchpoint import events - --db t.db < $DATA/journey.jsonl
> 11 lines: 0 calls stored, 12 duplicates skipped, 0 refused; 0 new contacts, 0 merges, 0 identity conflicts logged
$ touchpoint contacts list --db t.db
> ID  EMAIL                     NAME        TITLE         COMPANY    STAGE  FIRST CHANNEL  CREATED
> 1   ana.nguyen@novalogix.com  Ana Nguyen  VP Marketing  NovaLogix  mql    Paid Search    2026-03-05 14:02
> 2   wei.zhang@novalogix.com   Wei Zhang   CMO                      mql    Paid Social    2026-03-06 08:00
> 3   minh@gmail.com            Minh                                 lead                  2026-03-12 18:00
$ touchpoint contacts show ana.nguyen@novalogix.com --db t.db --json
< expected/journey_ana.json
$ touchpoint contacts show 3 --db t.db
> Minh <minh@gmail.com>  contact 3
> stage lead
> note: shared_browser: anonymous id br-ana was ana.nguyen@novalogix.com, now minh@gmail.com: treated as a shared browser, not merged
>
> 2 touches:
> WHEN              TOUCH                CHANNEL     CAMPAIGN  DETAIL
> 2026-03-12 18:00  identify             Unassigned            
> 2026-03-12 18:01  page_view (careers)  Direct                https://www.tp-demo.com/careers
$ touchpoint accounts show novalogix.com --db t.db --json
< expected/journey_account.json
$ touchpoint status --db t.db --json
< expected/journey_status.json
