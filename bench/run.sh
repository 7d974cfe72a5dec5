#!/usr/bin/env bash
# Loupe benchmarks, side by side with reference tools on the same data in the same run.
#
#   bench/run.sh [listing|headers|coco|reopen|counts|all] ...
#
# Generates the datasets (once) under $BENCH_DIR/data with ../shared/bench/gen_dataset.py and
# bench/make_links.py, runs each benchmark with hyperfine (warm page cache: --warmup 1) and
# /usr/bin/time for peak memory, keeps the raw results in $BENCH_DIR/results/<benchmark>/ and rewrites the
# generated part of docs/PERFORMANCE.md. Never part of ./mvnw verify.
#
# Environment:
#   BENCH_DIR  scratch folder outside the repository (default /tmp/loupe-bench); needs ~4 GB and ~2.2M inodes
#   RUNS       timed runs per command (default 5)
#   JAR        the jar under test (default target/loupe.jar; build it with ./mvnw -q -o package -DskipTests)
#   PYTHON     a python3 with Pillow (default /usr/bin/python3: Debian's python3-pil)
#   GEN        gen_dataset.py (default ../shared/bench/gen_dataset.py beside the repository)
#   COCO_S32   an existing COCO --seg-points 32 dataset to use instead of generating one
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
BENCH_DIR=${BENCH_DIR:-/tmp/loupe-bench}
RUNS=${RUNS:-5}
JAR=${JAR:-$REPO/target/loupe.jar}
PYTHON=${PYTHON:-/usr/bin/python3}
GEN=${GEN:-$(cd "$REPO/.." && pwd)/shared/bench/gen_dataset.py}
DATA=$BENCH_DIR/data
RES=$BENCH_DIR/results
CAT=$BENCH_DIR/catalogs
LOUPE="java -jar $JAR"

