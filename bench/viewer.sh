#!/usr/bin/env bash
# Viewer benchmark (issue 5): the image viewer panning a 40,000 x 30,000 JPEG-tiled pyramidal BigTIFF with
# -Xmx512m under Xvfb, driven frame by frame by loupe.ui.viewer.ViewerBench (src/test/java; never part of
# ./mvnw verify). Measures FX frame intervals during continuous pans at 1:1 and 25%, time until the view is sharp
# after zooming and after jumps to unseen parts, and heap. Reference: `vips crop` of one view-sized region at full
# resolution from the same file (a cold process), the time a tool that decodes on demand needs for one screen.
# Usage: bench/viewer.sh [ROUNDS] [DATA_DIR]   (defaults 3, /tmp/loupe-bench-viewer)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
rounds=${1:-3}
data=${2:-/tmp/loupe-bench-viewer}
slide="$data/slide.tif"
case "$(realpath -m "$data")/" in
  "$repo"/*) echo "DATA_DIR must be outside the repository" >&2; exit 2 ;;
esac
mkdir -p "$data"
[ -f "$slide" ] || sh "$repo/../shared/bench/gen_bigimage.sh" "$data"
cd "$repo"
./mvnw -q -o test-compile
./mvnw -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$data/cp.txt" > /dev/null
cp="target/classes:target/test-classes:$(cat "$data/cp.txt")"
if [ -z "${DISPLAY:-}" ]; then
  Xvfb :97 -screen 0 1600x1000x24 > /dev/null 2>&1 &
  xvfb=$!
  trap 'kill $xvfb' EXIT
  export DISPLAY=:97
  sleep 1
fi
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%F)"
for i in $(seq "$rounds"); do
  /usr/bin/time -f "loupe round $i: %e s wall, peak RSS %M KB" \
    java -Xmx512m -Dprism.order=sw -cp "$cp" loupe.ui.viewer.ViewerBench "$slide" 600 2>&1 | grep -E "RESULT|round"
  # One 1090x870 view at 1:1 (the viewer's canvas in a 1400x900 window), a part not read before in this loop.
  /usr/bin/time -f "vips crop round $i: %e s wall, peak RSS %M KB" \
    vips crop "$slide" "$data/crop.v" $((5000 + i * 3000)) $((4000 + i * 2000)) 1090 870
  rm -f "$data/crop.v"
done
