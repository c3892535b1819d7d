#!/usr/bin/python3
"""Plot `ionbath loss` results files as the figures of seed 001 (physics.md §6.5).

The figure is chosen from each file's /loss geometry attribute; files of the same kind go into
one figure (the PNG files are written into --out-dir; names start with --prefix, default: the
results file's stem for one file, "loss" for several):
  <prefix>_fig2.png  geometry "chain" (Fig. 2): σ̇0Δ/Φ0² against σ̇0 on linear axes, one panel
                     per (file, offset s) – rows: files (e.g. confinement ν = 1 and ν = 0),
                     columns: offsets; per λ the analytic Eq. 14 as a line (on the 10× denser
                     speed grid of /loss/analytic_dense), the zone integral Eq. 13 as open squares and the simulated
                     pass as filled circles (echo-contaminated passes as crosses)
  <prefix>_fig4.png  geometry "single" (Fig. 4) and
  <prefix>_fig5.png  geometries "square", "cube" (Fig. 5): Δ/(σ̇0Φ0²) on a log axis against σ̇0,
                     one panel per (file, offset); per λ the simulated pass (filled circles;
                     echo-contaminated passes as crosses), Eq. 13 (line with open squares) and the
                     speed-independent low-speed constant of Eq. 23 as a dashed horizontal line
  <prefix>_fig6.png  geometry "line8" (Fig. 6): the trapped particle's σz(τ) and σ̇z(τ), full
                     lattice and time-local Eq. 26 overlaid, with the decay envelopes (speed at
                     each crossing of the trap centre) as markers; one column per file
Reflected passes are left out of the loss plots (their number is given in the panel title).

Usage: /usr/bin/python3 scripts/plot_loss.py FILE [FILE ...] [--out-dir DIR] [--prefix NAME]
                                              [--dpi N]
  e.g. plot_loss.py fig2-confined.h5 fig2-unconfined.h5 fig4.h5 --out-dir plots --prefix seed001
Prints the paths of the PNG files written, one per line.
Needs Debian's python3-matplotlib, python3-h5py and python3-numpy (use /usr/bin/python3) and
scripts/plot_common.py next to this file (the helpers shared with plot_chain.py).
Exit codes: 0 success, 1 failure, 2 unusable input (missing file, not HDF5, not an
`ionbath loss` results file, unknown geometry).
"""
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import h5py  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
from plot_common import (InputError, letter, make_parser, num, open_results,  # noqa: E402
                         pretty_unit, run, stored_config, text)

FIGURE_OF = {"chain": "fig2", "single": "fig4", "square": "fig5", "cube": "fig5",
             "line8": "fig6"}
TABLE_COLUMNS = ("lambda", "offset", "speed", "loss_analytic", "loss_zone", "loss_low_speed",
                 "loss_simulated", "echo_contaminated", "reflected")
TRACE_COLUMNS = ("time", "z", "velocity", "envelope_time", "envelope_speed")


