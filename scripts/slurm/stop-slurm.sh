#!/usr/bin/env bash
# Stop the single-node cluster started by start-slurm.sh: cancel the jobs still queued or
# running, then stop slurmd, slurmctld and munged by their pid files (a process is signalled only
# if the pid file names a live process with the expected name). Safe to run when nothing runs.
# Usage: scripts/slurm/stop-slurm.sh
set -euo pipefail

[ "$(id -u)" = 0 ] || { echo "stop-slurm.sh: must run as root" >&2; exit 1; }

# Prints the pid recorded in pid file $1 if that process runs and is called $2.
alive() {
  local pid
  [ -s "$1" ] || return 1
  pid="$(cat "$1")"
  [ "$(ps -p "$pid" -o comm= 2>/dev/null)" = "$2" ] && echo "$pid"
}

# Stops the process of pid file $1 (called $2): TERM, up to 30 s, then KILL.
stop_pidfile() {
  local pid i
  if pid="$(alive "$1" "$2")"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 120; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "stop-slurm.sh: $2 ($pid) still running after 30 s, sending KILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "stopped $2 ($pid)"
  fi
  # Also drop a stale pid file: clients would otherwise wait MessageTimeout for a dead slurmctld.
  rm -f "$1"
}

# Ask squeue only while slurmctld runs (otherwise each call retries for 10 s).
# %F = the array job id (or the job id of a plain job).
if alive /run/slurmctld.pid slurmctld >/dev/null; then
  jobs="$(squeue -h -o %F 2>/dev/null | sort -u || true)"
  if [ -n "$jobs" ]; then
    echo "cancelling jobs: ${jobs//$'\n'/ }"
    # shellcheck disable=SC2086
    scancel $jobs || true
    for ((i = 0; i < 60; i++)); do
      [ -z "$(squeue -h -o %F 2>/dev/null || true)" ] && break
      sleep 0.5
    done
  fi
fi
stop_pidfile /run/slurmd.pid slurmd
stop_pidfile /run/slurmctld.pid slurmctld
stop_pidfile /run/munge/munged.pid munged
echo "slurm and munge stopped"
