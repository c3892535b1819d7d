#!/usr/bin/env bash
# `ionbath run`: a trajectory interrupted by SIGTERM and rerun is bitwise identical to an
# uninterrupted one (issue: checkpoint and restart); a checkpoint of another configuration is
# refused; the ion leaves its initial cell at 50 meV; the H5MD file has the H5MD 1.1 layout.
set -euo pipefail
: "${IONBATH_EXE:?}"
source "$(dirname "${BASH_SOURCE[0]}")/../support/cli.sh"
enter_workdir
cat > tiny.toml <<'TOML'
[lattice]
bz_grid = [8, 8, 8]
[run]
kT_meV = [50.0]
steps = 150000
trajectory_stride = 10
output = "traj.h5"
[phonons]
green_grid = 64
TOML
mkdir whole cut
(cd whole && "$IONBATH_EXE" run ../tiny.toml 2> log.txt)
test -f whole/traj_T0_traj0.h5md

# Interrupt, check the checkpoint, resume.
interrupt_at_checkpoint cut 'traj.h5.parts/*.ckpt' log1.txt "$IONBATH_EXE" run ../tiny.toml --checkpoint-interval 0.05
if [ "$interrupted_rc" -ne 3 ]; then
  echo "expected exit code 3 (interrupted, checkpointed), got $interrupted_rc"; cat cut/log1.txt; exit 1
fi
grep -q "interrupted by signal" cut/log1.txt
test -f cut/traj.h5.parts/T0_traj0.h5.ckpt
test -f cut/traj_T0_traj0.h5md.tmp
test ! -e cut/traj_T0_traj0.h5md

# A different configuration must not resume this checkpoint.
sed 's/kT_meV = \[50.0\]/kT_meV = [40.0]/' tiny.toml > other.toml
set +e
(cd cut && "$IONBATH_EXE" run ../other.toml 2> log_other.txt)
rc=$?
set -e
[ "$rc" -eq 2 ] || { echo "a foreign checkpoint was not refused (exit $rc)"; exit 1; }
grep -q "different configuration" cut/log_other.txt

(cd cut && "$IONBATH_EXE" run ../tiny.toml 2> log2.txt)
test ! -e cut/traj.h5.parts
h5diff whole/traj_T0_traj0.h5md cut/traj_T0_traj0.h5md

/usr/bin/python3 - <<'PY'
import h5py, numpy as np
with h5py.File("whole/traj_T0_traj0.h5md") as f:
    assert list(f["h5md"].attrs["version"]) == [1, 1]
    pos = f["particles/ion/position/value"]
    assert pos.shape == (150000 // 10 + 1, 1, 3), pos.shape
    assert pos.attrs["unit"] == b"Angstrom" or pos.attrs["unit"] == "Angstrom"
    step = f["particles/ion/position/step"][:]
    assert step[0] == 0 and step[-1] == 150000 and np.all(np.diff(step) == 10)
    time = f["particles/ion/position/time"][:]
    assert abs(time[-1] - 150000 * 0.005) < 1e-9
    r = pos[:, 0, :]
    cells = np.floor(r / 3.0)
    # The ion starts at the centre of cell (0,0,0) and hops between cells at 50 meV.
    assert np.all(cells[0] == 0)
    moved = np.any(cells != cells[0], axis=1)
    assert moved.any(), "the ion never left its initial cell"
    print("ion visited", len(np.unique(cells, axis=0)), "cells; final", r[-1])
PY
# An independent H5MD reader opens the file (MDAnalysis, installed by scripts/setup.sh --for-tests).
if /usr/bin/python3 -c "import MDAnalysis" 2> /dev/null; then
  /usr/bin/python3 - <<'PY'
import warnings
warnings.simplefilter("ignore")
import numpy as np, h5py
from MDAnalysis.coordinates.H5MD import H5MDReader
r = H5MDReader("whole/traj_T0_traj0.h5md")
assert r.n_frames == 15001 and r.n_atoms == 1
assert r.units["length"] == "Angstrom" and r.units["time"] == "ps"
r[100]
with h5py.File("whole/traj_T0_traj0.h5md") as f:
    assert np.allclose(r.ts.positions[0], f["particles/ion/position/value"][100, 0], atol=1e-5)
assert abs(r.ts.time - 100 * 10 * 0.005) < 1e-9
print("MDAnalysis reads the H5MD trajectory")
PY
else
  echo "MDAnalysis not installed: independent H5MD reader check skipped"
fi

# Zero-temperature framework (run.bath = "none"): the ion at the cell centre stays at rest
# (physics.md §3.6 fact 1).
mkdir still
sed -e 's/^steps = 150000/steps = 2000/' -e 's/^\[run\]/[run]\nbath = "none"/' tiny.toml > still.toml
printf '[msd]\nsegments = 10\nfit_from_ps = 0.5\n' >> still.toml
(cd still && "$IONBATH_EXE" run ../still.toml 2> log.txt)
/usr/bin/python3 - <<'PY'
import h5py, numpy as np
with h5py.File("still/traj_T0_traj0.h5md") as f:
    r = f["particles/ion/position/value"][:, 0, :]
    v = f["particles/ion/velocity/value"][:, 0, :]
assert r.shape[0] == 201
assert np.max(np.abs(r - 1.5)) < 1e-12 and np.max(np.abs(v)) < 1e-10, (r[-1], v[-1])
PY
echo "run restart test passed"
