#!/usr/bin/env bash
# Start a single-node Slurm cluster on this machine: munged, slurmctld and slurmd, talking over
# loopback only (127.0.0.1), without systemd. Run as root; needs the Debian packages slurm-wlm
# and munge (scripts/setup.sh --with-slurm installs them).
#
# Usage: scripts/slurm/start-slurm.sh          then: sbatch ..., squeue, sinfo
#        scripts/slurm/stop-slurm.sh           stops the three daemons by their pid files
#
# Idempotent: if the three daemons already run with the configuration this script would write,
# it only waits until the node is idle; otherwise it stops what runs (stop-slurm.sh) and starts
# afresh with an empty job state. It writes /etc/slurm/slurm.conf from slurm.conf.in (an existing
# file that this script did not write is kept as /etc/slurm/slurm.conf.orig).
# Environment: SLURM_START_TIMEOUT (seconds to wait for an idle node, default 60).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
conf=/etc/slurm/slurm.conf
marker="# Written by ionbath scripts/slurm/start-slurm.sh"
timeout="${SLURM_START_TIMEOUT:-60}"

die() { echo "start-slurm.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (slurmd and munged need it)"
for exe in /usr/sbin/munged /usr/bin/munge /usr/bin/unmunge /usr/sbin/slurmctld /usr/sbin/slurmd \
           /usr/bin/sinfo; do
  [ -x "$exe" ] || die "$exe not found: install slurm-wlm and munge (scripts/setup.sh --with-slurm)"
done
getent passwd slurm >/dev/null || die "user 'slurm' missing (it comes with the slurm-wlm package)"
getent passwd munge >/dev/null || die "user 'munge' missing (it comes with the munge package)"

host="$(hostname -s)"

# Prints the pid recorded in pid file $1 if that process runs and is called $2.
alive() {
  local pid
  [ -s "$1" ] || return 1
  pid="$(cat "$1")"
  [ "$(ps -p "$pid" -o comm= 2>/dev/null)" = "$2" ] && echo "$pid"
}

# Render the configuration for this host.
hw="$(/usr/sbin/slurmd -C | head -n 1)"   # NodeName=<host> CPUs=.. Boards=.. ... RealMemory=..
[[ "$hw" == NodeName=* ]] || die "unexpected 'slurmd -C' output: $hw"
cpus="$(sed -E 's/.* CPUs=([0-9]+).*/\1/' <<<"$hw")"
mem="$(sed -E 's/.* RealMemory=([0-9]+).*/\1/' <<<"$hw")"
node_line="$hw NodeAddr=127.0.0.1 State=UNKNOWN"
rendered="$(mktemp)"
trap 'rm -f "$rendered"' EXIT
{
  echo "$marker"
  sed -e "s|@HOST@|${host}|g" -e "s|@NODE_LINE@|${node_line}|" -e "s|@DEFMEM@|$((mem / cpus))|" \
    "$here/slurm.conf.in"
} > "$rendered"

wait_idle() {
  local state="" i
  for ((i = 0; i < timeout * 4; i++)); do
    state="$(sinfo -h -N -n "$host" -o '%T' 2>/dev/null || true)"
    [ "$state" = idle ] && return 0
    sleep 0.25
  done
  echo "start-slurm.sh: node $host is not idle after ${timeout} s (state: '${state}');" \
    "see /var/log/slurm/slurmctld.log and slurmd.log" >&2
  return 1
}

if alive /run/munge/munged.pid munged >/dev/null && alive /run/slurmctld.pid slurmctld >/dev/null &&
   alive /run/slurmd.pid slurmd >/dev/null && cmp -s "$rendered" "$conf"; then
  wait_idle
  echo "slurm already running: node $host idle (config $conf)"
  exit 0
fi

t0="$(date +%s%N)"
"$here/stop-slurm.sh" >/dev/null

# 1. munge: authentication between the Slurm daemons and clients. The package's postinst
#    creates the key; create one if it is missing.
install -d -o munge -g munge -m 0755 /run/munge
install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge
if [ ! -s /etc/munge/munge.key ]; then
  mungekey --create --keyfile=/etc/munge/munge.key
  chown munge:munge /etc/munge/munge.key
  chmod 0400 /etc/munge/munge.key
fi
runuser -u munge -- /usr/sbin/munged || die "munged did not start (see /var/log/munge/munged.log)"
munge -n | unmunge >/dev/null || die "munge does not work (munge -n | unmunge failed)"

# 2. Configuration and state directories (StateSaveLocation must belong to SlurmUser).
if [ -e "$conf" ] && ! head -n 1 "$conf" | grep -qxF "$marker" && [ ! -e "$conf.orig" ]; then
  cp -p "$conf" "$conf.orig"
  echo "start-slurm.sh: kept the previous $conf as $conf.orig" >&2
fi
install -d -m 0755 /etc/slurm
install -m 0644 "$rendered" "$conf"
install -d -o slurm -g slurm -m 0755 /var/spool/slurmctld /var/log/slurm
install -d -o root -g root -m 0755 /var/spool/slurmd

# 3. Daemons: both fork and write their pid files; -c starts with an empty job state.
/usr/sbin/slurmctld -c || die "slurmctld did not start (see /var/log/slurm/slurmctld.log)"
/usr/sbin/slurmd || die "slurmd did not start (see /var/log/slurm/slurmd.log)"

# 4. Ready once the node reports idle.
wait_idle
t1="$(date +%s%N)"
printf 'slurm up: node %s (%s CPUs, DefMemPerCPU=%s MB) idle after %.2f s\n' \
  "$host" "$cpus" "$((mem / cpus))" "$(((t1 - t0) / 1000000))e-3"
