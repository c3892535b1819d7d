#!/usr/bin/env bash
# `ionbath validate ions` (physics.md §11.5) on a small lattice: 1 and 2 ranks give identical
# files; the layout /ions/<on|off>/<model>/<series> with units and summary attributes; the
# time-local model tracks the full one for ion_ion off (ion 0 within 0.6 Å over 3 ps, its peak
# force within 2 %), the cross-drag brings ion 1's peak force within 15 % of the full model's, and
# the full model conserves its total energy without U^ion.
set -euo pipefail
: "${IONBATH_EXE:?}"
source "$(dirname "${BASH_SOURCE[0]}")/../support/cli.sh"
enter_workdir
printf '[validate]\nlattice_n = 12\n[phonons]\ngreen_grid = 64\n' > small.toml
"$IONBATH_EXE" validate ions small.toml -o ions.h5 > ions.txt 2> /dev/null
mpirun -n 2 "$IONBATH_EXE" validate ions small.toml -o ions_np2.h5 > /dev/null 2>&1
h5diff ions.h5 ions_np2.h5
cat ions.txt
grep -q "time_local_cross_drag" ions.txt
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
print("validate ions: layout and agreement ok")
PY
echo "validate_ions test passed"
