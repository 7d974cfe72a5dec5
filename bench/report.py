#!/usr/bin/python3
"""Turns the raw results of bench/run.sh (hyperfine JSON, /usr/bin/time lines, Loupe's --json output) into
markdown, and rewrites the generated part of docs/PERFORMANCE.md.

    report.py RESULTS_DIR BENCHMARK DOC.md

Writes RESULTS_DIR/BENCHMARK.md, then replaces everything between the markers
<!-- generated:begin --> and <!-- generated:end --> in DOC.md by the machine description and every
benchmark section present in RESULTS_DIR (so running one benchmark keeps the others' last results).
Text outside the markers is left alone.
"""
import json
import os
import statistics
import sys

ORDER = ["listing", "headers", "coco", "reopen", "counts"]
BEGIN, END = "<!-- generated:begin -->", "<!-- generated:end -->"


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def load_hf(base):
    """label -> hyperfine result (+ 'cmd')."""
    cmds = dict(read_tsv(base + ".cmds.tsv"))
    with open(base + ".json") as f:
        res = {r["command"]: r for r in json.load(f)["results"]}
    for label, r in res.items():
        r["cmd"] = cmds.get(label, label)
    return res


def load_all_hf(d):
    out = {}
    for name in sorted(os.listdir(d), key=lambda n: os.path.getmtime(os.path.join(d, n))):  # run order
        if name.endswith(".json") and os.path.exists(os.path.join(d, name[:-5] + ".cmds.tsv")):
            out.update(load_hf(os.path.join(d, name[:-5])))
    return out


def rss(d):
    return {r[0]: (float(r[1]), int(r[2])) for r in read_tsv(os.path.join(d, "rss.tsv"))}


def secs(x):
    return "%.0f ms" % (x * 1e3) if x < 1 else "%.2f s" % x


def mb(kb):
    return "%.0f MB" % (kb / 1024.0)


def times(x):
    return "%.2f×" % x


def verdict(ok):
    return "meets" if ok else "**misses**"


def machine(d):
    p = os.path.join(d, "machine.txt")
    return open(p).read().strip().splitlines() if os.path.exists(p) else []


def cell(text):
    return str(text).replace("|", "\\|")


def summary_table(rows):
    out = ["| benchmark | target | Loupe | reference | ratio Loupe/reference | verdict |",
           "|---|---|---|---|---|---|"]
    out += ["| %s |" % " | ".join(cell(c) for c in r) for r in rows]
    return out


def timing_table(hf, mem, runs_note=True):
    out = ["| command | median | mean ± σ | min … max | runs | peak RSS (1 run) |", "|---|---|---|---|---|---|"]
    for label, r in hf.items():
        m = mem.get(label)
        out.append("| %s | %s | %s ± %s | %s … %s | %d | %s |" % (
            cell(label), secs(r["median"]), secs(r["mean"]), secs(r["stddev"] or 0), secs(r["min"]), secs(r["max"]),
            len(r["times"]), mb(m[1]) if m else "-"))
    extra = [k for k in mem if k not in hf]
    for label in extra:
        out.append("| %s | %s (1 run) | | | 1 | %s |" % (cell(label), secs(mem[label][0]), mb(mem[label][1])))
    return out


def commands(d, hf):
    out = ["```"]
    for label, r in hf.items():
        out.append("# %s" % label)
        out.append(r["cmd"])
    mem_cmds = [cmd for label, cmd in read_tsv(os.path.join(d, "rss.cmds.tsv"))
                if label not in hf or hf[label]["cmd"] != cmd]
    if mem_cmds:
        out.append("# peak RSS and phase times: these once more under /usr/bin/time -f '%e %M'")
        out += mem_cmds
    out.append("```")
    out.append("Peak RSS: one more run of the command under `/usr/bin/time -f '%e %M'`.")
    return out


