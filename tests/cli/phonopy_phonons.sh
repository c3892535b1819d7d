#!/usr/bin/env bash
# `ionbath phonons` on the shipped phonopy example jobs/examples/rocksalt (physics.md §12.4 facts 2
# and 3): the results file is bitwise the same at 1 and 2 MPI ranks; the frequencies on the bz_grid
# mesh and along the dispersion path equal phonopy's own on the same files to 1e-8, and the thermal
# displacement matrices phonopy's thermal_displacement_matrices to 1e-6 (compared through phonopy
# 2.17's own physical constants, as in tests/unit/test_phonopy.cpp). The seed lattice shipped as
# phonopy files (jobs/examples/simple_cubic) gives the built-in lattice's phonons, and a BORN file
# beside it only a warning; `ionbath config` round-trips a phonopy configuration; the commands that
# do not take a phonopy crystal (validate, loss) refuse it by name; run and sweep take it
# (tests/cli/phonopy_run.sh).
set -euo pipefail
: "${IONBATH_EXE:?}" "${IONBATH_TEST_DATA:?}"
source "$(dirname "${BASH_SOURCE[0]}")/../support/cli.sh"
examples="$(cd "$IONBATH_TEST_DATA/../../jobs/examples" && pwd)"
enter_workdir
fail() { echo "phonopy_phonons: $*" >&2; exit 1; }

# 1. The rocksalt example at 1 and 2 ranks (the config's relative `file` is read beside it).
mkdir np1 np2
(cd np1 && mpirun -n 1 "$IONBATH_EXE" phonons "$examples/rocksalt/phonons.toml" -o out.h5 \
  > ../one.txt 2> ../one.log) || { cat one.log >&2; fail "1 rank failed"; }
(cd np2 && mpirun -n 2 "$IONBATH_EXE" phonons "$examples/rocksalt/phonons.toml" -o out.h5 \
  > ../two.txt 2> ../two.log) || { cat two.log >&2; fail "2 ranks failed"; }
h5diff np1/out.h5 np2/out.h5 || fail "the 1- and 2-rank results differ"
cmp one.txt two.txt || fail "the 1- and 2-rank summaries differ"
grep -q "phonopy:phonopy.yaml: 2 atom(s) per cell (Na 22.99 Da, Cl 35.45 Da)" one.txt
grep -q "W(0) on-site block of Cl (atom 1)" one.txt
grep -q "thermal displacement matrices <u uᵀ>_b on the grid" one.txt
grep -q "compact force constants of the 3×3×3 supercell from $examples/rocksalt/FORCE_CONSTANTS" \
  one.log || fail "the log does not say which force constants were read"
grep -q "acoustic sum rule" one.log

# 2. Layout and units of what a user reads (h5py only).
/usr/bin/python3 - <<'PY'
import h5py
with h5py.File("np1/out.h5") as f:
    n_modes = 6 * 8**3 - 3
    assert f["/phonons/modes/omega"].shape == (n_modes, 1)
    assert f["/phonons/modes/polarization"].shape == (n_modes, 12)
    assert f["/phonons/dispersion/hbar_omega"].shape == (101, 6)
    assert f["/phonons/W0/blocks"].shape == (2, 2, 15**3, 3, 3)
    assert f["/phonons/Wt/onsite"].shape == (2, 51, 3, 3)
    assert f["/phonons/thermal_displacement_matrices"].shape == (3, 2, 3, 3)
    assert f["/phonons/covariance/continuum_displacement"].shape == (3, 2, 3, 3)
    assert list(f["/phonons/basis"].attrs["species"]) in ([b"Na", b"Cl"], ["Na", "Cl"])
    for name in ["/phonons/thermal_displacement_matrices", "/phonons/basis/masses",
                 "/phonons/basis/positions", "/phonons/W0/blocks", "/phonons/drag_matrix"]:
        assert f[name].attrs["unit"], name
    assert f["/phonons/thermal_displacement_matrices"].attrs["unit"] in (b"Angstrom2", "Angstrom2")
    config = f["/parameters/config"][()].decode()
    assert 'kind = "phonopy"' in config and "examples/rocksalt/phonopy.yaml" in config, config
    assert "k1 =" not in config and "mass =" not in config.split("[ion]")[0], config
PY

# 3. `ionbath config` resolves the file to an absolute path and reads its own output back.
"$IONBATH_EXE" config "$examples/rocksalt/phonons.toml" > resolved.toml
grep -q "^file = \"$examples/rocksalt/phonopy.yaml\"$" resolved.toml || fail "file not resolved"
"$IONBATH_EXE" config resolved.toml | cmp - resolved.toml || fail "config does not round-trip"

