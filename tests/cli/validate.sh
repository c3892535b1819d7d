#!/usr/bin/env bash
# `ionbath validate fig3|fig4` on small lattices (1 and 2 ranks give identical files), the
# agreement the paper reports for lambda = 0.5 A, and the validation plots.
set -euo pipefail
: "${IONBATH_EXE:?}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$(dirname "${BASH_SOURCE[0]}")/../support/cli.sh"
enter_workdir
printf '[validate]\nlattice_n = 16\n[phonons]\ngreen_grid = 64\n' > small.toml
"$IONBATH_EXE" validate fig3 small.toml -o fig3.h5 > fig3.txt 2> /dev/null
mpirun -n 2 "$IONBATH_EXE" validate fig3 small.toml -o fig3_np2.h5 > /dev/null 2>&1
h5diff fig3.h5 fig3_np2.h5
"$IONBATH_EXE" validate fig4 small.toml -o fig4.h5 > fig4.txt 2> /dev/null
cat fig3.txt fig4.txt
/usr/bin/python3 - <<'PY'
import h5py, numpy as np
with h5py.File("fig3.h5") as f:
    for k in range(4):
        g = f[f"fig3/panel_{k}"]
        if g.attrs["lambda_A"] != 0.5:
            continue
        full, tl = np.max(np.abs(g["atom_r"][:])), np.max(np.abs(g["r_time_local"][:]))
        ff, ft = np.max(np.abs(g["force_full"][:])), np.max(np.abs(g["force_time_local"][:]))
        assert abs(tl / full - 1) < 0.15 and abs(ft / ff - 1) < 0.10, (k, full, tl, ff, ft)
with h5py.File("fig4.h5") as f:
    e_full, e_tl = f["fig4/envelope_speed_full"][:], f["fig4/envelope_speed_time_local"][:]
    loss = lambda p: 1 - (p[10] / p[0]) ** 2
    assert abs(loss(e_tl) / loss(e_full) - 1) < 0.2, (loss(e_full), loss(e_tl))
PY
/usr/bin/python3 "$repo/scripts/plot_validation.py" fig3.h5 --out-dir plots > written.txt
/usr/bin/python3 "$repo/scripts/plot_validation.py" fig4.h5 --out-dir plots >> written.txt
for png in $(cat written.txt); do
  [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || { echo "$png is not a PNG"; exit 1; }
  [ "$(stat -c %s "$png")" -gt 20000 ] || { echo "$png is too small"; exit 1; }
done
echo "validate test passed"