def read_results(path):
    """Everything the plots need from one results file, as plain Python/NumPy values."""
    with open_results(path) as f:
        if "loss" not in f or not isinstance(f["loss"], h5py.Group) \
                or "geometry" not in f["loss"].attrs:
            raise InputError(f"{path}: no /loss group with a geometry attribute "
                             "(not an `ionbath loss` results file)")
        attrs = f["loss"].attrs
        geometry = text(attrs["geometry"])
        if geometry not in FIGURE_OF:
            raise InputError(f"{path}: unknown /loss geometry {geometry!r} "
                             f"(expected one of {', '.join(FIGURE_OF)})")
        res = {
            "path": path, "name": os.path.splitext(os.path.basename(path))[0],
            "geometry": geometry, "figure": FIGURE_OF[geometry],
            "unit_system": text(attrs.get("unit_system", "")),
            "energy_unit": text(attrs.get("energy_unit", "")),
            "Phi0": float(attrs.get("Phi0", math.nan)),
            "lattice": [int(n) for n in np.ravel(attrs.get("lattice", []))],
            "dt": float(attrs.get("dt", math.nan)),
            "softening": float(attrs.get("softening_factor", math.nan)),
            "trap_lambda": float(attrs.get("lambda", math.nan)),
        }
        if not math.isfinite(res["Phi0"]) or res["Phi0"] == 0:
            raise InputError(f"{path}: /loss has no usable Phi0 attribute")
        res["config"] = stored_config(f)
        if geometry == "line8":
            res["traces"] = {}
            for kind in ("full", "time_local"):
                name = f"trap/{kind}"
                if name not in f or any(c not in f[name] for c in TRACE_COLUMNS):
                    raise InputError(f"{path}: geometry line8 but no complete /{name} group "
                                     f"({', '.join(TRACE_COLUMNS)})")
                res["traces"][kind] = {c: np.asarray(f[name][c][()], dtype=float).ravel()
                                       for c in TRACE_COLUMNS}
            g = f["trap/full"]
            res["units"] = {c: pretty_unit(text(g[c].attrs.get("unit", "")))
                            for c in ("time", "z", "velocity")}
        else:
            if "loss/table" not in f or any(c not in f["loss/table"] for c in TABLE_COLUMNS):
                raise InputError(f"{path}: no complete /loss/table "
                                 f"(needs {', '.join(TABLE_COLUMNS)})")
            t = f["loss/table"]
            table = {c: np.asarray(t[c][()], dtype=float).ravel() for c in TABLE_COLUMNS}
            if len({len(v) for v in table.values()}) != 1 or len(table["speed"]) == 0:
                raise InputError(f"{path}: the /loss/table columns are empty or differ in length")
            res["table"] = table
            if "loss/analytic_dense" in f:
                d = f["loss/analytic_dense"]
                res["dense"] = {c: np.asarray(d[c][()], dtype=float).ravel()
                                for c in ("lambda", "offset", "speed", "loss_analytic")}
            res["units"] = {c: pretty_unit(text(t[c].attrs.get("unit", "")))
                            for c in ("speed", "offset", "lambda", "loss_zone")}
    return res


def chain_parameters(res):
    """(κ, k∥, k⊥) of a chain from the stored configuration, or None."""
    lat = res["config"].get("lattice", {})
    try:
        return (float(lat.get("confinement", 0.0)), float(lat["k_parallel"]),
                float(lat["k_perp"]))
    except (KeyError, TypeError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------

def lambda_keys(results):
    """The distinct (λ, length unit) pairs of the loss tables, sorted."""
    return sorted({(lam, r["units"]["lambda"]) for r in results
                   for lam in r["table"]["lambda"].tolist()})


def lambda_colours(lambdas):
    cmap = plt.get_cmap("viridis")
    n = len(lambdas)
    return {lam: cmap(0.85 * i / max(n - 1, 1)) for i, lam in enumerate(lambdas)}


def rows_for(table, lam, s):
    """Indices of the rows with this λ and offset (reflected passes dropped), sorted by speed."""
    sel = (table["lambda"] == lam) & (table["offset"] == s)
    idx = np.flatnonzero(sel)
    idx = idx[np.argsort(table["speed"][idx], kind="stable")]
    return idx[table["reflected"][idx] == 0], int((table["reflected"][idx] != 0).sum())


def speed_label(res):
    u = res["units"]["speed"]
    return rf"$\dot\sigma_0$ ({u})" if res["unit_system"] == "seed001" else rf"$v_0$ ({u})"


def confinement_text(res):
    params = chain_parameters(res)
    if params is None:
        return ""
    kappa = params[0]
    if res["unit_system"] == "seed001":
        nu = math.sqrt(max(kappa, 0.0))
        return f"ν = {num(nu)} ({'confined' if kappa > 0 else 'unconfined'})"
    return f"κ = {num(kappa)} ({'confined' if kappa > 0 else 'unconfined'})"


def panel_title(label, res, s, extra, n_reflected):
    parts = [f"({label}) {res['geometry']}: s = {num(s)} {res['units']['offset']}"]
    if extra:
        parts.append(extra)
    title = ", ".join(parts)
    if n_reflected:
        title += f"\n{n_reflected} reflected pass{'es' if n_reflected > 1 else ''} not shown"
    return title


def plot_fig2(results, path, dpi):
    offsets = [sorted(set(r["table"]["offset"].tolist())) for r in results]
    ncol = max(len(o) for o in offsets)
    fig, axes = plt.subplots(len(results), ncol, figsize=(5.2 * ncol, 4.2 * len(results)),
                             squeeze=False, layout="constrained")
    all_l = lambda_keys(results)
    colours = lambda_colours(all_l)
    for row, res in enumerate(results):
        t, phi2 = res["table"], res["Phi0"] ** 2
        for col in range(ncol):
            ax = axes[row, col]
            if col >= len(offsets[row]):
                ax.set_visible(False)
                continue
            s = offsets[row][col]
            n_refl = 0
            for lam in sorted(set(t["lambda"].tolist())):
                idx, nr = rows_for(t, lam, s)
                n_refl += nr
                v, c = t["speed"][idx], colours[(lam, res["units"]["lambda"])]
                ana, zone, sim = (t[k][idx] for k in ("loss_analytic", "loss_zone",
                                                      "loss_simulated"))
                dense = res.get("dense")
                if dense is not None:  # Eq. 14 on the 10× denser grid ionbath writes
                    m = (dense["lambda"] == lam) & (dense["offset"] == s)
                    vd, yd = dense["speed"][m], dense["speed"][m] * dense["loss_analytic"][m] / phi2
                else:
                    fin = np.isfinite(ana)
                    vd, yd = v[fin], v[fin] * ana[fin] / phi2
                if len(vd):
                    ax.plot(vd, yd, "-", color=c, linewidth=1.3, zorder=2)
                fin = np.isfinite(zone)
                ax.plot(v[fin], v[fin] * zone[fin] / phi2, "s", color=c, mfc="none",
                        markersize=7, markeredgewidth=1.1, zorder=3)
                plot_simulated(ax, v, sim, t["echo_contaminated"][idx], v / phi2, c, 4.5)
            extra = confinement_text(res)
            ax.set_title(panel_title(letter(row * ncol + col), res, s, extra, n_refl),
                         fontsize="medium")
            ax.set_xlabel(speed_label(res))
            sym = r"\dot\sigma_0" if res["unit_system"] == "seed001" else "v_0"
            ax.set_ylabel(rf"${sym}\Delta/\Phi_0^2$ (({res['units']['speed']}) / "
                          f"{res['units']['loss_zone']})")
            ax.set_xlim(left=0.0)
            ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]))
            ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 4))
    styles = [(ls, marker, label) for key, ls, marker, label in (
        ("loss_analytic", "-", None, "Eq. 14 (analytic)"),
        ("loss_zone", "", "s", "Eq. 13 (zone integral)"),
        ("loss_simulated", "", "o", "simulation"))
        if any(np.isfinite(r["table"][key]).any() for r in results)]
    legend_lambdas(axes[0, 0], all_l, colours, styles + echo_handle(results))
    springs = ";".join(dict.fromkeys(chain_text(r) for r in results))
    phis = ", ".join(dict.fromkeys(f"{num(r['Phi0'])} {r['units']['loss_zone']}"
                                   for r in results))
    fig.suptitle(f"Dissipation in 1D (seed 001 Fig. 2): chain{springs}, "
                 + r"$\Phi_0$" + f" = {phis}")
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def chain_text(res):
    params = chain_parameters(res)
    if params is None:
        return ""
    _, kp, kt = params
    return f" k∥ = {num(kp, 4)}, k⊥ = {num(kt, 4)}" if kp != kt else f" k∥ = k⊥ = {num(kp, 4)}"


