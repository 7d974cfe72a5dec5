#!/usr/bin/env bash
# Statistics benchmark (issue 4): `loupe stats --json` on an indexed 120,000-image / ~900,000-box COCO,
# against bench/stats_ref.py (the same statistics with numpy over in-memory arrays).
#
#   bench/stats.sh
#
# Generates the dataset once (gen_dataset.py --no-images: annotations only), indexes it once, then runs
# both sides alternately RUNS times. Loupe's time is the statistics alone, as `stats --timing` prints it
# (catalog already indexed; a fresh JVM and a cold DuckDB buffer each run); the command's wall time
# (JVM start, catalog open, JSON output) is reported beside it. The reference's time excludes loading the
# JSON and building its arrays. Prints the medians and the ratio. Never part of ./mvnw verify.
#
# Environment: BENCH_DIR (default /tmp/loupe-bench-stats), RUNS (default 7), JAR (default target/loupe.jar),
# PYTHON (default /usr/bin/python3 with numpy), GEN (default ../shared/bench/gen_dataset.py),
# BASE_JAR (optional: an older build, run the same way in each round, for a before/after comparison).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
BENCH_DIR=${BENCH_DIR:-/tmp/loupe-bench-stats}
RUNS=${RUNS:-7}
JAR=${JAR:-$REPO/target/loupe.jar}
PYTHON=${PYTHON:-/usr/bin/python3}
GEN=${GEN:-$(cd "$REPO/.." && pwd)/shared/bench/gen_dataset.py}
BASE_JAR=${BASE_JAR:-}
DATA=$BENCH_DIR/coco120k
CATALOG=$BENCH_DIR/coco120k.duckdb

case "$(realpath -m "$BENCH_DIR")/" in
    "$(realpath "$REPO")"/*) echo "BENCH_DIR must be outside the repository" >&2; exit 2 ;;
esac
[ -f "$JAR" ] || { echo "no $JAR: run ./mvnw -q -o package -DskipTests first" >&2; exit 2; }
mkdir -p "$BENCH_DIR"

if [ ! -f "$DATA/meta.json" ]; then
    "$PYTHON" "$GEN" --out "$DATA" --images 120000 --classes 80 --format coco --no-images --force >&2
fi
java -jar "$JAR" index "$DATA" --catalog "$CATALOG" -q >&2

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }

: > "$BENCH_DIR/loupe.ms"; : > "$BENCH_DIR/loupe-wall.ms"; : > "$BENCH_DIR/ref.ms"
: > "$BENCH_DIR/loupe-cpu.ms"; : > "$BENCH_DIR/ref-cpu.ms"; : > "$BENCH_DIR/base.ms"; : > "$BENCH_DIR/base-cpu.ms"
for i in $(seq "$RUNS"); do
    if [ -n "$BASE_JAR" ]; then
        java -jar "$BASE_JAR" stats "$DATA" --catalog "$CATALOG" --json --timing -q > /dev/null 2> "$BENCH_DIR/base.err"
        sed -n 's/^statistics: \([0-9.]*\) ms .*$/\1/p' "$BENCH_DIR/base.err" >> "$BENCH_DIR/base.ms"
        sed -n 's/^statistics: .*process CPU \([0-9.]*\) ms)$/\1/p' "$BENCH_DIR/base.err" >> "$BENCH_DIR/base-cpu.ms"
        echo "round $i: base $(tail -1 "$BENCH_DIR/base.ms") ms, CPU $(tail -1 "$BENCH_DIR/base-cpu.ms") ms" >&2
    fi
    t0=$(date +%s%N)
    java -jar "$JAR" stats "$DATA" --catalog "$CATALOG" --json --timing -q > "$BENCH_DIR/stats.json" 2> "$BENCH_DIR/stats.err"
    t1=$(date +%s%N)
    sed -n 's/^statistics: \([0-9.]*\) ms .*$/\1/p' "$BENCH_DIR/stats.err" >> "$BENCH_DIR/loupe.ms"
    sed -n 's/^statistics: .*process CPU \([0-9.]*\) ms)$/\1/p' "$BENCH_DIR/stats.err" >> "$BENCH_DIR/loupe-cpu.ms"
    echo "$(( (t1 - t0) / 1000000 ))" >> "$BENCH_DIR/loupe-wall.ms"
    "$PYTHON" "$HERE/stats_ref.py" "$DATA" > "$BENCH_DIR/ref.out" 2> "$BENCH_DIR/ref.err"
    sed -n 's/^statistics: \([0-9.]*\) ms .*$/\1/p' "$BENCH_DIR/ref.err" >> "$BENCH_DIR/ref.ms"
    sed -n 's/^statistics: .*process CPU \([0-9.]*\) ms)$/\1/p' "$BENCH_DIR/ref.err" >> "$BENCH_DIR/ref-cpu.ms"
    echo "round $i: loupe $(tail -1 "$BENCH_DIR/loupe.ms") ms, CPU $(tail -1 "$BENCH_DIR/loupe-cpu.ms") ms" \
         "(command $(tail -1 "$BENCH_DIR/loupe-wall.ms") ms), numpy $(tail -1 "$BENCH_DIR/ref.ms") ms," \
         "CPU $(tail -1 "$BENCH_DIR/ref-cpu.ms") ms, load $(cut -d' ' -f1 /proc/loadavg)" >&2
done

loupe=$(median < "$BENCH_DIR/loupe.ms")
wall=$(median < "$BENCH_DIR/loupe-wall.ms")
ref=$(median < "$BENCH_DIR/ref.ms")
cat "$BENCH_DIR/ref.out"
echo "loupe stats (statistics only): median $loupe ms over $RUNS runs: $(tr '\n' ' ' < "$BENCH_DIR/loupe.ms")"
echo "loupe stats --json command wall time: median $wall ms"
echo "numpy reference (statistics only): median $ref ms: $(tr '\n' ' ' < "$BENCH_DIR/ref.ms")"
lcpu=$(median < "$BENCH_DIR/loupe-cpu.ms")
rcpu=$(median < "$BENCH_DIR/ref-cpu.ms")
echo "CPU time: Loupe median $lcpu ms, numpy median $rcpu ms"
if [ -n "$BASE_JAR" ]; then
    echo "base ($BASE_JAR) statistics: median $(median < "$BENCH_DIR/base.ms") ms: $(tr '\n' ' ' < "$BENCH_DIR/base.ms")"
    echo "base CPU time: median $(median < "$BENCH_DIR/base-cpu.ms") ms"
fi
awk -v a="$loupe" -v b="$ref" -v c="$lcpu" -v d="$rcpu" \
    'BEGIN {printf "ratio: Loupe takes %.2fx the numpy wall time, %.2fx its CPU time\n", a / b, c / d}'
