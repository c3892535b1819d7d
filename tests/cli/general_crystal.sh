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
echo "general_crystal: ok"
