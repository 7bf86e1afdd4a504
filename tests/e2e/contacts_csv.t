# A HubSpot export: columns by their usual names, stages mapped, dedup by
# email, a bad row refused; CSV output neutralises formula cells.
$ touchpoint init --db t.db >/dev/null && touchpoint import events $DATA/journey.jsonl --db t.db >/dev/null
$ TOUCHPOINT_NOW=2026-04-01T00:00:00Z touchpoint import contacts $DATA/hubspot_contacts.csv --db t.db
> 5 rows: 3 contacts created, 1 matched by email and updated, 1 refused
! row 5: Email: "not-an-email" needs exactly one '@' with something before it
? 3
$ touchpoint contacts list --db t.db --csv
< expected/contacts_after_csv.csv
$ touchpoint import contacts $DATA/hubspot_contacts.csv --db t.db --map email=Nope
! touchpoint: the file has no column "Nope"
? 2
