#!/usr/bin/env bash
# Conversion benchmark (issue 3): a COCO file of 120,000 images / ~900,000 polygon annotations converted to
# YOLO and back, by Loupe (-Xmx1g) and by bench/convert_ref.py (Python json + loops), on the same data in the
# same run. Images are neither copied nor linked (--images none): one directory symlink makes the source's
# stub images visible to the YOLO -> COCO step of both, so the benchmark measures conversion work rather
# than this file system's 100-260 us per created file or symlink.
# Usage: bench/convert.sh [DATA_DIR]   (default /tmp/loupe-bench/data)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
data=${1:-/tmp/loupe-bench/data}
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
timed() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "$label %e s, peak %M KB" "$@" > /dev/null
}
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
# Loupe: the catalog is fresh for the first conversion (index included), as a user's first run.
timed "loupe coco->yolo" java -Xmx1g -jar "$jar" convert "$src" "$work/loupe-yolo" --to yolo --images none \
  --catalog "$work/c1.duckdb" -q
ln -s "$src/images" "$work/loupe-yolo/images"
timed "loupe yolo->coco" java -Xmx1g -jar "$jar" convert "$work/loupe-yolo" "$work/loupe-coco" --to coco \
  --images none --catalog "$work/c2.duckdb" -q
timed "python coco->yolo" "$py" "$here/convert_ref.py" coco2yolo "$src" "$work/py-yolo"
ln -s "$src/images" "$work/py-yolo/images"
timed "python yolo->coco" "$py" "$here/convert_ref.py" yolo2coco "$work/py-yolo" "$work/py-coco"
loupe_out=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["annotationsOut"])' "$work/loupe-coco/loupe-conversion.json")
py_out=$("$py" -c 'import json,glob,sys; print(sum(len(json.load(open(f))["annotations"]) for f in glob.glob(sys.argv[1] + "/annotations/*.json")))' "$work/py-coco")
echo "annotations after the round trip: loupe $loupe_out, python $py_out"
