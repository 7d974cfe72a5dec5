#!/usr/bin/env bash
# Gallery benchmarks of issue 5 (results in docs/PERFORMANCE.md, "## Gallery"):
#  - cold start to a painted window; opening an already-indexed 1,000,000-image catalog to a filled gallery;
#  - FX frame times while scrolling that gallery (smooth, then random jumps), and ControlsFX GridView with
#    1,000,000 lightweight items for comparison;
#  - first screen of thumbnails, cold and from the disk cache;
#  - 256-px thumbnails of 480-640 px JPEGs: Loupe with 2 threads vs vipsthumbnail and PIL draft mode with
#    2 processes on the same files.
# Needs Xvfb (started here when DISPLAY is unset), vipsthumbnail (libvips-tools), /usr/bin/python3 with PIL.
# Data goes to $WORK (default /tmp/loupe-bench-gallery), never into the repository. Not run by ./mvnw verify.
#
# MODE=coldstart runs only the cold start of the real app, `java -jar JAR` with no argument (the sample dataset in
# assets/ opens), ROUNDS times for each jar in JARS (default target/loupe.jar), interleaved: JVM start to the
# first pulse and to the second one (the first frame drawn), from -Dloupe.trace.startup=exit, which quits there.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-/tmp/loupe-bench-gallery}
if [ "${MODE:-all}" = coldstart ]; then
  mkdir -p "$WORK/config"
  [ -n "${JARS:-}" ] || { [ -f target/loupe.jar ] || ./mvnw -q -o package -DskipTests; }
  if [ -z "${DISPLAY:-}" ]; then
    Xvfb :97 -screen 0 1600x1000x24 >/dev/null 2>&1 &
    XVFB=$!
    trap 'kill $XVFB' EXIT
    export DISPLAY=:97
    sleep 1
  fi
  for round in $(seq "${ROUNDS:-5}"); do
    for jar in ${JARS:-target/loupe.jar}; do
      echo "# round $round $jar load $(cut -d' ' -f1 /proc/loadavg)"
      timeout 60 java -Dprism.order=sw -Dloupe.trace.startup=exit -Dloupe.config.dir="$WORK/config" -jar "$jar" 2>&1 \
        | awk '/^startup/ { sub(/^startup /, ""); ms = $1; $1 = ""; print "RESULT cold_start" $0 " " ms " ms" }' \
        | grep -E "first pulse|second pulse"
    done
  done
  exit 0
fi
GEN=${GEN:-../shared/bench/gen_dataset.py}
PY=/usr/bin/python3
ROUNDS=${ROUNDS:-3}
export LOUPE_CACHE_DIR=$WORK/cache
mkdir -p "$WORK"

ls "$WORK"/coco1m/annotations/*.json >/dev/null 2>&1 \
  || $PY "$GEN" --out "$WORK/coco1m" --images 1000000 --classes 80 --format coco --no-images --force
[ -f "$WORK/ds2k/meta.json" ] \
  || $PY "$GEN" --out "$WORK/ds2k" --images 2000 --classes 20 --format coco --jpeg-size 480-640 --force

[ -f target/loupe.jar ] || ./mvnw -q -o package -DskipTests
./mvnw -q -o test-compile
./mvnw -q -o dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP=target/classes:target/test-classes:$(cat "$WORK/cp.txt")

# Index once; the benchmarks open the indexed catalogs (the app checks the fingerprint and skips re-reading).
java -jar target/loupe.jar index -q "$WORK/coco1m"
java -jar target/loupe.jar index -q "$WORK/ds2k"

if [ -z "${DISPLAY:-}" ]; then
  Xvfb :97 -screen 0 1600x1000x24 >/dev/null 2>&1 &
  XVFB=$!
  trap 'kill $XVFB' EXIT
  export DISPLAY=:97
  sleep 1
fi
BENCH="java -Dprism.order=sw -cp $CP loupe.ui.browse.GalleryBench"
IMAGES="$WORK/ds2k/images"
N=$(find "$IMAGES" -name '*.jpg' | wc -l)

rate() { # name seconds
  awk -v n="$N" -v s="$2" -v name="$1" 'BEGIN { printf "RESULT %s %.1f images/s\n", name, n / s }'
}

for round in $(seq "$ROUNDS"); do
  echo "# round $round"
  $BENCH window "$WORK/coco1m" 2>/dev/null | grep RESULT
  $BENCH gridview 1000000 2>/dev/null | grep RESULT
  rm -rf "$WORK/cache/thumbnails"
  $BENCH cached "$WORK/ds2k" 2>/dev/null | grep RESULT | sed 's/RESULT /RESULT cold_/'
  $BENCH cached "$WORK/ds2k" 2>/dev/null | grep RESULT | sed 's/RESULT /RESULT disk_cached_/'

  $BENCH rate "$IMAGES" 2 2>/dev/null | grep RESULT

  OUT=$(mktemp -d "$WORK/vips.XXXX")
  t0=$(date +%s.%N)
  find "$IMAGES" -name '*.jpg' -print0 | xargs -0 -P2 -n 100 vipsthumbnail -s 256 -o "$OUT/%s.jpg[Q=85]"
  t1=$(date +%s.%N)
  rate vipsthumbnail_2_processes "$(echo "$t1 - $t0" | bc)"
  rm -rf "$OUT"

  OUT=$(mktemp -d "$WORK/pil.XXXX")
  t0=$(date +%s.%N)
  find "$IMAGES" -name '*.jpg' -print0 | xargs -0 -P2 -n 1000 $PY -c '
import os, sys
from PIL import Image
out = sys.argv[1]
for p in sys.argv[2:]:
    img = Image.open(p)
    img.draft("RGB", (256, 256))
    img.thumbnail((256, 256))
    img.save(os.path.join(out, os.path.basename(p)), quality=85)
' "$OUT"
  t1=$(date +%s.%N)
  rate pil_draft_2_processes "$(echo "$t1 - $t0" | bc)"
  rm -rf "$OUT"
done
