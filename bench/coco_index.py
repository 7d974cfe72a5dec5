#!/usr/bin/python3
"""Reference for the COCO benchmark: json.load + the indexing pycocotools' COCO.createIndex does, for every
annotations/instances_*.json of DIR (or the JSON files given).

    coco_index.py DIR|FILE.json ...

Builds, per file, the dicts imgs, anns, cats, imgToAnns, catToImgs exactly as pycocotools 2.0 does (without
importing it, so nothing but the standard library is needed). Prints the counts on stdout and the time
spent loading and indexing on stderr.
"""
import glob
import json
import os
import sys
import time
from collections import defaultdict


def create_index(dataset):
    # pycocotools/coco.py COCO.createIndex, verbatim in substance
    anns, cats, imgs = {}, {}, {}
    imgToAnns, catToImgs = defaultdict(list), defaultdict(list)
    if "annotations" in dataset:
        for ann in dataset["annotations"]:
            imgToAnns[ann["image_id"]].append(ann)
            anns[ann["id"]] = ann
    if "images" in dataset:
        for img in dataset["images"]:
            imgs[img["id"]] = img
    if "categories" in dataset:
        for cat in dataset["categories"]:
            cats[cat["id"]] = cat
    if "annotations" in dataset and "categories" in dataset:
        for ann in dataset["annotations"]:
            catToImgs[ann["category_id"]].append(ann["image_id"])
    return anns, cats, imgs, imgToAnns, catToImgs


def main():
    files = []
    for arg in sys.argv[1:]:
        files += sorted(glob.glob(os.path.join(arg, "annotations", "*.json"))) if os.path.isdir(arg) else [arg]
    t_load = t_index = 0.0
    n_imgs = n_anns = 0
    cats = set()
    keep = []   # keep every index alive, as a COCO object per split would be
    for f in files:
        t0 = time.perf_counter()
        with open(f, "rb") as fh:
            dataset = json.load(fh)
        t1 = time.perf_counter()
        idx = create_index(dataset)
        t2 = time.perf_counter()
        keep.append((dataset, idx))
        t_load += t1 - t0
        t_index += t2 - t1
        n_anns += len(idx[0])
        n_imgs += len(idx[2])
        cats.update(idx[1])
    print("%d files, %d images, %d annotations, %d categories" % (len(files), n_imgs, n_anns, len(cats)))
    print("json.load %.0f ms, createIndex %.0f ms" % (t_load * 1e3, t_index * 1e3), file=sys.stderr)


if __name__ == "__main__":
    main()
