#!/usr/bin/python3
"""Plot an ionbath sweep results file (ionbath sweep / ionbath merge).

Writes three PNG files into --out-dir (file names start with --prefix, default: the results
file's stem):
  <prefix>_msd.png        mean segment MSD per temperature with standard-error bands and the
                          through-origin fit lines MSD = 6 D t (seed 002 Figs. 6-7 style);
                          the fit window starts at [msd] fit_from_ps (solid), the dashed part
                          extends the line to t = 0
  <prefix>_arrhenius.png  ln D against 1/kT with error bars sigma_D / D and the weighted
                          Arrhenius fit ln D = ln D0 - Ea / kT (D0, Ea and 95 % intervals in
                          the legend)
  <prefix>_overview.png      both together: MSD curves with the Arrhenius plot as an inset (Fig. 7)

Usage: /usr/bin/python3 scripts/plot_sweep.py results.h5 [--out-dir DIR] [--prefix NAME]
Needs Debian's python3-matplotlib, python3-h5py and python3-numpy (use /usr/bin/python3).
Exit codes: 0 success, 1 failure, 2 unusable input.
"""
import argparse
import math
import os
import sys
import tomllib

import matplotlib

matplotlib.use("Agg")
import h5py  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


class InputError(Exception):
    pass


def read_results(path):
    """Everything the plots need, as plain Python/NumPy values."""
    if not os.path.isfile(path):
        raise InputError(f"{path}: no such file")
    try:
        f = h5py.File(path, "r")
    except OSError as err:
        raise InputError(f"{path}: not an HDF5 file ({err})") from err
    with f:
        if "sweep" not in f or "transport" not in f:
            raise InputError(f"{path}: no /sweep or /transport group (not a sweep results file)")
        config = {}
        if "parameters/config" in f:
            text = f["parameters/config"][()]
            text = text.decode() if isinstance(text, bytes) else str(text)
            try:
                config = tomllib.loads(text)
            except tomllib.TOMLDecodeError:
                config = {}
        fit_from = float(config.get("msd", {}).get("fit_from_ps", 0.0))
        temps = []
        for name, g in f["sweep"].items():
            if not name.startswith("T_"):
                continue
            temps.append({
                "index": int(g.attrs.get("temperature_index", int(name[2:]))),
                "kT": float(g.attrs["kT_meV"]),
                "T_K": float(g.attrs.get("T_K", math.nan)),
                "n_traj": int(g.attrs.get("n_trajectories", 0)),
                "lag": g["lag"][()].ravel(),
                "msd": g["msd_mean"][()].ravel(),
                "se": g["msd_stderr"][()].ravel(),
                "D": float(g["D"][()]),
                "sigma_D": float(g["sigma_D"][()]),
            })
        if not temps:
            raise InputError(f"{path}: /sweep holds no T_<i> groups")
        temps.sort(key=lambda t: t["kT"])
        arr = {"fitted": False}
        if "transport/arrhenius" in f:
            a = f["transport/arrhenius"]
            arr["fitted"] = bool(a.attrs.get("fitted", 0))
            if arr["fitted"]:
                arr.update(
                    D0=float(a["D0"][()]), Ea=float(a["Ea"][()]), ln_D0=float(a["ln_D0"][()]),
                    D0_low=float(a["ci95/D0_low"][()]), D0_high=float(a["ci95/D0_high"][()]),
                    Ea_hw=float(a["ci95/Ea_half_width"][()]))
    return temps, arr, fit_from


def num(v, sig=3):
    """v with `sig` significant digits, in plain notation unless very large or small."""
    if not math.isfinite(v) or v == 0:
        return f"{v:g}"
    mag = math.floor(math.log10(abs(v)))
    if -3 <= mag < 5:
        return f"{v:.{max(sig - 1 - mag, 0)}f}"
    return f"{v:.{sig - 1}e}"


def plural(n, word):
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def plot_msd(ax, temps, fit_from, legend=True):
    cmap = plt.get_cmap("plasma")
    n = len(temps)
    t_max = max(float(t["lag"][-1]) for t in temps)
    for i, t in enumerate(temps):
        colour = cmap(0.85 * i / max(n - 1, 1))
        lag, msd, se = t["lag"], t["msd"], t["se"]
        ax.fill_between(lag, msd - se, msd + se, color=colour, alpha=0.25, linewidth=0)
        label = f"{t['kT']:g} meV: D = {num(t['D'])} ± {num(t['sigma_D'], 2)} Å²/ps"
        ax.plot(lag, msd, color=colour, linewidth=1.2, label=label)
        # Through-origin fit MSD = 6 D t: solid over the fit window, dashed below it.
        lo = min(fit_from, lag[-1])
        ax.plot([0.0, lo], [0.0, 6.0 * t["D"] * lo], color=colour, linestyle=":", linewidth=1.0)
        ax.plot([lo, lag[-1]], [6.0 * t["D"] * lo, 6.0 * t["D"] * lag[-1]], color=colour,
                linestyle="--", linewidth=1.0)
    if fit_from > 0:
        ax.axvline(fit_from, color="0.6", linewidth=0.8, linestyle="-", zorder=0)
    ax.set_xlim(0.0, t_max)
    ax.set_ylim(bottom=0.0)
    ax.set_xlabel("lag time t (ps)")
    ax.set_ylabel("MSD (Å²)")
    if legend:
        ax.legend(title="kT (mean ± SE; dashed: 6 D t)", fontsize="small", title_fontsize="small",
                  loc="upper left", frameon=False)


