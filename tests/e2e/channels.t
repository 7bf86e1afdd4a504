# The GA4 rules from the command line, and an edited site list.
$ touchpoint init --db t.db >/dev/null && touchpoint channels classify google cpc brand --db t.db
> Paid Search
$ touchpoint channels classify linkedin webinar abm-101 --db t.db
> Webinar
$ touchpoint channels classify kagi.com referral --db t.db
> Referral
$ touchpoint channels add search kagi.com --db t.db
> search list: added kagi.com; events imported from now on use it
$ touchpoint channels classify kagi.com referral --db t.db
> Organic Search
$ touchpoint channels remove search kagi.com --db t.db && touchpoint channels classify kagi.com referral --db t.db
> search list: removed kagi.com; events imported from now on use it
> Referral
$ touchpoint channels add galaxy kagi.com --db t.db
! touchpoint: "galaxy" is not a site list (search, social, video, shopping)
! usage: touchpoint channels sites [LIST] | add LIST SITE | remove LIST SITE | classify SOURCE MEDIUM [CAMPAIGN]  [--db FILE]
? 2