def plot_simulated(ax, v, sim, echo, scale, colour, size):
    """Simulated losses times `scale`: filled circles, echo-contaminated passes as crosses."""
    fin = np.isfinite(sim)
    clean, dirty = fin & (echo == 0), fin & (echo != 0)
    y = sim * scale
    if ax.get_yscale() == "log":
        clean &= y > 0
        dirty &= y > 0
    ax.plot(v[clean], y[clean], "o", color=colour, markersize=size, zorder=4)
    ax.plot(v[dirty], y[dirty], "x", color=colour, markersize=size + 2, markeredgewidth=1.5,
            zorder=4)


def echo_handle(results):
    t = [r["table"] for r in results]
    if any(np.any((x["echo_contaminated"] != 0) & np.isfinite(x["loss_simulated"])) for x in t):
        return [("", "x", "simulation, echo-contaminated")]
    return []


def legend_lambdas(ax, lambdas, colours, styles):
    """One legend in the upper part of `ax`: the colour of each λ, then the marker/line of each
    method; the y range is extended so that the legend sits above the data."""
    handles = [Line2D([], [], color=colours[key], linewidth=3, label=f"λ = {num(key[0])} {key[1]}")
               for key in lambdas]
    for ls, marker, label in styles:
        handles.append(Line2D([], [], color="0.2", linestyle=ls or "none", marker=marker,
                              mfc="none" if marker == "s" else "0.2",
                              linewidth=1.3 if ls else 0, label=label))
    rows = max(len(lambdas), len(styles))
    lo, hi = ax.get_ylim()
    frac = min(0.08 * rows + 0.06, 0.6)   # fraction of the axes height the legend needs
    if ax.get_yscale() == "log":
        span = math.log10(hi / lo)
        ax.set_ylim(lo, hi * 10 ** (span * frac / (1 - frac)))
    else:
        ax.set_ylim(lo, hi + (hi - lo) * frac / (1 - frac))
    # λ entries in the left column, methods in the right one (legend fills column-wise).
    left = handles[:len(lambdas)]
    right = handles[len(lambdas):]
    n = max(len(left), len(right))
    blank = Line2D([], [], linestyle="none", label=" ")
    left += [blank] * (n - len(left))
    right += [blank] * (n - len(right))
    ax.legend(handles=left + right, ncol=2, fontsize="small", loc="upper left", frameon=False,
              columnspacing=1.2, handlelength=2.2)