# 4. The refusals: validate and loss do not take a phonopy crystal.
mkdir refused
for cmd in "validate fig3" loss; do
  set +e
  # shellcheck disable=SC2086
  (cd refused && "$IONBATH_EXE" $cmd "$examples/rocksalt/phonons.toml" > /dev/null 2> ../err.txt)
  rc=$?
  set -e
  [ "$rc" -eq 2 ] || fail "ionbath $cmd on a phonopy crystal: exit $rc, expected 2"
  grep -q "lattice.kind = phonopy: \`ionbath ${cmd%% *}\`" err.txt || { cat err.txt; fail "$cmd"; }
done
[ -z "$(ls -A refused)" ] || fail "a refused command left files: $(ls -A refused)"

# 5. The seed lattice from phonopy's files (mass 33.769866 AMU as the yaml prints it) against the
# built-in simple cubic lattice of the same mass, on small grids.
grids='bz_grid = [6, 5, 4]\n[run]\nkT_meV = [5.0, 50.0]\n[phonons]\ngreen_grid = 64\n'
grids+='covariance_grid = 64\nwt_points = 11\ndos_grid = 16\n'
printf '[lattice]\nkind = "phonopy"\nfile = "%s"\n%b' "$examples/simple_cubic/phonopy.yaml" \
  "$grids" > from_phonopy.toml
printf '[lattice]\nmass_Da = 33.769866\n%b' "$grids" > built_in.toml
"$IONBATH_EXE" phonons from_phonopy.toml -o from_phonopy.h5 > /dev/null 2> sc.log
"$IONBATH_EXE" phonons built_in.toml -o built_in.h5 > /dev/null 2>> sc.log
/usr/bin/python3 - <<'PY'
import h5py
import numpy as np
worst = 0.0
with h5py.File("from_phonopy.h5") as a, h5py.File("built_in.h5") as b:
    for name in ["modes/omega", "dispersion/hbar_omega", "W0/blocks", "Wt/onsite", "drag_matrix",
                 "sound_speeds/speeds", "covariance/continuum_displacement",
                 "covariance/grid_displacement", "covariance/grid_velocity", "dos/density"]:
        x, y = a["/phonons/" + name][()], b["/phonons/" + name][()]
        assert x.size == y.size, name
        d = np.max(np.abs(x.ravel() - y.ravel())) / np.max(np.abs(y))
        worst = max(worst, d)
        assert d < 1e-10, (name, d)
    assert np.array_equal(a["/phonons/thermal_displacement_matrices"][()][:, 0],
                          a["/phonons/covariance/grid_displacement"][()][:, 0])
print(f"simple cubic from phonopy's files vs the built-in lattice: max relative deviation {worst:.2e}")
PY

# 5b. A BORN file beside the yaml is not used (no non-analytic correction): a warning, same results.
mkdir born
cp "$examples/simple_cubic/phonopy.yaml" "$examples/simple_cubic/FORCE_CONSTANTS" born/
printf '14.4\n1 0 0 0 1 0 0 0 1\n1 0 0 0 1 0 0 0 1\n' > born/BORN
printf '[lattice]\nkind = "phonopy"\nfile = "phonopy.yaml"\n%b' "$grids" > born/phonons.toml
"$IONBATH_EXE" phonons born/phonons.toml -o born.h5 > /dev/null 2> born.log
grep -q "warning: .*born/BORN: Born effective charges and the dielectric tensor are not used" \
  born.log || { cat born.log; fail "no BORN warning"; }
h5diff --exclude-path /parameters born.h5 from_phonopy.h5 > /dev/null ||
  fail "a BORN file changed the results"

# 6. phonopy's own results on the same files.
if ! /usr/bin/python3 -c 'import phonopy, h5py' > /dev/null 2>&1; then
  echo "SKIP: phonopy_phonons comparison with phonopy: /usr/bin/python3 cannot import phonopy" \
    "(install python3-phonopy: scripts/setup.sh --for-tests)"
  echo "phonopy_phonons: ok (without the phonopy comparison)"
  exit 0
fi
EXAMPLE="$examples/rocksalt" /usr/bin/python3 - <<'PY'
import math
import os

import h5py
import numpy as np
import phonopy
from phonopy import units

# ionbath's constants (include/ionbath/core/units.hpp) and phonopy's (phonopy/units.py): the same
# eigenvalue of Φ/m (eV/Å²/AMU) is Ω_ours with ours, 2πν_phonopy = r Ω_ours with phonopy's.
HBAR_MEV_PS = 0.6582119569
DALTON_IN_MASS_UNIT = 1.0 / 9.648533212
ours_factor = math.sqrt(1000.0 / DALTON_IN_MASS_UNIT) / (2 * math.pi)  # THz per √(eV/Å²/AMU)
example = os.environ["EXAMPLE"]
ph = phonopy.load(os.path.join(example, "phonopy.yaml"),
                  force_constants_filename=os.path.join(example, "FORCE_CONSTANTS"),
                  is_nac=False, symmetrize_fc=False)
