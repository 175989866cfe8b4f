#!/usr/bin/env bash
# The Slurm path, run for real: a one-node Slurm cluster (munged, slurmctld,
# slurmd as root, state and logs in a temporary folder) takes the sharded
# build exactly as README says to submit it, for the seeds and a synth
# corpus, and the merged release must equal the plain build byte for byte
# and verify. Then one shard is made to fail: merge must report it, not
# hang. Every daemon is stopped by PID on the way out; nothing is written
# outside the temporary folder.
#
#   bash tests/slurm/run.sh path/to/newscorpus
set -euo pipefail
bin=$(realpath "${1:?usage: run.sh NEWSCORPUS}")
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi
tmp=$(mktemp -d /tmp/newscorpus-slurm.XXXXXX)
pids=()
cleanup() {
  local rc=$?
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  if ((rc != 0)); then
    echo "--- slurm logs ($tmp)" >&2
    tail -n 20 "$tmp"/log/*.log "$tmp"/work/slurm-*.out 2>/dev/null >&2 || true
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
mkdir -p "$tmp"/{log,state,spool,munge,work}
chmod 700 "$tmp/munge"

# munge, with its own key and socket (never the machine's).
dd if=/dev/urandom of="$tmp/munge/key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge/key"
munged --force --socket="$tmp/munge/sock" --key-file="$tmp/munge/key" \
  --pid-file="$tmp/munge/pid" --log-file="$tmp/log/munged.log" --seed-file="$tmp/munge/seed"
for _ in $(seq 50); do [[ -s $tmp/munge/pid ]] && break; sleep 0.1; done
pids+=("$(cat "$tmp/munge/pid")")

host=$(hostname -s)
port=$((20000 + RANDOM % 20000))
cat >"$tmp/slurm.conf" <<CONF
ClusterName=newscorpus-ci
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge/sock
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SchedulerType=sched/builtin
MinJobAge=600
NodeName=ci1 NodeAddr=127.0.0.1 CPUs=2 RealMemory=8000 State=UNKNOWN
PartitionName=ci Nodes=ci1 Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$tmp/slurm.conf
slurmctld -f "$SLURM_CONF"
for _ in $(seq 100); do [[ -s $tmp/slurmctld.pid ]] && break; sleep 0.1; done
pids+=("$(cat "$tmp/slurmctld.pid")")
slurmd -f "$SLURM_CONF" -N ci1
for _ in $(seq 100); do [[ -s $tmp/slurmd.pid ]] && break; sleep 0.1; done
pids+=("$(cat "$tmp/slurmd.pid")")
for i in $(seq 120); do
  [[ $(sinfo -h -n ci1 -o %T 2>/dev/null) == idle ]] && break
  ((i < 120)) || { echo "the node never became idle" >&2; exit 1; }
  sleep 0.5
done
echo "slurm: one node idle ($(sinfo --version))"

# Waits for jobs to leave the queue (a merge left PENDING fails here).
wait_jobs() {
  for _ in $(seq 600); do
    [[ -z $(squeue -h -j "$1" 2>/dev/null) ]] && return 0
    sleep 0.5
  done
  echo "jobs $1 still queued after 300 s:" >&2
  squeue -j "$1" >&2
  return 1
}

cd "$tmp/work"
cp -r "$repo/seeds" seeds
"$bin" synth --count 3000 --seed 12 --out synth >/dev/null
for corpus in seeds synth; do
  "$bin" build --seeds "$corpus" --out "plain-$corpus" 2>/dev/null
  # What README tells a cluster user to run.
  read -r array merge < <(NEWSCORPUS=$bin "$repo/contrib/slurm/submit.sh" "$corpus" 4 "parts-$corpus" "dist-$corpus")
  wait_jobs "$array,$merge"
  diff -r "plain-$corpus" "dist-$corpus"
  "$bin" verify "dist-$corpus"/*/ >/dev/null
  echo "slurm: $corpus, 4 shards + merge = the plain build, and it verifies"
done

# An array that does not start at 0, with at most two tasks at once,
# submitted by hand: the same release.
export NEWSCORPUS=$bin SEEDS=seeds PARTS=parts-one OUT=dist-one SHARDS=3
array=$(sbatch --parsable --export=ALL --array=1-3%2 "$repo/contrib/slurm/newscorpus.sbatch")
merge=$(sbatch --parsable --export=ALL,ARRAY_JOB="$array" --dependency=afterany:"$array" "$repo/contrib/slurm/merge.sbatch")
wait_jobs "$array,$merge"
diff -r plain-seeds dist-one
echo "slurm: an array numbered 1-3 builds shards 0-2 of 3"

# Not an array: refused with the reason, at once.
if out=$(bash "$repo/contrib/slurm/newscorpus.sbatch" 2>&1); then exit 1; fi
grep -q "not a job array task" <<<"$out"
unset NEWSCORPUS SEEDS PARTS OUT SHARDS

# A stepped array is refused, with the reason in the task's log.
job=$(sbatch --parsable --export=ALL,NEWSCORPUS="$bin" --array=0-6:2 "$repo/contrib/slurm/newscorpus.sbatch")
wait_jobs "$job"
grep -q "one unbroken range" slurm-"$job"_0.out
echo "slurm: a stepped array is refused"

# A shard that cannot run (its seeds unreadable for that task) is reported
# by the merge job, which ends instead of waiting for ever.
mkdir broken && cp -r synth broken/synth
NEWSCORPUS=$repo/tests/slurm/fail-shard-2.sh REAL=$bin \
  "$repo/contrib/slurm/submit.sh" broken/synth 4 parts-broken dist-broken >ids
read -r array merge <ids
wait_jobs "$array,$merge"
log=slurm-$merge.out
grep -q "shard 2 of 4 wrote no part" "$log" || { cat "$log" >&2; exit 1; }
grep -q "its log: .*slurm-${array}_2.out" "$log" || { cat "$log" >&2; exit 1; }
[[ ! -e dist-broken ]]
echo "slurm: a failed shard is named by the merge job, with its log"
