#!/usr/bin/python3
"""Plot `ionbath decompose` results files: the mechanism decomposition of seed 000 (physics.md §8).

Every ion-window [t, t + Δt] carries one label, C concerted, M multi-cell, H single hop, B return,
R rattle (the modes of the /decompose modes attribute), and the Onsager coefficient splits exactly,
Σ_e L_e(Δt) = L(Δt). The inputs of every file given are drawn, one panel per (input, species), in
the order of the files and of /decompose/input_<k> (the PNG files are written into --out-dir;
names start with --prefix, default: the results file's stem for one file, "decompose" for several):
  <prefix>_contributions.png  per (input, species): on top L_e(Δt) of each mode as a line with a
                     band of ± sigma_L and the total L(Δt) in black with its band (log Δt axis,
                     linear L axis: L_e < 0 is allowed, typically for B); below it the fractions
                     L_e/L as stacked bars, one per window (positive parts stacked up from 0,
                     negative parts stacked down), the total 1 as a dashed line and Σ_e L_e/L of
                     the file as black dots on it (the sum rule); the fraction axis is cut at ±5
                     when L ≈ 0 makes the fractions blow up. Title: the input's trajectory (path
                     basename), species, k_BT, and its ions, hops and frames
  <prefix>_frequencies.png    per (input, species): on top the frequency f_e(Δt) (fraction of
                     ion-windows) of each mode with a band of ± sigma_frequency on log-log axes
                     (only f_e > 0 drawn); below it the normalized effectiveness
                     ε̂_e = (L_e/L)/f_e on a symmetric-log axis (linear within ±1), ε̂ = 1 (an
                     average ion-window) dashed
  <prefix>_arrhenius.png      only for files with /decompose/arrhenius (a temperature series of
                     ≥ 3 inputs): per (file, species) ln(L_e k_BT) against 1/k_BT for each mode
                     with L_e > 0, at the window of each input named by
                     /decompose/arrhenius/window_ps, error bars sigma_L/L_e; the stored fit
                     ln(L_e k_BT) = ln(prefactor) − Ea/k_BT as a line for the fitted modes with
                     Ea ± half width in the legend; the total L k_BT as open black squares (not
                     fitted); k_BT on the top axis. (The fits of D_tracer and rate are not drawn.)

Usage: /usr/bin/python3 scripts/plot_decompose.py FILE [FILE ...] [--out-dir DIR] [--prefix NAME]
                                                   [--dpi N]
  e.g. plot_decompose.py decompose.h5 --out-dir plots
Prints the paths of the PNG files written, one per line.
Needs Debian's python3-matplotlib, python3-h5py and python3-numpy (use /usr/bin/python3) and
scripts/plot_common.py next to this file.
Exit codes: 0 success, 1 failure, 2 unusable input (missing file, not HDF5, not an
`ionbath decompose` results file, incomplete or inconsistent groups); nothing is written then.
"""
import math
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import h5py  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
from plot_common import InputError, letter, make_parser, num, open_results, run, text  # noqa: E402

# Per species and input: [W × modes] and [W] datasets the figures need.
PER_MODE = ("L", "sigma_L", "L_fraction", "frequency", "sigma_frequency",
            "effectiveness_normalized")
PER_WINDOW = ("L_total", "sigma_L_total")
FIT = ("Ea_meV", "Ea_half_width_meV", "prefactor")
MODE_NAMES = {"C": "concerted", "M": "multi-cell", "H": "single hop", "B": "return",
              "R": "rattle"}
MODE_COLOURS = {"C": "tab:purple", "M": "tab:orange", "H": "tab:blue", "B": "tab:red",
                "R": "tab:gray"}
FRACTION_LIMIT = 5.0
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
PANEL_W, PANEL_H, MIN_W = 5.2, 5.8, 6.4   # inches


def strings(value):
    """An HDF5 string attribute (scalar or array, fixed or variable length) as a list of str."""
    return [text(v) for v in np.atleast_1d(np.asarray(value, dtype=object)).ravel()]


