#!/usr/bin/env bash
# Peak memory of every command, per corpus size, to show how it grows with N:
#   bash bench/memory.sh COUNT... [-- WORKDIR]
# e.g. `bash bench/memory.sh 100000 300000 1000000`. For each COUNT it generates
# COUNT synthetic articles (seed 1) if missing, then measures with two threads
# (wall seconds and peak RSS, /usr/bin/time): build (with --timings), verify,
# diff of the release with itself, stats, validate of 10 new files against the
# release (a cold and a warm fingerprint cache) and of every file against it,
# validate, a build that fills a cold parse cache, one that reads it warm, two
# shards and their merge. NEWSCORPUS_SORT_BUFFER=4M shows the slope without the
# sorts' buffers filling toward their default 64 MiB. Each release is removed
# before the next run, so at 1M the disk needs about 25 GB.
set -euo pipefail
counts=()
work=/tmp/newscorpus-bench
while [ $# -gt 0 ]; do
  case $1 in
    --) work=${2:?WORKDIR after --}; shift 2 ;;
    *) counts+=("$1"); shift ;;
  esac
done
[ ${#counts[@]} -gt 0 ] || { echo "usage: bench/memory.sh COUNT... [-- WORKDIR]" >&2; exit 2; }
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
export RAYON_NUM_THREADS=2
mkdir -p "$work"
new10=$work/new10
[ -d "$new10" ] || "$bin" synth --count 10 --seed 99 --out "$new10" 2>/dev/null
for count in "${counts[@]}"; do
  seeds=$work/seeds-$count
  [ -d "$seeds" ] || "$bin" synth --count "$count" --seed 1 --out "$seeds" 2>/dev/null
  echo "== $count articles ($(du -sh "$seeds" | cut -f1) of input)"
  out=$work/mem-out cache=$work/mem-cache parts=$work/mem-parts merged=$work/mem-merged
  rm -rf "$out" "$cache" "$parts" "$merged"
  floor "floor: read and hash inputs" "$seeds"
  measure "build" "$bin" build --seeds "$seeds" --out "$out" --timings
  measure "floor: hash release" sh -c "cat '$out'/1.0.0/* | sha256sum"
  measure "verify" "$bin" verify "$out/1.0.0"
  measure "diff, a release with itself" "$bin" diff "$out/1.0.0" "$out/1.0.0" --format json
  measure "stats" "$bin" stats "$out/1.0.0"
  rm -rf "$out/.cache"
  measure "validate 10 new --against, cold" "$bin" validate "$new10" --format json --against "$out/1.0.0"
  measure "validate 10 new --against, warm" "$bin" validate "$new10" --format json --against "$out/1.0.0"
  measure "validate --against, every file" "$bin" validate "$seeds" --format json --against "$out/1.0.0"
  rm -rf "$out"
  measure "validate" "$bin" validate "$seeds" --format json
  measure "build --cache, cold" "$bin" build --seeds "$seeds" --out "$out" --cache "$cache"
  rm -rf "$out"
  measure "build --cache, warm" "$bin" build --seeds "$seeds" --out "$out" --cache "$cache"
  rm -rf "$out" "$cache"
  measure "build --shard 0/2" "$bin" build --seeds "$seeds" --out "$parts" --shard 0/2
  measure "build --shard 1/2" "$bin" build --seeds "$seeds" --out "$parts" --shard 1/2
  measure "merge" "$bin" merge "$parts" --out "$merged"
  rm -rf "$parts" "$merged"
done
