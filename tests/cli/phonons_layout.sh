#!/usr/bin/env bash
# `ionbath phonons` end to end: help texts, the summary's reference values (physics.md §10), and a
# results file that is bitwise identical at 1 and 2 MPI ranks (h5diff with no tolerance).
set -euo pipefail
: "${IONBATH_EXE:?}"
source "$(dirname "${BASH_SOURCE[0]}")/../support/cli.sh"
enter_workdir
"$IONBATH_EXE" --help | grep -q "phonons"
"$IONBATH_EXE" phonons --help | grep -q -- "--output"
cat > small.toml <<'TOML'
[lattice]
bz_grid = [6, 5, 4]
[run]
kT_meV = [5.0, 25.0, 50.0]
[phonons]
green_grid = 64
covariance_grid = 64
wt_points = 11
dos_grid = 16
TOML
mkdir np1 np2
(cd np1 && mpirun -n 1 "$IONBATH_EXE" phonons ../small.toml -o out.h5 > ../one.txt)
(cd np2 && mpirun -n 2 "$IONBATH_EXE" phonons ../small.toml -o out.h5 > ../two.txt)
h5diff np1/out.h5 np2/out.h5
cmp one.txt two.txt
mv np1/out.h5 one.h5
grep -q "Ω_max = 31.350553 ps⁻¹" one.txt
grep -q "\[100\] (Å/ps): 20.90796 20.90796 47.02583" one.txt
grep -q "drag matrix L (1e-5 ps Å²/meV): \[3.29077 " one.txt
grep -q "W(0) on-site block (1e-4 Å²/meV): \[9.4824" one.txt
test -z "$(ls -A np1)" && test "$(ls -A np2)" = out.h5
# /usr/bin/python3 has h5py: check units and shapes of what a user reads.
/usr/bin/python3 - <<'PY'
import h5py
with h5py.File("one.h5") as f:
    assert f["/phonons/modes/omega"].shape == (3 * (6 * 5 * 4 - 1), 1)
    for name in ["/phonons/W0/blocks", "/phonons/drag_matrix", "/phonons/modes/omega",
                 "/phonons/dispersion/hbar_omega", "/phonons/covariance/grid_displacement"]:
        assert f[name].attrs["unit"], name
    assert f["/phonons/dispersion/x"].shape == (801,)
    assert "[lattice]" in f["/parameters/config"][()].decode()
PY
echo "phonons layout test passed"
