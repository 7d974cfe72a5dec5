#!/usr/bin/env bash
# Subset export benchmark (issue 6): `loupe export --images link` of a 100,000-image COCO dataset, shaped by a
# recipe (classes merged, stratified 80/10/10 re-split; every image kept), against `cp -al` of the same image
# files, alternately, several rounds, in the same run. Loupe's time is end to end: JVM start, incremental
# re-index of the (already indexed) source ("loupe"; skipped with --no-reindex in "loupe-warm", as the UI
# exports from the catalog it has just indexed), recipe evaluation, COCO annotation files, 100,000 hard links.
# VARIANT "full" is gen_dataset.py's default annotations (~7.5 boxes per image, each with a 24-point polygon:
# 750k annotations to write as COCO JSON, which cp -al does not do); "light" has the same image files (hard
# links of the full variant's) with ~1.5 boxes per image and no polygons, so the images dominate.
# Usage: [JAR=path/to/loupe.jar] bench/export.sh [ROUNDS] [IMAGES] [VARIANT]   (defaults 5, 100000, full; data in
# /tmp/loupe-bench-curate; JAR defaults to target/loupe.jar, e.g. an older build to compare against)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
rounds=${1:-5}
images=${2:-100000}
variant=${3:-full}
base=/tmp/loupe-bench-curate
full="$base/ds$((images / 1000))k"
src="$full"
[ "$variant" = light ] && src="$base/ds$((images / 1000))k-light"
py=/usr/bin/python3
jar="${JAR:-$repo/target/loupe.jar}"
work="$base/work-$variant-$$"
mkdir -p "$base"
rm -rf "$work" && mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
if [ ! -f "$full/meta.json" ]; then
  "$py" "$repo/../shared/bench/gen_dataset.py" --out "$full" --images "$images" --classes 80 --format coco \
    --jpeg-size 64-160 --workers 2 --force
fi
if [ ! -f "$src/meta.json" ]; then
  # Same seed and sizes, so the same file names, sizes and splits; only the annotations differ.
  "$py" "$repo/../shared/bench/gen_dataset.py" --out "$src" --images "$images" --classes 80 --format coco \
    --jpeg-size 64-160 --objects-mean 1 --seg-points 0 --no-images --force
  cp -al "$full/images" "$src/images"
fi
[ -f "$jar" ] || (cd "$repo" && ./mvnw -q -o package -DskipTests)
cat > "$work/recipe.json" <<'EOF'
{"seed": 1,
 "labels": {"merge": {"vehicle": ["car", "truck", "bus"]}},
 "split": {"method": "stratified", "ratios": {"train": 0.8, "val": 0.1, "test": 0.1}}}
EOF
catalog="$work/catalog.duckdb"
java -Xmx1g -jar "$jar" index "$src" --catalog "$catalog" -q > /dev/null
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(find "$src/images" -type f | wc -l) image files"
seconds() { # command... -> wall seconds on stdout
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > /dev/null
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
loupe_times=()
warm_times=()
cp_times=()
for r in $(seq 1 "$rounds"); do
  # Rotate which side goes first, so none always gets the warmer cache.
  case $((r % 3)) in
    1) sides="loupe loupe-warm cp" ;;
    2) sides="cp loupe loupe-warm" ;;
    *) sides="loupe-warm cp loupe" ;;
  esac
  for side in $sides; do
    out="$work/out-$side"
    case $side in
      loupe|loupe-warm)
        extra=()
        [ "$side" = loupe-warm ] && extra=(--no-reindex)
        t=$(seconds java -Xmx1g -jar "$jar" export "$src" "$out" --recipe "$work/recipe.json" --images link \
          --catalog "$catalog" -q "${extra[@]}")
        if [ "$side" = loupe ]; then loupe_times+=("$t"); else warm_times+=("$t"); fi
        links=$(find "$out/images" -type f -links +1 | wc -l) ;;
      cp)
        mkdir -p "$out"
        t=$(seconds cp -al "$src/images" "$out/images")
        cp_times+=("$t")
        links=$(find "$out/images" -type f | wc -l) ;;
    esac
    echo "round $r $side: $t s ($links linked files)"
    rm -rf "$out"
  done
done
"$py" - "${loupe_times[*]}" "${warm_times[*]}" "${cp_times[*]}" <<'EOF'
import statistics, sys
loupe, warm, cp = ([float(x) for x in arg.split()] for arg in sys.argv[1:4])
mc = statistics.median(cp)
print(f"median cp -al: {mc:.2f} s")
for name, times in (("loupe export", loupe), ("loupe export --no-reindex", warm)):
    m = statistics.median(times)
    print(f"median {name}: {m:.2f} s = {m / mc:.2f}x cp -al's time ({mc / m * 100:.0f}% of its speed)")
EOF
