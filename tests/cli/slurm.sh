#!/usr/bin/env bash
# The job scripts on a real single-node Slurm cluster (scripts/slurm/start-slurm.sh):
#   1. jobs/sweep.sbatch with the tiny config, 2 tasks, `sbatch --wait`;
#   1b. jobs/loss/fig2-confined.sbatch (COMMAND=loss through sweep.sbatch) on a small scan;
#   2. jobs/submit-array.sh: a job array over the 3 temperatures + the dependent merge job;
#      the merged CSV table must equal the single sweep's table (results do not depend on the
#      layout) and have 3 rows, D > 0, n_trajectories = 2;
#   3. checkpoint + requeue: jobs/sweep.sbatch gets the time-limit warning signal
#      (`scancel --signal=USR1 --batch`, what `#SBATCH --signal=B:USR1@...` sends), ionbath
#      checkpoints (exit 3), the job requeues itself and resumes; the results equal those of an
#      uninterrupted run (h5diff, no tolerance).
# Skips (exit 0) when not root or when slurm-wlm/munge are missing and cannot be installed.
# Starts the cluster if none runs and stops it again at the end; a cluster that was already
# running is used as it is and left running.
# By hand: IONBATH_EXE=build/ionbath tests/cli/slurm.sh   (default: build/ionbath)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exe="$(realpath "${IONBATH_EXE:-$repo/build/ionbath}")"
[ -x "$exe" ] || { echo "slurm test: executable $exe not found (set IONBATH_EXE)" >&2; exit 1; }
t_start="$(date +%s)"
say() { echo "[slurm test +$(($(date +%s) - t_start))s] $*"; }
skip() { echo "SKIP: slurm test: $*"; exit 0; }
fail() { echo "FAIL: slurm test: $*" >&2; exit 1; }

# --- Slurm and munge present (or installable)? ------------------------------------------------
[ "$(id -u)" = 0 ] || skip "needs root to start munged/slurmd on this machine"
have_slurm() {
  local exe
  for exe in /usr/sbin/slurmctld /usr/sbin/slurmd /usr/sbin/munged /usr/bin/sbatch; do
    [ -x "$exe" ] || return 1
  done
}
if ! have_slurm; then
  say "slurm-wlm/munge missing: trying apt-get install"
  if ! { apt-get -o DPkg::Lock::Timeout=300 update -qq &&
         DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
           --no-install-recommends slurm-wlm munge; } >/dev/null 2>&1 || ! have_slurm; then
    skip "slurm-wlm and munge are not installed and apt-get could not install them"
  fi
fi

# One Slurm test at a time on this machine (the cluster is machine-wide).
exec 9>/run/lock/ionbath-slurm-test.lock
flock -w 600 9 || fail "another slurm test holds /run/lock/ionbath-slurm-test.lock"