case "$(realpath -m "$BENCH_DIR")/" in
    "$(realpath "$REPO")"/*) echo "BENCH_DIR must be outside the repository" >&2; exit 2 ;;
esac
[ -f "$JAR" ] || { echo "no $JAR: run ./mvnw -q -o package -DskipTests first" >&2; exit 2; }
for tool in hyperfine fdfind /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
mkdir -p "$DATA" "$RES" "$CAT"

log() { printf '\n== %s\n' "$*" >&2; }

# gen NAME ARGS...: generate $DATA/NAME once (meta.json marks a complete dataset)
gen() {
    local name=$1; shift
    if [ ! -f "$DATA/$name/meta.json" ]; then
        log "generating $name"
        "$PYTHON" "$GEN" --out "$DATA/$name" --force "$@" >&2
    fi
}

# hf OUT LABEL CMD [LABEL CMD ...]: time the commands side by side. RUNS rounds of `hyperfine --runs 1`
# over all of them (the first round with --warmup 1), so the runs interleave (A B C A B C ...) and every
# command sees the same drift in machine load; report.py takes the median over the rounds.
# PREP[label] is a command run before each run of that command only (hyperfine --prepare per command).
declare -A PREP=()
hf() {
    local out=$1; shift
    local args=() preps=() any=0 p i
    : > "$out.cmds.tsv"
    while [ $# -gt 0 ]; do
        args+=(-n "$1" "$2")
        p=${PREP[$1]:-}
        [ -z "$p" ] || any=1
        preps+=(--prepare "${p:-true}")
        printf '%s\t%s\t%s\n' "$1" "$2" "$p" >> "$out.cmds.tsv"
        shift 2
    done
    [ $any = 1 ] || preps=()
    rm -f "$out".r*.json
    for i in $(seq "$RUNS"); do
        local warm=()
        [ "$i" != 1 ] || warm=(--warmup 1)
        hyperfine --style basic "${warm[@]}" --runs 1 "${preps[@]}" --export-json "$out.r$i.json" "${args[@]}" >&2
    done
}

# mem DIR LABEL CMD [STDOUT_FILE]: one more run under /usr/bin/time: "label  seconds  peak RSS KB"
mem() {
    local dir=$1 label=$2 cmd=$3 out=${4:-/dev/null}
    /usr/bin/time -f '%e %M' -o "$dir/time.tmp" bash -c "$cmd" > "$out"
    printf '%s\t%s\t%s\n' "$label" "$(cut -d' ' -f1 "$dir/time.tmp")" "$(cut -d' ' -f2 "$dir/time.tmp")" >> "$dir/rss.tsv"
    printf '%s\t%s\n' "$label" "$cmd" >> "$dir/rss-commands.tsv"
    rm -f "$dir/time.tmp"
}

# fresh DIR: an empty result folder with the machine description
fresh() {
    rm -rf "$1"
    mkdir -p "$1"
    {
        echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
        echo "commit: $(git -C "$REPO" rev-parse --short HEAD) ($(git -C "$REPO" log -1 --format=%s | cut -c1-70))"
        echo "cpus (nproc): $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
        echo "memory (free -g): $(free -g | awk '/Mem:/ {print $2 " GB total, " $7 " GB available"}')"
        echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
        echo "java: $(java -version 2>&1 | sed -n 2p)"
        echo "data file system (df -T): $(df -T "$DATA" | awk 'NR==2 {print $2 " on " $1}')"
        echo "kernel: $(uname -r)"
        echo "hyperfine: $(hyperfine --version | cut -d' ' -f2); fd: $(fdfind --version | cut -d' ' -f2); find: $(find --version | head -1 | awk '{print $NF}')"
        echo "python: $("$PYTHON" --version | cut -d' ' -f2), Pillow $("$PYTHON" -c 'import PIL; print(PIL.__version__)' 2>/dev/null || echo none); vips: $(vipsheader --version 2>/dev/null || echo none)"
    } > "$1/machine.txt"
}

report() {
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RES/$1/machine.txt"
    "$PYTHON" "$HERE/report.py" "$RES" "$1" "$REPO/docs/PERFORMANCE.md"
}

# Inside the timed commands, Loupe's own report goes to a log beside the results: stderr "N files in M ms"
# for list, `index --json` (phase times) for index, the Python references' json/header split. report.py
# drops each log's first entry (the warm-up run) and takes medians, so these come from the timed runs.

bench_listing() {
    local X=$DATA/stub1m R=$RES/listing
    gen stub1m --stub-files 1000000 --stub-folders 1000 --nested-depth 2
    fresh "$R"
    log "listing: 1M files in 1,000 folders"
    PREP=()
    hf "$R/listing" \
        "fdfind -t f | wc -l" "fdfind -t f . $X | wc -l" \
        "find -type f | wc -l" "find $X -type f | wc -l" \
        "find -printf size (stat)" "find $X -type f -printf '%s %p\n' | wc -l" \
        "loupe list --count" "$LOUPE list $X --count 2>> $R/log-count.txt" \
        "loupe list --count --stat" "$LOUPE list $X --count --stat 2>> $R/log-stat.txt" \
        "loupe list | wc -l" "$LOUPE list $X | wc -l" \
        "JVM start-up (loupe --version)" "$LOUPE --version"
    mem "$R" "fdfind -t f | wc -l" "fdfind -t f . $X | wc -l"
    mem "$R" "find -printf size (stat)" "find $X -type f -printf '%s %p\n' | wc -l"
    mem "$R" "loupe list --count" "$LOUPE list $X --count"
    mem "$R" "loupe list --count --stat" "$LOUPE list $X --count --stat"
    report listing
}

bench_headers() {
    local X=$DATA/ds20k R=$RES/headers C=$CAT/headers.duckdb
    gen ds20k --images 20000 --classes 80 --format coco --defects
    fresh "$R"
    log "headers: 20,000-image COCO dataset"
    PREP=(["loupe index (fresh catalog)"]="rm -f $C $C.wal")
    hf "$R/headers" \
        "loupe index (fresh catalog)" "$LOUPE index $X --catalog $C -q --json >> $R/log-index.json" \
        "PIL Image.open().size" "$PYTHON $HERE/headers_ref.py pil $X 2>> $R/log-pil.txt" \
        "pure-Python SOF parser" "$PYTHON $HERE/headers_ref.py sof $X 2>> $R/log-sof.txt" \
        "vipsheader (xargs)" "find $X/images -name '*.jpg' -print0 | xargs -0 vipsheader > /dev/null"
    mem "$R" "loupe index (fresh catalog)" "rm -f $C $C.wal; $LOUPE index $X --catalog $C -q"
    mem "$R" "PIL Image.open().size" "$PYTHON $HERE/headers_ref.py pil $X"
    mem "$R" "pure-Python SOF parser" "$PYTHON $HERE/headers_ref.py sof $X"
    "$PYTHON" "$HERE/check_counts.py" --data "$DATA" --catalogs "$CAT" --jar "$JAR" --formats "" --check "$X" \
        --markdown "$R/counts.md" > "$R/counts.txt" || true
    report headers
}

bench_coco() {
    local R=$RES/coco C=$CAT/coco.duckdb
    gen coco120k --images 120000 --classes 80 --format coco --no-images
    local sets=("$DATA/coco120k")
    if [ -n "${COCO_S32:-}" ]; then
        sets+=("$COCO_S32")
    else
        gen coco120k-s32 --images 120000 --classes 80 --format coco --no-images --seg-points 32
        sets+=("$DATA/coco120k-s32")
    fi
    fresh "$R"
    for X in "${sets[@]}"; do
        local name
        name=$(basename "$X")
        log "coco: $name"
        PREP=(["loupe index -Xmx1g (fresh catalog)"]="rm -f $C $C.wal")
        hf "$R/$name" \
            "loupe index -Xmx1g (fresh catalog)" "java -Xmx1g -jar $JAR index $X --catalog $C -q --json >> $R/log-$name.json" \
            "python json.load + createIndex" "$PYTHON $HERE/coco_index.py $X >> $R/log-$name-python.txt 2>&1"
        mem "$R" "$name: loupe index -Xmx1g (fresh catalog)" "rm -f $C $C.wal; java -Xmx1g -jar $JAR index $X --catalog $C -q"
        mem "$R" "$name: python json.load + createIndex" "$PYTHON $HERE/coco_index.py $X"
        du -b "$X"/annotations/*.json | awk '{s += $1} END {print s}' > "$R/bytes-$name.txt"
    done
    report coco
}

bench_reopen() {
    local X=$DATA/links1m R=$RES/reopen C=$CAT/reopen.duckdb C1=$CAT/reopen-first.duckdb
    if [ ! -d "$X/train" ]; then
        log "making links1m"
        "$PYTHON" "$HERE/make_links.py" --out "$X" >&2
    fi
    fresh "$R"
    log "reopen: 1M hard-linked images"
    rm -f "$C" "$C.wal"
    mem "$R" "first index (fresh catalog)" "$LOUPE index $X --catalog $C -q"
    # a round: first index (own catalog), then on the indexed catalog: stats, re-index with nothing
    # changed, a bare stat walk, re-index after touching 1,000 files (which the next round's re-index
    # then finds unchanged again)
    PREP=(["first index (fresh catalog)"]="rm -f $C1 $C1.wal"
          ["re-index after touching 1,000 files"]="$PYTHON $HERE/make_links.py --out $X --touch 1000")
    hf "$R/reopen" \
        "first index (fresh catalog)" "$LOUPE index $X --catalog $C1 -q --json >> $R/log-first.json" \
        "stats (reopen the catalog)" "$LOUPE stats $X --catalog $C --json > /dev/null" \
        "re-index, nothing changed" "$LOUPE index $X --catalog $C -q --json >> $R/log-unchanged.json" \
        "find -printf size+mtime (stat floor)" "find $X -type f -printf '%s %T@ %p\n' | wc -l" \
        "re-index after touching 1,000 files" "$LOUPE index $X --catalog $C -q --json >> $R/log-touched.json"
    mem "$R" "stats (reopen the catalog)" "$LOUPE stats $X --catalog $C --json > /dev/null"
    mem "$R" "re-index, nothing changed" "$LOUPE index $X --catalog $C -q"
    "$PYTHON" "$HERE/make_links.py" --out "$X" --touch 1000
    mem "$R" "re-index after touching 1,000 files" "$LOUPE index $X --catalog $C -q"
    report reopen
}

bench_counts() {
    local R=$RES/counts
    fresh "$R"
    log "counts: stats --json against meta.json + defects.json"
    "$PYTHON" "$HERE/check_counts.py" --data "$DATA" --catalogs "$CAT" --jar "$JAR" --gen "$GEN" --python "$PYTHON" \
        --markdown "$R/counts.md" | tee "$R/counts.txt" >&2 || true
    report counts
}

[ $# -gt 0 ] || set -- all
for what in "$@"; do
    case $what in
        listing|headers|coco|reopen|counts) "bench_$what" ;;
        all) bench_counts; bench_listing; bench_headers; bench_coco; bench_reopen ;;
        *) echo "usage: bench/run.sh [listing|headers|coco|reopen|counts|all] ..." >&2; exit 2 ;;
    esac
done