def unit_text(unit):
    """A unit attribute in readable form: "meV-1 A-1 ps-1" → "meV⁻¹ Å⁻¹ ps⁻¹"."""
    out = []
    for token in unit.split():
        m = re.fullmatch(r"([A-Za-z]+)(-?\d+)?", token)
        if not m:
            out.append(token)
            continue
        base = "Å" if m.group(1) == "A" else m.group(1)
        out.append(base + (m.group(2) or "").translate(SUPERSCRIPT))
    return " ".join(out) or "1"


def unit_of(node):
    return text(node.attrs.get("unit", ""))


def need(path, group, names, where):
    missing = [n for n in names if n not in group or not isinstance(group[n], h5py.Dataset)]
    if missing:
        raise InputError(f"{path}: /{where} lacks {', '.join(missing)}")


def dataset(path, group, name, shape, where):
    a = np.asarray(group[name][()], dtype=float)
    if a.shape != shape:
        want = " × ".join(str(n) for n in shape)
        have = " × ".join(str(n) for n in a.shape) or "a scalar"
        raise InputError(f"{path}: /{where}/{name} is {have}, expected {want}")
    return a


def attribute(path, group, name, where, kind):
    if name not in group.attrs:
        raise InputError(f"{path}: /{where} lacks the {name} attribute")
    value = group.attrs[name]
    try:
        if kind == "strings":
            return strings(value)
        if kind == "text":
            return text(value)
        return kind(np.asarray(value).reshape(-1)[0])
    except (TypeError, ValueError, IndexError) as err:
        raise InputError(f"{path}: /{where}: unusable {name} attribute ({err})") from err


def read_input(path, g, k, modes):
    """/decompose/input_<k>: attributes, windows (sorted) and the per-species datasets."""
    where = f"decompose/input_{k}"
    if f"input_{k}" not in g or not isinstance(g[f"input_{k}"], h5py.Group):
        raise InputError(f"{path}: /decompose lacks input_{k} "
                         f"(the inputs attribute says {int(g.attrs['inputs'])})")
    grp = g[f"input_{k}"]
    inp = {"index": k, "path": attribute(path, grp, "path", where, "text"),
           "kT": attribute(path, grp, "kT_meV", where, float),
           "species": attribute(path, grp, "species", where, "strings")}
    for name in ("ions", "hops", "frames"):
        inp[name] = int(np.asarray(grp.attrs[name]).reshape(-1)[0]) if name in grp.attrs else None
    if not inp["species"]:
        raise InputError(f"{path}: /{where} lists no species")
    if not (math.isfinite(inp["kT"]) and inp["kT"] > 0):
        raise InputError(f"{path}: /{where}: kT_meV = {inp['kT']} is not positive")
    need(path, grp, ("window_ps",), where)
    window = np.asarray(grp["window_ps"][()], dtype=float).ravel()
    if len(window) == 0 or not np.all(np.isfinite(window) & (window > 0)):
        raise InputError(f"{path}: /{where}/window_ps is empty or not positive")
    order = np.argsort(window, kind="stable")
    inp["window_ps"] = window[order]
    W, M = len(window), len(modes)
    inp["data"] = {}
    for s in inp["species"]:
        sw = f"{where}/{s}"
        if s not in grp or not isinstance(grp[s], h5py.Group):
            raise InputError(f"{path}: /{where} lacks the group of species {s!r}")
        sg = grp[s]
        need(path, sg, PER_MODE + PER_WINDOW, sw)
        d = {n: dataset(path, sg, n, (W, M), sw)[order] for n in PER_MODE}
        d.update({n: dataset(path, sg, n, (W,), sw)[order] for n in PER_WINDOW})
        d["L_unit"] = unit_text(unit_of(sg["L"]))
        inp["data"][s] = d
    return inp