work="$(mktemp -d /tmp/ionbath-slurm-test.XXXXXX)"
started=0
cleanup() {
  local rc=$?
  if [ "$rc" != 0 ]; then
    echo "--- job logs ---" >&2
    for f in "$work"/*.out; do [ -e "$f" ] && { echo "== $f" >&2; cat "$f" >&2; }; done
    echo "--- tail of /var/log/slurm/slurmctld.log and slurmd.log ---" >&2
    tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 2>/dev/null || true
  fi
  if [ "$started" = 1 ]; then "$repo/scripts/slurm/stop-slurm.sh" >/dev/null || true; fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT

pid_alive() { [ -s "$1" ] && [ "$(ps -p "$(cat "$1")" -o comm= 2>/dev/null)" = "$2" ]; }
if pid_alive /run/slurmctld.pid slurmctld && pid_alive /run/slurmd.pid slurmd &&
   [ -n "$(sinfo -h -N -o %T 2>/dev/null)" ]; then
  say "using the Slurm cluster that is already running (left running afterwards)"
else
  started=1
  "$repo/scripts/slurm/start-slurm.sh"
fi

cd "$work"
cp "$repo/jobs/tiny.toml" tiny.toml
unset CONFIG OUTPUT RUN_DIR N_TEMPS RANKS_PER_TRAJECTORY LAUNCHER ARRAY_LIMIT
export IONBATH="$exe"

# --- 1. one sweep job, 2 ranks ------------------------------------------------------------------
say "1. jobs/sweep.sbatch, tiny config, 2 tasks (sbatch --wait)"
rc=0
CONFIG=tiny.toml OUTPUT=single.h5 timeout 300 sbatch --wait --ntasks=2 --time=00:05:00 \
  --job-name=test-sweep "$repo/jobs/sweep.sbatch" || rc=$?
[ "$rc" = 0 ] || fail "sweep job: sbatch --wait returned $rc"
[ -s single.csv ] && [ -s single.h5 ] || fail "sweep job wrote no single.h5/single.csv"
grep -q "sweep finished" test-sweep-*.out || fail "sweep job log lacks 'sweep finished'"

# --- 1b. a seed 001 loss figure script (COMMAND=loss through sweep.sbatch), small chain scan ----
say "1b. jobs/loss/fig2-confined.sbatch with a 4-run chain scan (sbatch --wait)"
cat > loss.toml <<'TOML'
[units]
system = "seed001"
[lattice]
kind = "chain"
a = 2.0
confinement = 1.0
k_parallel = 24.75
k_perp = 24.75
[loss]
lambdas = [1.0]
offsets = [0.0, 1.0]
speeds = [10.0, 40.0]
TOML
rc=0
IONBATH_JOBS="$repo/jobs" CONFIG=loss.toml OUTPUT=loss.h5 timeout 300 sbatch --wait --ntasks=2 \
  --time=00:05:00 --job-name=test-loss "$repo/jobs/loss/fig2-confined.sbatch" || rc=$?
[ "$rc" = 0 ] || fail "loss job: sbatch --wait returned $rc"
[ "$(wc -l < loss.csv)" = 5 ] || fail "loss job: loss.csv does not hold 4 rows"
grep -q "loss finished" test-loss-*.out || fail "loss job log lacks 'loss finished'"

# --- 2. job array over the temperatures + dependent merge -------------------------------------
say "2. jobs/submit-array.sh: array over 3 temperatures + merge (afterok)"
rc=0
RUN_DIR=tasks OUTPUT=merged.h5 WAIT_TIMEOUT=120 \
  "$repo/jobs/submit-array.sh" --wait tiny.toml -- --time=00:05:00 > submit.log || rc=$?
cat submit.log
[ "$rc" = 0 ] || fail "array + merge: submit-array.sh --wait returned $rc"
ids="$(grep '^array_job=' submit.log)" || fail "submit-array.sh printed no job ids"
array_job="$(sed -E 's/array_job=([0-9]+).*/\1/' <<<"$ids")"
merge_job="$(sed -E 's/.*merge_job=([0-9]+).*/\1/' <<<"$ids")"
# The merge really waited for the array: it started after every array task had ended.
scontrol -o show job "$merge_job" | grep -q "Dependency=" || fail "merge job has no dependency field"
/usr/bin/python3 - "$array_job" "$merge_job" <<'PY'
import subprocess, sys
from datetime import datetime
def jobs(j):
    out = subprocess.run(["scontrol", "-o", "show", "job", j], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    return [dict(kv.split("=", 1) for kv in line.split() if "=" in kv) for line in out]
tasks, merge = jobs(sys.argv[1]), jobs(sys.argv[2])[0]
t = lambda s: datetime.fromisoformat(s)
assert len(tasks) == 3, f"{len(tasks)} array tasks, expected 3"
assert all(x["JobState"] == "COMPLETED" and x["ExitCode"] == "0:0" for x in tasks), tasks
last_end = max(t(x["EndTime"]) for x in tasks)
assert t(merge["StartTime"]) >= last_end, (merge["StartTime"], last_end)
print(f"array tasks {sorted(int(x['ArrayTaskId']) for x in tasks)} completed; merge started "
      f"{merge['StartTime']} after the last task ended {last_end.isoformat()}")
PY
for i in 0 1 2; do [ -s "tasks/T_$i/partial.h5" ] || fail "array task $i wrote no tasks/T_$i/partial.h5"; done

# --- checks of the tables -------------------------------------------------------------------------
/usr/bin/python3 - <<'PY'
import csv, h5py, math
header = ("kT_meV,T_K,D_A2_per_ps,sigma_D_A2_per_ps,D_cm2_per_s,sigma_D_cm2_per_s,n_trajectories,"
          "sigma_D_binning_A2_per_ps,D_all_origin_A2_per_ps")
tables = {}
for name in ("single", "merged"):
    with open(f"{name}.csv") as f:
        lines = f.read().splitlines()
    assert lines[0] == header, f"{name}.csv header: {lines[0]}"
    rows = list(csv.DictReader(lines))
    assert len(rows) == 3, f"{name}.csv has {len(rows)} rows, expected 3"
    for r in rows:
        D = float(r["D_A2_per_ps"])
        assert math.isfinite(D) and D > 0, f"{name}.csv: D = {D}"
        assert int(r["n_trajectories"]) == 2, f"{name}.csv: n_trajectories = {r['n_trajectories']}"
    assert [float(r["kT_meV"]) for r in rows] == [30.0, 40.0, 50.0], rows
    tables[name] = lines
assert tables["single"] == tables["merged"], "merged table differs from the single sweep's table"
with h5py.File("single.h5") as a, h5py.File("merged.h5") as b:
    for key in ("D", "sigma_D", "kT"):
        x, y = a["/transport/table/" + key][()], b["/transport/table/" + key][()]
        assert (x == y).all(), f"/transport/table/{key}: {x} vs {y}"
print("tables: 3 rows, header ok, D > 0, n_trajectories = 2, merged == single sweep")
PY

# --- 3. time-limit signal -> checkpoint -> requeue -> resume --------------------------------------
say "3. jobs/sweep.sbatch: USR1 to the batch shell -> checkpoint -> requeue -> resume"
cat > long.toml <<'TOML'
[lattice]
bz_grid = [6, 6, 6]
[run]
kT_meV = [40.0, 50.0]
steps = 400000
trajectories = 1
[msd]
segments = 10
fit_from_ps = 0.5
[phonons]
green_grid = 64
TOML
job="$(CONFIG=long.toml OUTPUT=requeued.h5 sbatch --parsable --ntasks=2 --time=00:05:00 \
  --job-name=test-requeue "$repo/jobs/sweep.sbatch")"
job="${job%%;*}"
log="test-requeue-$job.out"
# Signal once ionbath has started its trajectories (a run takes about 5 s on 2 cores).
for ((i = 0; i < 240; i++)); do
  grep -q "sweep: " "$log" 2>/dev/null && break
  sleep 0.25
done
grep -q "sweep: " "$log" || fail "requeue job $job did not start ionbath within 60 s"
sleep 0.5
scancel --signal=USR1 --batch "$job"
# The job requeues itself; Slurm then holds it (BeginTime, ~2 min): release it early.
for ((i = 0; i < 240; i++)); do
  state="$(squeue -h -j "$job" -o %T 2>/dev/null || true)"
  [ "$state" = PENDING ] && break
  [ -z "$state" ] && break
  sleep 0.25
done
[ "$state" = PENDING ] || fail "job $job was not requeued (state '$state'); did ionbath finish before the signal?"
grep -q "requeueing this job" "$log" || fail "job log lacks the requeue message"
# slurmd revoked the first run's credential at the requeue, with one-second resolution: a run
# launched within the same second is killed ("Job credential revoked"). Slurm's own hold avoids
# that; releasing the job early must leave at least two seconds too.
sleep 2
scontrol update JobId="$job" StartTime=now
for ((i = 0; i < 480; i++)); do
  [ -z "$(squeue -h -j "$job" -o %T 2>/dev/null || true)" ] && break
  sleep 0.25
done
info="$(scontrol -o show job "$job")"
grep -q "JobState=COMPLETED" <<<"$info" && grep -q "ExitCode=0:0" <<<"$info" ||
  fail "requeued job $job did not complete: $(grep -oE 'JobState=[A-Z_]+|ExitCode=[0-9:]+' <<<"$info" | tr '\n' ' ')"
grep -q "Restarts=1" <<<"$info" || fail "job $job: expected Restarts=1"
grep -q "interrupted by signal" "$log" || fail "ionbath did not report the interruption"
grep -q "start (restart 1)" "$log" && grep -q "sweep finished" "$log" ||
  fail "the requeued run did not resume and finish"
say "requeued job $job resumed and completed; uninterrupted reference run for comparison"
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 \
  OMPI_MCA_btl=self,vader OMPI_MCA_oob_tcp_if_include=lo \
  mpirun -n 2 "$exe" sweep long.toml -o reference.h5 > reference.log 2>&1 ||
  { cat reference.log >&2; fail "reference run failed"; }
cmp requeued.csv reference.csv || fail "the resumed sweep's table differs from an uninterrupted run's"
for group in /sweep /transport; do
  h5diff requeued.h5 reference.h5 "$group" "$group" || fail "resumed results differ in $group"
done

say "passed (array job $array_job, merge job $merge_job, requeued job $job)"
