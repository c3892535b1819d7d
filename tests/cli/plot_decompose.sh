#!/usr/bin/env bash
# scripts/plot_decompose.py on synthetic `ionbath decompose` results files (seed 000, physics.md
# §8), written here with h5py in the layout of the results file (so the test does not need the
# executable): "series.h5" without Arrhenius fits (input 0 with two species Li, Na and L_cross,
# input 1 with Li only) and "tseries.h5", a temperature series of 3 inputs at kT = 20, 30, 40 meV
# (different frame intervals, so the Arrhenius window has a different index in each input) with
# /decompose/arrhenius. Every file obeys the sum rules (Σ_e L_e = L, Σ_e f_e = 1), B is negative
# (not fitted), the fits are the weighted least squares of ln(L_e kT) against 1/kT.
# The PNG files exist, are real PNG images of the expected size with non-blank content, the paths
# are printed in order, nothing is said on stderr; a missing file, a file that is not HDF5, an
# HDF5 file without /decompose, an input whose species group lacks L, an incomplete Arrhenius
# group and an Arrhenius window that is none of the input's windows give exit code 2 and write
# nothing.
# By hand: tests/cli/plot_decompose.sh   (IONBATH_EXE is not used)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
python=/usr/bin/python3   # Debian's, with matplotlib + h5py + numpy (platform.md §2, pitfall 3)
script="$repo/scripts/plot_decompose.py"
fail() { echo "FAIL: plot_decompose test: $*" >&2; exit 1; }
"$python" -c 'import matplotlib, h5py, numpy' 2>/dev/null ||
  { echo "SKIP: plot_decompose test: $python lacks matplotlib/h5py/numpy (python3-matplotlib python3-h5py)"; exit 0; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

"$python" - <<'PY'
import h5py
import numpy as np

MODES = ["C", "M", "H", "B", "R"]
ONSAGER = "meV-1 A-1 ps-1"
rng = np.random.default_rng(7)


def put(g, name, value, unit):
    d = g.create_dataset(name, data=value)
    d.attrs["unit"] = unit


def species_results(t, kT, scale, ions, n_species):
    """Plausible per-mode results over the windows t that obey the sum rules exactly."""
    gamma = 2.0 * np.exp(-100.0 / kT) * scale          # hop rate per direction (ps-1)
    r = 1.0 - np.exp(-6.0 * gamma * t)                   # fraction of windows with a hop
    e10 = np.exp(-t / 10.0)
    f = np.empty((len(t), 5))
    f[:, 0] = 0.05 * r                                   # C
    f[:, 1] = 0.3 * r * (1.0 - e10)                      # M
    f[:, 3] = 0.4 * r * e10                              # B
    f[:, 4] = 1.0 - r                                    # R
    f[:, 2] = r - f[:, 0] - f[:, 1] - f[:, 3]            # H: Σ_e f_e = 1
    L0 = 0.5 * np.exp(-(100.0 + 5.0 * scale) / kT) / kT  # plateau L, Arrhenius in L kT
    frac = np.empty((len(t), 5))
    frac[:, 0] = 0.08 * np.exp(-8.0 / kT)
    frac[:, 1] = 0.05 + 0.3 * (1.0 - e10)
    frac[:, 3] = -0.15 * e10 - 0.02                      # returns: anti-correlated, L_B < 0
    frac[:, 4] = 0.1 * np.exp(-t) + 0.01
    frac[:, 2] = 1.0 - frac[:, [0, 1, 3, 4]].sum(axis=1)
    L = frac * (L0 * (1.0 - 0.5 * np.exp(-t / 2.0)))[:, None]
    L_total = L.sum(axis=1)                              # Σ_e L_e = L to rounding
    sigma_L = 0.04 * np.abs(L) + 0.01 * np.abs(L_total)[:, None]
    sigma_L_total = 0.04 * np.abs(L_total)
    D = 0.3 * np.exp(-100.0 / kT) * f * (1.0 + t[:, None] / 10.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        eff = L / (f * ions)
        eff_n = (L / L_total[:, None]) / f
    out = {
        "L": (L, ONSAGER), "sigma_L": (sigma_L, ONSAGER),
        "L_fraction": (L / L_total[:, None], ""), "frequency": (f, ""),
        "sigma_frequency": (0.02 * f + 1e-4, ""), "rate": (f / t[:, None], "ps-1"),
        "effectiveness": (eff, ONSAGER), "effectiveness_normalized": (eff_n, ""),
        "D_tracer": (D, "A2 ps-1"), "sigma_D_tracer": (0.05 * D, "A2 ps-1"),
        "L_total": (L_total, ONSAGER), "sigma_L_total": (sigma_L_total, ONSAGER),
        "D_tracer_total": (D.sum(axis=1), "A2 ps-1"),
        "sigma_D_tracer_total": (0.05 * D.sum(axis=1), "A2 ps-1"),
        "D_collective": (L_total * kT * 1000.0 / ions, "A2 ps-1"),
        "sigma_D_collective": (sigma_L_total * kT * 1000.0 / ions, "A2 ps-1"),
        "conductivity_S_per_m": (L_total * 1.6e3, "S m-1"),
        "sigma_conductivity_S_per_m": (sigma_L_total * 1.6e3, "S m-1"),
        "L_pair": (np.stack([np.diag(row) for row in L]), ONSAGER),   # rows sum to L_e
        "transition_probability": (np.ones((len(t), 1, 1)), ""),
        "population": (np.ones((len(t), 1)), ""),
    }
    if n_species > 1:
        out["L_cross"] = (np.repeat(L[:, None, :], n_species, axis=1) * 0.5, ONSAGER)
    return out


def write_input(dec, k, kT, dt, species):
    g = dec.create_group(f"input_{k}")
    t = dt * 2.0 ** np.arange(12)                        # log-spaced windows (ps)
    g.attrs["path"] = f"/data/md/traj_{int(kT)}meV_{k}.extxyz"
    g.attrs["format"] = "extxyz"
    g.attrs["kT_meV"] = float(kT)
    g.attrs["volume_A3"] = 8000.0
    g.attrs["frame_interval_ps"] = float(dt)
    g.attrs["frames"] = np.int64(20000)
    g.attrs["ions"] = np.int64(32 * len(species))
    g.attrs["hops"] = np.int64(1234 + k)
    g.attrs["species"] = np.array(species, dtype=h5py.string_dtype())
    put(g, "window_ps", t, "ps")
    sites = g.create_group("sites")
    frac = np.array([[i, j, l] for i in range(2) for j in range(2) for l in range(2)]) / 2 + 0.25
    put(sites, "fractional", frac, "")
    put(sites, "class", np.zeros(8, dtype=np.int64), "")
    sites.attrs["class_names"] = np.array(["cube"], dtype=h5py.string_dtype())
    sites.attrs["site_radius_A"] = 2.5
    put(sites, "cell", np.eye(3) * 20.0, "A")
    res = {}
    for i, s in enumerate(species):
        sg = g.create_group(s)
        res[s] = species_results(t, kT, 1.0 + i, 32, len(species))
        for name, (value, unit) in res[s].items():
            put(sg, name, value, unit)
    return t, res


def write_file(name, series, arrhenius_window=None):
    with h5py.File(name, "w") as f:
        f["parameters/config"] = '[decompose]\ninputs = ["a.extxyz"]\noutput = "%s"\n' % name
        f["parameters"].attrs["config_hash"] = "0123456789abcdef"
        f["parameters"].attrs["ionbath_version"] = "0.0.0-test"
        dec = f.create_group("decompose")
        dec.attrs["modes"] = np.array(MODES, dtype="S1")   # fixed-length strings
        dec.attrs["inputs"] = np.int64(len(series))
        written = [write_input(dec, k, kT, dt, sp) for k, (kT, dt, sp) in enumerate(series)]
        if arrhenius_window is None:
            return
        kT = np.array([kT for kT, _, _ in series], dtype=float)
        idx = [int(np.flatnonzero(np.isclose(t, arrhenius_window))[0]) for t, _ in written]
        put(dec, "arrhenius/window_ps", np.array([t[i] for (t, _), i in zip(written, idx)]), "ps")
        for s in series[0][2]:
            for q, key, sig, times_kT, unit in (("L_times_kT", "L", "sigma_L", True, "A-1 ps-1"),
                                                ("D_tracer", "D_tracer", "sigma_D_tracer", False,
                                                 "A2 ps-1"),
                                                ("rate", "rate", None, False, "ps-1")):
                Ea, hw, pre = (np.full(5, np.nan) for _ in range(3))
                for e in range(5):
                    y = np.array([r[s][key][0][i, e] for (_, r), i in zip(written, idx)])
                    if sig is None:
                        sy = np.array([r[s]["sigma_frequency"][0][i, e] / t[i]
                                       for (t, r), i in zip(written, idx)])
                    else:
                        sy = np.array([r[s][sig][0][i, e] for (_, r), i in zip(written, idx)])
                    if times_kT:
                        y, sy = y * kT, sy * kT
                    if not (np.all(y > 0) and np.all(sy > 0)):
                        continue                           # B: negative, not fitted
                    w = y / sy
                    A = np.stack([np.ones_like(kT), -1.0 / kT], axis=1) * w[:, None]
                    coef, *_ = np.linalg.lstsq(A, np.log(y) * w, rcond=None)
                    cov = np.linalg.inv(A.T @ A)
                    pre[e], Ea[e], hw[e] = np.exp(coef[0]), coef[1], 2.0 * np.sqrt(cov[1, 1])
                g = dec.require_group(f"arrhenius/{s}/{q}")
                put(g, "Ea_meV", Ea, "meV")
                put(g, "Ea_half_width_meV", hw, "meV")
                put(g, "prefactor", pre, unit)
                if q == "L_times_kT":
                    assert np.isnan(Ea[3]) and np.isfinite(Ea[[0, 1, 2, 4]]).all(), Ea


write_file("series.h5", [(25.0, 0.01, ["Li", "Na"]), (25.0, 0.02, ["Li"])])
write_file("single.h5", [(25.0, 0.01, ["Li"])])
write_file("tseries.h5", [(20.0, 0.01, ["Li"]), (30.0, 0.02, ["Li"]), (40.0, 0.01, ["Li"])],
           arrhenius_window=2.56)

# The sum rules of the synthetic files.
with h5py.File("tseries.h5", "r") as f:
    for k in range(3):
        g = f[f"decompose/input_{k}/Li"]
        assert np.allclose(g["L"][()].sum(axis=1), g["L_total"][()], rtol=1e-13, atol=0)
        assert np.allclose(g["L_fraction"][()].sum(axis=1), 1.0, rtol=1e-13)
        assert np.allclose(g["frequency"][()].sum(axis=1), 1.0, rtol=1e-13)

# Bad files: no /decompose, an input whose species lacks L, an incomplete Arrhenius group, an
# Arrhenius window that is none of the input's windows.
with h5py.File("other.h5", "w") as f:
    f["parameters/config"] = '[sweep]\n'
    f.create_group("sweep")
for name, src, edit in (("noL.h5", "series.h5", "del f['decompose/input_1/Li/L']"),
                        ("noEa.h5", "tseries.h5",
                         "del f['decompose/arrhenius/Li/L_times_kT/Ea_meV']"),
                        ("window.h5", "tseries.h5",
                         "f['decompose/arrhenius/window_ps'][1] = 2.5")):
    with open(src, "rb") as a, open(name, "wb") as b:
        b.write(a.read())
    with h5py.File(name, "r+") as f:
        exec(edit)
PY
printf 'not an HDF5 file\n' > text.h5

"$python" "$script" series.h5 --out-dir plots > written.txt 2> plot.err ||
  { cat plot.err >&2; fail "plot_decompose.py series.h5 failed"; }
[ ! -s plot.err ] || fail "unexpected messages: $(cat plot.err)"
"$python" "$script" single.h5 tseries.h5 --out-dir plots >> written.txt 2> plot.err ||
  { cat plot.err >&2; fail "plot_decompose.py single.h5 tseries.h5 failed"; }
[ ! -s plot.err ] || fail "unexpected messages: $(cat plot.err)"
"$python" "$script" single.h5 --out-dir plots --prefix low --dpi 60 >> written.txt 2> plot.err ||
  { cat plot.err >&2; fail "plot_decompose.py --prefix low --dpi 60 failed"; }
[ ! -s plot.err ] || fail "unexpected messages: $(cat plot.err)"
cat written.txt
"$python" - "$repo/tests/support" <<'PY'
import os
import sys
sys.path.insert(0, sys.argv[1])
from png_check import check_png
import matplotlib.image as mpimg
import numpy as np
# Pixel sizes: panels of 5.2 in × 5.8 in, 3 per row (at least 6.4 in wide), a legend strip of
# 0.25 in per legend row + 0.15 in (one row above 3 panels; 3 columns above a single panel:
# 3 rows of 8 entries, 2 rows of 6) and 0.6 in for the title; the Arrhenius panels 6 in × 5.2 in.
# series.h5 has 3 panels (input 0: Li, Na; input 1: Li) and no Arrhenius figure, single.h5 +
# tseries.h5 4 (2 rows: 3 + 1; tseries.h5: Li at 3 temperatures) and one Arrhenius panel,
# single.h5 alone 1 ("low", at 60 dpi); else 150 dpi.
expected = {"plots/series_contributions.png": (2340, 1020),
            "plots/series_frequencies.png": (2340, 1020),
            "plots/decompose_contributions.png": (2340, 1890),
            "plots/decompose_frequencies.png": (2340, 1890),
            "plots/decompose_arrhenius.png": (900, 780),
            "plots/low_contributions.png": (384, 438),
            "plots/low_frequencies.png": (384, 423)}
written = open("written.txt").read().split()
assert written == list(expected), f"written {written}, expected {list(expected)}"
assert sorted(os.listdir("plots")) == sorted(os.path.basename(p) for p in expected)
for path, size in expected.items():
    check_png(path, size, (8_000 if "low" in path else 40_000))
# The mode colours are there: the stacked bars of H (tab:blue) and B (tab:red).
rgb = mpimg.imread("plots/series_contributions.png")[..., :3]
blue = np.all(np.abs(rgb - np.array([0x1f, 0x77, 0xb4]) / 255) < 0.03, axis=-1)
red = np.all(np.abs(rgb - np.array([0xd6, 0x27, 0x28]) / 255) < 0.03, axis=-1)
assert blue.sum() > 5_000 and red.sum() > 1_000, (blue.sum(), red.sum())
PY

for bad in missing.h5 text.h5 other.h5 noL.h5 noEa.h5 window.h5; do
  rc=0
  "$python" "$script" series.h5 "$bad" --out-dir bad 2> bad.err > bad.out || rc=$?
  [ "$rc" = 2 ] || { cat bad.err >&2; fail "$bad gave exit code $rc, expected 2"; }
  [ ! -s bad.out ] || fail "$bad: paths printed: $(cat bad.out)"
  [ -z "$(ls bad 2>/dev/null)" ] || fail "$bad: files written: $(ls bad)"
  case $bad in
    missing.h5) grep -q "missing.h5: no such file" bad.err ;;
    text.h5) grep -q "text.h5: not an HDF5 file" bad.err ;;
    other.h5) grep -q "not an \`ionbath decompose\` results file" bad.err ;;
    noL.h5) grep -q "/decompose/input_1/Li lacks L$" bad.err ;;
    noEa.h5) grep -q "/decompose/arrhenius/Li/L_times_kT lacks Ea_meV" bad.err ;;
    window.h5) grep -q "window_ps\[1\] = 2.5 ps is none of the windows of /decompose/input_1" \
                 bad.err ;;
  esac || fail "$bad: unexpected message: $(cat bad.err)"
done
echo "plot_decompose test passed"
