#!/usr/bin/python3
"""Reference for the statistics benchmark: the statistics `loupe stats` computes, with numpy over arrays held
in memory (the best case for a script: no database, vectorised loops).

    stats_ref.py DIR

Loads annotations/instances_*.json of a COCO dataset and builds numpy arrays (not timed: that is the
"indexing" side), then times the statistics alone: instances and images per class per split, imbalance
metrics, box size / area / aspect summaries (min, median, mean, max) and log-binned histograms overall and
per class, COCO small/medium/large, boxes touching the border, the 16x16 centre heatmap, boxes per image,
image size histograms. Prints counts on stdout and "statistics: N ms" on stderr.
"""
import glob
import json
import os
import sys
import time

import numpy as np


def load(root):
    images, anns, cats = [], [], {}
    for f in sorted(glob.glob(os.path.join(root, "annotations", "instances_*.json"))):
        split = os.path.basename(f)[len("instances_"):-len(".json")]
        with open(f) as fh:
            d = json.load(fh)
        ids = {}
        for im in d["images"]:
            ids[im["id"]] = len(images)
            images.append((split, im.get("width", 0), im.get("height", 0)))
        for a in d["annotations"]:
            x, y, w, h = a["bbox"]
            anns.append((ids[a["image_id"]], a["category_id"], x, y, w, h))
        for c in d["categories"]:
            cats[c["id"]] = c["name"]
    splits = sorted({s for s, _, _ in images})
    img_split = np.array([splits.index(s) for s, _, _ in images])
    img_w = np.array([w for _, w, _ in images], dtype=float)
    img_h = np.array([h for _, _, h in images], dtype=float)
    a = np.array(anns, dtype=float)
    return splits, img_split, img_w, img_h, a, cats


def log_bins(v, per_octave, lo, hi):
    return np.clip(np.floor(per_octave * np.log2(v)), lo, hi).astype(np.int64) - lo


def stats(splits, img_split, img_w, img_h, a, cats):
    out = {}
    ids = sorted(cats)
    k = max(ids) + 1
    img = a[:, 0].astype(np.int64)
    cls = a[:, 1].astype(np.int64)
    x, y, w, h = a[:, 2], a[:, 3], a[:, 4], a[:, 5]
    ann_split = img_split[img]
    # classes: instances and images, overall and per split
    out["instances"] = np.bincount(cls, minlength=k)
    pairs = np.unique(img * k + cls)
    out["images_per_class"] = np.bincount(pairs % k, minlength=k)
    pair_split = img_split[pairs // k]
    for s in range(len(splits)):
        out["instances_" + splits[s]] = np.bincount(cls[ann_split == s], minlength=k)
        out["images_" + splits[s]] = np.bincount(pairs[pair_split == s] % k, minlength=k)
    counts = out["instances"][ids]
    used = np.sort(counts[counts > 0]).astype(float)
    p = used / used.sum()
    entropy = -(p * np.log(p)).sum()
    n = len(used)
    out["imbalance"] = (used[-1] / used[0], entropy / np.log(n), 2 * (np.arange(1, n + 1) * used).sum()
                        / (n * used.sum()) - (n + 1) / n, np.exp(entropy))
    # boxes
    valid = (w > 0) & (h > 0)
    vc, vx, vy, vw, vh = cls[valid], x[valid], y[valid], w[valid], h[valid]
    area, aspect = vw * vh, vw / vh
    iw, ih = img_w[img[valid]], img_h[img[valid]]
    for name, v in (("w", vw), ("h", vh), ("area", area), ("aspect", aspect)):
        out["dist_" + name] = (v.min(), np.median(v), v.mean(), v.max())
    size = np.where(area < 32 * 32, 0, np.where(area < 96 * 96, 1, 2))
    out["sml"] = np.bincount(size, minlength=3)
    out["sml_per_class"] = np.bincount(vc * 3 + size, minlength=k * 3)
    border = (iw > 0) & (ih > 0) & ((vx <= 1) | (vy <= 1) | (vx + vw >= iw - 1) | (vy + vh >= ih - 1))
    out["border"] = np.bincount(vc, weights=border, minlength=k)
    order = np.argsort(vc, kind="stable")
    cuts = np.flatnonzero(np.diff(vc[order])) + 1
    for name, v in (("w", vw), ("h", vh), ("aspect", aspect)):
        out["median_per_class_" + name] = [np.median(g) for g in np.split(v[order], cuts)]
    for name, v, per, lo, hi in (("w", vw, 2, 0, 32), ("h", vh, 2, 0, 32), ("area", area, 1, 0, 40),
                                 ("aspect", aspect, 4, -16, 15)):
        b = log_bins(v, per, lo, hi)
        width = hi - lo + 1
        out["hist_" + name] = np.bincount(b, minlength=width)
        out["hist_per_class_" + name] = np.bincount(vc * width + b, minlength=k * width)
    known = (iw > 0) & (ih > 0)
    gy = np.clip(np.floor((vy + vh / 2)[known] / ih[known] * 16), 0, 15).astype(np.int64)
    gx = np.clip(np.floor((vx + vw / 2)[known] / iw[known] * 16), 0, 15).astype(np.int64)
    out["heatmap"] = np.bincount(gy * 16 + gx, minlength=256)
    out["boxes_per_image"] = np.bincount(np.bincount(img[~np.isnan(x)], minlength=len(img_w)))
    # images
    ok = (img_w > 0) & (img_h > 0)
    for name, v in (("img_w", img_w[ok]), ("img_h", img_h[ok]), ("img_aspect", img_w[ok] / img_h[ok])):
        out["dist_" + name] = (v.min(), np.median(v), v.mean(), v.max())
        out["hist_" + name] = np.bincount(log_bins(v, 4 if name == "img_aspect" else 2, -16, 32) + 16)
    return out


def main():
    data = load(sys.argv[1])
    t0 = time.perf_counter()
    out = stats(*data)
    ms = (time.perf_counter() - t0) * 1000
    print("boxes %d, images %d, imbalance (max/min, normalized entropy, gini, effective) %s"
          % (out["instances"].sum(), len(data[1]), tuple(float(v) for v in out["imbalance"])))
    print("small/medium/large %s, touching border %d, width %s" % (out["sml"].tolist(), out["border"].sum(),
                                                                 tuple(float(v) for v in out["dist_w"])))
    print("statistics: %.1f ms" % ms, file=sys.stderr)


if __name__ == "__main__":
    main()
