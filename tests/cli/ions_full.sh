#!/usr/bin/env bash
# Several mobile ions in the full model (physics.md §11.1–11.2, `[ions]`): a sweep of 8 ions with
# the screened Coulomb interaction on the 8³ lattice at 50 meV
# - gives the same results file, table and H5MD at 1 and 2 ranks, and after a SIGTERM and a
#   rerun (every ion's state restored from the checkpoint);
# - writes an H5MD file of all 8 ions in the periodic box that MDAnalysis reads, whose positions
#   plus image · edges start at distinct cell centres at least min_separation apart, ion 0 at the
#   single-ion start;
# - decomposes (run.decompose): 8 ions of one species, Σ_e L_e = L.
# and 6 ions in the time-local model with the cross-drag: 1 rank = 2 ranks sharing the bath
# (-P 2) = interrupted and resumed, bitwise.
set -euo pipefail
: "${IONBATH_EXE:?}"
source "$(dirname "${BASH_SOURCE[0]}")/../support/cli.sh"
enter_workdir
cat > ions.toml <<'TOML'
[lattice]
bz_grid = [8, 8, 8]
[ions]
count = 8
min_separation = 5.0
[run]
method = "full"
kT_meV = [50.0]
trajectories = 2
steps = 8000
trajectory_stride = 10
decompose = true
output = "ions.h5"
[msd]
segments = 8
fit_from_ps = 0.5
[decompose]
window_range_ps = [0.05, 4.0, 8]
blocks = 4
TOML
mkdir one two cut
(cd one && "$IONBATH_EXE" sweep ../ions.toml > out.txt 2> log.txt)
(cd two && mpirun -n 2 "$IONBATH_EXE" sweep ../ions.toml > out.txt 2> log.txt)
grep -q "cell changes (all ions)" one/log.txt
h5diff --exclude-path /timing one/ions.h5 two/ions.h5
cmp one/ions.csv two/ions.csv
h5diff one/ions_T0_traj1.h5md two/ions_T0_traj1.h5md
h5diff one/ions_decompose.h5 two/ions_decompose.h5
interrupt_at_checkpoint cut 'ions.h5.parts/*.ckpt' log1.txt "$IONBATH_EXE" sweep ../ions.toml \
  --checkpoint-interval 0.05
(cd cut && "$IONBATH_EXE" sweep ../ions.toml > out2.txt 2> log2.txt)
h5diff --exclude-path /timing one/ions.h5 cut/ions.h5
cmp one/ions.csv cut/ions.csv
h5diff one/ions_T0_traj0.h5md cut/ions_T0_traj0.h5md

/usr/bin/python3 - <<'PY'
import numpy as np, h5py
from MDAnalysis.coordinates.H5MD import H5MDReader
a, n_cells = 3.0, 8
r = H5MDReader("one/ions_T0_traj0.h5md")
assert r.n_atoms == 8 and r.n_frames == 801, (r.n_atoms, r.n_frames)
assert np.allclose(r.ts.dimensions[:3], a * n_cells), r.ts.dimensions
with h5py.File("one/ions_T0_traj0.h5md") as f:
    g = f["particles/ions"]
    R0 = g["position/value"][0] + g["image/value"][0] * a * n_cells
    assert np.allclose(R0[0], [1.5, 1.5, 1.5]), R0[0]  # ion 0 at the single-ion start
    frac = R0 / a - 0.5
    assert np.allclose(frac, np.round(frac)), frac  # cell centres
    for i in range(8):
        for j in range(i):
            d = R0[i] - R0[j]
            d -= a * n_cells * np.round(d / (a * n_cells))
            assert np.linalg.norm(d) >= 5.0 - 1e-9, (i, j, d)
with h5py.File("one/ions_decompose.h5") as f:
    assert f["/decompose"].attrs["inputs"] == 2
    g = f["/decompose/input_0"]
    assert g.attrs["ions"] == 8
    L, total = g["ion/L"][:], g["ion/L_total"][:]
    assert np.allclose(L.sum(axis=1), total, rtol=1e-12, atol=0)
print("8 ions: MDAnalysis reads the H5MD; distinct separated starts; decomposed")
PY
# The time-local model of several ions (§11.3), with the cross-drag: the same at 1 rank, at 2
# ranks sharing one trajectory's bath mode sum (-P 2), and after a SIGTERM and a rerun.
cat > tl.toml <<'TOML'
[lattice]
bz_grid = [10, 10, 10]
[ions]
count = 6
min_separation = 4.0
cross_drag = true
[run]
kT_meV = [50.0]
steps = 20000
trajectory_stride = 10
output = "tl.h5"
[msd]
segments = 10
[phonons]
green_grid = 64
TOML
mkdir tl_one tl_two tl_cut
(cd tl_one && "$IONBATH_EXE" sweep ../tl.toml > out.txt 2> log.txt)
(cd tl_two && mpirun -n 2 "$IONBATH_EXE" sweep ../tl.toml -P 2 > out.txt 2> log.txt)
grep -q "cell changes (all ions)" tl_one/log.txt
h5diff --exclude-path /timing tl_one/tl.h5 tl_two/tl.h5
h5diff tl_one/tl_T0_traj0.h5md tl_two/tl_T0_traj0.h5md
interrupt_at_checkpoint tl_cut 'tl.h5.parts/*.ckpt' log1.txt "$IONBATH_EXE" sweep ../tl.toml \
  --checkpoint-interval 0.05
(cd tl_cut && "$IONBATH_EXE" sweep ../tl.toml > out2.txt 2> log2.txt)
h5diff --exclude-path /timing tl_one/tl.h5 tl_cut/tl.h5
cmp tl_one/tl.csv tl_cut/tl.csv
h5diff tl_one/tl_T0_traj0.h5md tl_cut/tl_T0_traj0.h5md
echo "ions_full: ok"
