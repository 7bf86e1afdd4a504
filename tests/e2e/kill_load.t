# A first load into an empty workspace writes through a rollback journal
# with the event indexes dropped until its end. Killed with SIGKILL in its
# middle, after pages of it reached the database file, it leaves the
# workspace as it was (tests/stress/kill_load.py checks and says), and the
# same file then loads whole.
$ python3 $DATA/../stress/kill_load.py
> killed mid-load: integrity ok, 0 events, 3 event indexes, journal wal; loaded again: 341235 events
> 341936 lines: 341235 calls stored, 701 duplicates skipped, 0 refused; 10033 new contacts, 33 merges, 24 identity conflicts logged
