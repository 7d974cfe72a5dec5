#!/usr/bin/python3
"""Turns the raw results of bench/run.sh into markdown, and rewrites the generated part of
docs/PERFORMANCE.md.

    report.py RESULTS_DIR BENCHMARK DOC.md

Reads RESULTS_DIR/BENCHMARK/: <group>.r<round>.json (hyperfine --export-json, one run per command per
round) with <group>.cmds.tsv (label, command, prepare), rss.tsv (/usr/bin/time), log-* (what the timed
commands reported themselves: Loupe's `index --json`, `list --count` stderr, the Python references' split).
Writes RESULTS_DIR/BENCHMARK.md, then replaces everything between <!-- generated:begin --> and
<!-- generated:end --> in DOC.md by the machine description and every benchmark section present in
RESULTS_DIR (running one benchmark keeps the others' last results). Text outside the markers is kept.
"""
import glob
import json
import os
import re
import statistics
import sys

ORDER = ["listing", "headers", "coco", "reopen", "counts"]
BEGIN, END = "<!-- generated:begin -->", "<!-- generated:end -->"


# ------------------------------------------------------------------------------------------------ reading
def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def load_hf(base):
    """label -> {median, mean, stddev, min, max, times, cmd, prepare}, over all rounds of one group."""
    res = {}
    for row in read_tsv(base + ".cmds.tsv"):
        res[row[0]] = {"cmd": row[1], "prepare": row[2] if len(row) > 2 else "", "times": [], "exit_codes": []}
    for path in sorted(glob.glob(base + ".r*.json")):
        with open(path) as f:
            for r in json.load(f)["results"]:
                res[r["command"]]["times"] += r["times"]
                res[r["command"]]["exit_codes"] += r.get("exit_codes") or []
    for r in res.values():
        t = r["times"]
        r.update(median=statistics.median(t), mean=statistics.mean(t),
                 stddev=statistics.stdev(t) if len(t) > 1 else 0.0, min=min(t), max=max(t))
    return res


def groups(d):
    """Hyperfine groups of a result folder, in run order."""
    bases = [p[:-len(".cmds.tsv")] for p in glob.glob(os.path.join(d, "*.cmds.tsv"))]
    return sorted(bases, key=lambda b: os.path.getmtime(b + ".cmds.tsv"))


def load_all_hf(d):
    out = {}
    for base in groups(d):
        out.update(load_hf(base))
    return out


def rss(d):
    return {r[0]: (float(r[1]), int(r[2])) for r in read_tsv(os.path.join(d, "rss.tsv"))}


def json_log(path):
    """The JSON objects appended to a log by the timed runs, without the first one (the warm-up run)."""
    if not os.path.exists(path):
        return []
    text, out, i = open(path).read(), [], 0
    dec = json.JSONDecoder()
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            break
        obj, i = dec.raw_decode(text, i)
        out.append(obj)
    return out[1:]


def numbers_log(path, pattern):
    """Tuples of floats matched by pattern in a log, without the first match (the warm-up run)."""
    if not os.path.exists(path):
        return []
    found = [tuple(float(x) for x in m.groups()) for m in re.finditer(pattern, open(path).read())]
    return found[1:]


def phases(runs):
    """Median of each phase and of the total over index --json runs."""
    if not runs:
        return None
    keys = list(runs[0]["phaseMillis"])
    return {"phases": {k: statistics.median(r["phaseMillis"].get(k, 0) for r in runs) for k in keys},
            "elapsed": statistics.median(r["elapsedMillis"] for r in runs), "n": len(runs), "last": runs[-1]}


def machine(d):
    p = os.path.join(d, "machine.txt")
    return open(p).read().strip().splitlines() if os.path.exists(p) else []


# ------------------------------------------------------------------------------------------------ format
def secs(x):
    return "%.0f ms" % (x * 1e3) if x < 1 else "%.2f s" % x


def mb(kb):
    return "%.0f MB" % (kb / 1024.0)


def times(x):
    return "%.2f×" % x


def rate(n, s):
    return "{:,.0f}".format(n / s)


def verdict(ok):
    return "meets" if ok else "**misses**"


def cell(text):
    return str(text).replace("|", "\\|")


def phase_text(p):
    return ", ".join("%s %s" % (k, secs(v / 1000.0)) for k, v in p["phases"].items())


def summary_table(rows):
    out = ["| benchmark | target | Loupe | reference | ratio Loupe/reference | verdict |",
           "|---|---|---|---|---|---|"]
    out += ["| %s |" % " | ".join(cell(c) for c in r) for r in rows]
    return out


