#!/usr/bin/env bash
# scripts/plot_sweep.py on the tiny sweep (jobs/tiny.toml): the three PNG files exist, are real
# PNG images of the expected size with non-blank content; a one-temperature sweep (Arrhenius not
# fitted) still plots; a file that is not a results file gives exit code 2.
# By hand: IONBATH_EXE=build/ionbath tests/cli/plot_sweep.sh
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exe="$(realpath "${IONBATH_EXE:-$repo/build/ionbath}")"
python=/usr/bin/python3   # Debian's, with matplotlib + h5py + numpy (platform.md §2, pitfall 3)
fail() { echo "FAIL: plot_sweep test: $*" >&2; exit 1; }
"$python" -c 'import matplotlib, h5py, numpy' 2>/dev/null ||
  { echo "SKIP: plot_sweep test: $python lacks matplotlib/h5py/numpy (python3-matplotlib python3-h5py)"; exit 0; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

"$exe" sweep "$repo/jobs/tiny.toml" -o tiny.h5 > sweep.log 2>&1 || { cat sweep.log >&2; fail "tiny sweep failed"; }
"$python" "$repo/scripts/plot_sweep.py" tiny.h5 --out-dir plots > written.txt
"$exe" sweep "$repo/jobs/tiny.toml" -t 1 -o one.h5 > one.log 2>&1 || { cat one.log >&2; fail "one-temperature sweep failed"; }
"$python" "$repo/scripts/plot_sweep.py" one.h5 --out-dir plots --prefix one >> written.txt
cat written.txt
"$python" - <<'PY'
import os
import matplotlib.image as mpimg
import numpy as np
expected = [f"plots/{p}_{kind}.png" for p in ("tiny", "one") for kind in ("msd", "arrhenius", "overview")]
written = open("written.txt").read().split()
assert written == expected, f"written {written}, expected {expected}"
for path in expected:
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG file"
    size = os.path.getsize(path)
    assert size > 20_000, f"{path}: only {size} bytes"
    img = mpimg.imread(path)
    h, w = img.shape[:2]
    assert w >= 600 and h >= 450, f"{path}: {w}x{h} pixels"
    rgb = img[..., :3]
    # Non-trivial: many distinct colours (curves, bands, text), not a blank canvas.
    colours = len(np.unique((rgb * 255).astype(np.uint8).reshape(-1, 3), axis=0))
    assert colours > 50 and rgb.std() > 0.05, f"{path}: {colours} colours, std {rgb.std():.3f}"
    print(f"{path}: {w}x{h}, {size} bytes, {colours} colours")
PY
rc=0
"$python" "$repo/scripts/plot_sweep.py" sweep.log --out-dir bad 2> bad.err || rc=$?
[ "$rc" = 2 ] || fail "a non-HDF5 input gave exit code $rc, expected 2"
grep -q "not an HDF5 file" bad.err || fail "unexpected message: $(cat bad.err)"
echo "plot_sweep test passed"
