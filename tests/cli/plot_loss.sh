#!/usr/bin/env bash
# scripts/plot_loss.py on small `ionbath loss` scans of seed 001 (physics.md §6.5): a confined and
# an unconfined chain (Fig. 2 grid, rows = files), a single atom with simulated passes on a tiny
# lattice (Fig. 4, echo-contaminated rows included), the square (Fig. 5, zone + low speed only)
# and the line8 trap (Fig. 6). The PNG files exist, are real PNG images of the expected size with
# non-blank content, the paths are printed in order, Eq. 14 re-evaluated by the script matches
# the stored values (no note on stderr); a file that is not HDF5 and an HDF5 file that is not a
# loss results file give exit code 2 and write nothing.
# By hand: IONBATH_EXE=build/ionbath tests/cli/plot_loss.sh
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exe="$(realpath "${IONBATH_EXE:-$repo/build/ionbath}")"
python=/usr/bin/python3   # Debian's, with matplotlib + h5py + numpy (platform.md §2, pitfall 3)
fail() { echo "FAIL: plot_loss test: $*" >&2; exit 1; }
"$python" -c 'import matplotlib, h5py, numpy' 2>/dev/null ||
  { echo "SKIP: plot_loss test: $python lacks matplotlib/h5py/numpy (python3-matplotlib python3-h5py)"; exit 0; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

cat > chain1.toml <<'TOML'
[units]
system = "seed001"
[lattice]
kind = "chain"
a = 2.0
confinement = 1.0
k_parallel = 24.75
k_perp = 24.75
[loss]
geometry = "chain"
lambdas = [0.5, 1.0]
offsets = [0.0, 1.0]
speeds = [5.0, 20.0, 40.0, 80.0]
TOML
sed 's/confinement = 1.0/confinement = 0.0/' chain1.toml > chain0.toml
cat > single.toml <<'TOML'
[units]
system = "seed001"
[loss]
geometry = "single"
lambdas = [0.5, 1.0]
offsets = [0.0, 1.0]
speeds = [20.0, 40.0, 80.0]
methods = ["zone", "low_speed", "simulated"]
lattice_n = 8
TOML
cat > square.toml <<'TOML'
[units]
system = "seed001"
[loss]
geometry = "square"
lambdas = [0.5, 1.0]
offsets = [0.0]
speeds = [10.0, 40.0]
methods = ["zone", "low_speed"]
TOML
cat > trap.toml <<'TOML'
[units]
system = "seed001"
[loss]
geometry = "line8"
lattice_n = 12
duration = 0.5
dt = 0.002
TOML
for name in chain1 chain0 single square trap; do
  "$exe" loss $name.toml -o $name.h5 > $name.log 2>&1 || { cat $name.log >&2; fail "ionbath loss $name.toml failed"; }
done

"$python" "$repo/scripts/plot_loss.py" chain1.h5 chain0.h5 single.h5 square.h5 trap.h5 \
  --out-dir plots --prefix all > written.txt 2> plot.err || { cat plot.err >&2; fail "plot_loss.py failed"; }
[ ! -s plot.err ] || fail "unexpected messages: $(cat plot.err)"
"$python" "$repo/scripts/plot_loss.py" trap.h5 --out-dir plots >> written.txt
cat written.txt
"$python" - <<'PY'
import os
import matplotlib.image as mpimg
import numpy as np
# Pixel sizes at the default 150 dpi: Fig. 2 is 2 files x 2 offsets, Fig. 4 one file x 2 offsets,
# Fig. 5 one panel, Fig. 6 one column of two panels.
expected = {"plots/all_fig2.png": (1560, 1260), "plots/all_fig4.png": (1620, 660),
            "plots/all_fig5.png": (810, 660), "plots/all_fig6.png": (1275, 1050),
            "plots/trap_fig6.png": (1275, 1050)}
written = open("written.txt").read().split()
assert written == list(expected), f"written {written}, expected {list(expected)}"
for path, (w_exp, h_exp) in expected.items():
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG file"
    size = os.path.getsize(path)
    assert size > 20_000, f"{path}: only {size} bytes"
    img = mpimg.imread(path)
    h, w = img.shape[:2]
    assert (w, h) == (w_exp, h_exp), f"{path}: {w}x{h} pixels, expected {w_exp}x{h_exp}"
    rgb = img[..., :3]
    # Non-trivial: many distinct colours (curves, markers, text), not a blank canvas.
    colours = len(np.unique((rgb * 255).astype(np.uint8).reshape(-1, 3), axis=0))
    assert colours > 50 and rgb.std() > 0.05, f"{path}: {colours} colours, std {rgb.std():.3f}"
    print(f"{path}: {w}x{h}, {size} bytes, {colours} colours")
# Not a loss results file: an HDF5 file with a configuration but no /loss group.
import h5py
with h5py.File("other.h5", "w") as f:
    f["parameters/config"] = '[units]\nsystem = "seed001"\n'
    f.create_group("sweep")
PY
for bad in chain1.log other.h5 missing.h5; do
  rc=0
  "$python" "$repo/scripts/plot_loss.py" "$bad" --out-dir bad 2> bad.err > bad.out || rc=$?
  [ "$rc" = 2 ] || fail "$bad gave exit code $rc, expected 2"
  [ ! -s bad.out ] || fail "$bad: paths printed: $(cat bad.out)"
  [ -z "$(ls bad 2>/dev/null)" ] || fail "$bad: files written: $(ls bad)"
  case $bad in
    chain1.log) grep -q "not an HDF5 file" bad.err ;;
    other.h5) grep -q "not an \`ionbath loss\` results file" bad.err ;;
    missing.h5) grep -q "no such file" bad.err ;;
  esac || fail "$bad: unexpected message: $(cat bad.err)"
done
echo "plot_loss test passed"