def read_arrhenius(path, a, inputs, modes):
    """/decompose/arrhenius: the window index of each input and the L_times_kT fit per species."""
    where = "decompose/arrhenius"
    need(path, a, ("window_ps",), where)
    windows = np.asarray(a["window_ps"][()], dtype=float).ravel()
    if len(windows) != len(inputs):
        raise InputError(f"{path}: /{where}/window_ps has {len(windows)} entries for "
                         f"{len(inputs)} inputs")
    index = []
    for inp, w in zip(inputs, windows):
        hit = np.flatnonzero(np.isclose(inp["window_ps"], w, rtol=1e-9, atol=0))
        if len(hit) == 0:
            raise InputError(f"{path}: /{where}/window_ps[{inp['index']}] = {num(w, 6)} ps is "
                             f"none of the windows of /decompose/input_{inp['index']}")
        index.append(int(hit[0]))
    species = list(dict.fromkeys(s for inp in inputs for s in inp["species"]))
    fits = {}
    for s in species:
        sw = f"{where}/{s}/L_times_kT"
        fg = a.get(s)
        fg = fg.get("L_times_kT") if isinstance(fg, h5py.Group) else None
        if not isinstance(fg, h5py.Group):
            raise InputError(f"{path}: /{where} lacks {s}/L_times_kT")
        need(path, fg, FIT, sw)
        fit = {n: dataset(path, fg, n, (len(modes),), sw) for n in FIT}
        fit["unit"] = unit_text(unit_of(fg["prefactor"]))
        fits[s] = fit
    return {"window_ps": windows, "index": index, "fits": fits}


def read_results(path):
    """Everything the plots need from one results file, as plain Python/NumPy values."""
    with open_results(path) as f:
        g = f.get("decompose")
        if not isinstance(g, h5py.Group) or "modes" not in g.attrs or "inputs" not in g.attrs:
            raise InputError(f"{path}: no /decompose group with modes and inputs attributes "
                             "(not an `ionbath decompose` results file)")
        modes = attribute(path, g, "modes", "decompose", "strings")
        n_inputs = attribute(path, g, "inputs", "decompose", int)
        if not modes:
            raise InputError(f"{path}: /decompose lists no modes")
        if n_inputs < 1:
            raise InputError(f"{path}: /decompose has inputs = {n_inputs}")
        inputs = [read_input(path, g, k, modes) for k in range(n_inputs)]
        res = {"path": path, "name": os.path.splitext(os.path.basename(path))[0],
               "modes": modes, "inputs": inputs}
        if "arrhenius" in g:
            if not isinstance(g["arrhenius"], h5py.Group):
                raise InputError(f"{path}: /decompose/arrhenius is not a group")
            res["arrhenius"] = read_arrhenius(path, g["arrhenius"], inputs, modes)
    return res


# ---------------------------------------------------------------------------------------------

def mode_colour(mode, i):
    return MODE_COLOURS.get(mode, plt.get_cmap("tab10")(i % 10))


def mode_label(mode):
    return f"{mode} ({MODE_NAMES[mode]})" if mode in MODE_NAMES else mode


def all_modes(results):
    return list(dict.fromkeys(m for r in results for m in r["modes"]))


def panels_of(results):
    """(results file, input, species) of every panel, in file, input and species order."""
    return [(res, inp, s) for res in results for inp in res["inputs"] for s in inp["species"]]


def legend_columns(n_panels, n_handles):
    """(columns, height in inches) of the legend strip above the panels."""
    ncol = min(n_handles, 3 if n_panels == 1 else 8)
    return ncol, 0.25 * math.ceil(n_handles / ncol) + 0.15


def grid(n, rows_per_panel, height_ratios, panel_h, legend_h):
    """A figure with a legend strip on top and n panels (3 per row), each `rows_per_panel` axes
    stacked with a shared Δt axis; returns (figure, legend axes, [[axes of a panel], ...])."""
    ncol = min(n, 3)
    nrow = math.ceil(n / ncol)
    fig = plt.figure(figsize=(max(PANEL_W * ncol, MIN_W), panel_h * nrow + legend_h + 0.6),
                     layout="constrained")
    ratios = [legend_h] + list(height_ratios) * nrow
    gs = fig.add_gridspec(1 + rows_per_panel * nrow, ncol, height_ratios=ratios)
    legend_ax = fig.add_subplot(gs[0, :])
    legend_ax.axis("off")
    panels = []
    for i in range(n):
        r, c = divmod(i, ncol)
        first = fig.add_subplot(gs[1 + rows_per_panel * r, c])
        axes = [first] + [fig.add_subplot(gs[1 + rows_per_panel * r + j, c], sharex=first)
                          for j in range(1, rows_per_panel)]
        for ax in axes[:-1]:
            ax.tick_params(labelbottom=False)
        panels.append(axes)
    return fig, legend_ax, panels


