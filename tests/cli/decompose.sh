#!/usr/bin/env bash
# `ionbath decompose` (seed 000, physics.md §8) end to end:
# 1. a LAMMPS text dump (wrapped coordinates with image flags) of 8 independent Poisson hoppers on
#    the cubic site lattice (a = 3 Å, rate Γ per direction, Gaussian vibration σ = 0.1 Å) plus 8
#    framework atoms of another type, analysed for species "Li": Σ_e L_e = L and Σ_e D*_e = D* to
#    rounding in every row; D*(Δt) = Γa² + σ²/Δt (hops plus the vibration's offset) within 5
#    standard errors at the long windows; concerted labels between independent ions only by
#    chance; results bitwise the same at 1 and 2 ranks (h5diff, cmp of the CSV).
#    The cube centres as a site file give the same decomposition; sites = "auto" finds the visited
#    centres and gives the same (label-independent) totals.
# 2. `ionbath sweep` with run.decompose = true at three temperatures on 2 ranks: every trajectory
#    decomposed; the per-mode Arrhenius groups written; the total L as a diffusion coefficient in
#    the plateau (Δt ≈ the MSD segment) equals the sweep's MSD-based D within 3 combined errors.
set -euo pipefail
: "${IONBATH_EXE:?}"
source "$(dirname "${BASH_SOURCE[0]}")/../support/cli.sh"
enter_workdir
python=/usr/bin/python3

"$python" - <<'PY'
import numpy as np
rng = np.random.default_rng(12)
a, cells, n_ion, frames, dt, gamma, sigma = 3.0, 6, 8, 20000, 0.01, 0.05, 0.1
box = a * cells
moves = np.array([[1,0,0],[-1,0,0],[0,1,0],[0,-1,0],[0,0,1],[0,0,-1]])
site = rng.integers(0, cells, size=(n_ion, 3)).astype(float)
frame_w = open("hoppers.dump", "w")
for f in range(frames):
    if f:
        hop = rng.random(n_ion) < 6 * gamma * dt
        site[hop] += moves[rng.integers(0, 6, size=hop.sum())]
    R = a * (site + 0.5) + rng.normal(0, sigma, size=(n_ion, 3))
    image = np.floor(R / box)
    wrapped = R - image * box
    frame_w.write(f"ITEM: TIMESTEP\n{10 * f}\nITEM: NUMBER OF ATOMS\n{2 * n_ion}\n"
                  f"ITEM: BOX BOUNDS pp pp pp\n0 {box}\n0 {box}\n0 {box}\n"
                  "ITEM: ATOMS id type x y z ix iy iz\n")
    for i in range(n_ion):
        x, y, z = wrapped[i]; ix, iy, iz = image[i]
        frame_w.write(f"{i + 1} 1 {x:.5f} {y:.5f} {z:.5f} {int(ix)} {int(iy)} {int(iz)}\n")
    for j in range(n_ion):
        frame_w.write(f"{n_ion + j + 1} 2 {0.5 * j:.5f} 0.00000 0.00000 0 0 0\n")
PY

cat > hoppers.toml <<'TOML'
[decompose]
inputs = ["hoppers.dump"]
timestep_ps = 0.001
kT_meV = 25.0
species = [1]
window_range_ps = [0.01, 20.0, 12]
blocks = 10
output = "hoppers.h5"
TOML
mkdir one two
(cd one && "$IONBATH_EXE" decompose ../hoppers.toml > out.txt 2> log.txt)
(cd two && mpirun -n 2 "$IONBATH_EXE" decompose ../hoppers.toml > out.txt 2> log.txt)
h5diff one/hoppers.h5 two/hoppers.h5
cmp one/hoppers.csv two/hoppers.csv
grep -q "L fractions" one/log.txt

"$python" - one/hoppers.csv one/hoppers.h5 <<'PY'
import csv, sys, math
import h5py
rows = list(csv.DictReader(open(sys.argv[1])))
a, gamma, sigma = 3.0, 0.05, 0.1
by_window = {}
for r in rows:
    by_window.setdefault(float(r["window_ps"]), {})[r["mode"]] = r
assert len(by_window) >= 10, len(by_window)
for t, modes in sorted(by_window.items()):
    assert set(modes) == {"C", "M", "H", "B", "R", "total"}, modes.keys()
    total = modes.pop("total")
    for col in ("L", "D_tracer_mode_A2_per_ps"):
        s = sum(float(m[col]) for m in modes.values())
        T = float(total[col])
        assert abs(s - T) <= 1e-9 * abs(T), (t, col, s, T)
    f = sum(float(m["frequency"]) for m in modes.values())
    assert abs(f - 1) < 1e-9, (t, f)  # the CSV keeps 10 digits
    if t >= 5:
        D, sD = float(total["D_tracer_mode_A2_per_ps"]), float(total["sigma_D_tracer_mode"])
        expected = gamma * a * a + sigma ** 2 / t
        assert abs(D - expected) < 5 * sD, (t, D, sD, expected)
        # independent ions: concerted labels only by chance coincidences of hops within τ_c and
        # r_c (about 6 % of the 5 ps windows here, growing with Δt)
        assert float(modes["C"]["frequency"]) < 0.25, (t, modes["C"]["frequency"])
