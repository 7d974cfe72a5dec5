#!/usr/bin/env bash
# Chipping benchmark (issue 6): the 40000x30000 JPEG-tiled pyramidal BigTIFF of gen_bigimage.sh cut into
# 1024x1024 JPEG chips by Loupe (`loupe chip`, -Xmx512m) and by `vips dzsave --depth one --tile-size 1024
# --overlap 0 --suffix .jpg`, alternately, ROUNDS times; prints each run's wall time and peak RSS, then the
# medians and the throughput ratio (vips time / Loupe time: 1.0 means as fast as vips).
# Both write JPEG at quality 75 (vips dzsave's default). Not part of ./mvnw verify.
# Usage: bench/chip.sh [ROUNDS] [DATA_DIR]   (default 3, /tmp/loupe-bench-chip)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
rounds=${1:-3}
data=${2:-/tmp/loupe-bench-chip}
slide="$data/big/slide.tif"
jar="$repo/target/loupe.jar"
work=$(mktemp -d "$data/chip-run-XXXX")
trap 'rm -rf "$work"' EXIT
[ -f "$slide" ] || sh "$repo/../shared/bench/gen_bigimage.sh" "$data/big" 10 10
[ -f "$jar" ] || (cd "$repo" && ./mvnw -q -o package -DskipTests)
timed() { # label, command... -> "label seconds kb"
  local label=$1; shift
  local t="$work/time.txt"
  /usr/bin/time -f "%e %M" -o "$t" "$@" > /dev/null 2> "$work/err.txt" || { cat "$work/err.txt" >&2; return 1; }
  echo "$label $(cat "$t")"
}
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(vips --version)"
results="$work/results.txt"
for i in $(seq 1 "$rounds"); do
  rm -rf "$work/loupe" "$work/vips" "$work/vips_files"
  timed loupe java -Xmx512m -jar "$jar" chip "$slide" "$work/loupe" --size 1024 --quality 75 -q | tee -a "$results"
  timed vips vips dzsave "$slide" "$work/vips" --depth one --tile-size 1024 --overlap 0 --suffix .jpg \
    | tee -a "$results"
done
echo "chips: loupe $(($(wc -l < "$work/loupe/chips.csv") - 1)), vips $(find "$work/vips_files" -name '*.jpg' | wc -l)"
/usr/bin/python3 - "$results" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, seconds, kb = line.split()
    runs.setdefault(name, []).append((float(seconds), int(kb)))
med = {k: (statistics.median(s for s, _ in v), statistics.median(m for _, m in v) / 1024) for k, v in runs.items()}
for k, (s, mb) in med.items():
    print(f"{k}: median {s:.2f} s, median peak RSS {mb:.0f} MiB over {len(runs[k])} runs")
print(f"throughput ratio loupe/vips: {med['vips'][0] / med['loupe'][0]:.2f}x")
PY
