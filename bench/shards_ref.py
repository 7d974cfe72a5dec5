#!/usr/bin/env python3
"""Reference for `loupe shards`: WebDataset shards written with Python's tarfile, one image + one JSON per
sample, from a COCO dataset (standard json, annotations grouped per image), the way webdataset's own
ShardWriter does it (tarfile with a size budget). Times the whole job (reading the annotations included).
Usage: shards_ref.py COCO_ROOT OUT MAX_BYTES"""
import io, json, os, sys, tarfile, time

root, out, max_bytes = sys.argv[1], sys.argv[2], int(sys.argv[3])
t0 = time.perf_counter()
os.makedirs(out, exist_ok=True)
samples = []
for name in sorted(os.listdir(os.path.join(root, "annotations"))):
    if not (name.startswith("instances_") and name.endswith(".json")):
        continue
    split = name[len("instances_"):-len(".json")]
    with open(os.path.join(root, "annotations", name)) as f:
        coco = json.load(f)
    names = {c["id"]: c["name"] for c in coco["categories"]}
    by_image = {}
    for a in coco["annotations"]:
        by_image.setdefault(a["image_id"], []).append(
            {"class_id": a["category_id"], "class_name": names.get(a["category_id"]), "box": a["bbox"]})
    for img in coco["images"]:
        path = f"images/{split}/{img['file_name']}"
        samples.append((path, {"path": path, "split": split, "width": img["width"], "height": img["height"],
                               "annotations": by_image.get(img["id"], [])}))
samples.sort(key=lambda s: s[0])
shard, size, count, tar, skipped = 0, 0, 0, None, 0
for i, (path, meta) in enumerate(samples):
    full = os.path.join(root, path)
    try:
        with open(full, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        skipped += 1
        continue
    key = f"{i:09d}_" + os.path.splitext(os.path.basename(path))[0].replace(".", "_")
    meta["key"] = key
    js = json.dumps(meta).encode()
    if tar is None or size + len(data) + len(js) + 2048 > max_bytes:
        if tar:
            tar.close()
        tar = tarfile.open(os.path.join(out, f"shard-{shard:06d}.tar"), "w", format=tarfile.PAX_FORMAT)
        shard, size = shard + 1, 0
    for name, payload in ((key + ".jpg", data), (key + ".json", js)):
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = len(payload), 0, 0o644
        tar.addfile(info, io.BytesIO(payload))
        size += 512 + (len(payload) + 511) // 512 * 512
    count += 1
if tar:
    tar.close()
print(f"python shards {time.perf_counter() - t0:.2f} s, {count} samples, {shard} shards, skipped {skipped}")
