#!/usr/bin/env python3
"""A first load killed in its middle leaves the workspace as it was.

A load into an empty workspace writes through a rollback journal and drops
the event indexes until its end (docs/ARCHITECTURE.md, bulk loading). This
starts one reading a pipe that is never closed, so that it cannot reach its
commit, feeds it demo events until pages of the load have been written into
the database file itself, kills it with SIGKILL, and checks the database as
the next process finds it: intact, no event, the event indexes back, in WAL
again. Then the same file loads whole.

    kill_load.py [--contacts N] [--touchpoint BIN]
"""
import argparse
import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile

ap = argparse.ArgumentParser()
ap.add_argument("--contacts", type=int, default=10000)
ap.add_argument("--touchpoint", default=os.environ.get("TOUCHPOINT", "touchpoint"))
a = ap.parse_args()


def fail(why):
    print("kill_load: " + why)
    shutil.rmtree(tmp)
    sys.exit(1)


def run(*args):
    subprocess.run([a.touchpoint, *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def connect(path):
    # Closed on leaving the block: an open connection keeps a load in WAL.
    return contextlib.closing(sqlite3.connect(path))


def event_indexes(db):
    return db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                      " AND tbl_name = 'event' AND sql IS NOT NULL").fetchone()[0]


tmp = tempfile.mkdtemp(prefix="tp-kill-load-")
path = os.path.join(tmp, "w.db")
events = os.path.join(tmp, "events.jsonl")
run("demo", "--db", os.path.join(tmp, "demo.db"), "--contacts", str(a.contacts), "--seed", "1",
    "--days", "365", "--events-out", events)
run("init", "--db", path)
with connect(path) as db:
    indexes_before = event_indexes(db)
size_before = os.path.getsize(path)

# The load's own pages reach the file once its 64 MB page cache spills.
load = subprocess.Popen([a.touchpoint, "import", "events", "-", "--db", path],
                        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
spilled = False
with open(events, "rb") as f:
    for chunk in iter(lambda: f.read(1 << 20), b""):
        load.stdin.write(chunk)
        load.stdin.flush()
        if os.path.getsize(path) > size_before + (1 << 20):
            spilled = True
            break
if not spilled:
    load.kill()
    fail("the whole file went in without the load writing into the database; use more --contacts")
load.kill()  # SIGKILL, with the pipe still open: no commit was ever possible
load.wait()
if load.returncode != -signal.SIGKILL:
    fail("the load ended by itself (%s) before it was killed" % load.returncode)
if not os.path.exists(path + "-journal"):
    fail("no rollback journal after the kill: the load did not write through one")

# The next connection rolls the hot journal back.
with connect(path) as db:
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    stored = db.execute("SELECT count(*) FROM event").fetchone()[0]
    indexes = event_indexes(db)
run("contacts", "list", "--db", path)  # any open of ours sets WAL again
with connect(path) as db:
    journal = db.execute("PRAGMA journal_mode").fetchone()[0]
if indexes != indexes_before:
    fail("%d event indexes after the kill, %d before" % (indexes, indexes_before))

out = subprocess.run([a.touchpoint, "import", "events", events, "--db", path], check=True,
                     capture_output=True, text=True).stdout
with connect(path) as db:
    loaded = db.execute("SELECT count(*) FROM event").fetchone()[0]
print("killed mid-load: integrity %s, %d events, %d event indexes, journal %s;"
      " loaded again: %d events" % (integrity, stored, indexes, journal, loaded))
print(out.strip().splitlines()[0])
shutil.rmtree(tmp)
