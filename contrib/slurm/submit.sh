#!/usr/bin/env bash
# Submits a sharded build to Slurm: an array of N shard tasks, then a merge
# job that runs when they have all ended (afterany) and reports any that
# failed. Prints the two job ids. Run it from the folder that holds SEEDS:
# relative paths, parts/ and the slurm-*.out logs are there.
#
#   NEWSCORPUS=/shared/bin/newscorpus contrib/slurm/submit.sh SEEDS N PARTS OUT [sbatch options]
#
# PARTS must hold no parts of a run with another N (merge would refuse
# them); parts of an earlier run with the same N are replaced.
set -euo pipefail
usage="usage: submit.sh SEEDS N PARTS OUT [sbatch options]"
seeds=${1:?$usage} n=${2:?$usage} parts=${3:?$usage} out=${4:?$usage}
shift 4
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "submit.sh: N must be a positive number: $n" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for p in "$parts"/part-*-of-*; do
  [[ -e $p && ${p##*-of-} != "$n" ]] || continue
  echo "submit.sh: $p is from a run with ${p##*-of-} shards; remove $parts or choose another PARTS" >&2
  exit 2
done
export SEEDS=$seeds PARTS=$parts OUT=$out SHARDS=$n
array=$(sbatch --parsable --export=ALL --array="0-$((n - 1))" "$@" "$here/newscorpus.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --export=ALL,ARRAY_JOB="$array" --dependency=afterany:"$array" "$@" "$here/merge.sbatch")
echo "$array ${merge%%;*}"
