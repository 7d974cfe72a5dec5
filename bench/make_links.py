#!/usr/bin/python3
"""A class-folders tree of N images made of hard links to a few small real JPEGs, and the "touch" used by
the re-index benchmark.

    make_links.py --out DIR [--files 1000000] [--folders 1000] [--sources 20]
    make_links.py --touch 1000 --out DIR      # give 1,000 files of DIR a new inode and a new mtime

Layout: DIR/train/class_NNNN/img_NNNNNNN.jpg, file i links to source i * sources // files.
ext4 allows at most 65,000 links per inode, hence several source copies (1M / 20 = 50,000 links each).
The sources live in DIR.src (same file system, outside the dataset).

Why --touch copies instead of touching: mtime belongs to the inode, so `touch` on one hard link would
change the mtime of the ~50,000 other names of that inode too. Replacing the link by a fresh copy of
the same bytes changes exactly the chosen names (new inode, mtime = now, same size).
"""
import argparse
import os
import shutil
import sys
import time


def make_sources(src_dir, n):
    from PIL import Image, ImageDraw
    os.makedirs(src_dir, exist_ok=True)
    paths = []
    for k in range(n):
        p = os.path.join(src_dir, "s%02d.jpg" % k)
        if not os.path.exists(p):
            w, h = 64 + 16 * k, 48 + 12 * k   # 20 different small sizes: 64x48 .. 368x276
            img = Image.new("RGB", (w, h), (40 + 10 * k, 90, 200 - 5 * k))
            ImageDraw.Draw(img).rectangle((w // 4, h // 4, w * 3 // 4, h * 3 // 4), fill=(250, 220, 30))
            img.save(p, "JPEG", quality=85)
        paths.append(p)
    return paths


def make_tree(out, files, folders, sources):
    if os.path.exists(os.path.join(out, "train")):
        sys.exit("%s/train exists; delete %s first" % (out, out))
    srcs = make_sources(out.rstrip("/") + ".src", sources)
    t0 = time.time()
    per_folder = (files + folders - 1) // folders
    i = 0
    for c in range(folders):
        d = os.path.join(out, "train", "class_%04d" % c)
        os.makedirs(d)
        for _ in range(per_folder):
            if i >= files:
                break
            os.link(srcs[i * sources // files], os.path.join(d, "img_%07d.jpg" % i))
            i += 1
    print("links: %d files in %d folders under %s in %.1fs" % (i, folders, out, time.time() - t0))


def touch(out, n):
    """Replaces n evenly spread files by fresh copies (new inode, mtime now, same bytes)."""
    names = []
    for c in sorted(os.listdir(os.path.join(out, "train"))):
        d = os.path.join(out, "train", c)
        names.extend(os.path.join(d, f) for f in sorted(os.listdir(d)))
    step = max(1, len(names) // n)
    picked = names[::step][:n]
    for p in picked:
        tmp = p + ".tmp"
        shutil.copyfile(p, tmp)
        os.replace(tmp, p)
    print("touched %d files" % len(picked), file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--files", type=int, default=1_000_000)
    ap.add_argument("--folders", type=int, default=1000)
    ap.add_argument("--sources", type=int, default=20)
    ap.add_argument("--touch", type=int, default=0, help="replace this many files by fresh copies and exit")
    a = ap.parse_args()
    if a.files // a.sources >= 65000:
        sys.exit("more than 65,000 links per source: raise --sources")
    if a.touch:
        touch(a.out, a.touch)
    else:
        make_tree(a.out, a.files, a.folders, a.sources)


if __name__ == "__main__":
    main()
