#!/usr/bin/env bash
# Reproduces the figures in BENCHMARKS.md for one corpus size:
#   bash bench/run.sh COUNT [WORKDIR]
# Generates COUNT synthetic articles (seed 1), then times, each with
# /usr/bin/time -v (wall seconds, peak RSS):
#   - the floor: reading and hashing every input, and hashing the release;
#   - build with 2 threads (with --timings for per-stage costs) and 1 thread;
#   - validate with 2 threads;
#   - incremental runs: build and validate with a cold and a warm parse
#     cache, a rebuild after adding 10 files, and validate --against the
#     release for those 10 files (cold and warm fingerprint cache);
# and checks that the 1- and 2-thread releases are byte-identical.
set -euo pipefail
count=${1:?usage: bench/run.sh COUNT [WORKDIR]}
work=${2:-/tmp/newscorpus-bench}
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
seeds=$work/seeds-$count
mkdir -p "$work"
if [ ! -d "$seeds" ]; then
  "$bin" synth --count "$count" --seed 1 --out "$seeds" 2>/dev/null
fi
echo "== $count articles ($(du -sh "$seeds" | cut -f1) of input)"
# The floor warms the page cache, so every run reads from memory.
floor "floor: read and hash inputs" "$seeds"
rm -rf "$work/out2" "$work/out1"
RAYON_NUM_THREADS=2 measure "build, 2 threads" "$bin" build --seeds "$seeds" --out "$work/out2" --timings
measure "floor: hash release" sh -c "cat '$work'/out2/1.0.0/* | sha256sum"
echo "release: $(du -sh "$work/out2/1.0.0" | cut -f1)"
RAYON_NUM_THREADS=2 measure "validate, 2 threads" "$bin" validate "$seeds" --format json

# Incremental work: the parse cache, then 10 new files.
rm -rf "$work/cache" "$work/outc" "$work/new10"
RAYON_NUM_THREADS=2 measure "build --cache, cold" "$bin" build --seeds "$seeds" --out "$work/outc" --cache "$work/cache"
rm -rf "$work/outc"
RAYON_NUM_THREADS=2 measure "build --cache, warm" "$bin" build --seeds "$seeds" --out "$work/outc" --cache "$work/cache"
RAYON_NUM_THREADS=2 measure "validate --cache, warm" "$bin" validate "$seeds" --format json --cache "$work/cache"
"$bin" synth --count 10 --seed 99 --out "$work/new10" 2>/dev/null
RAYON_NUM_THREADS=2 measure "validate 10 new --against, cold" "$bin" validate "$work/new10" --format json --against "$work/out2/1.0.0"
RAYON_NUM_THREADS=2 measure "validate 10 new --against, warm" "$bin" validate "$work/new10" --format json --against "$work/out2/1.0.0"
cp -r "$work/new10" "$seeds/zz-new10"
rm -rf "$work/outc"
RAYON_NUM_THREADS=2 measure "build --cache after adding 10" "$bin" build --seeds "$seeds" --out "$work/outc" --cache "$work/cache"
RAYON_NUM_THREADS=2 measure "validate --cache after adding 10" "$bin" validate "$seeds" --format json --cache "$work/cache"
rm -rf "$seeds/zz-new10" "$work/outc" "$work/new10" "$work/cache"
if [ "${QUICK:-0}" = 1 ]; then
  # The 1-thread runs double the time of a large run; QUICK=1 skips them.
  rm -rf "$work/out2"
  exit 0
fi
RAYON_NUM_THREADS=1 measure "build, 1 thread" "$bin" build --seeds "$seeds" --out "$work/out1"
RAYON_NUM_THREADS=1 measure "validate, 1 thread" "$bin" validate "$seeds" --format json
if diff -r "$work/out1/1.0.0" "$work/out2/1.0.0" > /dev/null; then
  echo "1 and 2 threads: identical releases"
else
  echo "1 and 2 threads: RELEASES DIFFER"; exit 1
fi
rm -rf "$work/out1" "$work/out2"
