#!/usr/bin/env bash
# Worked example of `ionbath decompose` on a trajectory written by LAMMPS: the toy conductor of
# in.hopping (16 Li ions hopping between the cube centres of a fixed simple cubic framework,
# a = 3 Å) at a series of temperatures, then the mechanism decomposition of physics.md §8
# (hopping.toml) and, if matplotlib/h5py are there, its plots.
#
# Usage (from the repository root or any directory):
#   jobs/decompose/lammps/run.sh
# Everything is written into this script's directory (jobs/decompose/lammps/):
#   hopping_<T>K.dump, log.<T>K         LAMMPS trajectory (Li only, every 10 fs) and log per T
#   hopping_decompose.h5 / .csv / .log  ionbath decompose results, table and screen output
#   plots/hopping_decompose_*.png       scripts/plot_decompose.py (skipped when PLOT=0)
# Environment:
#   TEMPS    temperatures in K (default "500 550 600 650 700"; another list writes and uses
#            hopping_run.toml, a copy of hopping.toml with those inputs and temperatures, whose
#            results are hopping_run_decompose.*; ≥ 3 temperatures give the Arrhenius fits)
#   STEPS    MD steps per temperature after 5 ps of equilibration (default 1000000 = 1 ns;
#            another value also uses hopping_run.toml, with windows up to a tenth of the run)
#   LMP      LAMMPS executable (default lmp, Debian's package)
#   IONBATH  ionbath executable (default ionbath on PATH, else <repository>/build/ionbath)
#   PLOT     0: skip the plots
# Cost on one core: 10–20 s of LAMMPS and ~90 MB of dump per temperature; decompose ~5 s.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
default_temps="500 550 600 650 700"
temps="${TEMPS:-$default_temps}"
default_steps=1000000
steps="${STEPS:-$default_steps}"
lmp="${LMP:-lmp}"
ionbath="${IONBATH:-ionbath}"
if ! command -v "$ionbath" >/dev/null 2>&1; then
  if [[ -z "${IONBATH:-}" && -x "$repo/build/ionbath" ]]; then
    ionbath="$repo/build/ionbath"
  else
    echo "run.sh: ionbath executable '$ionbath' not found (set IONBATH)" >&2
    exit 1
  fi
fi
command -v "$lmp" >/dev/null 2>&1 || { echo "run.sh: LAMMPS '$lmp' not found (set LMP)" >&2; exit 1; }

elapsed() {  # wall time since $1 (date +%s%N)
  local ms=$((($(date +%s%N) - $1) / 1000000))
  printf '   %d.%01d s\n' $((ms / 1000)) $((ms % 1000 / 100))
}

cd "$here"
for T in $temps; do
  echo "== LAMMPS at $T K ($steps steps) -> hopping_${T}K.dump"
  start=$(date +%s%N)
  "$lmp" -in in.hopping -var T "$T" -var steps "$steps" -log "log.${T}K" -screen none
  elapsed "$start"
done

# The decomposition: hopping.toml for the default TEMPS and STEPS, else a copy of it with the
# inputs and temperatures of TEMPS, windows up to a tenth of the run and its own output
# (hopping_run.toml -> hopping_run_decompose.*).
stem=hopping
if [[ "$(echo $temps)" != "$default_temps" || "$steps" != "$default_steps" ]]; then
  stem=hopping_run
  inputs="" kts=""
  for T in $temps; do
    inputs+="${inputs:+, }\"hopping_${T}K.dump\""
    [[ "$T" == *.* ]] && kts+="${kts:+, }$T" || kts+="${kts:+, }$T.0"
  done
  longest=$(awk -v n="$steps" 'BEGIN { printf "%.6g", n * 0.001 / 10 }')
  sed -e "s|^inputs = .*|inputs = [$inputs]|" -e "s|^temperature_K = .*|temperature_K = [$kts]|" \
    -e "s|^window_range_ps = .*|window_range_ps = [0.01, $longest, 21]|" \
    -e "s|^output = .*|output = \"${stem}_decompose.h5\"|" hopping.toml > "$stem.toml"
  echo "== TEMPS=\"$temps\" STEPS=$steps: wrote $stem.toml"
fi

echo "== $ionbath decompose $stem.toml"
start=$(date +%s%N)
"$ionbath" decompose "$stem.toml" 2>&1 | tee "${stem}_decompose.log"
elapsed "$start"

if [[ "${PLOT:-1}" != 0 ]]; then
  if /usr/bin/python3 -c 'import matplotlib, h5py, numpy' 2>/dev/null; then
    /usr/bin/python3 "$repo/scripts/plot_decompose.py" "${stem}_decompose.h5" --out-dir plots
  else
    echo "== plots skipped (need Debian's python3-matplotlib, python3-h5py, python3-numpy)"
  fi
fi