def phases(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        r = json.load(f)
    return r


def phase_text(r):
    return ", ".join("%s %s" % (k, secs(v / 1000.0)) for k, v in r["phaseMillis"].items())


def header(d, title):
    m = machine(d)
    info = [line for line in m if line.startswith(("date:", "commit:", "load average"))]
    return ["### " + title, "", "_" + "; ".join(info) + "_", ""]


# ----------------------------------------------------------------------------------------------------------
def listing(d):
    hf, mem = load_all_hf(d), rss(d)
    med = {k: v["median"] for k, v in hf.items()}
    inproc = {}
    for label, ms in read_tsv(os.path.join(d, "inproc.tsv")):
        inproc.setdefault(label.strip(), []).append(int(ms) / 1000.0)
    fd, fp = med["fdfind -t f | wc -l"], med["find -printf size (stat)"]
    lc, ls = med["loupe list --count"], med["loupe list --count --stat"]
    ic = statistics.median(inproc.get("loupe list --count", [float("nan")]))
    ist = statistics.median(inproc.get("loupe list --count --stat", [float("nan")]))
    rows = [
        ["`list --count`", "≤ 1.5× fdfind", secs(lc), "fdfind %s" % secs(fd), times(lc / fd), verdict(lc / fd <= 1.5)],
        ["`list --count --stat`", "≤ 1.0× find -printf", secs(ls), "find -printf %s" % secs(fp), times(ls / fp),
         verdict(ls / fp <= 1.0)],
        ["`list --count`, in-process (stderr)", "(info: no JVM start-up)", secs(ic), "fdfind %s" % secs(fd),
         times(ic / fd), "-"],
        ["`list --count --stat`, in-process", "(info)", secs(ist), "find -printf %s" % secs(fp), times(ist / fp), "-"],
        ["`list` printing paths `| wc -l`", "(info: same output as fd)", secs(med["loupe list | wc -l"]),
         "fdfind %s" % secs(fd), times(med["loupe list | wc -l"] / fd), "-"],
        ["JVM start-up (`--version`)", "(info)", secs(med["JVM start-up (loupe --version)"]), "-", "-", "-"],
    ]
    out = header(d, "1. Listing 1,000,000 files in 1,000 folders")
    out += summary_table(rows)
    out += ["", "In-process times are the medians of %d runs of the \"N files in M ms\" line Loupe prints on stderr "
            "(from the start of the command to the count, after JVM start-up and class loading of picocli)." %
            len(inproc.get("loupe list --count", [])), ""]
    out += timing_table(hf, mem) + ["", "Commands:", ""] + commands(d, hf)
    return out


def headers(d):
    hf, mem = load_all_hf(d), rss(d)
    med = {k: v["median"] for k, v in hf.items()}
    ph = phases(os.path.join(d, "phases-index.json"))
    n = ph["images"] if ph else 20000
    lo = med["loupe index (fresh catalog)"]
    inproc = {}
    for label, js, hs in read_tsv(os.path.join(d, "inproc.tsv")):
        inproc.setdefault(label, []).append((int(js) / 1000.0, int(hs) / 1000.0))
    rows = [["`index` 20k COCO end to end, fresh catalog", "≥ 10,000 images/s", "%s = %s images/s" % (secs(lo), "{:,.0f}".format(n / lo)),
             "-", "-", verdict(n / lo >= 10000)]]
    for label in ("PIL Image.open().size", "pure-Python SOF parser", "vipsheader (xargs)"):
        if label in med:
            rows.append(["`index` vs %s" % label, "(info)", secs(lo), "%s = %s images/s" % (
                secs(med[label]), "{:,.0f}".format(n / med[label])), times(lo / med[label]), "-"])
    if ph and "scanning" in ph["phaseMillis"]:
        scan = ph["phaseMillis"]["scanning"] / 1000.0
        for label, key in (("PIL", "pil"), ("SOF parser", "sof")):
            if key in inproc:
                h = statistics.median(x[1] for x in inproc[key])
                rows.append(["headers only: Loupe `scanning` phase vs %s header loop" % label, "(info)",
                             "%s = %s images/s" % (secs(scan), "{:,.0f}".format(n / scan)),
                             "%s = %s images/s" % (secs(h), "{:,.0f}".format(n / h)), times(scan / h), "-"])
    out = header(d, "2. Image headers: 20,000-image COCO dataset (JPEG 64-640 px, with defects)")
    out += summary_table(rows)
    out += [""]
    if ph:
        out += ["Loupe's own phase times (the peak-RSS run, `index --json`): %s; %d images, %d annotations, "
                "%d problems, %d headers read." % (phase_text(ph), ph["images"], ph["annotations"], ph["problems"],
                                                   ph["headersRead"]), ""]
    if inproc:
        out += ["Python in-process split (median of %d runs): %s." % (
            len(next(iter(inproc.values()))),
            "; ".join("%s: json.load %s, headers %s" % (k, secs(statistics.median(x[0] for x in v)),
                                                        secs(statistics.median(x[1] for x in v)))
                      for k, v in inproc.items())), ""]
    out += ["The references list the images from the two COCO JSON files (as Loupe does), so their end-to-end "
            "time includes `json.load` of the JSON files; Loupe's includes the listing, the COCO parse of "
            "150k annotations with polygons, the checks and the catalog write.", ""]
    out += timing_table(hf, mem) + ["", "Commands:", ""] + commands(d, hf)
    cm = os.path.join(d, "counts.md")
    if os.path.exists(cm):
        out += ["", "Counts of this dataset, `stats --json` against meta.json + defects.json "
                "(`bench/check_counts.py --check`):", "", open(cm).read().strip()]
    return out


def coco(d):
    hf, mem = load_all_hf(d), rss(d)
    out = header(d, "3. COCO annotations: 120,000 images, ~900k boxes with polygons (`--no-images`)")
    rows, notes = [], []
    sets = sorted((n[:-5] for n in os.listdir(d) if n.endswith(".json") and os.path.exists(os.path.join(d, n[:-5] + ".cmds.tsv"))),
                  key=lambda n: os.path.getmtime(os.path.join(d, n + ".json")))
    for name in sets:
        h = load_hf(os.path.join(d, name))
        lo, py = h["loupe index -Xmx1g (fresh catalog)"]["median"], h["python json.load + createIndex"]["median"]
        size = open(os.path.join(d, "bytes-%s.txt" % name)).read().strip()
        tag = "%s (%.0f MB JSON)" % (name, int(size) / 1e6)
        lm = mem.get("%s: loupe index -Xmx1g (fresh catalog)" % name)
        pm = mem.get("%s: python json.load + createIndex" % name)
        rows.append(["`index` %s, -Xmx1g" % tag, "< 10 s", secs(lo), "-", "-", verdict(lo < 10)])
        rows.append(["`index` vs Python json.load + createIndex, %s" % name, "≥ 4× faster (ratio ≤ 0.25)",
                     secs(lo), secs(py), times(lo / py), verdict(lo / py <= 0.25)])
        if lm and pm:
            rows.append(["peak RSS, %s" % name, "(info; Loupe capped by -Xmx1g)", mb(lm[1]), mb(pm[1]),
                         times(lm[1] / pm[1]), "-"])
        ph = phases(os.path.join(d, "phases-%s.json" % name))
        if ph:
            notes.append("%s: Loupe phases %s; %d images, %d annotations, %d problems (every image is missing: "
                         "`--no-images` writes no JPEG, as expected)." % (
                             name, phase_text(ph), ph["images"], ph["annotations"], ph["problems"]))
        pt = os.path.join(d, "python-%s.txt" % name)
        if os.path.exists(pt):
            notes.append("%s: Python reference: %s." % (name, open(pt).read().strip()))
    out += summary_table(rows) + [""] + ["- " + n for n in notes] + [""]
    allhf = {}
    for name in sets:
        for label, r in load_hf(os.path.join(d, name)).items():
            allhf["%s: %s" % (name, label)] = r
    out += timing_table(allhf, mem) + ["", "Commands:", ""] + commands(d, allhf)
    return out


def reopen(d):
    hf, mem = load_all_hf(d), rss(d)
    med = {k: v["median"] for k, v in hf.items()}
    first, st = med["first index (fresh catalog)"], med["stats (reopen the catalog)"]
    re0, re1 = med["re-index, nothing changed"], med["re-index after touching 1,000 files"]
    floor = med["find -printf size+mtime (stat floor)"]
    rows = [
        ["`stats` on the indexed catalog (reopen)", "< 2 s", secs(st), "-", "-", verdict(st < 2)],
        ["re-index, nothing changed", "< 1/4 of first index", secs(re0), "first index %s" % secs(first),
         times(re0 / first), verdict(re0 / first < 0.25)],
        ["re-index after touching 1,000 files", "(info)", secs(re1), "first index %s" % secs(first),
         times(re1 / first), "-"],
        ["re-index, nothing changed vs a bare stat walk", "(info: the floor for a re-index that stats every file)",
         secs(re0), "find -printf %s" % secs(floor), times(re0 / floor), "-"],
    ]
    out = header(d, "4. Reopen and re-index: 1,000,000 images (class folders, hard links to 20 small JPEGs)")
    out += summary_table(rows) + [""]
    for label, f in (("first index", "first"), ("re-index, nothing changed", "unchanged"),
                     ("re-index after touching 1,000 files", "touched")):
        ph = phases(os.path.join(d, "phases-%s.json" % f))
        if ph:
            out.append("- %s (peak-RSS run): %s total; phases %s; headers read %d." % (
                label, secs(ph["elapsedMillis"] / 1000.0), phase_text(ph), ph["headersRead"]))
    out += ["", "\"Touching\" replaces each of the 1,000 files by a fresh copy (new inode, new mtime, same bytes; "
            "`bench/make_links.py --touch`): `touch` on a hard link would change the mtime of the ~50,000 other "
            "names of its inode.", ""]
    out += timing_table(hf, mem) + ["", "Commands:", ""] + commands(d, hf)
    return out


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
    parts = []
    newest = max((os.path.join(res, b) for b in ORDER if os.path.exists(os.path.join(res, b + ".md"))),
                 key=lambda p: os.path.getmtime(os.path.join(p, "machine.txt")))
    parts.append("## Machine\n\nAs recorded by the most recent benchmark run (each section names its own date, "
                 "commit and load):\n\n" + "\n".join("- " + line for line in machine(newest)) + "\n")
    for b in ORDER:
        p = os.path.join(res, b + ".md")
        if os.path.exists(p):
            parts.append(open(p).read())
    generated = BEGIN + "\n\n" + "\n".join(parts) + "\n" + END
    old = open(doc).read() if os.path.exists(doc) else "# Performance\n\n" + BEGIN + "\n" + END + "\n"
    if BEGIN not in old or END not in old:
        old = old.rstrip("\n") + "\n\n" + BEGIN + "\n" + END + "\n"
    head, rest = old.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    with open(doc, "w") as f:
        f.write(head + generated + tail)
    print("wrote %s and %s" % (os.path.join(res, bench + ".md"), doc), file=sys.stderr)


if __name__ == "__main__":
    main()
