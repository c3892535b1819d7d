#!/usr/bin/env bash
# Submit an ionbath sweep as a job array over the configuration's temperatures
# (jobs/sweep-array.sbatch, one task per [run] kT_meV / temperature_K entry) and then the merge
# (jobs/merge.sbatch) with --dependency=afterok:<array job id>.
#
# Usage: jobs/submit-array.sh [--wait] [config.toml] [-- extra sbatch options for both jobs]
#   --wait   block until both jobs have left the queue; exit 0 only if every array task and the
#            merge completed (otherwise print their states and exit 1)
#   config   default: $CONFIG, else jobs/sweep.toml
# Environment (passed on to both jobs): RUN_DIR (per-task results, default sweep-tasks),
#   OUTPUT (merged results file, default results.h5), IONBATH (executable, default `ionbath`),
#   RANKS_PER_TRAJECTORY, CHECKPOINT_INTERVAL, SRUN_MPI, and ARRAY_LIMIT (at most this many
#   tasks at a time, e.g. 4; default unlimited), WAIT_TIMEOUT (seconds for --wait, default none).
# Prints the two job ids, the last line as "array_job=<id> merge_job=<id>".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() { echo "submit-array.sh: $*" >&2; exit 1; }

wait_jobs=0
config="${CONFIG-$here/sweep.toml}"
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --wait) wait_jobs=1 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) config="$1" ;;
  esac
  shift
done

export IONBATH="${IONBATH:-ionbath}"
export RUN_DIR="${RUN_DIR:-sweep-tasks}"
export OUTPUT="${OUTPUT:-results.h5}"
command -v "$IONBATH" >/dev/null || die "executable '$IONBATH' not found (set IONBATH=/path/to/ionbath)"
command -v sbatch >/dev/null || die "sbatch not found: is this a Slurm login node?"

# The number of temperatures, from the fully resolved configuration (always lists kT_meV).
if [ -n "$config" ]; then
  [ -r "$config" ] || die "cannot read configuration '$config'"
  config="$(realpath "$config")"
  resolved="$("$IONBATH" config "$config")" || die "'$IONBATH config $config' failed (invalid configuration?)"
else
  resolved="$("$IONBATH" config)"
fi
kt_line="$(grep -E '^kT_meV *= *\[' <<<"$resolved")" || die "no kT_meV in the resolved configuration"
list="${kt_line#*[}"
list="${list%%]*}"
IFS=, read -r -a temps <<<"$list"
n="${#temps[@]}"
[ "$n" -ge 1 ] || die "the configuration has no temperatures"
export CONFIG="$config" N_TEMPS="$n"

array="0-$((n - 1))${ARRAY_LIMIT:+%$ARRAY_LIMIT}"
array_id="$(sbatch --parsable --array="$array" "${extra[@]}" "$here/sweep-array.sbatch")"
array_id="${array_id%%;*}"
merge_id="$(sbatch --parsable --dependency="afterok:$array_id" "${extra[@]}" "$here/merge.sbatch")"
merge_id="${merge_id%%;*}"
echo "submitted array job $array_id ($n temperatures: --array=$array) and merge job $merge_id"
echo "array_job=$array_id merge_job=$merge_id"
[ "$wait_jobs" = 1 ] || exit 0

# --wait: poll until both jobs have left the queue (scontrol keeps finished jobs for MinJobAge).
start="$(date +%s)"
while :; do
  queued="$(squeue -h -j "$array_id,$merge_id" -o '%i %T %r' 2>/dev/null || true)"
  [ -z "$queued" ] && break
  if grep -q "$merge_id PENDING DependencyNeverSatisfied" <<<"$queued"; then
    echo "submit-array.sh: an array task failed; cancelling merge job $merge_id" >&2
    scancel "$merge_id" || true
  fi
  if [ -n "${WAIT_TIMEOUT:-}" ] && [ $(($(date +%s) - start)) -ge "$WAIT_TIMEOUT" ]; then
    echo "submit-array.sh: still queued after ${WAIT_TIMEOUT} s:" >&2
    echo "$queued" >&2
    exit 1
  fi
  sleep 1
done
# One line per array task and one for the merge: "<JobId> <JobState> <ExitCode>".
states="$(for j in "$array_id" "$merge_id"; do
  scontrol -o show job "$j" 2>/dev/null | awk '{
    for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    print v["JobId"], v["JobState"], v["ExitCode"] }'
done)"
echo "$states"
[ -n "$states" ] || die "cannot find the jobs' final states (scontrol show job)"
if grep -qv ' COMPLETED 0:0$' <<<"$states"; then
  echo "submit-array.sh: not every job completed" >&2
  exit 1
fi
echo "all $n array tasks and the merge completed: $OUTPUT"
