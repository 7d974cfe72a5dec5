#!/usr/bin/python3
"""Correctness cross-check: Loupe's `stats --json` against the generator's ground truth.

    check_counts.py --data DIR --jar target/loupe.jar [--formats coco,yolo,voc,folders] [--images 2000]
                    [--markdown OUT.md] [--check DATASET ...]

For each format, generates DIR/counts-<format> with gen_dataset.py --defects (unless it exists), indexes it
with a fresh catalog (auto-detection first; --format only if that fails, which is then reported), and
compares images / annotations per split and per class with meta.json plus the extras that --defects adds
(defects.json), and checks that each listed defect shows up as a problem. --check DATASET checks an
existing generated dataset (e.g. the 20k COCO one) the same way. Exit status 1 when a count differs.

Ground truth, and where each extra comes from (gen_dataset.py inject_defects):
- meta.json: images per split and boxes per class per split, without the defect extras.
- annotation_missing_image: COCO declares the image (train) with one box of class 0 in the JSON, VOC writes
  an XML (filename + size + one box of class 0) with no JPEG: both count as one image (reported
  missing) and one box. YOLO writes a label file with no image: no image, and its box cannot be placed
  (YOLO boxes are fractions of the image size), so it counts as nothing (reported as an orphan label).
- image_without_annotation: a JPEG on disk absent from the annotations. An image for YOLO/VOC (their image
  set is the files); not an image for COCO (the JSON defines the image set), but it should be reported.
- duplicate_image: a byte copy with its own annotations (same boxes as the original, read here from the
  original's source annotations): one more image and the original's boxes.
- VOC: ImageSets/Main/<split>.txt lists only the generated images, so the VOC extras have no split.
- folders: no annotation files; one label per image (its class folder). Per-class image counts are
  counted from the tree (os.walk), split totals come from meta.json.
- truncated_jpeg / bbox_out_of_bounds / zero_area_box change no count (the truncated JPEG keeps its
  frame header: 40% of the file remains, so its size is readable).
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
GEN_DEFAULT = os.path.join(HERE, "..", "..", "shared", "bench", "gen_dataset.py")

# defect type -> problem kinds that count as "reported"; None = any kind on that path
EXPECTED_KINDS = {
    "truncated_jpeg": {"CORRUPT_IMAGE"},
    "bbox_out_of_bounds": {"BOX_OUT_OF_BOUNDS"},
    "zero_area_box": {"INVALID_BOX"},
    "annotation_missing_image": {"MISSING_IMAGE", "ORPHAN_ANNOTATION"},
    "image_without_annotation": None,
    "duplicate_image": None,
}


def stem(path):
    return os.path.splitext(os.path.basename(path))[0]


def split_of(path):
    parts = path.split("/")
    return parts[1] if len(parts) > 2 and parts[0] in ("images", "labels") else None


class Expected:
    def __init__(self, meta):
        self.names = meta["class_names"]
        self.images = collections.Counter(meta["images_per_split"])            # split -> n
        self.boxes = {s: collections.Counter({self.names[c]: n for c, n in enumerate(v) if n})
                      for s, v in meta["boxes_per_class_per_split"].items()}   # split -> name -> n
        self.notes = []

    def add_image(self, split):
        self.images[split] += 1

    def add_boxes(self, split, names):
        self.boxes.setdefault(split, collections.Counter()).update(names)


def coco_boxes_of(ds, rel_image):
    """Category names of the boxes of one image in the source COCO JSON (rel_image: images/<split>/name)."""
    split = split_of(rel_image)
    doc = json.load(open(os.path.join(ds, "annotations", "instances_%s.json" % split)))
    name = rel_image.split("/", 2)[2]
    cats = {c["id"]: c["name"] for c in doc["categories"]}
    ids = {im["id"] for im in doc["images"] if im["file_name"] == name}
    return [cats[a["category_id"]] for a in doc["annotations"] if a["image_id"] in ids]


def expected_counts(ds, fmt, meta, defects):
    e = Expected(meta)
    names = e.names
    for d in defects:
        t, p = d["type"], d["path"]
        if t == "annotation_missing_image":
            if fmt == "coco":
                e.add_image("train")
                e.add_boxes("train", [names[0]])
            elif fmt == "voc":
                e.add_image(None)
                e.add_boxes(None, [names[0]])
        elif t == "image_without_annotation":
            if fmt == "yolo":
                e.add_image(split_of(p))
            elif fmt == "voc":
                e.add_image(None)
        elif t == "duplicate_image":
            orig = d["original"]
            if fmt == "coco":
                e.add_image(split_of(p))
                e.add_boxes(split_of(p), coco_boxes_of(ds, orig))
            elif fmt == "yolo":
                s = split_of(p)
                e.add_image(s)
                with open(os.path.join(ds, "labels", s, stem(orig) + ".txt")) as f:
                    e.add_boxes(s, [names[int(line.split()[0])] for line in f if line.strip()])
            elif fmt == "voc":
                e.add_image(None)
                root = ET.parse(os.path.join(ds, "Annotations", stem(orig) + ".xml")).getroot()
                e.add_boxes(None, [o.findtext("name") for o in root.iter("object")])
            elif fmt == "folders":
                e.add_image(p.split("/")[0])
    if fmt == "folders":
        # one label per image = its class folder; counted from the tree (the folders format *is* the tree)
        e.boxes = {}
        walked = collections.Counter()
        for s in ("train", "val"):
            for dirpath, _dirs, files in os.walk(os.path.join(ds, s)):
                n = sum(1 for f in files if f.lower().endswith(".jpg"))
                if n:
                    cls = os.path.relpath(dirpath, os.path.join(ds, s)).split(os.sep)[0]
                    e.add_boxes(s, [cls] * n)
                    walked[s] += n
        for s in walked:
            if walked[s] != e.images[s]:
                e.notes.append("tree has %d images in %s, meta.json + duplicates say %d" % (walked[s], s, e.images[s]))
    return e


def run_loupe(java, jar, ds, fmt, catalog):
    for f in (catalog, catalog + ".wal"):
        if os.path.exists(f):
            os.remove(f)
    notes = []
    base = java + ["-jar", jar]
    r = subprocess.run(base + ["index", ds, "--catalog", catalog, "-q"], capture_output=True, text=True)
    fmt_args = []
    if r.returncode != 0:
        notes.append("auto-detection failed: " + " / ".join(l.strip() for l in r.stderr.strip().splitlines()))
        fmt_args = ["--format", fmt]
        r = subprocess.run(base + ["index", ds, "--catalog", catalog, "-q"] + fmt_args, capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit("loupe index failed on %s: %s" % (ds, r.stderr))
    r = subprocess.run(base + ["stats", ds, "--catalog", catalog, "--json", "--max-problems", "100000"] + fmt_args,
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("loupe stats failed on %s: %s" % (ds, r.stderr))
    return json.loads(r.stdout), notes


def compare(name, fmt, ds, stats, e, defects, notes):
    rows = []   # (dataset, check, expected, loupe, result)

    def row(check, exp, got, result=None):
        rows.append((name, check, exp, got, result or ("PASS" if exp == got else "FAIL")))

    row("format (auto-detected)", fmt, stats["format"] if not notes else "not detected",
        None if not notes else "FAIL")
    splits = {s["name"]: s for s in stats["splits"]}
    row("images", sum(e.images.values()), stats["images"])
    for s in sorted(k for k in e.images if k):
        row("images %s" % s, e.images[s], splits.get(s, {}).get("images", 0))
    if e.images.get(None):
        row("images without split", e.images[None], stats["images"] - sum(x["images"] for x in stats["splits"]))
    total_boxes = sum(sum(c.values()) for c in e.boxes.values())
    row("annotations", total_boxes, stats["annotations"])
    for s in sorted(k for k in e.boxes if k):
        row("annotations %s" % s, sum(e.boxes[s].values()), splits.get(s, {}).get("annotations", 0))
        got = collections.Counter({c["name"]: c["instances"] for c in splits.get(s, {}).get("classes", [])})
        bad = sorted(n for n in set(got) | set(e.boxes[s]) if got[n] != e.boxes[s][n])
        row("per-class instances %s" % s, "%d classes" % len(+e.boxes[s]),
            "%d differ: %s" % (len(bad), ", ".join("%s %d (expected %d)" % (n, got[n], e.boxes[s][n]) for n in bad[:6]))
            if bad else "%d classes" % len(+got), "FAIL" if bad else "PASS")
    all_exp = collections.Counter()
    for c in e.boxes.values():
        all_exp.update(c)
    got = collections.Counter({c["name"]: c["instances"] for c in stats["classes"]})
    bad = sorted(n for n in set(got) | set(all_exp) if got[n] != all_exp[n])
    row("per-class instances, all", "%d classes" % len(+all_exp),
        "%d differ: %s" % (len(bad), ", ".join("%s %d (expected %d)" % (n, got[n], all_exp[n]) for n in bad[:6]))
        if bad else "%d classes" % len(+got), "FAIL" if bad else "PASS")
    # defects -> problems
    problems = stats["problems"]
    matched = set()
    for d in defects:
        t, p = d["type"], d["path"]
        if fmt == "folders" and t in ("bbox_out_of_bounds", "zero_area_box"):
            row("defect %s" % t, "n/a (no boxes)", "-", "n/a")
            continue
        hits = [i for i, q in enumerate(problems) if stem(q["path"]) == stem(p)]
        matched.update(hits)
        want = EXPECTED_KINDS[t]
        good = [problems[i]["kind"] for i in hits if want is None or problems[i]["kind"] in want]
        exp = "/".join(sorted(want)) if want else "any problem"
        if good:
            row("defect %s %s" % (t, os.path.basename(p)), exp, ", ".join(sorted(set(good))), "PASS")
        else:
            result = "INFO" if t == "duplicate_image" else "GAP"
            row("defect %s %s" % (t, os.path.basename(p)), exp,
                "not reported" + (" (got %s)" % ", ".join(problems[i]["kind"] for i in hits) if hits else ""), result)
    others = collections.Counter(q["kind"] for i, q in enumerate(problems) if i not in matched)
    row("problems not tied to a defect", 0, sum(others.values()) if not others else
        "%d: %s" % (sum(others.values()), ", ".join("%s x%d" % kv for kv in others.items())),
        "PASS" if not others else "FAIL")
    return rows, problems


def pivot(rows):
    """One line per check, one column per dataset; defect checks keyed by type (file names dropped)."""
    names, checks, cells = [], [], {}
    for ds, check, exp, got, result in rows:
        key = " ".join(check.split()[:2]) if check.startswith("defect ") else check
        if ds not in names:
            names.append(ds)
        if key not in checks:
            checks.append(key)
        if result == "PASS":
            cell = "PASS %s" % got
        elif result == "FAIL":
            cell = "**FAIL** %s" % got if check.startswith("per-class") else "**FAIL** %s (expected %s)" % (got, exp)
        elif result == "n/a":
            cell = "n/a"
        else:
            cell = "%s: %s" % (result, got)
        prev = cells.get((key, ds))
        cells[(key, ds)] = cell if prev is None or prev == cell else prev + "; " + cell
    out = ["| check | %s |" % " | ".join(names), "|---|%s" % ("---|" * len(names))]
    for key in checks:
        out.append("| %s | %s |" % (key, " | ".join(cells.get((key, n), "") .replace("|", "\\|") for n in names)))
    return "\n".join(out) + "\n"


def generate(gen, python, out, fmt, images):
    if os.path.exists(os.path.join(out, "meta.json")):
        return
    subprocess.run([python, gen, "--out", out, "--images", str(images), "--classes", "20", "--format", fmt,
                    "--defects", "--force"], check=True, stdout=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="folder for the generated datasets (outside the repository)")
    ap.add_argument("--catalogs", help="folder for throw-away catalogs (default DATA/../catalogs)")
    ap.add_argument("--jar", required=True)
    ap.add_argument("--java", default="java")
    ap.add_argument("--gen", default=GEN_DEFAULT)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--formats", default="coco,yolo,voc,folders")
    ap.add_argument("--images", type=int, default=2000)
    ap.add_argument("--check", action="append", default=[], help="also check this existing generated dataset")
    ap.add_argument("--markdown", help="write the table (markdown) here")
    a = ap.parse_args()
    catalogs = a.catalogs or os.path.join(os.path.dirname(os.path.abspath(a.data)), "catalogs")
    os.makedirs(catalogs, exist_ok=True)
    targets = []
    for fmt in [f for f in a.formats.split(",") if f]:
        out = os.path.join(a.data, "counts-%s" % fmt)
        generate(a.gen, a.python, out, fmt, a.images)
        targets.append(out)
    targets += a.check
    rows, details = [], []
    for ds in targets:
        meta = json.load(open(os.path.join(ds, "meta.json")))
        defects = json.load(open(os.path.join(ds, "defects.json"))) if os.path.exists(os.path.join(ds, "defects.json")) else []
        fmt, name = meta["format"], os.path.basename(ds.rstrip("/"))
        stats, notes = run_loupe(a.java.split(), a.jar, ds, fmt, os.path.join(catalogs, "%s.duckdb" % name))
        e = expected_counts(ds, fmt, meta, defects)
        r, problems = compare(name, fmt, ds, stats, e, defects, notes)
        rows += r
        for n in notes + e.notes:
            details.append("%s: %s" % (name, n))
        for q in problems:
            details.append("%s: problem %s %s %s: %s" % (name, q["severity"], q["kind"], q["path"], q["message"]))
    widths = [max(len(str(r[i])) for r in rows) for i in range(5)]
    for r in rows:
        print("  ".join(str(v).ljust(widths[i]) for i, v in enumerate(r)))
    for d in details:
        print(d)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(pivot(rows))
            if details:
                f.write("\n<details><summary>problems Loupe reported, and notes</summary>\n\n```\n%s\n```\n</details>\n"
                        % "\n".join(details))
    fails = [r for r in rows if r[4] == "FAIL"]
    print("%d checks, %d FAIL, %d GAP" % (len(rows), len(fails), sum(1 for r in rows if r[4] == "GAP")),
          file=sys.stderr)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
