#!/usr/bin/env bash
# Content-check benchmarks (issue 4), side by side on the same files in the same run:
#  1. exact-duplicate hashing (CRC-32 + CRC-32C of every image, `loupe index --hashes`, phase "hashes") against the
#     disk's sequential read rate as `loupe probe` measures it (the issue's yardstick), `cat` of the same files in the same order (one stream, and as many streams as
#     Loupe's threads) and fio on one 1 GB file with O_DIRECT. Before every cold run the files are evicted
#     from the page cache one by one (posix_fadvise DONTNEED: this touches only these files, not other
#     people's cache). A warm run (files cached) shows the hashing's own CPU limit. Each round runs Loupe with
#     every read mode in HASH_READS (default: Loupe's own choice, then O_DIRECT for cold files), cold and warm,
#     and reports the dHash pass that follows too (it decodes the same files, cached or not).
#  2. near-duplicate search (bench/NearDuplicatesBench.java) over 100,000 synthetic 64-bit dHashes.
# Usage: bench/hashes.sh [DATASET]   (default /tmp/loupe-bench-problems/big: 2,000 JPEGs 1200-2000 px, ~750 MB)
# Environment: ROUNDS (default 3), THREADS (default 2 x cores, Loupe's default), HASH_READS (default "default AUTO").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
data=${1:-/tmp/loupe-bench-problems/big}
rounds=${ROUNDS:-3}
threads=${THREADS:-$((2 * $(nproc)))}
py=/usr/bin/python3
jar="$repo/target/loupe.jar"
work=$(mktemp -d /tmp/loupe-hashes-XXXX)
trap 'rm -rf "$work"' EXIT
if [ ! -d "$data/images" ]; then
  "$py" "$repo/../shared/bench/gen_dataset.py" --out "$data" --images 2000 --classes 20 --format coco \
    --jpeg-size 1200-2000 --workers 2
fi
[ -f "$jar" ] || (cd "$repo" && ./mvnw -q -o package -DskipTests)

(cd "$data" && find images -type f | sort) > "$work/list"
bytes=$(cd "$data" && xargs -a "$work/list" -d '\n' stat -c %s | awk '{s += $1} END {print s}')
files=$(wc -l < "$work/list")
evict() {
  (cd "$data" && "$py" -c '
import os, sys
for p in open(sys.argv[1]):
    fd = os.open(p.rstrip("\n"), os.O_RDONLY)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)' "$work/list")
}
secs() { # command... -> wall seconds
  local t0 t1
  t0=$(date +%s.%N); "$@" > /dev/null; t1=$(date +%s.%N)
  echo "$t0 $t1" | awk '{printf "%.3f", $2 - $1}'
}
mbs() { echo "$bytes $1" | awk '{printf "%.0f", $1 / 1e6 / $2}'; }
cat1() { (cd "$data" && xargs -a "$work/list" -d '\n' cat); }
catn() { (cd "$data" && xargs -a "$work/list" -d '\n' -P "$threads" -n 32 cat); }

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $files files, $((bytes / 1000000)) MB; threads $threads"
java -jar "$jar" index "$data" --catalog "$work/base.duckdb" -q > /dev/null   # catalog without hashes
if command -v fio > /dev/null; then
  fio --name=seq --filename="$work/fio.dat" --size=1G --rw=write --bs=1M --direct=1 --ioengine=psync \
    --output-format=terse > /dev/null
  for r in $(seq "$rounds"); do
    fio --name=seq --filename="$work/fio.dat" --size=1G --rw=read --bs=1M --direct=1 --ioengine=psync \
      --output-format=json | "$py" -c 'import json,sys; j=json.load(sys.stdin); print("fio O_DIRECT 1M sequential read: %.0f MB/s" % (j["jobs"][0]["read"]["bw_bytes"] / 1e6))'
  done
  rm -f "$work/fio.dat"
fi
probe_seq() { # the disk's sequential read rate as `loupe probe` measures it (cold: files evicted first), MB/s
  # Prints "RATE READS REREAD FRESH": the best run (the yardstick used since the first run of this script), how
  # many files the sequential runs read and how many of those this probe had read before (page cache), and the
  # best run that re-read nothing ("-" when every run re-read something). On a dataset without files of 1 MB
  # or more the sequential phase reads the largest sampled files, most of which the random-read phase has
  # already read.
  evict
  java -jar "$jar" probe "$data" --no-write --json -q --seconds 3 --threads "1,$threads" | "$py" -c '
import json, sys
j = json.load(sys.stdin)
runs = [r for p in j["phases"] if p["name"] == "sequential reads" for r in p["runs"]]
fresh = [r["megabytesPerSecond"] for r in runs if r["reread"] == 0 and r["count"] > 0]
print("%.0f %d %d %s" % (max(r["megabytesPerSecond"] for r in runs), sum(r["count"] for r in runs),
                         sum(r["reread"] for r in runs), "%.0f" % max(fresh) if fresh else "-"))'
}
# HASH_READS (default: Loupe's choice, then forced AUTO): the read modes of the content hash compared, each
# round in turn, through the system property loupe.hashReads (see ContentHash.Reads).
modes=${HASH_READS:-default AUTO}
loupe_index() { # state mode round seq_rate -> one line: content hash and dHash phases
  local jopt=()
  [ "$2" = default ] || jopt=(-Dloupe.hashReads="$2")
  cp "$work/base.duckdb" "$work/r.duckdb"
  java "${jopt[@]}" -jar "$jar" index "$data" --catalog "$work/r.duckdb" --threads "$threads" --hashes --json -q \
    > "$work/r.json"
  "$py" - "$work/r.json" "$bytes" "$files" "$1" "$2" "$3" "$4" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); b = int(sys.argv[2]); n = int(sys.argv[3]); seq = float(sys.argv[7])
p = j["phaseMillis"]
rate = b / 1e6 / (p["hashes"] / 1e3)
print("round %s %s loupe --hashes (reads %s): content hash %.3f s  %.0f MB/s (%.2fx the probe's sequential rate);"
      " dHash %.3f s  %.0f images/s; duplicates %d ms; load %s"
      % (sys.argv[6], sys.argv[4], sys.argv[5], p["hashes"] / 1e3, rate, rate / seq, p["dhash"] / 1e3,
         n / (p["dhash"] / 1e3), p.get("duplicates", 0), open("/proc/loadavg").read().split()[0]))
PY
  rm -f "$work/r.duckdb"
}
for r in $(seq "$rounds"); do
  read -r seq_rate seq_files seq_reread seq_fresh < <(probe_seq)
  echo "round $r cold loupe probe, sequential reads (best of 1 and $threads threads): $seq_rate MB/s" \
    "($seq_reread of its $seq_files files re-read from the page cache; best run without re-reads: $seq_fresh MB/s)"
  evict; s=$(secs cat1); echo "round $r cold cat, 1 stream:        $s s  $(mbs "$s") MB/s"
  evict; s=$(secs catn); echo "round $r cold cat, $threads streams:       $s s  $(mbs "$s") MB/s"
  for m in $modes; do evict; loupe_index cold "$m" "$r" "$seq_rate"; done
  for m in $modes; do cat1 > /dev/null; loupe_index warm "$m" "$r" "$seq_rate"; done
done
echo "near-duplicate search:"
java -cp "$jar" "$here/NearDuplicatesBench.java" 100000 "$rounds"
