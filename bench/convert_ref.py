#!/usr/bin/env python3
"""Reference for `loupe convert`: COCO -> YOLO and YOLO -> COCO with Python's standard json and plain loops,
the way a data scientist would script it. Images are not copied or linked (as `loupe convert --images none`);
image sizes for YOLO -> COCO come from the JPEG frame header (a pure-Python SOF parser, like the header
reference).
Usage: convert_ref.py coco2yolo SRC OUT | convert_ref.py yolo2coco SRC OUT"""
import json, os, struct, sys


def jpeg_size(path):
    with open(path, "rb") as f:
        data = f.read(65536)
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            raise ValueError(path)
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h
        i += 2 + length
    raise ValueError(path)


def coco2yolo(src, out):
    names = None
    for name in sorted(os.listdir(os.path.join(src, "annotations"))):
        if not (name.startswith("instances_") and name.endswith(".json")):
            continue
        split = name[len("instances_"):-len(".json")]
        with open(os.path.join(src, "annotations", name)) as f:
            coco = json.load(f)
        cats = sorted(coco["categories"], key=lambda c: c["id"])
        index = {c["id"]: i for i, c in enumerate(cats)}
        names = [c["name"] for c in cats]
        by_image = {}
        for a in coco["annotations"]:
            by_image.setdefault(a["image_id"], []).append(a)
        os.makedirs(os.path.join(out, "labels", split), exist_ok=True)
        for img in coco["images"]:
            w, h = img["width"], img["height"]
            fn = img["file_name"]
            lines = []
            for a in by_image.get(img["id"], []):
                seg = a.get("segmentation")
                if isinstance(seg, list) and seg and isinstance(seg[0], list):
                    pts = seg[0]
                    coords = " ".join(f"{min(1, max(0, v / (w if k % 2 == 0 else h))):.9g}" for k, v in enumerate(pts))
                    lines.append(f"{index[a['category_id']]} {coords}")
                else:
                    x, y, bw, bh = a["bbox"]
                    lines.append(f"{index[a['category_id']]} {(x + bw / 2) / w:.9g} {(y + bh / 2) / h:.9g} {bw / w:.9g} {bh / h:.9g}")
            with open(os.path.join(out, "labels", split, os.path.splitext(fn)[0] + ".txt"), "w") as f:
                f.write("\n".join(lines) + ("\n" if lines else ""))
    with open(os.path.join(out, "data.yaml"), "w") as f:
        f.write("train: images/train\nval: images/val\nnames:\n")
        for i, n in enumerate(names):
            f.write(f"  {i}: {json.dumps(n)}\n")


def yolo2coco(src, out):
    names = []
    with open(os.path.join(src, "data.yaml")) as f:
        in_names = False
        for line in f:
            if line.startswith("names:"):
                in_names = True
            elif in_names and line.startswith("  "):
                names.append(json.loads(line.split(":", 1)[1].strip()))
    os.makedirs(os.path.join(out, "annotations"), exist_ok=True)
    for split in sorted(os.listdir(os.path.join(src, "images"))):
        images, annotations = [], []
        for k, fn in enumerate(sorted(os.listdir(os.path.join(src, "images", split)))):
            path = os.path.join(src, "images", split, fn)
            w, h = jpeg_size(path)
            images.append({"id": k + 1, "file_name": fn, "width": w, "height": h})
            label = os.path.join(src, "labels", split, os.path.splitext(fn)[0] + ".txt")
            if not os.path.exists(label):
                continue
            with open(label) as f:
                for line in f:
                    v = line.split()
                    if not v:
                        continue
                    c = int(v[0])
                    nums = [float(x) for x in v[1:]]
                    if len(nums) == 4:
                        cx, cy, bw, bh = nums
                        bbox = [(cx - bw / 2) * w, (cy - bh / 2) * h, bw * w, bh * h]
                        seg = []
                    else:
                        pts = [p * (w if i % 2 == 0 else h) for i, p in enumerate(nums)]
                        xs, ys = pts[0::2], pts[1::2]
                        bbox = [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)]
                        seg = [pts]
                    annotations.append({"id": len(annotations) + 1, "image_id": k + 1, "category_id": c + 1,
                                        "bbox": bbox, "area": bbox[2] * bbox[3], "iscrowd": 0, "segmentation": seg})
        categories = [{"id": i + 1, "name": n} for i, n in enumerate(names)]
        with open(os.path.join(out, "annotations", f"instances_{split}.json"), "w") as f:
            json.dump({"images": images, "annotations": annotations, "categories": categories}, f)


if __name__ == "__main__":
    {"coco2yolo": coco2yolo, "yolo2coco": yolo2coco}[sys.argv[1]](sys.argv[2], sys.argv[3])