def timing_table(hf, mem):
    out = ["| command | median | mean ± σ | min … max | runs | peak RSS (1 run) |", "|---|---|---|---|---|---|"]
    for label, r in hf.items():
        m = mem.get(label)
        bad = sum(1 for c in r["exit_codes"] if c not in (0, None))
        out.append("| %s | %s | %s ± %s | %s … %s | %d%s | %s |" % (
            cell(label), secs(r["median"]), secs(r["mean"]), secs(r["stddev"]), secs(r["min"]), secs(r["max"]),
            len(r["times"]), " (%d failed)" % bad if bad else "", mb(m[1]) if m else "-"))
    for label in [k for k in mem if k not in hf]:
        out.append("| %s | %s (1 run) | | | 1 | %s |" % (cell(label), secs(mem[label][0]), mb(mem[label][1])))
    return out


def commands(d, hf):
    out = ["```"]
    for label, r in hf.items():
        out.append("# %s%s" % (label, " (hyperfine --prepare: %s)" % r["prepare"] if r["prepare"] else ""))
        out.append(r["cmd"])
    mem_cmds = [cmd for label, cmd in read_tsv(os.path.join(d, "rss-commands.tsv"))
                if label not in hf or hf[label]["cmd"] != cmd]
    if mem_cmds:
        out.append("# peak RSS: once more under /usr/bin/time -f '%e %M'")
        out += mem_cmds
    out.append("```")
    return out


def header(d, title):
    info = [line for line in machine(d) if line.startswith(("date:", "commit:", "load average"))]
    return ["### " + title, "", "_" + "; ".join(info) + "_", ""]


def footer(d, hf, mem):
    runs = max((len(r["times"]) for r in hf.values()), default=0)
    return ["", "All runs (%d rounds, interleaved; peak RSS from one more run under `/usr/bin/time`):" % runs, ""] \
        + timing_table(hf, mem) + ["", "Commands:", ""] + commands(d, hf)


# ------------------------------------------------------------------------------------------------ sections
def listing(d):
    hf, mem = load_all_hf(d), rss(d)
    med = {k: v["median"] for k, v in hf.items()}
    inproc = {m: [x[0] / 1000.0 for x in numbers_log(os.path.join(d, "log-%s.txt" % m), r"files in (\d+) ms")]
              for m in ("count", "stat")}
    fd, fp = med["fdfind -t f | wc -l"], med["find -printf size (stat)"]
    lc, ls = med["loupe list --count"], med["loupe list --count --stat"]
    lp, jvm = med["loupe list | wc -l"], med["JVM start-up (loupe --version)"]
    rows = [
        ["`list --count`", "≤ 1.5× fdfind", secs(lc), "fdfind %s" % secs(fd), times(lc / fd), verdict(lc / fd <= 1.5)],
        ["`list --count --stat`", "≤ 1.0× find -printf", secs(ls), "find -printf %s" % secs(fp), times(ls / fp),
         verdict(ls / fp <= 1.0)],
    ]
    if inproc["count"]:
        ic = statistics.median(inproc["count"])
        rows.append(["`list --count`, in-process (stderr)", "(info: without JVM start-up)", secs(ic),
                     "fdfind %s" % secs(fd), times(ic / fd), "-"])
    if inproc["stat"]:
        ist = statistics.median(inproc["stat"])
        rows.append(["`list --count --stat`, in-process", "(info)", secs(ist), "find -printf %s" % secs(fp),
                     times(ist / fp), "-"])
    rows += [["`list` printing every path `| wc -l`", "(info: the same output as fd)", secs(lp),
              "fdfind %s" % secs(fd), times(lp / fd), "-"],
             ["JVM start-up (`--version`)", "(info)", secs(jvm), "-", "-", "-"]]
    out = header(d, "1. Listing 1,000,000 files in 1,000 folders")
    out += summary_table(rows)
    out += ["", "In-process: the \"N files in M ms\" line Loupe prints on stderr in the same timed runs (median), "
            "from the start of the command to the count, after JVM start-up."]
    return out + footer(d, hf, mem)


