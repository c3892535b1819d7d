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
