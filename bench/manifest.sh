#!/usr/bin/env bash
# Manifest benchmark (issue 6): 1,000,000 images from the catalog written as CSV, JSON Lines and Parquet by
# `loupe manifest`, against Python's csv module and json lines writing the same rows (bench/manifest_ref.py,
# which times the writing only). Rounds alternate the two sides; the summary gives medians.
# Loupe's numbers: "copy" is the writer's own time (the DuckDB COPY, as reported in --json's elapsedMillis),
# "wall" the whole command including JVM start and opening the catalog.
# Usage: [JAR=path/to/loupe.jar] bench/manifest.sh [DATA_DIR] [ROUNDS] [CATALOG]
#   (default /tmp/loupe-bench-manifest, 5 rounds, DATA_DIR/coco1m.duckdb; a catalog of an older schema is
#   rebuilt by the first `loupe manifest`, so the script indexes explicitly first and reports that time)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
data=${1:-/tmp/loupe-bench-manifest}
rounds=${2:-5}
py=/usr/bin/python3
jar="${JAR:-$repo/target/loupe.jar}"
src="$data/coco1m"
catalog=${3:-$data/coco1m.duckdb}
work=$(mktemp -d "$data/run-XXXX")
trap 'rm -rf "$work"' EXIT
if [ ! -f "$src/annotations/instances_train.json" ]; then
  "$py" "$repo/../shared/bench/gen_dataset.py" --out "$src" --images 1000000 --classes 80 --format coco \
    --no-images --objects-mean 3 --seg-points 0 --force
  "$py" "$here/make_stub_images.py" "$src"
fi
[ -f "$jar" ] || (cd "$repo" && ./mvnw -q -o package -DskipTests)
# Indexes when the catalog is missing or of an older schema; an up-to-date one is only checked (incremental).
/usr/bin/time -f "index (once) %e s, peak %M KB" java -Xmx2g -jar "$jar" index "$src" --catalog "$catalog" -q >/dev/null
# The index leaves the per-image label summary to its first reader: the first manifest builds it (once, kept
# in the catalog). Timed apart, so the rounds measure writing.
/usr/bin/time -f "first manifest, label summary included (once) %e s" java -Xmx1g -jar "$jar" manifest "$src" \
  -o "$work/first.csv" --catalog "$catalog" -q --overwrite > /dev/null
rm -f "$work/first.csv"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
results="$work/results.txt"
for round in $(seq 1 "$rounds"); do
  for fmt in csv jsonl parquet; do
    # Untimed: flush the previous run's hundreds of MB, so this write does not pay for that one's writeback.
    sync
    start=$(date +%s.%N)
    json=$(java -Xmx1g -jar "$jar" manifest "$src" -o "$work/m.$fmt" --catalog "$catalog" --json -q --overwrite)
    end=$(date +%s.%N)
    copy=$(echo "$json" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["elapsedMillis"] / 1000)')
    wall=$(echo "$end - $start" | bc)
    echo "loupe_copy_$fmt $copy" >> "$results"
    echo "loupe_wall_$fmt $wall" >> "$results"
  done
  sync
  "$py" "$here/manifest_ref.py" "$work/m.jsonl" "$work" > "$work/py.txt"
  awk '$1 == "python" {print "python_" $2, $3}' "$work/py.txt" >> "$results"
  echo "round $round (load $(cut -d' ' -f1 /proc/loadavg)): $(tail -8 "$results" | tr '\n' ' ')"
done
# Shuffled runs, for the record (a sort is needed there; path order is the stored order).
for fmt in csv jsonl parquet; do
  json=$(java -Xmx1g -jar "$jar" manifest "$src" -o "$work/s.$fmt" --catalog "$catalog" --json -q --overwrite \
    --shuffle-seed 1)
  echo "loupe $fmt, --shuffle-seed 1: $(echo "$json" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["elapsedMillis"] / 1000)') s"
done
json=$(java -Xmx1g -jar "$jar" manifest "$src" -o "$work/s.parquet" --catalog "$catalog" --json -q --overwrite \
  --shuffle-seed 1 --epochs 3)
echo "loupe parquet, --shuffle-seed 1 --epochs 3: $(echo "$json" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["elapsedMillis"] / 1000)') s"
echo "rows: $(wc -l < "$work/m.jsonl") jsonl lines; sizes: $(ls -l "$work"/m.* "$work"/ref.* | awk '{print $NF": "$5}' | tr '\n' ' ')"
"$py" - "$results" <<'PY'
import collections, statistics, sys
vals = collections.defaultdict(list)
for line in open(sys.argv[1]):
    k, v = line.split()
    vals[k].append(float(v))
med = {k: statistics.median(v) for k, v in vals.items()}
for k in sorted(med):
    print(f"median {k}: {med[k]:.3f} s  ({', '.join(f'{x:.2f}' for x in vals[k])})")
for fmt in ("csv", "jsonl"):
    print(f"ratio python/loupe {fmt}: copy {med['python_' + fmt] / med['loupe_copy_' + fmt]:.1f}x,"
          f" wall {med['python_' + fmt] / med['loupe_wall_' + fmt]:.1f}x")
PY