def arrhenius_points(temps):
    x = np.array([1.0 / t["kT"] for t in temps])
    D = np.array([t["D"] for t in temps])
    sD = np.array([t["sigma_D"] for t in temps])
    ok = D > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.where(ok, np.log(np.where(ok, D, 1.0)), np.nan)
        ey = np.where(ok, sD / np.where(ok, D, 1.0), np.nan)
    return x[ok], y[ok], ey[ok], int((~ok).sum())


def plot_arrhenius(ax, temps, arr, small=False):
    x, y, ey, dropped = arrhenius_points(temps)
    ax.errorbar(x, y, yerr=ey, fmt="o", color="black", markersize=3 if small else 5, capsize=2,
                label="ln D ± σ_D/D")
    if arr["fitted"]:
        xs = np.linspace(min(x.min(), 1.0 / max(t["kT"] for t in temps)),
                         max(x.max(), 1.0 / min(t["kT"] for t in temps)), 50)
        pad = 0.05 * (xs[-1] - xs[0] if xs[-1] > xs[0] else 1.0)
        xs = np.linspace(xs[0] - pad, xs[-1] + pad, 50)
        label = (f"fit: D0 = {num(arr['D0'])} Å²/ps (95 %: {num(arr['D0_low'])} – "
                 f"{num(arr['D0_high'])})\n"
                 f"      Ea = {num(arr['Ea'])} ± {num(arr['Ea_hw'])} meV (95 %)")
        ax.plot(xs, arr["ln_D0"] - arr["Ea"] * xs, color="tab:red", linewidth=1.2, label=label)
    notes = []
    if not arr["fitted"]:
        notes.append("no Arrhenius fit (needs ≥ 3 temperatures with D > 0)")
    if dropped:
        notes.append(f"{plural(dropped, 'temperature')} with D ≤ 0 not shown")
    if notes and not small:
        ax.set_title("; ".join(notes), fontsize="small")
    ax.set_xlabel("1/kT (meV⁻¹)", fontsize="small" if small else None)
    ax.set_ylabel("ln (D / (Å²/ps))", fontsize="small" if small else None)
    if small:
        ax.tick_params(labelsize="x-small")
        if arr["fitted"]:
            ax.set_title(f"Ea = {num(arr['Ea'])} ± {num(arr['Ea_hw'])} meV, "
                         f"D0 = {num(arr['D0'])} Å²/ps", fontsize="x-small")
    else:
        top = ax.secondary_xaxis("top", functions=(lambda v: 1.0 / np.maximum(v, 1e-12),
                                                   lambda v: 1.0 / np.maximum(v, 1e-12)))
        top.set_xlabel("kT (meV)")
        ax.legend(fontsize="small", loc="best", frameon=False)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Plot MSD curves and the Arrhenius fit of an ionbath sweep results file.")
    parser.add_argument("results", help="results HDF5 file of ionbath sweep or ionbath merge")
    parser.add_argument("--out-dir", default=".", help="directory for the PNG files (default .)")
    parser.add_argument("--prefix", help="file name prefix (default: the results file's stem)")
    parser.add_argument("--dpi", type=int, default=150, help="resolution (default 150)")
    args = parser.parse_args(argv)
    try:
        temps, arr, fit_from = read_results(args.results)
    except InputError as err:
        print(f"plot_sweep.py: {err}", file=sys.stderr)
        return 2
    prefix = args.prefix or os.path.splitext(os.path.basename(args.results))[0]
    os.makedirs(args.out_dir, exist_ok=True)
    written = []

    fig, ax = plt.subplots(figsize=(7, 5), layout="constrained")
    plot_msd(ax, temps, fit_from)
    ax.set_title(f"Segment MSD: {plural(len(temps), 'temperature')}, "
                 f"{plural(temps[0]['n_traj'], 'trajectory').replace('ys', 'ies')} each")
    written.append(os.path.join(args.out_dir, f"{prefix}_msd.png"))
    fig.savefig(written[-1], dpi=args.dpi)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 4.5), layout="constrained")
    plot_arrhenius(ax, temps, arr)
    written.append(os.path.join(args.out_dir, f"{prefix}_arrhenius.png"))
    fig.savefig(written[-1], dpi=args.dpi)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 5), layout="constrained")
    plot_msd(ax, temps, fit_from, legend=False)
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles, [label.split(":")[0] for label in labels], title="kT",
              fontsize="small", title_fontsize="small", loc="lower right", frameon=False)
    # MSD grows to the upper right: the upper left is free for the Arrhenius inset.
    inset = ax.inset_axes([0.13, 0.57, 0.40, 0.36])
    plot_arrhenius(inset, temps, arr, small=True)
    written.append(os.path.join(args.out_dir, f"{prefix}_overview.png"))
    fig.savefig(written[-1], dpi=args.dpi)
    plt.close(fig)

    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
