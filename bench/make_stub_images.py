#!/usr/bin/env python3
"""Writes a stub JPEG (SOI, a baseline frame header with the right size, EOI: ~30 bytes) for every image a
COCO dataset lists, at images/<split>/<file_name>, so that annotation-only datasets made with
gen_dataset.py --no-images can be converted to formats that need image sizes from the files (YOLO).
Usage: make_stub_images.py COCO_ROOT"""
import json, os, struct, sys

root = sys.argv[1]
ann = os.path.join(root, "annotations")
n = 0
for name in sorted(os.listdir(ann)):
    if not (name.startswith("instances_") and name.endswith(".json")):
        continue
    split = name[len("instances_"):-len(".json")]
    with open(os.path.join(ann, name)) as f:
        data = json.load(f)
    folder = os.path.join(root, "images", split)
    os.makedirs(folder, exist_ok=True)
    for img in data["images"]:
        sof = struct.pack(">BBHBHHB", 0xFF, 0xC0, 11, 8, img["height"], img["width"], 1) + b"\x01\x11\x00"
        with open(os.path.join(folder, img["file_name"]), "wb") as out:
            out.write(b"\xFF\xD8" + sof + b"\xFF\xD9")
        n += 1
print(f"{n} stub images under {root}/images")
