#!/usr/bin/env bash
# A sharded build with GNU parallel: N shards at once on this machine (or on
# other machines with `--sshloginfile`, when SEEDS and PARTS are on a shared
# file system), then one merge. The release is byte-identical to
# `newscorpus build --seeds SEEDS --out OUT`.
#
#   contrib/parallel/build.sh SEEDS N PARTS OUT [extra parallel options]
set -euo pipefail
seeds=${1:?usage: build.sh SEEDS N PARTS OUT}
n=${2:?}
parts=${3:?}
out=${4:?}
shift 4
bin=${NEWSCORPUS:-newscorpus}
# Parts of a run with another N would make merge refuse: say so first.
for p in "$parts"/part-*-of-*; do
  [[ -e $p && ${p##*-of-} != "$n" ]] || continue
  echo "build.sh: $p is from a run with ${p##*-of-} shards; remove $parts or choose another PARTS" >&2
  exit 2
done
# Every shard runs to its end (--halt never): a shard with findings still
# writes its part and exits 1, and merge then prints every shard's findings
# at once. A shard that wrote no part (a crash, an unreadable file) is named
# here, and nothing is merged.
status=0
parallel --halt never --tag "$@" "$bin" build --seeds "$seeds" --shard {}/"$n" --out "$parts" ::: $(seq 0 $((n - 1))) || status=$?
missing=0
for ((k = 0; k < n; k++)); do
  if [[ ! -f $parts/part-$k-of-$n/part.json ]]; then
    echo "build.sh: shard $k of $n wrote no part (its output above is tagged $k)" >&2
    missing=1
  fi
done
if ((missing)); then
  exit 1
fi
((status == 0)) || echo "build.sh: some shards reported findings (exit $status); merge lists them all" >&2
"$bin" merge "$parts" --out "$out"