def plot_fig45(results, path, dpi, figname):
    panels = []
    for res in results:
        for s in sorted(set(res["table"]["offset"].tolist())):
            panels.append((res, s))
    if all(len(set(r["table"]["offset"].tolist())) == 1 for r in results):
        nrow, ncol = 1, len(panels)
    else:
        nrow, ncol = len(results), max(len(set(r["table"]["offset"].tolist())) for r in results)
    fig, axes = plt.subplots(nrow, ncol, figsize=(5.4 * ncol, 4.4 * nrow), squeeze=False,
                             layout="constrained")
    for ax in axes.flat:
        ax.set_visible(False)
    all_l = lambda_keys(results)
    colours = lambda_colours(all_l)
    have = {"zone": False, "low": False, "sim": False}
    for k, (res, s) in enumerate(panels):
        if nrow == 1:
            slot = k
        else:
            r_i = results.index(res)
            offs = sorted(set(res["table"]["offset"].tolist()))
            slot = r_i * ncol + offs.index(s)
        ax = axes.flat[slot]
        ax.set_visible(True)
        ax.set_yscale("log")
        t, phi2 = res["table"], res["Phi0"] ** 2
        n_refl = 0
        vmin, vmax = float(np.nanmin(t["speed"])), float(np.nanmax(t["speed"]))
        for lam in sorted(set(t["lambda"].tolist())):
            idx, nr = rows_for(t, lam, s)
            n_refl += nr
            v, c = t["speed"][idx], colours[(lam, res["units"]["lambda"])]
            scale = 1.0 / (v * phi2)
            zone, low, sim = (t[key][idx] for key in ("loss_zone", "loss_low_speed",
                                                      "loss_simulated"))
            y = zone * scale
            fin = np.isfinite(y) & (y > 0)
            if fin.any():
                have["zone"] = True
                ax.plot(v[fin], y[fin], "-s", color=c, mfc="none", markersize=5, linewidth=1.2,
                        zorder=3)
            y = low * scale
            fin = np.isfinite(y) & (y > 0)
            if fin.any():
                have["low"] = True
                ax.axhline(float(np.median(y[fin])), color=c, linestyle="--", linewidth=1.2,
                           zorder=2)
            if np.isfinite(sim).any():
                have["sim"] = True
            plot_simulated(ax, v, sim, t["echo_contaminated"][idx], scale, c, 5)
        ax.set_xlim(0.0, vmax * 1.04 if vmax > 0 else 1.0)
        if vmin < 0:
            ax.set_xlim(left=vmin)
        lo, hi = ax.get_ylim()
        if lo > 0 and hi > lo:   # whole decades, as in the paper's panels
            ax.set_ylim(10 ** math.floor(math.log10(lo) + 1e-9),
                        10 ** math.ceil(math.log10(hi) - 1e-9))
        simulated = np.isfinite(t["loss_simulated"]).any()
        extra = (f"{'×'.join(str(n) for n in res['lattice'])} lattice"
                 if res["lattice"] and simulated else "")
        ax.set_title(panel_title(letter(slot), res, s, extra, n_refl),
                     fontsize="medium")
        ax.set_xlabel(speed_label(res))
        u_v, u_e = res["units"]["speed"], res["units"]["loss_zone"]
        sym = r"\dot\sigma_0" if res["unit_system"] == "seed001" else "v_0"
        ax.set_ylabel(rf"$\Delta/({sym}\Phi_0^2)$ (1/({u_v} · {u_e}))")
    styles = []
    if have["sim"]:
        styles.append(("", "o", "simulation"))
    if have["zone"]:
        styles.append(("-", "s", "Eq. 13 (zone integral)"))
    if have["low"]:
        styles.append(("--", None, "Eq. 23 (low speed)"))
    styles += echo_handle(results)
    legend_lambdas(axes.flat[0], all_l, colours, styles)
    geoms = sorted({r["geometry"] for r in results}, key=["single", "square", "cube"].index)
    what = {"fig4": "Dissipation in 3D with a single interaction (seed 001 Fig. 4)",
            "fig5": "Dissipation in 3D with multiple interactions (seed 001 Fig. 5)"}[figname]
    phis = sorted({(r["Phi0"], r["units"]["loss_zone"]) for r in results})
    fig.suptitle(f"{what}: {', '.join(geoms)}, " + r"$\Phi_0$" + " = "
                 + ", ".join(f"{num(p)} {u}" for p, u in phis))
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def plot_fig6(results, path, dpi):
    fig, axes = plt.subplots(2, len(results), figsize=(8.5 * len(results), 7), squeeze=False,
                             sharex="col", layout="constrained")
    styles = {"full": ("k", "-", "o", "full lattice (Eqs. 3–4)"),
              "time_local": ("tab:red", "--", "s", "time-local (Eq. 26)")}
    for col, res in enumerate(results):
        a, b = axes[0, col], axes[1, col]
        seed = res["unit_system"] == "seed001"
        handles = []
        for kind, (c, ls, marker, label) in styles.items():
            tr = res["traces"][kind]
            line, = a.plot(tr["time"], tr["z"], color=c, linestyle=ls, linewidth=1.1,
                           label=label)
            b.plot(tr["time"], tr["velocity"], color=c, linestyle=ls, linewidth=1.0)
            # The envelope holds |velocity| at each pass through the trap centre: draw it with
            # the sign of the trace there, on the extrema of the velocity curve.
            te, ve = tr["envelope_time"], np.abs(tr["envelope_speed"])
            sign = np.sign(np.interp(te, tr["time"], tr["velocity"])) if len(tr["time"]) else 1.0
            sign = np.where(sign == 0, 1.0, sign)
            dots, = b.plot(te, sign * ve, marker, color=c, mfc=c if kind == "full" else "none",
                           markersize=5.5, markeredgewidth=1.2, linestyle="none",
                           label=f"decay envelope, {label.split(' (')[0]}")
            handles += [line, dots]
        u = res["units"]
        a.set_ylabel(rf"$\sigma_z$ ({u['z']})" if seed else f"z ({u['z']})")
        b.set_ylabel(rf"$\dot\sigma_z$ ({u['velocity']})" if seed else
                     rf"$\dot z$ ({u['velocity']})")
        b.set_xlabel(rf"$\tau$ ({u['time']})" if seed else f"t ({u['time']})")
        b.axhline(0.0, color="0.7", linewidth=0.6, zorder=0)
        lo, hi = a.get_ylim()
        a.set_ylim(lo, hi + 0.3 * (hi - lo))
        a.legend(handles=[handles[0], handles[2], handles[1], handles[3]], ncol=2,
                 fontsize="small", loc="upper center", frameon=False)
        soft = (f", softening factor {num(res['softening'])}"
                if math.isfinite(res["softening"]) else "")
        lat = "×".join(str(n) for n in res["lattice"])
        energy = pretty_unit(res["energy_unit"])
        a.set_title(f"{res['name']}: {lat} lattice, λ = {num(res['trap_lambda'])} {u['z']}, "
                    + r"$\Phi_0$" + f" = {num(res['Phi0'])} {energy}{soft}", fontsize="medium")
    fig.suptitle("Local-time dissipation (seed 001 Fig. 6): particle trapped between 8 atoms "
                 "on a line")
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def draw(results, out_dir, prefix, dpi):
    written = []
    for figname in ("fig2", "fig4", "fig5", "fig6"):
        group = [r for r in results if r["figure"] == figname]
        if not group:
            continue
        path = os.path.join(out_dir, f"{prefix}_{figname}.png")
        if figname == "fig2":
            plot_fig2(group, path, dpi)
        elif figname == "fig6":
            plot_fig6(group, path, dpi)
        else:
            plot_fig45(group, path, dpi, figname)
        written.append(path)
    return written


def main(argv=None):
    parser = make_parser(
        "Plot `ionbath loss` results files as the figures of seed 001 "
        "(chain → fig2, single → fig4, square/cube → fig5, line8 → fig6).", "loss")
    return run(argv, parser, "plot_loss.py", "loss", read_results, draw)


if __name__ == "__main__":
    sys.exit(main())
