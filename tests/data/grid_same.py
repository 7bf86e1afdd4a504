"""Checks that a report's --json (an array of rows) and --csv carry the same
numbers: every column of every row, null in JSON being an empty cell in CSV.
Prints one line; exits non-zero on the first disagreement."""
import csv, json, sys

doc = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
if len(doc) != len(rows):
    sys.exit(f"json has {len(doc)} rows, csv {len(rows)}")
n = 0
for j, c in zip(doc, rows):
    if set(j) != set(c):
        sys.exit(f"columns differ: {sorted(set(j) ^ set(c))}")
    for k, v in j.items():
        cell = c[k]
        if v is None:
            ok = cell == ""
        elif isinstance(v, str):
            ok = cell == v or cell == "'" + v
        else:
            ok = cell != "" and abs(float(cell) - v) <= 1e-6 * max(1, abs(v))
        if not ok:
            sys.exit(f"row {n}: {k}: json {v!r} csv {cell!r}")
    n += 1
print(f"{n} rows agree")
