#!/usr/bin/env python3
"""Reference for `loupe manifest`: writes the same rows with Python's standard csv module and json lines, the
way a data scientist would script it. The rows are loaded (untimed) from a JSON Lines manifest that Loupe
wrote; only the writing is timed, so the comparison favours Python (Loupe's time includes querying the
catalog). List columns go into CSV as compact JSON text, as Loupe writes them.
Usage: manifest_ref.py ROWS.jsonl OUT_DIR"""
import csv, json, sys, time

rows_file, out = sys.argv[1], sys.argv[2]
with open(rows_file, encoding="utf-8") as f:
    rows = [json.loads(line) for line in f]
columns = list(rows[0].keys())
lists = {"class_ids", "class_names", "labels"}

t0 = time.perf_counter()
with open(f"{out}/ref.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(columns)
    for r in rows:
        w.writerow([json.dumps(r[c], separators=(",", ":")) if c in lists else
                    ("" if r[c] is None else r[c]) for c in columns])
t1 = time.perf_counter()
with open(f"{out}/ref.jsonl", "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps(r, separators=(",", ":"), ensure_ascii=False))
        f.write("\n")
t2 = time.perf_counter()
print(f"python csv {t1 - t0:.2f} s")
print(f"python jsonl {t2 - t1:.2f} s")
print(f"rows {len(rows)}")
