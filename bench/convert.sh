#!/usr/bin/env bash
# Conversion benchmark (issue 3): a COCO file of 120,000 images / ~900,000 polygon annotations converted to
# YOLO and back, by Loupe (-Xmx1g) and by bench/convert_ref.py (Python json + loops), on the same data in the
# same run. Images are neither copied nor linked (--images none): one directory symlink makes the source's
# stub images visible to the YOLO -> COCO step of both, so the benchmark measures conversion work rather
# than this file system's 100-260 us per created file or symlink.
#
# ROUNDS=N runs N rounds, alternating which side goes first (odd rounds Loupe, even rounds Python), and
# prints the median of each step and the ratios. Outputs are deleted only at the end: on ext4 without a
# journal, creating files in the minutes after deleting many costs far more system time (the allocator
# skips recently freed inodes, kernel recently_deleted()), which would penalise whichever side runs after
# a deletion. For the same reason, start a run some minutes after the previous one ended (it deletes its
# outputs at exit): the first Loupe conversion of a run started at once had 17 s of system time instead of 5.
# Each Loupe conversion gets a new catalog file, so it reads its source straight into memory (Converter: a
# catalog that holds no index of the source is left untouched); with a catalog already indexing the source it
# would bring that index up to date and stream from it instead.
# Usage: [ROUNDS=3] bench/convert.sh [DATA_DIR]   (default /tmp/loupe-bench/data)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
data=${1:-/tmp/loupe-bench/data}
rounds=${ROUNDS:-1}
py=/usr/bin/python3
jar="$repo/target/loupe.jar"
src="$data/coco120k-stubs"
work=$(mktemp -d /tmp/loupe-convert-XXXX)
trap 'rm -rf "$work"' EXIT
if [ ! -f "$src/annotations/instances_train.json" ]; then
  "$py" "$repo/../shared/bench/gen_dataset.py" --out "$src" --images 120000 --classes 80 --format coco --no-images --force
  "$py" "$here/make_stub_images.py" "$src"
fi
[ -f "$jar" ] || (cd "$repo" && ./mvnw -q -o package -DskipTests)
times="$work/times.txt"
timed() { # label, command...
  local label=$1; shift
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -o "$work/t" -f "%e %U %S %M" "$@" > /dev/null
  read -r wall user sys peak < "$work/t"
  echo "$label $wall" >> "$times"
  echo "$label: ${wall} s (user ${user} s, sys ${sys} s, peak $((peak / 1024)) MB, load before $load)"
}
loupe() { # round
  local w="$work/r$1"
  # The catalog is fresh for each conversion (index included), as a user's first run.
  timed "loupe-coco2yolo" java -Xmx1g -jar "$jar" convert "$src" "$w/loupe-yolo" --to yolo --images none \
    --catalog "$w/c1.duckdb" -q
  ln -s "$src/images" "$w/loupe-yolo/images"
  timed "loupe-yolo2coco" java -Xmx1g -jar "$jar" convert "$w/loupe-yolo" "$w/loupe-coco" --to coco \
    --images none --catalog "$w/c2.duckdb" -q
}
python() { # round
  local w="$work/r$1"
  timed "python-coco2yolo" "$py" "$here/convert_ref.py" coco2yolo "$src" "$w/py-yolo"
  ln -s "$src/images" "$w/py-yolo/images"
  timed "python-yolo2coco" "$py" "$here/convert_ref.py" yolo2coco "$w/py-yolo" "$w/py-coco"
}
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$rounds"); do
  mkdir -p "$work/r$round"
  echo "round $round"
  if [ $((round % 2)) -eq 1 ]; then loupe "$round"; python "$round"; else python "$round"; loupe "$round"; fi
done
w="$work/r1"
loupe_out=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["annotationsOut"])' "$w/loupe-coco/loupe-conversion.json")
py_out=$("$py" -c 'import json,glob,sys; print(sum(len(json.load(open(f))["annotations"]) for f in glob.glob(sys.argv[1] + "/annotations/*.json")))' "$w/py-coco")
echo "annotations after the round trip: loupe $loupe_out, python $py_out"
"$py" - "$times" <<'EOF'
import statistics, sys
t = {}
for line in open(sys.argv[1]):
    label, wall = line.split()
    t.setdefault(label, []).append(float(wall))
m = {k: statistics.median(v) for k, v in t.items()}
for k in sorted(m):
    print(f"median {k}: {m[k]:.1f} s of {len(t[k])} runs ({', '.join(f'{x:.1f}' for x in t[k])})")
for d in ("coco2yolo", "yolo2coco"):
    print(f"ratio {d}: Python / Loupe = {m['python-' + d] / m['loupe-' + d]:.2f}x")
lo = m["loupe-coco2yolo"] + m["loupe-yolo2coco"]
pi = m["python-coco2yolo"] + m["python-yolo2coco"]
print(f"ratio round trip: Python {pi:.1f} s / Loupe {lo:.1f} s = {pi / lo:.2f}x")
EOF
