#!/usr/bin/env bash
# Issue 10: a setting the user did not write never makes a reasonable run fail. A configuration
# with only `[run] steps = 40000` (segments of 0.8 ps under the seed 002 default of 250 segments
# and a fit from 1 ps) runs with `run` and `sweep`; the sweep's stored configuration shows the
# derived fit start of half a segment. A contradiction the user wrote is still refused (exit 2).
set -euo pipefail
: "${IONBATH_EXE:?}" "${IONBATH_TEST_DATA:?}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../support/cli.sh"
enter_workdir
printf '[run]\nsteps = 40000\n' > short.toml
"$IONBATH_EXE" run short.toml -t 0 > run.txt 2> run.log || { cat run.log; exit 1; }
[ -f results_T0_traj0.h5md ] || { echo "run wrote no trajectory"; exit 1; }
"$IONBATH_EXE" sweep short.toml -t 0 -t 6 -o sweep.h5 > sweep.txt 2> sweep.log ||
  { cat sweep.log; exit 1; }
/usr/bin/python3 - << 'PY'
import h5py
with h5py.File("sweep.h5", "r") as f:
    config = f["/parameters/config"][()].decode()
    assert "segments = 250\n" in config, config
    assert "fit_from_ps = 0.4  # ps\n" in config, config
    assert f["/sweep/T_0"].attrs["segments"] == 250
    assert f["/sweep/T_0/D"][()] > 0
PY
printf '[run]\nsteps = 40000\n[msd]\nfit_from_ps = 1.0\n' > contradiction.toml
set +e
"$IONBATH_EXE" sweep contradiction.toml -o bad.h5 > /dev/null 2> bad.log
rc=$?
set -e
[ "$rc" -eq 2 ] || { echo "a written fit start beyond the segment gave exit $rc"; exit 1; }
grep -q "msd.fit_from_ps = 1.0: must be in \[0, 0.8) ps" bad.log || { cat bad.log; exit 1; }
[ ! -e bad.h5 ] || { echo "partial output bad.h5"; exit 1; }
echo "unwritten MSD settings follow the run length; written contradictions are refused"
