#!/usr/bin/env bash
# `ionbath phonons` on a seed-001 chain (physics.md §6.2, §10 row 43): the confined chain's band
# edges ω_min = √κ = 1 and ω_max = √(κ + 4k) = 10 per polarization, Γ kept, the on-site W̃(0) of
# the 1D lattice Green's function 1/√(κ(κ+4k)) = 0.1; and the ion models refuse a chain by name.
set -euo pipefail
: "${IONBATH_EXE:?IONBATH_EXE must point at the ionbath executable}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cat > chain.toml <<'TOML'
[units]
system = "seed001"
[lattice]
kind = "chain"
a = 2.0
mass = 1.0
confinement = 1.0
k_parallel = 24.75
k_perp = 24.75
TOML
"$IONBATH_EXE" phonons chain.toml > out.txt
grep -q "200×1×1: 600 modes (confined: Γ kept)" out.txt
grep -q "band edges along the path (Omega): \[1, 10\] \[1, 10\] \[1, 10\]" out.txt
grep -q "W(0) on-site block (l²/ħΩ): \[0.1 0 0; 0 0.1 0; 0 0 0.1\]" out.txt
/usr/bin/python3 - <<'PY'
import h5py
with h5py.File("phonons.h5", "r") as f:
    assert f["/phonons"].attrs["unit_system"] in (b"seed001", "seed001")
    assert f["/phonons/modes/omega"].shape == (600, 1)
    assert f["/phonons/dispersion/hbar_omega"].shape[1] == 3
PY
for cmd in run sweep; do
  set +e
  "$IONBATH_EXE" $cmd chain.toml 2> err.txt > /dev/null
  rc=$?
  set -e
  [ "$rc" -eq 2 ] || { echo "ionbath $cmd on a chain: exit $rc, expected 2"; exit 1; }
  grep -q "units.system = seed001: \`ionbath $cmd\` takes physical units" err.txt
done
[ ! -e results.h5 ] || { echo "a refused run left results.h5"; exit 1; }
# [phonons] path: Γ–R in 10 steps on the cubic lattice; R ends the default path as well.
for name in default custom; do
  mkdir "$name"
  {
    printf '[phonons]\ngreen_grid = 64\ncovariance_grid = 64\ndos_grid = 8\nwt_points = 3\n'
    printf 'output = "%s.h5"\n' "$name"
    [ "$name" = default ] || printf 'path = [[0, 0, 0], [0.5, 0.5, 0.5]]\npath_subdivisions = 10\n'
  } > "$name.toml"
  (cd "$name" && "$IONBATH_EXE" phonons "../$name.toml" > out.txt)
done
/usr/bin/python3 - <<'PY'
import math
import h5py
import numpy as np
with h5py.File("default/default.h5", "r") as d, h5py.File("custom/custom.h5", "r") as c:
    q = c["/phonons/dispersion/q_reduced"][()]
    assert q.shape == (11, 3), q.shape
    assert np.allclose(q[0], 0) and np.allclose(q[-1], math.pi), q[-1]
    assert np.allclose(q[5], math.pi / 2)
    w_r = d["/phonons/dispersion/hbar_omega"][()][-1]
    assert np.allclose(c["/phonons/dispersion/hbar_omega"][()][-1], w_r, rtol=1e-14)
    assert "path" in c["/parameters/config"][()].decode()
    assert "path" not in d["/parameters/config"][()].decode()
PY
echo "general_crystal: ok"