def panel_title(i, res, inp, s, several):
    line1 = (f"({letter(i)}) {os.path.basename(inp['path']) or '?'}: {s}, "
             f"kT = {num(inp['kT'])} meV")
    facts = [f"{inp[n]} {n}" for n in ("ions", "hops", "frames") if inp[n] is not None]
    where = f"{res['name']}, input {inp['index']}" if several else f"input {inp['index']}"
    return line1 + "\n" + where + (": " + ", ".join(facts) if facts else "")


def log_bars(x):
    """Left edges and widths of bars centred (in log Δt) on the windows x, with small gaps."""
    lx = np.log(x)
    if len(x) == 1:
        edges = np.array([lx[0] - 0.35, lx[0] + 0.35])
    else:
        mid = (lx[:-1] + lx[1:]) / 2
        edges = np.concatenate([[2 * lx[0] - mid[0]], mid, [2 * lx[-1] - mid[-1]]])
    gap = 0.08 * np.diff(edges)
    lo, hi = np.exp(edges[:-1] + gap), np.exp(edges[1:] - gap)
    return lo, hi - lo


def band(ax, x, y, s, colour, alpha=0.18, floor=None):
    ok = np.isfinite(y) & np.isfinite(s)
    if floor is not None:
        ok &= y > 0
    if ok.sum() < 1:
        return
    lo, hi = y[ok] - np.abs(s[ok]), y[ok] + np.abs(s[ok])
    if floor is not None:
        lo = np.maximum(lo, y[ok] * floor)
    ax.fill_between(x[ok], lo, hi, color=colour, alpha=alpha, linewidth=0)


def draw_contribution(axes, res, inp, s):
    top, bottom = axes
    d, x, modes = inp["data"][s], inp["window_ps"], res["modes"]
    marker = "o" if len(x) <= 40 else None
    for e, m in enumerate(modes):
        c = mode_colour(m, e)
        y = d["L"][:, e]
        ok = np.isfinite(y)
        band(top, x, y, d["sigma_L"][:, e], c)
        top.plot(x[ok], y[ok], "-", color=c, marker=marker, markersize=3, linewidth=1.3)
    band(top, x, d["L_total"], d["sigma_L_total"], "k", alpha=0.12)
    ok = np.isfinite(d["L_total"])
    top.plot(x[ok], d["L_total"][ok], "-", color="k", linewidth=2.0, zorder=4)
    top.axhline(0.0, color="0.6", linewidth=0.7, zorder=0)
    top.set_xscale("log")
    top.ticklabel_format(axis="y", style="sci", scilimits=(-3, 4))
    top.set_ylabel(f"$L_e$ ({d['L_unit']})")

    left, width = log_bars(x)
    up, down = np.zeros(len(x)), np.zeros(len(x))
    for e, m in enumerate(modes):
        fr = np.nan_to_num(d["L_fraction"][:, e], nan=0.0, posinf=0.0, neginf=0.0)
        pos, neg = np.clip(fr, 0, None), np.clip(fr, None, 0)
        for part, base in ((pos, up), (neg, down)):
            if np.any(part != 0):
                bottom.bar(left, part, width, bottom=base, align="edge", color=mode_colour(m, e),
                           edgecolor="white", linewidth=0.3)
        up, down = up + pos, down + neg
    total = np.nansum(d["L_fraction"], axis=1)
    bottom.plot(x, total, ".", color="k", markersize=5, zorder=5)
    bottom.axhline(1.0, color="k", linestyle="--", linewidth=1.0, zorder=4)
    bottom.axhline(0.0, color="k", linewidth=0.6, zorder=4)
    lo = max(min(float(down.min()), 0.0) * 1.08 - 0.05, -FRACTION_LIMIT)
    hi = min(max(float(up.max()), 1.0) * 1.08, FRACTION_LIMIT)
    bottom.set_ylim(lo, hi)
    bottom.set_xscale("log")
    bottom.set_xlim(left[0] / 1.15, (left[-1] + width[-1]) * 1.15)
    bottom.set_ylabel("$L_e/L$")
    bottom.set_xlabel("Δt (ps)")