r = ph.unit_conversion_factor / ours_factor
hbar_phonopy = units.Hbar * 1e15  # meV ps
kB_phonopy = units.Kb * 1e3       # meV/K


def worst_deviation(q_fractional, ours_rad_ps, complete):
    """Largest |r Ω_ours − 2πν| / 2πν over the modes; Ω = 0 modes (Γ) only have to be ~0."""
    ph.run_qpoints(q_fractional)
    theirs = 2 * math.pi * ph.get_qpoints_dict()["frequencies"]
    worst = 0.0
    for k, mine in enumerate(ours_rad_ps):
        scale = np.max(np.abs(theirs[k]))
        row = theirs[k] if complete[k] else theirs[k][3:]  # the mesh drops Γ's zero modes
        if not complete[k]:
            assert np.all(np.abs(theirs[k][:3]) < 1e-6 * scale), theirs[k]
        for mine_u, theirs_u in zip(r * np.asarray(mine), row):
            if abs(theirs_u) < 1e-6 * scale:
                assert abs(mine_u) < 1e-6 * scale, (k, mine_u, theirs_u)
                continue
            worst = max(worst, abs(mine_u - theirs_u) / abs(theirs_u))
    return worst


with h5py.File("np1/out.h5") as f:
    # The path: ħΩ in meV at q = 2π f.
    q_path = f["/phonons/dispersion/q_reduced"][()] / (2 * math.pi)
    omega_path = f["/phonons/dispersion/hbar_omega"][()] / HBAR_MEV_PS
    path_dev = worst_deviation(q_path, omega_path, [True] * len(q_path))
    # The mesh: modes ordered by grid point, then ascending branch; Γ without its zero modes.
    q_modes = f["/phonons/modes/q_reduced"][()] / (2 * math.pi)
    omega = f["/phonons/modes/omega"][()][:, 0]
    starts = [0] + [j for j in range(1, len(q_modes)) if np.any(q_modes[j] != q_modes[j - 1])]
    ends = starts[1:] + [len(q_modes)]
    mesh_dev = worst_deviation(q_modes[starts], [omega[a:b] for a, b in zip(starts, ends)],
                               [b - a == 6 for a, b in zip(starts, ends)])
    mesh = [int(n) for n in f["/phonons/modes/grid"][()]]
    tdm = f["/phonons/thermal_displacement_matrices"][()]
    kelvin = f["/phonons/thermal_displacement_matrices"].attrs["temperature_K"]
    kT = f["/phonons/covariance/kT"][()]

# Thermal displacement matrices: phonopy at T' with its ħω/k_BT' per mode equal to ours at kT,
# its ħ/mω = scale × ours (tests/unit/test_phonopy.cpp, the other way round).
assert len(kT) == 3 and np.allclose(kelvin, [50, 300, 800], rtol=1e-12), kelvin
mapped_T = kT / kB_phonopy * (hbar_phonopy / HBAR_MEV_PS) * r
scale = hbar_phonopy / HBAR_MEV_PS * r
ph.run_mesh(mesh, is_gamma_center=True, with_eigenvectors=True, is_mesh_symmetry=False)
ph.run_thermal_displacement_matrices(temperatures=mapped_T, freq_min=1e-3)
theirs = np.asarray(ph.thermal_displacement_matrices.thermal_displacement_matrices).real / scale
ph.run_thermal_displacement_matrices(temperatures=kelvin, freq_min=1e-3)
raw = np.asarray(ph.thermal_displacement_matrices.thermal_displacement_matrices).real
assert theirs.shape == tdm.shape, (theirs.shape, tdm.shape)
norm = np.max(np.abs(theirs), axis=(2, 3), keepdims=True)
tdm_dev = np.max(np.abs(tdm - theirs) / norm)
raw_dev = np.max(np.abs(tdm - raw) / norm)
print(f"rocksalt vs phonopy {phonopy.__version__}: frequencies on the path {path_dev:.2e}, on the "
      f"{mesh[0]}x{mesh[1]}x{mesh[2]} mesh {mesh_dev:.2e} (relative, per mode); thermal "
      f"displacement matrices {tdm_dev:.2e} (raw, with ionbath's constants {raw_dev:.2e})")
assert path_dev < 1e-8 and mesh_dev < 1e-8, (path_dev, mesh_dev)
assert tdm_dev < 1e-6, tdm_dev
PY
echo "phonopy_phonons: ok"
