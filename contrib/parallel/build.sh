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
# --halt now,fail=1: one failed shard stops the run; a shard with findings
# exits 1 too, and merge reports them all.
parallel --halt now,fail=1 "$@" "$bin" build --seeds "$seeds" --shard {}/"$n" --out "$parts" ::: $(seq 0 $((n - 1)))
"$bin" merge "$parts" --out "$out"
