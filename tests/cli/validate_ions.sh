#!/usr/bin/env bash
# `ionbath validate ions` (physics.md §11.5) on a small lattice: 1 and 2 ranks give identical
# files; the layout /ions/<on|off>/<model>/<series> with units and summary attributes; the
# time-local model tracks the full one for ion_ion off (ion 0 within 0.6 Å over 3 ps, its peak
# force within 2 %), the cross-drag brings ion 1's peak force within 15 % of the full model's, and
# the full model conserves its total energy without U^ion. The thermal part (validate.ions_kT_meV,
# here on an 8³ supercell with two short trajectories per model; [ions] unwritten → 8 ions):
# /ions/thermal/<model> holds each model's D*, D_σ, H_R with errors and z-scores against the full
# model that follow from them; each model's sweep file is an ordinary sweep (the time-local one
# equals `ionbath sweep` of the same settings bitwise); ions_kT_meV = 0 skips the thermal part.
set -euo pipefail
: "${IONBATH_EXE:?}"
source "$(dirname "${BASH_SOURCE[0]}")/../support/cli.sh"
enter_workdir
cat > small.toml <<'TOML'
[validate]
lattice_n = 12
[phonons]
green_grid = 64
[lattice]
bz_grid = [8, 8, 8]
[run]
steps = 20000
trajectories = 2
[msd]
segments = 10
fit_from_ps = 1.0
TOML
"$IONBATH_EXE" validate ions small.toml -o ions.h5 > ions.txt 2> /dev/null
mkdir np2 # the same file names in another directory: the files must be identical
(cd np2 && mpirun -n 2 "$IONBATH_EXE" validate ions ../small.toml -o ions.h5 > /dev/null 2>&1)
h5diff ions.h5 np2/ions.h5
for m in full time_local time_local_cross_drag; do cmp ions_thermal_$m.csv np2/ions_thermal_$m.csv; done
cat ions.txt
grep -q "time_local_cross_drag" ions.txt
grep -q "thermal: 8 ions at k_B T = 50 meV" ions.txt
# The time-local model's sweep, run on its own: the same table bitwise.
cat > sweep.toml <<'TOML'
[phonons]
green_grid = 64
[lattice]
bz_grid = [8, 8, 8]
[ions]
count = 8
[run]
kT_meV = [50.0]
steps = 20000
trajectories = 2
output = "sweep.h5"
[msd]
segments = 10
fit_from_ps = 1.0
TOML
"$IONBATH_EXE" sweep sweep.toml > /dev/null 2>&1
cmp sweep.csv ions_thermal_time_local.csv
sed -e 's/^lattice_n = 12/lattice_n = 12\nions_kT_meV = 0/' small.toml > zero.toml
"$IONBATH_EXE" validate ions zero.toml -o zero.h5 > zero.txt 2> /dev/null
if grep -q "thermal" zero.txt; then echo "ions_kT_meV = 0 ran the thermal part"; exit 1; fi
if "$IONBATH_EXE" validate nope small.toml > bad.txt 2>&1; then
  echo "an unknown case was accepted"; exit 1
fi
grep -q "fig3" bad.txt && grep -q "fig4" bad.txt && grep -q "ions" bad.txt
/usr/bin/python3 - <<'PY'
import h5py, numpy as np
with h5py.File("ions.h5") as f:
    for on in ("on", "off"):
        for m in ("full", "time_local", "time_local_cross_drag"):
            g = f[f"ions/{on}/{m}"]
            K = g["t"].shape[0]
            assert K == 601, K
            for s in ("R_ion0", "R_ion1", "Rdot_ion0", "force_ion1", "face_atom_displacement"):
                assert g[s].shape == (K, 3), (on, m, s)
            assert g["R_ion0"].attrs["unit"] in (b"Angstrom", "Angstrom")
            assert ("total_energy" in g) == (m == "full")
    off = f["ions/off"]
    E = off["full/total_energy"][:]
    assert np.max(np.abs(E - E[0])) < 1e-3, np.max(np.abs(E - E[0]))
    for m in ("time_local", "time_local_cross_drag"):
        a = off[m].attrs
        assert a["max_dR_ion0_A"] < 0.6 and abs(a["peak_force_rel_diff_ion0"]) < 0.02, dict(a)
        assert 0.8 < a["energy_loss_ratio"] < 1.5, dict(a)
    assert abs(off["time_local_cross_drag"].attrs["peak_force_rel_diff_ion1"]) < 0.15
    assert off["time_local"].attrs["peak_force_rel_diff_ion1"] < -0.4
    th = f["ions/thermal"]
    assert th.attrs["kT_meV"] == 50.0 and th.attrs["ions"] == 8, dict(th.attrs)
    full = th["full"].attrs
    for m in ("full", "time_local", "time_local_cross_drag"):
        a = th[m].attrs
        name = a["results_file"]
        name = name.decode() if isinstance(name, bytes) else name
        assert name == f"ions_thermal_{m}.h5", name
        with h5py.File(name) as s:
            g = s["sweep/T_0"]
            assert g["D_tracer"][0] == a["D_tracer_A2_per_ps"] > 0
            assert g["haven_ratio"][0] == a["haven_ratio"] > 0
            assert g["sigma_haven_ratio"][0] == a["sigma_haven_ratio"] > 0
            method = s["parameters/config"][()]
            method = method.decode() if isinstance(method, bytes) else method
            assert ('method = "full"' in method) == (m == "full"), m
        z = (a["D_tracer_A2_per_ps"] - full["D_tracer_A2_per_ps"]) / np.hypot(
            a["sigma_D_tracer_A2_per_ps"], full["sigma_D_tracer_A2_per_ps"])
        assert abs(z - a["z_D_tracer_vs_full"]) < 1e-12, (m, z)
        zh = (a["haven_ratio"] - full["haven_ratio"]) / np.hypot(
            a["sigma_haven_ratio"], full["sigma_haven_ratio"])
        assert abs(zh - a["z_haven_ratio_vs_full"]) < 1e-12, (m, zh)
    assert th["full"].attrs["z_D_tracer_vs_full"] == 0
with h5py.File("zero.h5") as f:
    assert "ions/off/full" in f and "ions/thermal" not in f
print("validate ions: layout and agreement ok")
PY
echo "validate_ions test passed"
