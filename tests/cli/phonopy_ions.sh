#!/usr/bin/env bash
# Several mobile ions on a crystal read from phonopy's files (physics.md §11–12): 4 ions in the
# rocksalt example (8³ primitive fcc cells, the screened Coulomb term with its derived cutoff)
# - in the time-local model: the same results file, table and H5MD at 1 and 2 ranks, and
#   decomposed (run.decompose) in the H5MD's box;
# - in the full model: the same at 1 and 2 ranks;
# - the H5MD box is the triclinic supercell 8 a_k of phonopy's primitive cell (read by phonopy),
#   MDAnalysis reads it (lengths 8 |a_k|, angles 60°), and position + Σ_k image_k edges_k starts
#   every ion at the crystal's interstitial site f = (¼, ¼, ¼) of a distinct cell, continuous
#   from frame to frame;
# - the derived ion–ion cutoff is 0.9 × the supercell's half width (below 12 Å here).
set -euo pipefail
: "${IONBATH_EXE:?}"
source "$(dirname "${BASH_SOURCE[0]}")/../support/cli.sh"
examples="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../jobs/examples" && pwd)"
enter_workdir
cat > tl.toml <<TOML
[lattice]
kind = "phonopy"
file = "$examples/rocksalt/phonopy.yaml"
bz_grid = [8, 8, 8]
[phonons]
green_grid = 64
[ions]
count = 4
ion_ion = "screened_coulomb"
epsilon_r = 10.0
lambda_ion = 3.0
[run]
kT_meV = [80.0]
steps = 10000
trajectories = 2
trajectory_stride = 20
decompose = true
output = "tl.h5"
[msd]
segments = 10
TOML
sed -e 's/^steps = 10000/steps = 1500\nmethod = "full"/' -e '/^decompose/d' -e 's/tl.h5/full.h5/' \
  tl.toml > full.toml
mkdir one two
for t in tl full; do
  (cd one && "$IONBATH_EXE" sweep ../$t.toml > /dev/null 2> $t.log)
  (cd two && mpirun -n 2 "$IONBATH_EXE" sweep ../$t.toml > /dev/null 2>&1)
  cmp one/$t.csv two/$t.csv
  h5diff -c one/$t.h5 two/$t.h5 /sweep /sweep
  h5diff one/${t}_T0_traj1.h5md two/${t}_T0_traj1.h5md
done
h5diff one/tl_decompose.h5 two/tl_decompose.h5
grep -q "ions: ion–ion cutoff 11.72 Å, derived (the periodic supercell's half width 13.03 Å)" \
  one/tl.log
/usr/bin/python3 - "$examples/rocksalt/phonopy.yaml" <<'PY'
import sys, numpy as np, h5py, phonopy
from MDAnalysis.coordinates.H5MD import H5MDReader
A = phonopy.load(sys.argv[1], produce_fc=False, log_level=0).primitive.cell  # rows a_k
for t, frames in (("tl", 501), ("full", 76)):
    path = f"one/{t}_T0_traj0.h5md"
    r = H5MDReader(path)
    assert r.n_atoms == 4 and r.n_frames == frames, (r.n_atoms, r.n_frames)
    lengths = 8 * np.linalg.norm(A, axis=1)
    assert np.allclose(r.ts.dimensions[:3], lengths) and np.allclose(r.ts.dimensions[3:], 60), \
        r.ts.dimensions
    with h5py.File(path) as f:
        g = f["particles/ions"]
        edges = g["box/edges/value"][0]
        assert np.abs(edges - 8 * A).max() < 1e-9, edges
        R = g["position/value"][:] + np.einsum("fik,kc->fic", g["image/value"][:], edges)
        wrapped = np.linalg.solve(edges.T, g["position/value"][:].reshape(-1, 3).T)
        assert wrapped.min() >= 0 and wrapped.max() < 1, (wrapped.min(), wrapped.max())
    f0 = np.linalg.solve(A.T, R[0].T).T - 0.25  # fractions of a_k from the site
    assert np.allclose(f0, np.round(f0), atol=1e-9), f0
    assert len({tuple(np.round(x).astype(int) % 8) for x in f0}) == 4  # distinct cells
    step = np.linalg.norm(np.diff(R, axis=0), axis=2).max()
    assert step < 10.0, step  # unwrapped: no jumps by a box vector (≥ 31.9 Å)
with h5py.File("one/tl_decompose.h5") as f:
    g = f["/decompose/input_0"]
    assert g.attrs["ions"] == 4 and g.attrs["hops"] > 0
    assert np.abs(g["sites/cell"][:] - 8 * A).max() < 1e-9
    L, total = g["ion/L"][:], g["ion/L_total"][:]
    assert np.allclose(L.sum(axis=1), total, rtol=1e-12, atol=0)
print("4 ions on rocksalt: layouts agree; MDAnalysis reads the triclinic box; decomposed")
PY
echo "phonopy_ions test passed"
