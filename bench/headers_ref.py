#!/usr/bin/python3
"""Reference for the image-header benchmark: the sizes of every image a COCO dataset lists, in one process.

    headers_ref.py pil DIR     # PIL: Image.open(p).size (reads the header, decodes nothing)
    headers_ref.py sof DIR     # a pure-Python JPEG parser: walk the markers up to the SOFn frame header

DIR is a COCO layout (annotations/instances_<split>.json + images/<split>/). Prints "N sizes read, M failed"
on stdout and the time spent in the JSON and in the headers on stderr.
"""
import glob
import json
import os
import struct
import sys
import time

SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def image_paths(root):
    paths = []
    for ann in sorted(glob.glob(os.path.join(root, "annotations", "instances_*.json"))):
        split = os.path.basename(ann)[len("instances_"):-len(".json")]
        with open(ann, "rb") as f:
            doc = json.load(f)
        paths += [os.path.join(root, "images", split, im["file_name"]) for im in doc["images"]]
    return paths


def size_pil(path):
    from PIL import Image
    with Image.open(path) as im:
        return im.size


def size_sof(path):
    with open(path, "rb") as f:
        if f.read(2) != b"\xff\xd8":
            raise ValueError("not a JPEG")
        while True:
            b = f.read(1)
            while b == b"\xff":          # fill bytes before the marker code
                b = f.read(1)
            if not b:
                raise ValueError("no frame header")
            m = b[0]
            if m == 0xD8 or m == 0x01 or 0xD0 <= m <= 0xD7:
                f.read(1)
                continue
            seg = f.read(2)
            if len(seg) < 2:
                raise ValueError("truncated")
            (length,) = struct.unpack(">H", seg)
            if m in SOF:
                h, w = struct.unpack(">xHH", f.read(5))
                return w, h
            f.seek(length - 2, 1)
            if f.read(1) != b"\xff":
                raise ValueError("marker expected")


def main():
    method, root = sys.argv[1], sys.argv[2]
    size = {"pil": size_pil, "sof": size_sof}[method]
    t0 = time.perf_counter()
    paths = image_paths(root)
    t1 = time.perf_counter()
    ok = failed = 0
    for p in paths:
        try:
            w, h = size(p)
            ok += 1
        except Exception:
            failed += 1
    t2 = time.perf_counter()
    print("%d sizes read, %d failed" % (ok, failed))
    print("%s: json %.0f ms, headers %.0f ms (%.0f images/s)" % (method, (t1 - t0) * 1e3, (t2 - t1) * 1e3,
                                                              len(paths) / (t2 - t1)), file=sys.stderr)


if __name__ == "__main__":
    main()
