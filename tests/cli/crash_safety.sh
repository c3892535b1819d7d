#!/usr/bin/env bash
# Crash safety (issue 10): `mpirun -n 2 ionbath sweep` killed with SIGKILL (the whole process
# group) before its first checkpoint, just after one, repeatedly, and during the final write
# leaves no corrupt or half-written file under a final name, and rerunning the same command
# resumes and produces the results file, the CSV table and the H5MD trajectories of an
# uninterrupted run (apart from /timing).
set -euo pipefail
: "${IONBATH_EXE:?}"
source "$(dirname "${BASH_SOURCE[0]}")/../support/cli.sh"
export OMPI_ALLOW_RUN_AS_ROOT=${OMPI_ALLOW_RUN_AS_ROOT:-1}
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=${OMPI_ALLOW_RUN_AS_ROOT_CONFIRM:-1}
export OMPI_MCA_rmaps_base_oversubscribe=${OMPI_MCA_rmaps_base_oversubscribe:-1}
enter_workdir
cat > crash.toml <<'TOML'
[lattice]
bz_grid = [10, 10, 10]
[run]
kT_meV = [30.0, 50.0]
steps = 600000
trajectories = 2
trajectory_stride = 50
output = "res.h5"
[msd]
segments = 4
fit_from_ps = 0.5
[phonons]
green_grid = 64
TOML
sweep=(mpirun -n 2 "$IONBATH_EXE" sweep ../crash.toml --checkpoint-interval 0.05)

mkdir ref
ref_start=$SECONDS
(cd ref && "${sweep[@]}" > out.txt 2> log.txt)
# Polls last up to four times the uninterrupted run (at least 10 s): CI machines are slower.
poll_limit=$((100 * (4 * (SECONDS - ref_start) + 10)))
echo "uninterrupted run: $((SECONDS - ref_start)) s; polls last up to $((poll_limit / 100)) s"

start() { # dir: the sweep in its own process group (pgid = $pid)
  (cd "$1" && exec setsid "${sweep[@]}" >> out.txt 2>> log.txt) &
  pid=$!
}
kill_group() { # dir, what: SIGKILL to every process of the group, then wait until all are gone
  kill -9 -- "-$pid" 2> /dev/null || { echo "$2: the sweep in $1 had already ended"; exit 1; }
  wait "$pid" 2> /dev/null || true
  for _ in $(seq 1 200); do
    pgrep -f "sweep ../crash.toml" > /dev/null || break
    sleep 0.05
  done
  ! pgrep -f "sweep ../crash.toml" > /dev/null || { echo "$2: processes survived"; exit 1; }
}
wait_for() { # dir, find arguments, what: poll until a file matches while the sweep runs
  for _ in $(seq 1 "$poll_limit"); do
    [ -n "$(cd "$1" && find . "${@:2:$#-2}" 2> /dev/null | head -1)" ] && return 0
    kill -0 "$pid" 2> /dev/null || { echo "${*: -1}: the sweep in $1 ended first"; exit 1; }
    sleep 0.01
  done
  echo "${*: -1}: no file appeared in $1 within $((poll_limit / 100)) s"
  exit 1
}
check_intact() { # dir, what: every file under a final name is complete
  local f
  while IFS= read -r f; do
    h5ls -r "$f" > /dev/null 2>&1 || { echo "$2: $f is not a readable HDF5 file"; exit 1; }
  done < <(find "$1" \( -name '*.h5' -o -name '*.h5md' \) -type f)
  if [ -e "$1/res.csv" ]; then
    cmp -s "$1/res.csv" ref/res.csv || { echo "$2: res.csv exists but is incomplete"; exit 1; }
  fi
}
finish_and_compare() { # dir, what: rerun to completion, compare every output with ref
  (cd "$1" && "${sweep[@]}" >> out.txt 2>> log.txt) || { echo "$2: rerun failed"; tail "$1/log.txt"; exit 1; }
  h5diff --exclude-path /timing ref/res.h5 "$1/res.h5" > /dev/null ||
    { echo "$2: res.h5 differs from the uninterrupted run"; exit 1; }
  cmp ref/res.csv "$1/res.csv" || { echo "$2: res.csv differs"; exit 1; }
  local f
  for f in ref/*.h5md; do
    h5diff ref/"${f#ref/}" "$1/${f#ref/}" > /dev/null ||
      { echo "$2: ${f#ref/} differs from the uninterrupted run"; exit 1; }
  done
  [ -z "$(find "$1" -name '*.tmp')" ] || { echo "$2: temporary files left"; exit 1; }
  echo "ok   $2"
}

# 1. Killed during the set-up, before any checkpoint.
mkdir early && start early
sleep 0.3
[ -z "$(find early -name '*.ckpt')" ] || { echo "early: a checkpoint existed already"; exit 1; }
kill_group early "killed before the first checkpoint"
check_intact early "killed before the first checkpoint"
finish_and_compare early "killed before the first checkpoint"

# 2. Killed as soon as the first checkpoint exists.
mkdir first && start first
wait_for first -name '*.ckpt' "first checkpoint"
kill_group first "killed after the first checkpoint"
check_intact first "killed after the first checkpoint"
finish_and_compare first "killed after the first checkpoint"

# 3. Killed four times at staggered moments while checkpoints are being written.
mkdir repeated
for delay in 0.05 0.23 0.11 0.37; do
  touch repeated/.started
  start repeated
  wait_for repeated -name '*.ckpt' -newer .started "checkpoint before kill ($delay s)"
  sleep "$delay"
  kill_group repeated "kill after $delay s"
  check_intact repeated "kill after $delay s"
done
finish_and_compare repeated "killed four times"

# 4. Killed in the middle of writing the results file: the preload library kill_during_write
#    sends SIGKILL at the third dataset write into res.h5.tmp, at the same point on any machine.
: "${IONBATH_KILL_PRELOAD:?the path of tests/libkill_during_write.so (set by ctest)}"
mkdir final
if (cd final && IONBATH_KILL_FILE_SUFFIX=res.h5.tmp IONBATH_KILL_AT_WRITE=3 \
  setsid mpirun -n 2 -x LD_PRELOAD="$IONBATH_KILL_PRELOAD" -x IONBATH_KILL_FILE_SUFFIX \
  -x IONBATH_KILL_AT_WRITE "$IONBATH_EXE" sweep ../crash.toml --checkpoint-interval 0.05 \
  >> out.txt 2>> log.txt); then
  echo "killed during the final write: the sweep was not killed"
  exit 1
fi
[ -e final/res.h5.tmp ] || { echo "killed during the final write: no res.h5.tmp"; exit 1; }
[ ! -e final/res.h5 ] || { echo "killed during the final write: res.h5 exists"; exit 1; }
for _ in $(seq 1 200); do
  pgrep -f "sweep ../crash.toml" > /dev/null || break
  sleep 0.05
done
check_intact final "killed during the final write"
finish_and_compare final "killed during the final write"
echo "crash safety test passed"
