#!/usr/bin/env bash
# scripts/plot_chain.py on a small `ionbath chain` run of seed 003 (physics.md §7.4–7.6): all four
# modes (single passes, the Eq. 10 grid, drift under bias, the displacement map) for both signs of
# Φ0 and two initial speeds, τ = 20. The PNG files of Figs. 2, 3 and 4 exist, are real PNG images
# of the expected size with non-blank content, the paths are printed in order, Eq. 7 re-evaluated
# by the script matches the stored values (no note on stderr); a file holding only some groups
# gives only their figures; a file that is not HDF5, an HDF5 file that is not a chain results
# file, a loss results file, a chain file with an incomplete group and a missing file give exit
# code 2 and write nothing.
# By hand: IONBATH_EXE=build/ionbath tests/cli/plot_chain.sh
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exe="$(realpath "${IONBATH_EXE:-$repo/build/ionbath}")"
python=/usr/bin/python3   # Debian's, with matplotlib + h5py + numpy (platform.md §2, pitfall 3)
fail() { echo "FAIL: plot_chain test: $*" >&2; exit 1; }
"$python" -c 'import matplotlib, h5py, numpy' 2>/dev/null ||
  { echo "SKIP: plot_chain test: $python lacks matplotlib/h5py/numpy (python3-matplotlib python3-h5py)"; exit 0; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

cat > chain.toml <<'TOML'
[chain]
modes = ["single_pass", "steady_state", "drift", "heat_map"]
Phi0 = 2.0
lambda = 4.0
bias = 0.01
speeds = [16.0, 45.0]
tau = 20.0
n_chain = 60
steady_speed_range = [1.0, 90.0, 891]
output = "chain.h5"
TOML
cat > loss.toml <<'TOML'
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
lambdas = [1.0]
offsets = [0.0]
speeds = [20.0, 40.0]
methods = ["analytic"]
TOML
"$exe" chain chain.toml > chain.log 2>&1 || { cat chain.log >&2; fail "ionbath chain chain.toml failed"; }
"$exe" loss loss.toml -o loss.h5 > loss.log 2>&1 || { cat loss.log >&2; fail "ionbath loss loss.toml failed"; }

"$python" - <<'PY'
import h5py
# A file with the single passes only, one without them, and one with an incomplete group.
for name, drop in (("passes", ("steady_state", "drift", "heat_map")),
                   ("long", ("single_pass",)), ("broken", ())):
    with h5py.File("chain.h5", "r") as src, h5py.File(f"{name}.h5", "w") as dst:
        src.copy("parameters", dst)
        src.copy("chain", dst)
        for group in drop:
            del dst[f"chain/{group}"]
        if name == "broken":
            del dst["chain/single_pass/loss_eq7"]
# Not a chain results file: an HDF5 file with a configuration and a /chain group but no
# unit_system attribute.
with h5py.File("other.h5", "w") as f:
    f["parameters/config"] = '[chain]\nPhi0 = 2.0\n'
    f.create_group("chain/single_pass")
PY

"$python" "$repo/scripts/plot_chain.py" chain.h5 --out-dir plots --prefix all \
  > written.txt 2> plot.err || { cat plot.err >&2; fail "plot_chain.py failed"; }
[ ! -s plot.err ] || fail "unexpected messages: $(cat plot.err)"
"$python" "$repo/scripts/plot_chain.py" passes.h5 --out-dir plots >> written.txt 2> plot.err ||
  { cat plot.err >&2; fail "plot_chain.py passes.h5 failed"; }
"$python" "$repo/scripts/plot_chain.py" long.h5 passes.h5 --out-dir plots >> written.txt \
  2> plot.err || { cat plot.err >&2; fail "plot_chain.py long.h5 passes.h5 failed"; }
[ ! -s plot.err ] || fail "unexpected messages: $(cat plot.err)"
cat written.txt
"$python" - "$repo/tests/support" <<'PY'
import os
import sys
sys.path.insert(0, sys.argv[1])
from png_check import check_png
import matplotlib.image as mpimg
import numpy as np
# Pixel sizes at the default 150 dpi: Fig. 2 is 2 speeds x 2 signs and a colour bar, Fig. 3 one
# panel (one |Φ0|), Fig. 4 the two drift panels with their legend and the Eq. 10 panel; the
# single-pass file gives Fig. 3 only, the two files together all three (prefix "chain").
expected = {"plots/all_fig2.png": (1725, 1275), "plots/all_fig3.png": (900, 750),
            "plots/all_fig4.png": (2700, 750), "plots/passes_fig3.png": (900, 750),
            "plots/chain_fig2.png": (1725, 1275), "plots/chain_fig3.png": (900, 750),
            "plots/chain_fig4.png": (2700, 750)}
written = open("written.txt").read().split()
assert written == list(expected), f"written {written}, expected {list(expected)}"
for path, size in expected.items():
    check_png(path, size, 20_000)
# The heat map is drawn with a diverging map: both red and blue pixels.
rgb = mpimg.imread("plots/all_fig2.png")[..., :3]
red = (rgb[..., 0] > 0.6) & (rgb[..., 2] < 0.4)
blue = (rgb[..., 2] > 0.6) & (rgb[..., 0] < 0.4)
assert red.sum() > 10_000 and blue.sum() > 10_000, (red.sum(), blue.sum())
PY
for bad in chain.log other.h5 loss.h5 broken.h5 missing.h5; do
  rc=0
  "$python" "$repo/scripts/plot_chain.py" chain.h5 "$bad" --out-dir bad 2> bad.err > bad.out || rc=$?
  [ "$rc" = 2 ] || fail "$bad gave exit code $rc, expected 2"
  [ ! -s bad.out ] || fail "$bad: paths printed: $(cat bad.out)"
  [ -z "$(ls bad 2>/dev/null)" ] || fail "$bad: files written: $(ls bad)"
  case $bad in
    chain.log) grep -q "not an HDF5 file" bad.err ;;
    other.h5 | loss.h5) grep -q "not an \`ionbath chain\` results file" bad.err ;;
    broken.h5) grep -q "/chain/single_pass lacks loss_eq7" bad.err ;;
    missing.h5) grep -q "no such file" bad.err ;;
  esac || fail "$bad: unexpected message: $(cat bad.err)"
done

# Mobility on thermal chains (beyond the paper): ⟨σ̇⟩ against the temperature, one line per sign.
cat > mobility.toml <<'TOML'
[chain]
modes = ["mobility"]
speeds = [20.0]
tau = 5.0
n_chain = 20
omega_T = [0.5, 1.0]
replicas = 2
output = "mobility.h5"
TOML
"$exe" chain mobility.toml > mobility.log 2>&1 || { cat mobility.log >&2; fail "mobility run failed"; }
"$python" "$repo/scripts/plot_chain.py" mobility.h5 --out-dir plots > mob.txt 2> plot.err ||
  { cat plot.err >&2; fail "plot_chain.py mobility.h5 failed"; }
[ "$(cat mob.txt)" = "plots/mobility_mobility.png" ] || fail "mobility plot: wrote $(cat mob.txt)"
"$python" -c '
import matplotlib.image as mpimg, os
img = mpimg.imread("plots/mobility_mobility.png")
assert img.shape[:2] == (720, 975), img.shape
assert os.path.getsize("plots/mobility_mobility.png") > 20000
' || fail "mobility plot: wrong size"
echo "plot_chain test passed"
