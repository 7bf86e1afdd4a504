#!/usr/bin/python3
"""same_json.py A B: "same" when the two files hold equal JSON documents
(the CLI pretty-prints, the API does not); else the first difference."""
import json, sys

a, b = (json.load(open(f)) for f in sys.argv[1:3])


def diff(x, y, where):
    if type(x) != type(y):
        return f"{where}: {x!r} != {y!r}"
    if isinstance(x, dict):
        for k in sorted(set(x) | set(y)):
            if k not in x or k not in y:
                return f"{where}/{k}: only in {'B' if k not in x else 'A'}"
            d = diff(x[k], y[k], f"{where}/{k}")
            if d:
                return d
    elif isinstance(x, list):
        if len(x) != len(y):
            return f"{where}: {len(x)} items != {len(y)}"
        for i, (p, q) in enumerate(zip(x, y)):
            d = diff(p, q, f"{where}/{i}")
            if d:
                return d
    elif x != y:
        return f"{where}: {x!r} != {y!r}"
    return None


d = diff(a, b, "")
print(d if d else "same")
sys.exit(1 if d else 0)