def draw_frequency(axes, res, inp, s):
    top, bottom = axes
    d, x, modes = inp["data"][s], inp["window_ps"], res["modes"]
    marker = "o" if len(x) <= 40 else None
    for e, m in enumerate(modes):
        c = mode_colour(m, e)
        f = d["frequency"][:, e]
        ok = np.isfinite(f) & (f > 0)
        band(top, x, f, d["sigma_frequency"][:, e], c, floor=1e-2)
        top.plot(x[ok], f[ok], "-", color=c, marker=marker, markersize=3, linewidth=1.3)
        eps = d["effectiveness_normalized"][:, e]
        ok = np.isfinite(eps)
        bottom.plot(x[ok], eps[ok], "-", color=c, marker=marker, markersize=3, linewidth=1.3)
    top.set_xscale("log")
    if any(np.any(np.isfinite(d["frequency"][:, e]) & (d["frequency"][:, e] > 0))
           for e in range(len(modes))):
        top.set_yscale("log")
    top.set_ylabel("$f_e$ (fraction of ion-windows)")
    bottom.axhline(1.0, color="k", linestyle="--", linewidth=1.0)
    bottom.axhline(0.0, color="0.6", linewidth=0.7, zorder=0)
    bottom.set_yscale("symlog", linthresh=1.0)
    bottom.set_xscale("log")
    bottom.set_ylabel(r"$\hat\epsilon_e = (L_e/L)/f_e$")
    bottom.set_xlabel("Δt (ps)")


def mode_handles(modes, kind):
    if kind == "patch":
        return [Patch(color=mode_colour(m, e), label=mode_label(m)) for e, m in enumerate(modes)]
    return [Line2D([], [], color=mode_colour(m, e), linewidth=2, label=mode_label(m))
            for e, m in enumerate(modes)]


def plot_panels(results, path, dpi, draw_one, handles, title):
    panels = panels_of(results)
    several = len(results) > 1
    ncol, legend_h = legend_columns(len(panels), len(handles))
    fig, legend_ax, axes = grid(len(panels), 2, (3.0, 2.0), PANEL_H, legend_h)
    for i, ((res, inp, s), ax) in enumerate(zip(panels, axes)):
        draw_one(ax, res, inp, s)
        ax[0].set_title(panel_title(i, res, inp, s, several), fontsize="medium")
    legend_ax.legend(handles=handles, loc="center", ncol=ncol, fontsize="small", frameon=False)
    fig.suptitle(title)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def plot_contributions(results, path, dpi):
    modes = all_modes(results)
    handles = mode_handles(modes, "line") + [
        Line2D([], [], color="k", linewidth=2.0, label="total L (bands: ± σ)"),
        Line2D([], [], color="k", marker=".", linestyle="none", markersize=6,
               label=r"$\Sigma_e L_e/L$"),
        Line2D([], [], color="k", linestyle="--", linewidth=1.0, label="$L/L = 1$")]
    plot_panels(results, path, dpi, draw_contribution, handles,
                "Onsager coefficient split into modes (seed 000, physics.md §8.4)\n"
                r"$\Sigma_e L_e(\Delta t) = L(\Delta t)$")


def plot_frequencies(results, path, dpi):
    modes = all_modes(results)
    handles = mode_handles(modes, "line") + [
        Line2D([], [], color="k", linestyle="--", linewidth=1.0,
               label=r"$\hat\epsilon = 1$ (average ion-window)")]
    plot_panels(results, path, dpi, draw_frequency, handles,
                "Frequency and normalized effectiveness of each mode\n"
                "(seed 000, physics.md §8.5; bands: ± σ)")


