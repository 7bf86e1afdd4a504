# Merging keeps both histories; unmerging gives each person back their own.
$ touchpoint init --db t.db >/dev/null && touchpoint import events $DATA/journey.jsonl --db t.db >/dev/null
$ TOUCHPOINT_NOW=2026-04-01T00:00:00Z touchpoint contacts merge ana.nguyen@novalogix.com minh@gmail.com --reason "same person, personal address" --db t.db
> contact 3 merged into 1 (merge 1; undo with: touchpoint contacts unmerge 3)
$ touchpoint contacts list --db t.db --json | grep -c '"id"'
> 2
$ touchpoint contacts show 1 --db t.db | grep -E 'touches:|^merge'
> merge 1: contact 3 into 1 by manual (by hand: same person, personal address)
> 9 touches:
$ touchpoint contacts merge 3 2 --db t.db
! touchpoint: contact 3 is merged into 1; merge that one
? 1
$ TOUCHPOINT_NOW=2026-04-02T00:00:00Z touchpoint contacts unmerge minh@gmail.com --db t.db
> contact 3 is its own again: 2 touches moved back
$ touchpoint contacts show 1 --db t.db | grep -E 'touches:|^merge'
> merge 1: contact 3 into 1 by manual (by hand: same person, personal address), undone
> 7 touches:
$ touchpoint contacts unmerge 3 --db t.db
! touchpoint: contact 3 is not merged into another
? 1