def headers(d):
    hf, mem = load_all_hf(d), rss(d)
    med = {k: v["median"] for k, v in hf.items()}
    ph = phases(json_log(os.path.join(d, "log-index.json")))
    n = ph["last"]["images"] if ph else 20000
    lo = med["loupe index (fresh catalog)"]
    rows = [["`index` 20k COCO end to end, fresh catalog", "≥ 10,000 images/s",
             "%s = %s images/s" % (secs(lo), rate(n, lo)), "-", "-", verdict(n / lo >= 10000)]]
    for label in ("PIL Image.open().size", "pure-Python SOF parser", "vipsheader (xargs)"):
        if label in med:
            rows.append(["`index` vs %s" % label, "(info)", secs(lo),
                         "%s = %s images/s" % (secs(med[label]), rate(n, med[label])), times(lo / med[label]), "-"])
    split = {}
    for key in ("pil", "sof"):
        v = numbers_log(os.path.join(d, "log-%s.txt" % key), r"json (\d+) ms, headers (\d+) ms")
        if v:
            split[key] = (statistics.median(x[0] for x in v) / 1000.0, statistics.median(x[1] for x in v) / 1000.0)
    if ph and "scanning" in ph["phases"]:
        scan = ph["phases"]["scanning"] / 1000.0
        for key, label in (("pil", "PIL"), ("sof", "SOF parser")):
            if key in split:
                h = split[key][1]
                rows.append(["headers only: Loupe's `scanning` phase vs the %s loop" % label, "(info)",
                             "%s = %s images/s" % (secs(scan), rate(n, scan)),
                             "%s = %s images/s" % (secs(h), rate(n, h)), times(scan / h), "-"])
    out = header(d, "2. Image headers: 20,000-image COCO dataset (JPEG 64-640 px, with defects)")
    out += summary_table(rows) + [""]
    if ph:
        last = ph["last"]
        out += ["Loupe's phases (median of the %d timed runs, `index --json`): %s; total %s. %d images, "
                "%d annotations, %d problems, %d headers read." % (
                    ph["n"], phase_text(ph), secs(ph["elapsed"] / 1000.0), last["images"], last["annotations"],
                    last["problems"], last["headersRead"]), ""]
    if split:
        out += ["Python, in-process (median of the timed runs): %s." % "; ".join(
            "%s: json.load %s, header loop %s" % (k, secs(v[0]), secs(v[1])) for k, v in split.items()), ""]
    out += ["The references list the images from the two COCO JSON files, as Loupe does, so their end-to-end "
            "time includes `json.load`; Loupe's includes the listing, the COCO parse of 150k annotations with "
            "polygons, the dataset checks and the catalog write."]
    out += footer(d, hf, mem)
    cm = os.path.join(d, "counts.md")
    if os.path.exists(cm):
        out += ["", "Counts of this dataset, `stats --json` against meta.json + defects.json "
                "(`bench/check_counts.py --check`):", "", open(cm).read().strip()]
    return out


def coco(d):
    mem = rss(d)
    out = header(d, "3. COCO annotations: 120,000 images, ~900k boxes with polygons (`--no-images`)")
    rows, notes, allhf = [], [], {}
    for base in groups(d):
        name = os.path.basename(base)
        h = load_hf(base)
        lo, py = h["loupe index -Xmx1g (fresh catalog)"]["median"], h["python json.load + createIndex"]["median"]
        size = int(open(os.path.join(d, "bytes-%s.txt" % name)).read().strip())
        lm = mem.get("%s: loupe index -Xmx1g (fresh catalog)" % name)
        pm = mem.get("%s: python json.load + createIndex" % name)
        rows.append(["`index` %s (%.0f MB of JSON), -Xmx1g" % (name, size / 1e6), "< 10 s", secs(lo), "-", "-",
                     verdict(lo < 10)])
        rows.append(["`index` %s vs Python json.load + createIndex" % name, "≥ 4× faster (ratio ≤ 0.25)",
                     secs(lo), secs(py), times(lo / py), verdict(lo / py <= 0.25)])
        if lm and pm:
            rows.append(["peak RSS, %s" % name, "(info; Loupe's heap capped by -Xmx1g)", mb(lm[1]), mb(pm[1]),
                         times(lm[1] / pm[1]), "-"])
        ph = phases(json_log(os.path.join(d, "log-%s.json" % name)))
        if ph:
            last = ph["last"]
            notes.append("%s, Loupe (median of %d runs): %s; %d images, %d annotations, %d problems (every image "
                         "is missing: `--no-images` writes no JPEG, as expected)." % (
                             name, ph["n"], phase_text(ph), last["images"], last["annotations"], last["problems"]))
        py_log = os.path.join(d, "log-%s-python.txt" % name)
        split = numbers_log(py_log, r"json.load (\d+) ms, createIndex (\d+) ms")
        counts = re.search(r"\d+ files, .*", open(py_log).read()) if os.path.exists(py_log) else None
        if split:
            notes.append("%s, Python (median): json.load %s, createIndex %s; %s." % (
                name, secs(statistics.median(x[0] for x in split) / 1000.0),
                secs(statistics.median(x[1] for x in split) / 1000.0), counts.group(0) if counts else ""))
        for label, r in h.items():
            allhf["%s: %s" % (name, label)] = r
    out += summary_table(rows) + [""] + ["- " + n for n in notes]
    return out + footer(d, allhf, mem)