def plot_arrhenius(results, path, dpi):
    panels = [(res, s) for res in results if "arrhenius" in res
              for s in res["arrhenius"]["fits"]]
    several = len(results) > 1
    ncol = min(len(panels), 3)
    nrow = math.ceil(len(panels) / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(6.0 * ncol, 5.2 * nrow), squeeze=False,
                             layout="constrained")
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    for i, (res, s) in enumerate(panels):
        ax = axes.flat[i]
        arr = res["arrhenius"]
        fit = arr["fits"][s]
        inputs = res["inputs"]
        have = [s in inp["data"] for inp in inputs]
        kT = np.array([inp["kT"] for inp, h in zip(inputs, have) if h])
        idx = [w for w, h in zip(arr["index"], have) if h]
        data = [inp["data"][s] for inp, h in zip(inputs, have) if h]
        x = 1.0 / kT
        span = (x.max() - x.min()) or x.max() * 0.1
        xx = np.linspace(x.min() - 0.06 * span, x.max() + 0.06 * span, 50)
        handles = []
        for e, m in enumerate(res["modes"]):
            c = mode_colour(m, e)
            y = np.array([d["L"][w, e] for d, w in zip(data, idx)]) * kT
            sy = np.array([d["sigma_L"][w, e] for d, w in zip(data, idx)]) * kT
            ok = np.isfinite(y) & (y > 0)
            if ok.any():
                err = np.where(np.isfinite(sy[ok]), np.abs(sy[ok]) / y[ok], 0.0)
                ax.errorbar(x[ok], np.log(y[ok]), yerr=err, fmt="o", color=c, markersize=5,
                            capsize=3, linewidth=1.0)
            Ea, hw, pre = (float(fit[n][e]) for n in FIT)
            if math.isfinite(Ea) and math.isfinite(pre) and pre > 0:
                ax.plot(xx, math.log(pre) - Ea * xx, "-", color=c, linewidth=1.3)
                half = f" ± {num(hw)}" if math.isfinite(hw) else ""
                label = f"{m}: $E_a$ = {num(Ea)}{half} meV"
            elif ok.any():
                label = f"{m}: not fitted"
            else:
                label = f"{m}: $L_e$ ≤ 0, not drawn"
            if ok.any():
                handles.append(Line2D([], [], color=c, marker="o", label=label,
                                      linewidth=1.3 if math.isfinite(Ea) else 0))
            else:
                handles.append(Patch(color=c, alpha=0.4, label=label))
        y = np.array([d["L_total"][w] for d, w in zip(data, idx)]) * kT
        sy = np.array([d["sigma_L_total"][w] for d, w in zip(data, idx)]) * kT
        ok = np.isfinite(y) & (y > 0)
        if ok.any():
            err = np.where(np.isfinite(sy[ok]), np.abs(sy[ok]) / y[ok], 0.0)
            ax.errorbar(x[ok], np.log(y[ok]), yerr=err, fmt="s", color="k", mfc="none",
                        markersize=6, capsize=3, linewidth=1.0)
            handles.append(Line2D([], [], color="k", marker="s", mfc="none", linestyle="none",
                                  label="total L (not fitted)"))
        ax.set_xlabel("1/kT (meV⁻¹)")
        unit = fit["unit"] if fit["unit"] != "1" else "Å⁻¹ ps⁻¹"
        ax.set_ylabel(f"ln($L_e$ kT / {unit})")
        ax.set_xlim(xx[0], xx[-1])
        top = ax.secondary_xaxis("top", functions=(lambda v: 1.0 / np.maximum(v, 1e-300),
                                                   lambda v: 1.0 / np.maximum(v, 1e-300)))
        top.set_xlabel("kT (meV)")
        windows = ", ".join(dict.fromkeys(num(w) for w, h in zip(arr["window_ps"], have) if h))
        ax.set_title(f"({letter(i)}) {s}" + (f", {res['name']}" if several else "")
                     + f": Δt = {windows} ps, {len(kT)} temperatures", fontsize="medium")
        ax.legend(handles=handles, fontsize="small", loc="best", framealpha=0.85)
    fig.suptitle("Activation energy per mode (seed 000, physics.md §8.5)\n"
                 r"$\ln(L_e k_BT) = \ln A - E_a/k_BT$ at a fixed Δt")
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def draw(results, out_dir, prefix, dpi):
    written = []
    figures = (("contributions", plot_contributions, True),
               ("frequencies", plot_frequencies, True),
               ("arrhenius", plot_arrhenius, any("arrhenius" in r for r in results)))
    for name, plot, wanted in figures:
        if not wanted:
            continue
        path = os.path.join(out_dir, f"{prefix}_{name}.png")
        plot(results, path, dpi)
        written.append(path)
    return written


def main(argv=None):
    parser = make_parser(
        "Plot `ionbath decompose` results files: the mode decomposition of seed 000 "
        "(contributions L_e(Δt), frequencies and effectiveness, per-mode Arrhenius fits).",
        "decompose")
    return run(argv, parser, "plot_decompose.py", "decompose", read_results, draw)


if __name__ == "__main__":
    sys.exit(main())
