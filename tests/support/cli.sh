# shellcheck shell=bash
# Helpers shared by the tests/cli scripts (sourced, not run).

# A fresh working directory, removed when the script exits.
enter_workdir() {
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cd "$work"
}

# interrupt_at_checkpoint DIR GLOB LOG COMMAND...: run COMMAND in DIR (stderr to DIR/LOG), wait
# until a file matching DIR/GLOB (a periodic checkpoint) exists, send SIGTERM, and set
# `interrupted_rc` to the exit code. Fails if the command had finished before the signal.
interrupt_at_checkpoint() {
  local dir=$1 pattern=$2 log=$3
  shift 3
  (cd "$dir" && exec "$@" > /dev/null 2> "$log") &
  local pid=$!
  for _ in $(seq 1 400); do
    compgen -G "$dir/$pattern" > /dev/null && break
    sleep 0.05
  done
  kill -TERM "$pid"
  set +e
  wait "$pid"
  interrupted_rc=$?
  set -e
  if [ "$interrupted_rc" -eq 0 ]; then
    echo "the run finished before the signal: make it longer"
    return 1
  fi
}

# kill_during_results_write DIR SUBCOMMAND CONFIG: run `mpirun -n 2 ionbath SUBCOMMAND CONFIG` in
# DIR with the fault injector that SIGKILLs the job at its 3rd dataset write into res.h5.tmp;
# fails unless the job died and left no res.h5 (the finished runs' files are the caller's to
# check). Needs IONBATH_KILL_PRELOAD.
kill_during_results_write() {
  local dir=$1 subcommand=$2 config=$3 rc
  set +e
  (cd "$dir" && IONBATH_KILL_FILE_SUFFIX=res.h5.tmp IONBATH_KILL_AT_WRITE=3 \
    setsid mpirun -n 2 -x LD_PRELOAD="$IONBATH_KILL_PRELOAD" -x IONBATH_KILL_FILE_SUFFIX \
    -x IONBATH_KILL_AT_WRITE "$IONBATH_EXE" "$subcommand" "$config" > out.txt 2> log.txt)
  rc=$?
  set -e
  [ "$rc" -ne 0 ] || { echo "the killed run exited 0"; return 1; }
  [ ! -e "$dir/res.h5" ] || { echo "a killed run left a results file"; return 1; }
}
