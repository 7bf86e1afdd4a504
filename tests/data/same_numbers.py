"""Checks that report attribution --json and --csv carry the same credits,
and that each model's credits plus its unattributed part add up to the
totals. Prints one line; exits non-zero on the first disagreement."""
import csv, json, sys

doc = json.load(open(sys.argv[1]))
rows = {(r["model"], r["channel"]): r for r in csv.DictReader(open(sys.argv[2]))}
n = 0
for m in doc["models"]:
    conv = m["unattributed_conversions"]
    value = m["unattributed_value"]
    for c in m["channels"]:
        r = rows[(m["model"], c["channel"].replace("=", "'=", 1) if c["channel"].startswith("=") else c["channel"])]
        for key in ("conversions", "value"):
            if abs(float(r[key]) - c[key]) > 5e-7:
                sys.exit(f"{m['model']} {c['channel']} {key}: json {c[key]} csv {r[key]}")
        conv += c["conversions"]
        value += c["value"]
        n += 1
    if abs(conv - m["total_conversions"]) > 1e-9 or abs(value - m["total_value"]) > 1e-6:
        sys.exit(f"{m['model']}: credits {conv} {value} vs totals {m['total_conversions']} {m['total_value']}")
totals = {(m["total_conversions"], m["total_value"]) for m in doc["models"]}
(c, v), = totals
print(f"{n} credits agree; every model adds up to {c:g} conversions and {v:.2f}")
