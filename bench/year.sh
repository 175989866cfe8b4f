#!/usr/bin/env bash
# The maintainer's year, for BENCHMARKS.md:
#   bash bench/year.sh COUNT [WORKDIR]
# 1.0.0 from COUNT synthetic articles (seed 1); then 1% new articles, 0.1%
# edited (a sentence appended) and 0.1% removed, and 2.0.0 built beside
# 1.0.0 (removals need a major version): wall seconds and peak RSS of
# both builds, of `diff` between them and of `verify` of the second, with
# the floor (reading and hashing the inputs) for scale.
set -euo pipefail
count=${1:?usage: bench/year.sh COUNT [WORKDIR]}
work=${2:-/tmp/newscorpus-bench}
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
seeds=$work/year-$count
mkdir -p "$work"
rm -rf "$seeds" "$work/year-dist" "$work/year-new"
"$bin" synth --count "$count" --seed 1 --out "$seeds" 2>/dev/null
echo "== the maintainer's year, $count articles ($(du -sh "$seeds" | cut -f1))"
floor "floor: read and hash inputs" "$seeds"
RAYON_NUM_THREADS=2 measure "1.0.0: first build" "$bin" build --seeds "$seeds" --out "$work/year-dist" --version 1.0.0
# 1% new, 0.1% edited, 0.1% removed (the first files by name, so the run
# is the same every time).
"$bin" synth --count $((count / 100)) --seed 2 --out "$work/year-new" 2>/dev/null
mv "$work/year-new" "$seeds/zz-new"
per_mille=$((count / 1000))
find "$seeds" -name '*.txt' -not -path '*/zz-new/*' | LC_ALL=C sort > "$work/year-all"
head -n $((2 * per_mille)) "$work/year-all" > "$work/year-touched"
head -n "$per_mille" "$work/year-touched" | while read -r f; do
  printf '\nA correction was appended to this article after it was first published.\n' >> "$f"
done
tail -n "$per_mille" "$work/year-touched" | xargs rm -f
floor "floor: read and hash inputs (second)" "$seeds"
RAYON_NUM_THREADS=2 measure "2.0.0: second build beside 1.0.0" "$bin" build --seeds "$seeds" --out "$work/year-dist" --version 2.0.0 --timings
sed -n 3p "$work/year-dist/2.0.0/CHANGES.md"
measure "diff 1.0.0 2.0.0" "$bin" diff "$work/year-dist/1.0.0" "$work/year-dist/2.0.0" --format json
measure "verify 2.0.0" "$bin" verify "$work/year-dist/2.0.0"
rm -rf "$seeds" "$work/year-dist" "$work/year-touched" "$work/year-all"
