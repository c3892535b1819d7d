#!/usr/bin/env bash
# The ion models on crystals read from phonopy's files (physics.md §12, `run` and `sweep`):
# - the seed 002 lattice as phonopy files (jobs/examples/simple_cubic; [lattice] mass_Da of the
#   printed mass for the built-in one) gives the built-in lattice's trajectories at T = 0
#   (r_H ≡ 0, the ion released off-centre at [ion] site, the 5.6 Å cutoff list) to 1e-10 Å in the
#   time-local and in the full model (measured 5e-15 Å; the ion travels about 1.2 Å);
# - a time-local sweep of an ion in the rocksalt example (two atoms per cell; the ion starts at
#   the cell's farthest point from every atom, 2.44 Å from 4 Na and 4 Cl) gives the same table
#   and results at 1 rank, 2 ranks and 2 ranks sharing each bath (-P 2), and the same after a
#   SIGTERM and a rerun; the full model's sweep the same at 1 and 2 ranks;
# - the results file stores the crystal's mode count (3 n_b N − 3) and the derived cutoff;
# - run.decompose on the rocksalt trajectories (no box in the single ion's H5MD) takes the
#   sites from the occupation density in the crystal's own periodic supercell 8 a_k (phonopy's
#   primitive cell, read by phonopy), not the cube centres of the built-in lattice, and the
#   decomposition adds up to D*.
set -euo pipefail
: "${IONBATH_EXE:?}"
source "$(dirname "${BASH_SOURCE[0]}")/../support/cli.sh"
examples="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../jobs/examples" && pwd)"
enter_workdir
common='[ion]
site = [0.3, 0.45, 0.5]
[interaction]
cutoff = 5.6
[phonons]
green_grid = 64
[run]
bath = "none"
kT_meV = [50.0]
steps = 2000'
for m in time-local full; do
  printf '[lattice]\nkind = "phonopy"\nfile = "%s"\nbz_grid = [8, 8, 8]\n%s\nmethod = "%s"\noutput = "ph_%s.h5"\n' \
    "$examples/simple_cubic/phonopy.yaml" "$common" "$m" "$m" > "ph_$m.toml"
  printf '[lattice]\nmass_Da = 33.769866\nbz_grid = [8, 8, 8]\n%s\nmethod = "%s"\noutput = "bi_%s.h5"\n' \
    "$common" "$m" "$m" > "bi_$m.toml"
  "$IONBATH_EXE" run "ph_$m.toml" > /dev/null 2>&1
  "$IONBATH_EXE" run "bi_$m.toml" > /dev/null 2>&1
done
/usr/bin/python3 - <<'PY'
import h5py, numpy as np
for m in ("time-local", "full"):
    a = h5py.File(f"ph_{m}_T0_traj0.h5md")["particles/ion/position/value"][:]
    b = h5py.File(f"bi_{m}_T0_traj0.h5md")["particles/ion/position/value"][:]
    assert a.shape == b.shape == (2001, 1, 3), a.shape
    assert np.ptp(a[:, 0, 0]) > 1.0, np.ptp(a[:, 0, 0])  # the ion moves
    d = np.abs(a - b).max()
    assert d < 1e-10, (m, d)
    print(f"seed lattice from phonopy files, {m}: max |ΔR| = {d:.1e} Å")
PY

cat > rs.toml <<TOML
[lattice]
kind = "phonopy"
file = "$examples/rocksalt/phonopy.yaml"
bz_grid = [8, 8, 8]
[phonons]
green_grid = 64
[run]
kT_meV = [50.0, 80.0]
steps = 20000
trajectories = 2
output = "rs.h5"
[msd]
segments = 10
TOML
"$IONBATH_EXE" sweep rs.toml > /dev/null 2> rs.log
grep -q "ion site: (0.2500, 0.2500, 0.2500) of the lattice vectors, 2.442 Å" rs.log
mkdir np2 p2 resumed
(cd np2 && mpirun -n 2 "$IONBATH_EXE" sweep ../rs.toml > /dev/null 2>&1)
(cd p2 && mpirun -n 2 "$IONBATH_EXE" sweep ../rs.toml -P 2 > /dev/null 2>&1)
interrupt_at_checkpoint resumed 'rs.h5.parts/*.ckpt' log "$IONBATH_EXE" sweep ../rs.toml \
  --checkpoint-interval 0.05
[ "$interrupted_rc" -eq 3 ]
(cd resumed && "$IONBATH_EXE" sweep ../rs.toml > /dev/null 2>&1)
for d in np2 p2 resumed; do
  cmp rs.csv "$d/rs.csv"
  h5diff -c rs.h5 "$d/rs.h5" /sweep /sweep
done
sed -e 's/^kT_meV = .*/kT_meV = [50.0]\nmethod = "full"\nsteps = 3000/' -e '/^steps = 20000/d' \
  -e 's/rs.h5/full.h5/' rs.toml > full.toml
"$IONBATH_EXE" sweep full.toml > /dev/null 2>&1
(cd np2 && mpirun -n 2 "$IONBATH_EXE" sweep ../full.toml > /dev/null 2>&1)
cmp full.csv np2/full.csv
h5diff -c full.h5 np2/full.h5 /sweep /sweep
/usr/bin/python3 - <<'PY'
import h5py, numpy as np
with h5py.File("rs.h5") as f:
    n_modes = np.ravel(f["phonons/n_modes"][()])[0]
    assert n_modes == 3 * 2 * 8**3 - 3, n_modes
    config = f["parameters/config"][()]
    config = config.decode() if isinstance(config, bytes) else config
    assert "cutoff = 5.6" in config, config
    for t in (0, 1):
        D = np.ravel(f[f"sweep/T_{t}/D"][()])[0]
        assert D > 0, (t, D)
print("rocksalt sweeps: layouts, resume and the full model agree")
PY
sed -e 's/^kT_meV = .*/kT_meV = [80.0]\ndecompose = true\ntrajectory_stride = 20/' \
  -e 's/rs.h5/dec.h5/' rs.toml > dec.toml
"$IONBATH_EXE" sweep dec.toml > /dev/null 2> dec.log
grep -q 'sites = "cubic" are the cube centres of the built-in lattice' dec.log
/usr/bin/python3 - "$examples/rocksalt/phonopy.yaml" <<'PY'
import sys, h5py, numpy as np, phonopy
primitive = phonopy.load(sys.argv[1], produce_fc=False, log_level=0).primitive
with h5py.File("dec_decompose.h5") as f:
    for k in range(2):
        g = f[f"decompose/input_{k}"]
        cell = g["sites/cell"][:]
        assert np.abs(cell - 8 * primitive.cell).max() < 1e-9, (cell, primitive.cell)
        assert abs(g.attrs["volume_A3"] - 512 * primitive.volume) < 1e-6 * primitive.volume
        assert g.attrs["hops"] > 0 and len(g["sites/fractional"]) > 0
        D, sigma = g["ion/D_tracer_total"][:], g["ion/sigma_D_tracer_total"][:]
        parts = g["ion/D_tracer"][:].sum(axis=1)
        assert np.allclose(parts, D, rtol=1e-9, atol=1e-12), (parts, D)
print("rocksalt run.decompose: the crystal's supercell, sites found, the modes add up to D*")
PY
echo "phonopy_run test passed"
