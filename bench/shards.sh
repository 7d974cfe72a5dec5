#!/usr/bin/env bash
# Shards benchmark (issue 6): a 10,000-image COCO dataset of real JPEGs (with gen_dataset's defects: missing
# and truncated images) written as 64 MB WebDataset shards by `loupe shards` (warm catalog: index timed
# separately), by bench/shards_ref.py (Python tarfile + json, as webdataset's ShardWriter) and, as the floor,
# GNU `tar -cf` of the image folder alone (no JSON, one archive). Rounds alternate the sides; medians last.
# Usage: bench/shards.sh [DATA_DIR] [ROUNDS]   (default /tmp/loupe-bench-manifest, 3 rounds)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
data=${1:-/tmp/loupe-bench-manifest}
rounds=${2:-3}
py=/usr/bin/python3
jar="$repo/target/loupe.jar"
src="$data/ds10k"
catalog="$data/ds10k.duckdb"
work=$(mktemp -d "$data/shards-XXXX")
trap 'rm -rf "$work"' EXIT
if [ ! -f "$src/annotations/instances_train.json" ]; then
  "$py" "$repo/../shared/bench/gen_dataset.py" --out "$src" --images 10000 --classes 80 --format coco --defects --force
fi
[ -f "$jar" ] || (cd "$repo" && ./mvnw -q -o package -DskipTests)
/usr/bin/time -f "loupe index %e s" java -Xmx1g -jar "$jar" index "$src" --catalog "$catalog" -q >/dev/null
# The first reader of the per-image label summary builds it (see bench/manifest.sh): a manifest does, untimed.
java -Xmx1g -jar "$jar" manifest "$src" -o "$work/first.csv" --catalog "$catalog" -q --overwrite > /dev/null && rm -f "$work/first.csv"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); images: $(du -sb "$src/images" | cut -f1) bytes"
results="$work/results.txt"
for round in $(seq 1 "$rounds"); do
  sync
  s=$(date +%s.%N); java -Xmx512m -jar "$jar" shards "$src" "$work/loupe" --shard-size 64MB --catalog "$catalog" -q --json > "$work/l.json"; e=$(date +%s.%N)
  echo "loupe $(echo "$e - $s" | bc)" >> "$results"
  s=$(date +%s.%N); "$py" "$here/shards_ref.py" "$src" "$work/py" 64000000 > "$work/p.txt"; e=$(date +%s.%N)
  echo "python $(echo "$e - $s" | bc)" >> "$results"
  s=$(date +%s.%N); tar -cf "$work/all.tar" -C "$src" images; e=$(date +%s.%N)
  echo "tar $(echo "$e - $s" | bc)" >> "$results"
  echo "round $round: $(tail -3 "$results" | tr '\n' ' ')"
  rm -rf "$work/loupe" "$work/py" "$work/all.tar"
done
"$py" -c 'import json,sys; r=json.load(open(sys.argv[1])); print("loupe:", r["items"], "samples,", len(r["shards"]), "shards,", r["bytes"], "bytes, skipped", r["skippedMissing"], "missing", r["skippedCorrupt"], "corrupt")' "$work/l.json"
cat "$work/p.txt"
"$py" - "$results" <<'PY'
import collections, statistics, sys
vals = collections.defaultdict(list)
for line in open(sys.argv[1]):
    k, v = line.split()
    vals[k].append(float(v))
med = {k: statistics.median(v) for k, v in vals.items()}
for k in sorted(med):
    print(f"median {k}: {med[k]:.2f} s  ({', '.join(f'{x:.2f}' for x in vals[k])})")
print(f"ratio python/loupe {med['python'] / med['loupe']:.2f}x, tar/loupe {med['tar'] / med['loupe']:.2f}x")
PY