with h5py.File(sys.argv[2]) as h:
    g = h["/decompose/input_0"]
    assert g.attrs["ions"] == 8 and g["sites/fractional"].shape == (216, 3)
    assert h["/decompose/input_0/1/L"].attrs["unit"].decode() == "meV-1 A-1 ps-1"
print("hoppers: sum rules, D* = Γa² and layout independence ok")
PY

# The same dump with the cube centres from a site file (cartesian), and with sites found from the
# occupation density: the labels may differ, the totals (Σ over ions) may not.
"$python" -c "
print('cartesian  # the 216 cube centres')
for i in range(6):
    for j in range(6):
        for k in range(6):
            print(3 * i + 1.5, 3 * j + 1.5, 3 * k + 1.5, 'cube')
" > centres.sites
sed -e 's/^output = .*/output = "file.h5"/' -e '/^blocks/a sites = "centres.sites"' hoppers.toml > file.toml
sed -e 's/^output = .*/output = "auto.h5"/' -e '/^blocks/a sites = "auto"' hoppers.toml > auto.toml
"$IONBATH_EXE" decompose file.toml > /dev/null 2> file_log.txt
"$IONBATH_EXE" decompose auto.toml > /dev/null 2> auto_log.txt
grep -q 'sites = "auto": [0-9]* sites' auto_log.txt || { cat auto_log.txt; exit 1; }
"$python" - <<'PY'
import h5py, numpy as np
with h5py.File("one/hoppers.h5") as c, h5py.File("file.h5") as f, h5py.File("auto.h5") as a:
    g = "/decompose/input_0/1/"
    for name in ("L", "D_tracer", "frequency"):  # the same 216 sites, the same neighbours
        assert np.allclose(c[g + name][:], f[g + name][:], rtol=1e-12, atol=0), name
    found = a["/decompose/input_0/sites/fractional"][:] * 18.0
    n_auto = found.shape[0]
    assert 100 <= n_auto <= 216, n_auto  # the visited cube centres (peaks ≥ 1 % of the highest)
    off = np.abs((found - 1.5) / 3.0 - np.round((found - 1.5) / 3.0)) * 3.0
    assert off.max() < 0.1, off.max()  # each within 0.1 Å of a cube centre
    for name in ("L_total", "D_tracer_total"):  # label-independent sums
        assert np.allclose(c[g + name][:], a[g + name][:], rtol=1e-12, atol=0), name
    print(f"site file: identical decomposition; auto: {n_auto} sites, identical totals")
PY

cat > sweep.toml <<'TOML'
[run]
kT_meV = [30.0, 40.0, 50.0]
steps = 300000
trajectory_stride = 10
decompose = true
output = "sweep.h5"
[msd]
segments = 100
[decompose]
window_range_ps = [0.05, 100.0, 16]
TOML
mpirun -n 2 "$IONBATH_EXE" sweep sweep.toml > sweep_out.txt 2> sweep_log.txt
test -f sweep_decompose.h5 && test -f sweep_decompose.csv
grep -q "Arrhenius" sweep_log.txt || { cat sweep_log.txt; exit 1; }
"$python" - <<'PY'
import csv, math
import h5py
sweep = {float(r["kT_meV"]): r for r in csv.DictReader(open("sweep.csv"))}
with h5py.File("sweep_decompose.h5") as h:
    assert h["/decompose"].attrs["inputs"] == 3
    assert "arrhenius" in h["/decompose"], list(h["/decompose"])
    for k in range(3):
        g = h[f"/decompose/input_{k}"]
        kT = g.attrs["kT_meV"]
        t = g["window_ps"][:]
        w = min(range(len(t)), key=lambda i: abs(math.log(t[i] / 15.0)))  # the 15 ps segments
        D_L, s_L = g["ion/D_collective"][w], g["ion/sigma_D_collective"][w]
        D, sD = float(sweep[kT]["D_A2_per_ps"]), float(sweep[kT]["sigma_D_A2_per_ps"])
        assert abs(D_L - D) < 3 * math.hypot(s_L, sD), (kT, t[w], D_L, s_L, D, sD)
        print(f"kT {kT}: D from L(Δt = {t[w]:.3g} ps) = {D_L:.4g} ± {s_L:.2g}, sweep D = {D:.4g} ± {sD:.2g}")
PY
echo "decompose: ok"