def reopen(d):
    hf, mem = load_all_hf(d), rss(d)
    med = {k: v["median"] for k, v in hf.items()}
    first, st = med["first index (fresh catalog)"], med["stats (reopen the catalog)"]
    re0, re1 = med["re-index, nothing changed"], med["re-index after touching 1,000 files"]
    floor = med["find -printf size+mtime (stat floor)"]
    rows = [
        ["`stats` on the indexed catalog (reopen)", "< 2 s", secs(st), "-", "-", verdict(st < 2)],
        ["re-index, nothing changed", "< 1/4 of the first index", secs(re0), "first index %s" % secs(first),
         times(re0 / first), verdict(re0 / first < 0.25)],
        ["re-index after touching 1,000 files", "(info)", secs(re1), "first index %s" % secs(first),
         times(re1 / first), "-"],
        ["re-index, nothing changed, vs a bare stat walk", "(info: a re-index stats every file)", secs(re0),
         "find -printf %s" % secs(floor), times(re0 / floor), "-"],
    ]
    out = header(d, "4. Reopen and re-index: 1,000,000 images (class folders, hard links to 20 small JPEGs)")
    out += summary_table(rows) + [""]
    for label, f in (("first index", "first"), ("re-index, nothing changed", "unchanged"),
                     ("re-index after touching 1,000 files", "touched")):
        ph = phases(json_log(os.path.join(d, "log-%s.json" % f)))
        if ph:
            out.append("- %s, Loupe's phases (median of %d runs): %s; total %s; headers read %d." % (
                label, ph["n"], phase_text(ph), secs(ph["elapsed"] / 1000.0), ph["last"]["headersRead"]))
    out += ["", "\"Touching\" replaces each of the 1,000 files by a fresh copy (new inode, new mtime, same bytes; "
            "`bench/make_links.py --touch`): `touch` on a hard link would change the mtime of the ~50,000 other "
            "names of its inode."]
    return out + footer(d, hf, mem)


def counts(d):
    out = header(d, "5. Correctness cross-check: `stats --json` against the generator's ground truth")
    out += ["2,000 images, 20 classes, `--defects`, one dataset per format; `bench/check_counts.py` (its docstring "
            "says where every expected number comes from). PASS/FAIL: counts; GAP: a defect Loupe does not "
            "report; INFO: duplicates (Loupe does not claim to detect them).", ""]
    cm = os.path.join(d, "counts.md")
    if os.path.exists(cm):
        out.append(open(cm).read().strip())
    return out


SECTIONS = {"listing": listing, "headers": headers, "coco": coco, "reopen": reopen, "counts": counts}


def main():
    res, bench, doc = sys.argv[1], sys.argv[2], sys.argv[3]
    text = "\n".join(SECTIONS[bench](os.path.join(res, bench))) + "\n"
    with open(os.path.join(res, bench + ".md"), "w") as f:
        f.write(text)
    done = [b for b in ORDER if os.path.exists(os.path.join(res, b + ".md"))]
    newest = max(done, key=lambda b: os.path.getmtime(os.path.join(res, b, "machine.txt")))
    parts = ["## Machine\n\nAs recorded by the most recent benchmark run (each section names its own date, commit "
             "and load average):\n\n" + "\n".join("- " + line for line in machine(os.path.join(res, newest))
                                                  if not line.startswith("load average")) + "\n"]
    parts += [open(os.path.join(res, b + ".md")).read() for b in done]
    generated = BEGIN + "\n\n" + "\n".join(parts) + "\n" + END
    old = open(doc).read() if os.path.exists(doc) else "# Performance\n\n" + BEGIN + "\n" + END + "\n"
    if BEGIN not in old or END not in old:
        old = old.rstrip("\n") + "\n\n" + BEGIN + "\n" + END + "\n"
    head, rest = old.split(BEGIN, 1)
    with open(doc, "w") as f:
        f.write(head + generated + rest.split(END, 1)[1])
    print("wrote %s and %s" % (os.path.join(res, bench + ".md"), doc), file=sys.stderr)


if __name__ == "__main__":
    main()
