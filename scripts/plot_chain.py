#!/usr/bin/python3
"""Plot `ionbath chain` results files as the figures of seed 003 (physics.md §7.4–7.6).

Every figure is drawn from whichever files hold its groups (the PNG files are written into
--out-dir; names start with --prefix, default: the results file's stem for one file, "chain" for
several); a figure whose groups no file holds is not written:
  <prefix>_fig2.png  /chain/heat_map (Fig. 2): the chain's displacement ρ_g − αg as a diverging
                     colour map over (chain mass g, τ), symmetric about 0 and shared by all panels
                     (saturated beyond the 99th percentile of |ρ_g − αg|, as in the paper), with
                     the particle's path σ(τ)/α in black and the sound cone
                     g = σ0/α ± π(ω_fast − 1)(τ − τ0) dashed; one column per sign of Φ0
                     (repulsive, attractive), one row per (|Φ0|, λ, σ̇0)
  <prefix>_fig3.png  /chain/single_pass (Fig. 3): the single-pass loss Δ against σ̇0 on a log
                     axis, one panel per |Φ0| (e.g. the low-speed |Φ0| = 0.01 and the high-speed
                     |Φ0| = 24 scans); per λ (colour) Eq. 7 as a line and the numerical passes as
                     "+" (Φ0 > 0, repulsive) and "−" (Φ0 < 0, attractive); reflected passes and
                     non-positive losses are left out (their number is given in the title).
                     Eq. 7 is re-evaluated here on a 10× denser grid (Debian's python3-scipy)
                     when that reproduces the stored loss_eq7, else (with a note on stderr) the
                     stored values are joined
  <prefix>_fig4.png  /chain/drift and /chain/steady_state (Fig. 4): (a, b) the far-field speed
                     (once per pass: maxima of σ̇ for Φ0 > 0, minima for Φ0 < 0) against τ, one
                     line per initial speed, repulsive and attractive panel, the predicted stable
                     drift speeds of Eq. 10 (Δ̄ = β) as dashed lines (α/n dotted when no file has
                     a steady-state grid) and the capture speed √(8π²Φ0/μ) of the repulsive case
                     dotted; (c) the steady-state loss per pass Δ̄(σ̇) (Eq. 10) on a log axis with
                     the bias β as a horizontal line and the stable (filled) and unstable (open)
                     drift speeds marked on it; with steady_broadened the broadened Δ̄ per sign
  <prefix>_mobility.png  /chain/mobility (beyond the paper): the mean drift speed ⟨σ̇⟩ on thermal
                     chains against k_BT/ħΩ_slow with the standard error over the replicas, one
                     line per sign of Φ0 and initial speed, the mobility ⟨σ̇⟩/β on the right axis
Parameters missing from the stored configuration (/parameters/config only lists the [chain] keys
that differ from their defaults) take ionbath's defaults: ω_fast 10, α 40, Φ0 2, λ 4, μ 1, β 0.01.

Usage: /usr/bin/python3 scripts/plot_chain.py FILE [FILE ...] [--out-dir DIR] [--prefix NAME]
                                               [--dpi N]
  e.g. plot_chain.py fig2-repulsive.h5 fig2-attractive.h5 fig3-low-l*.h5 fig3-high-l*.h5 fig4.h5
                     --out-dir plots --prefix seed003
Prints the paths of the PNG files written, one per line.
Needs Debian's python3-matplotlib, python3-h5py and python3-numpy (use /usr/bin/python3) and
scripts/plot_common.py next to this file.
Exit codes: 0 success, 1 failure, 2 unusable input (missing file, not HDF5, not an
`ionbath chain` results file, incomplete groups).
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
from matplotlib.colors import TwoSlopeNorm  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

try:  # Debian's python3-scipy: Eq. 7 on a dense speed grid; without it the stored values are drawn
    from scipy.special import i0e, i1e  # noqa: E402
except ImportError:
    i0e = i1e = None

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
from plot_common import (InputError, letter, make_parser, num, open_results,  # noqa: E402
                         pretty_unit, stored_config, text)
from plot_common import run as run_script  # noqa: E402

# ionbath's defaults of the [chain] keys the plots need (`ionbath config --keys`).
DEFAULTS = {"omega_fast": 10.0, "alpha": 40.0, "Phi0": 2.0, "lambda": 4.0, "mu": 1.0,
            "bias": 0.01, "steps_per_period": 60}
SINGLE_PASS = ("Phi0", "speed", "loss_numeric", "final_speed", "loss_eq7")
MOBILITY = ("Phi0", "speed0", "omega_T", "drift_speed_mean", "drift_speed_error", "mobility")
STEADY_STATE = ("speed", "loss_eq10", "drift_speed_stable", "drift_speed_unstable")
DRIFT_RUN = ("far_field_tau", "far_field_speed", "tau", "sigma", "speed")
HEAT_MAP_RUN = ("tau", "sigma", "displacement")
RUN_NAME = re.compile(r"(repulsive|attractive)_speed_(\d+)")
SIG0, SIG, PHI0, DBAR = r"$\dot\sigma_0$", r"$\dot\sigma$", r"$\Phi_0$", r"$\bar\Delta$"
OMEGA_FAST = r"$\omega_{\rm fast}$"


def column(group, name):
    return np.asarray(group[name][()], dtype=float).ravel()


def unit_of(group, name):
    return pretty_unit(text(group[name].attrs.get("unit", "")))


def need(path, group, names, where):
    missing = [n for n in names if n not in group or not isinstance(group[n], h5py.Dataset)]
    if missing:
        raise InputError(f"{path}: /{where} lacks {', '.join(missing)}")


def read_runs(path, f, mode, names):
    """The runs /chain/<mode>/<repulsive|attractive>_speed_<i>, sorted by sign and index."""
    runs = []
    for key, group in f[f"chain/{mode}"].items():
        m = RUN_NAME.fullmatch(key)
        if not m or not isinstance(group, h5py.Group):
            continue
        need(path, group, names, f"chain/{mode}/{key}")
        if "Phi0" not in group.attrs or "speed0" not in group.attrs:
            raise InputError(f"{path}: /chain/{mode}/{key} lacks the Phi0 or speed0 attribute")
        run = {"name": key, "sign": m.group(1), "index": int(m.group(2)),
               "Phi0": float(group.attrs["Phi0"]), "speed0": float(group.attrs["speed0"])}
        for n in names:
            run[n] = (np.asarray(group[n][()], dtype=float) if n == "displacement"
                      else column(group, n))
        if len(run["tau"]) == 0 or len(run["sigma"]) != len(run["tau"]):
            raise InputError(f"{path}: /chain/{mode}/{key}: tau and sigma are empty or differ "
                             "in length")
        if mode == "drift":
            if len(run["speed"]) != len(run["tau"]) or \
                    len(run["far_field_speed"]) != len(run["far_field_tau"]):
                raise InputError(f"{path}: /chain/drift/{key}: the columns differ in length")
            run["n_chain"] = int(group.attrs.get("n_chain", 0))
        else:
            d = run["displacement"]
            if d.ndim != 2 or d.shape[0] != len(run["tau"]) or d.shape[1] == 0:
                raise InputError(f"{path}: /chain/heat_map/{key}/displacement is not "
                                 f"[n_tau = {len(run['tau'])}] × [n_chain]")
            run["units"] = {"tau": unit_of(group, "tau"), "sigma": unit_of(group, "sigma"),
                            "displacement": unit_of(group, "displacement")}
        runs.append(run)
    if not runs:
        raise InputError(f"{path}: /chain/{mode} holds no <repulsive|attractive>_speed_<i> run")
    runs.sort(key=lambda r: (r["sign"] != "repulsive", r["index"]))
    return runs


def eq7(speed, Phi0, lam, omega_fast):
    """The single-pass loss of Eq. 7 (physics.md §7.4), with the exponentially scaled Bessel
    functions: e^(−z(ω_fast² + 1)/2) I_n(W) = e^(−z) [e^(−W) I_n(W)]."""
    v = np.asarray(speed, dtype=float)
    z = (2 * math.pi * lam / v) ** 2
    band = omega_fast ** 2 - 1
    w = z * band / 2
    i0, i1 = i0e(w), i1e(w)
    return 4 * math.pi ** 3 * Phi0 ** 2 / v ** 2 * z * np.exp(-z) * (i0 + band / 2 * (i0 - i1))


def check_eq7(res):
    """Whether Eq. 7 evaluated here with the stored λ and ω_fast reproduces /chain/single_pass/
    loss_eq7 (then the figure draws it on a dense grid); a note on stderr when it does not."""
    if i0e is None:
        return False
    sp, p = res["single_pass"], res["params"]
    stored = sp["loss_eq7"]
    ok = np.isfinite(stored) & (stored > 0)
    if not ok.any():
        return False
    with np.errstate(all="ignore"):
        mine = eq7(sp["speed"][ok], sp["Phi0"][ok], p["lambda"], p["omega_fast"])
    dev = float(np.max(np.abs(mine / stored[ok] - 1)))
    if not dev <= 1e-6:
        print(f"plot_chain.py: note: {res['path']}: Eq. 7 with λ = {num(p['lambda'])}, "
              f"ω_fast = {num(p['omega_fast'])} differs from the stored loss_eq7 by up to "
              f"{dev:.2g} (relative); drawing the stored values", file=sys.stderr)
        return False
    return True


def table_of(path, g, names, where):
    """The columns `names` of group g as arrays of one common, non-zero length."""
    need(path, g, names, where)
    table = {c: column(g, c) for c in names}
    if len({len(v) for v in table.values()}) != 1 or len(table[names[0]]) == 0:
        raise InputError(f"{path}: the /{where} columns are empty or differ in length")
    return table


def read_results(path):
    """Everything the plots need from one results file, as plain Python/NumPy values."""
    with open_results(path) as f:
        if "chain" not in f or not isinstance(f["chain"], h5py.Group) \
                or text(f["chain"].attrs.get("unit_system", "")) != "seed003":
            raise InputError(f"{path}: no /chain group with unit_system \"seed003\" "
                             "(not an `ionbath chain` results file)")
        config = stored_config(f)
        chain = config.get("chain", {}) if isinstance(config.get("chain"), dict) else {}
        params = {}
        for key, default in DEFAULTS.items():
            try:
                params[key] = float(chain.get(key, default))
            except (TypeError, ValueError):
                params[key] = default
        res = {"path": path, "name": os.path.splitext(os.path.basename(path))[0],
               "params": params, "engine": text(f["chain"].attrs.get("engine", "")),
               "dt": float(f["chain"].attrs.get("dt", math.nan)),
               "energy_unit": pretty_unit(text(f["chain"].attrs.get("energy_unit", "")))}
        present = [m for m in ("single_pass", "steady_state", "drift", "heat_map", "mobility")
                   if m in f["chain"] and isinstance(f["chain"][m], h5py.Group)]
        if not present:
            raise InputError(f"{path}: /chain holds none of single_pass, steady_state, drift, "
                             "heat_map, mobility")
        if "mobility" in present:
            g = f["chain/mobility"]
            mob = table_of(path, g, MOBILITY, "chain/mobility")
            mob["units"] = {"speed": unit_of(g, "drift_speed_mean"),
                            "mobility": unit_of(g, "mobility")}
            res["mobility"] = mob
        if "single_pass" in present:
            g = f["chain/single_pass"]
            sp = table_of(path, g, SINGLE_PASS, "chain/single_pass")
            sp["units"] = {"speed": unit_of(g, "speed"), "loss": unit_of(g, "loss_numeric")}
            res["single_pass"] = sp
            res["eq7_dense"] = check_eq7(res)
        if "steady_state" in present:
            g = f["chain/steady_state"]
            need(path, g, STEADY_STATE, "chain/steady_state")
            ss = {c: column(g, c) for c in STEADY_STATE}
            if len(ss["speed"]) == 0 or len(ss["speed"]) != len(ss["loss_eq10"]):
                raise InputError(f"{path}: /chain/steady_state speed and loss_eq10 are empty or "
                                 "differ in length")
            ss["exponent"] = text(g.attrs.get("exponent", "eq10"))
            ss["units"] = {"speed": unit_of(g, "speed"), "loss": unit_of(g, "loss_eq10")}
            ss["broadened"] = {}  # steady_broadened = true: per sign, §7.5
            for sign in ("repulsive", "attractive"):
                if "broadened/" + sign in g:
                    loss = column(g["broadened/" + sign], "loss")
                    if len(loss) != len(ss["speed"]):
                        raise InputError(f"{path}: /chain/steady_state/broadened/{sign}/loss "
                                         "differs in length from speed")
                    ss["broadened"][sign] = loss
            res["steady_state"] = ss
        if "drift" in present:
            res["drift"] = read_runs(path, f, "drift", DRIFT_RUN)
            g = f["chain/drift/" + res["drift"][0]["name"]]
            res["drift_units"] = {"tau": unit_of(g, "far_field_tau"),
                                  "speed": unit_of(g, "far_field_speed")}
        if "heat_map" in present:
            res["heat_map"] = read_runs(path, f, "heat_map", HEAT_MAP_RUN)
    return res


# ---------------------------------------------------------------------------------------------

def colours(keys, cmap="viridis"):
    cm = plt.get_cmap(cmap)
    n = len(keys)
    return {k: cm(0.85 * i / max(n - 1, 1)) for i, k in enumerate(keys)}


def model_text(p, keys=("alpha", "omega_fast", "mu")):
    names = {"alpha": "α", "omega_fast": OMEGA_FAST, "mu": "μ", "lambda": "λ", "bias": "β"}
    return ", ".join(f"{names[k]} = {num(p[k])}" for k in keys)


def signed(v):
    return ("+" if v > 0 else "") + num(v)


def plot_fig2(results, path, dpi):
    runs = [(res, run) for res in results for run in res.get("heat_map", [])]
    rows = sorted({(abs(run["Phi0"]), res["params"]["lambda"], run["speed0"])
                   for res, run in runs})
    cols = [s for s in ("repulsive", "attractive") if any(run["sign"] == s for _, run in runs)]
    fig, axes = plt.subplots(len(rows), len(cols), figsize=(5.0 * len(cols) + 1.5,
                                                            4.25 * len(rows)),
                             squeeze=False, layout="constrained")
    for ax in axes.flat:
        ax.set_visible(False)
    # One colour scale for all panels, symmetric about 0, saturated like the paper's.
    mags = np.concatenate([np.abs(run["displacement"]).ravel() for _, run in runs])
    mags = mags[np.isfinite(mags)]
    peak = float(mags.max()) if mags.size else 0.0
    moving = mags[mags > 1e-12 * peak] if peak > 0 else mags
    vmax = float(np.percentile(moving, 99)) if moving.size else 1.0
    vmax = vmax if vmax > 0 else 1.0
    norm = TwoSlopeNorm(vcenter=0.0, vmin=-vmax, vmax=vmax)
    image = None
    seen = set()
    for res, run in runs:
        key = (abs(run["Phi0"]), res["params"]["lambda"], run["speed0"])
        r, c = rows.index(key), cols.index(run["sign"])
        if (r, c) in seen:   # the same run in two files: the first one is drawn
            continue
        seen.add((r, c))
        ax = axes[r, c]
        ax.set_visible(True)
        p, u = res["params"], run["units"]
        tau, sigma, d = run["tau"], run["sigma"], run["displacement"]
        n_chain = d.shape[1]
        extent = (0.5, n_chain + 0.5, tau[0], tau[-1])
        steps = np.diff(tau)
        if len(tau) < 2 or np.allclose(steps, steps[0], rtol=1e-6, atol=0):
            image = ax.imshow(d, origin="lower", aspect="auto", extent=extent, cmap="RdBu_r",
                              norm=norm, interpolation="antialiased")
        else:
            image = ax.pcolormesh(np.arange(1, n_chain + 1), tau, d, cmap="RdBu_r", norm=norm,
                                  shading="nearest")
        ax.plot(sigma / p["alpha"], tau, color="k", linewidth=1.1)
        # The sound cone from the start: π(ω_fast − 1) sites per unit τ (physics.md §7.2).
        g0, slope = sigma[0] / p["alpha"], math.pi * (p["omega_fast"] - 1)
        t = np.array([tau[0], tau[-1]])
        for s in (1, -1):
            ax.plot(g0 + s * slope * (t - tau[0]), t, "k--", linewidth=1.0)
        ax.set_xlim(extent[0], extent[1])
        ax.set_ylim(extent[2], extent[3])
        ax.set_xlabel("chain mass g")
        ax.set_ylabel(f"τ ({u['tau']})")
        keys = ("alpha", "omega_fast", "mu") + (("bias",) if p["bias"] else ())
        ax.set_title(f"({letter(r * len(cols) + c)}) {run['sign']}: {PHI0} = "
                     f"{signed(run['Phi0'])} {res['energy_unit']}, λ = {num(p['lambda'])}\n"
                     f"{SIG0} = {num(run['speed0'])} {pretty_unit('l_slow period-1')}, "
                     f"{model_text(p, keys)}", fontsize="medium")
    extend = "both" if peak > vmax * (1 + 1e-9) else "neither"
    bar = fig.colorbar(image, ax=axes.ravel().tolist(), extend=extend, shrink=0.9)
    unit = runs[0][1]["units"]["displacement"]
    bar.set_label(rf"$\rho_g - \alpha g$ ({unit})"
                  + (f"; saturated, |max| = {num(peak)}" if extend == "both" else ""))
    handles = [Line2D([], [], color="k", linewidth=1.1, label=r"particle $\sigma(\tau)/\alpha$"),
               Line2D([], [], color="k", linestyle="--", linewidth=1.0,
                      label=r"sound cone, $\pi(\omega_{\rm fast} - 1)$ sites per $\tau$")]
    first = next(ax for ax in axes.flat if ax.get_visible())
    first.legend(handles=handles, loc="upper left", fontsize="small", framealpha=0.85)
    fig.suptitle("Chain displacement and particle path (seed 003 Fig. 2)")
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def plot_fig3(results, path, dpi):
    files = [res for res in results if "single_pass" in res]
    panels = sorted({abs(float(x)) for res in files
                     for x in np.unique(np.round(res["single_pass"]["Phi0"], 12))})
    lambdas = sorted({res["params"]["lambda"] for res in files})
    colour = colours(lambdas)
    fig, axes = plt.subplots(1, len(panels), figsize=(6.0 * len(panels), 5.0), squeeze=False,
                             layout="constrained")
    for i, phi in enumerate(panels):
        ax = axes[0, i]
        ax.set_yscale("log")
        n_reflected = n_nonpositive = 0
        params = []
        for res in files:
            sp, p = res["single_pass"], res["params"]
            sel = np.isclose(np.abs(sp["Phi0"]), phi, rtol=1e-9, atol=0)
            if not sel.any():
                continue
            params.append(p)
            c = colour[p["lambda"]]
            v = sp["speed"][sel]
            order = np.argsort(v, kind="stable")
            v, stored7 = v[order], sp["loss_eq7"][sel][order]
            _, first = np.unique(v, return_index=True)   # both signs share Eq. 7
            vd, yd = v[first], stored7[first]
            if res["eq7_dense"] and len(vd) > 1:   # 10× denser (at least 400 points)
                vd = np.linspace(vd[0], vd[-1], max(400, 10 * len(vd)))
                with np.errstate(all="ignore"):
                    yd = eq7(vd, phi, p["lambda"], p["omega_fast"])
            ok = np.isfinite(yd) & (yd > 0)
            ax.plot(vd[ok], yd[ok], "-", color=c, linewidth=1.3, zorder=2)
            for sign, marker in ((1, "+"), (-1, "_")):
                s = sel & (np.sign(sp["Phi0"]) == sign)
                loss, final = sp["loss_numeric"][s], sp["final_speed"][s]
                reflected = ~(final > 0)
                shown = ~reflected & np.isfinite(loss) & (loss > 0)
                n_reflected += int(reflected.sum())
                n_nonpositive += int((~reflected & ~shown).sum())
                ax.plot(sp["speed"][s][shown], loss[shown], marker, color=c, markersize=7,
                        markeredgewidth=1.3, linestyle="none", zorder=3)
        units = files[0]["single_pass"]["units"]
        ax.set_xlabel(f"{SIG0} ({units['speed']})")
        ax.set_ylabel(f"Δ ({units['loss']})")
        ax.set_xlim(left=0.0)
        lo, hi = ax.get_ylim()
        if lo > 0 and hi > lo:
            ax.set_ylim(10 ** math.floor(math.log10(lo) + 1e-9),
                        10 ** math.ceil(math.log10(hi) - 1e-9))
        common = model_text(params[0]) if all(model_text(q) == model_text(params[0])
                                              for q in params) else "mixed α, ω_fast, μ"
        title = f"({letter(i)}) |{PHI0}| = {num(phi)} {files[0]['energy_unit']}; {common}"
        notes = []
        if n_reflected:
            notes.append(f"{n_reflected} reflected pass{'es' if n_reflected > 1 else ''}")
        if n_nonpositive:
            notes.append(f"{n_nonpositive} loss{'es' if n_nonpositive > 1 else ''} ≤ 0")
        if notes:
            title += "\n" + ", ".join(notes) + " not shown"
        ax.set_title(title, fontsize="medium")
        present = sorted({q["lambda"] for q in params})
        handles = [Line2D([], [], color=colour[lam], linewidth=3, label=f"λ = {num(lam)}")
                   for lam in present]
        handles += [Line2D([], [], color="0.2", linewidth=1.3, label="Eq. 7"),
                    Line2D([], [], color="0.2", marker="+", linestyle="none", markersize=7,
                           markeredgewidth=1.3, label=f"{PHI0} > 0 (repulsive)"),
                    Line2D([], [], color="0.2", marker="_", linestyle="none", markersize=7,
                           markeredgewidth=1.3, label=f"{PHI0} < 0 (attractive)")]
        ax.legend(handles=handles, fontsize="small", loc="best", frameon=False)
    fig.suptitle("Single-pass loss (seed 003 Fig. 3)")
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def stable_speeds(results):
    """The distinct stable drift speeds of every steady-state grid."""
    speeds = np.concatenate([r["steady_state"]["drift_speed_stable"] for r in results
                             if "steady_state" in r] or [np.empty(0)])
    speeds = speeds[np.isfinite(speeds)]
    return np.unique(np.round(speeds, 9))


def plot_drift_panel(ax, label, sign, results, colour, stable):
    runs = [(res, run) for res in results for run in res.get("drift", []) if run["sign"] == sign]
    handles = []
    lo, hi = math.inf, -math.inf
    for res, run in runs:
        c = colour[run["speed0"]]
        t, v = run["far_field_tau"], run["far_field_speed"]
        if len(v):
            lo, hi = min(lo, float(v.min())), max(hi, float(v.max()))
        line, = ax.plot(t, v, "-", color=c, linewidth=1.2, marker="." if len(v) < 60 else None,
                        markersize=4)
        handles.append(line)
    if not math.isfinite(lo):
        lo, hi = 0.0, 1.0
    pad = 0.05 * max(hi - lo, 1.0)
    lo, hi = lo - pad, hi + pad
    res0 = runs[0][0]
    p, u = res0["params"], res0["drift_units"]
    if len(stable):
        for s in stable[(stable >= lo) & (stable <= hi)]:
            ax.axhline(s, color="tab:orange", linestyle="--", linewidth=1.0, zorder=1)
    else:
        n = np.arange(1, 1000)
        for s in p["alpha"] / n:
            if lo <= s <= hi:
                ax.axhline(s, color="tab:orange", linestyle=":", linewidth=1.0, zorder=1)
    capture = math.sqrt(8 * math.pi ** 2 * abs(runs[0][1]["Phi0"]) / p["mu"])
    shown = sign == "repulsive" and lo <= capture <= hi
    if shown:
        ax.axhline(capture, color="0.4", linestyle=":", linewidth=1.2, zorder=1)
    ax.set_ylim(lo, hi)
    ax.set_xlim(left=0.0)
    ax.set_xlabel(f"τ ({u['tau']})")
    ax.set_ylabel(f"far-field speed {SIG} ({u['speed']})")
    phis = ", ".join(dict.fromkeys(signed(run["Phi0"]) for _, run in runs))
    ax.set_title(f"({label}) {sign}: {PHI0} = {phis} {res0['energy_unit']}, "
                 f"{model_text(p, ('lambda', 'bias'))}\n{model_text(p)}; speed "
                 f"{'maxima' if sign == 'repulsive' else 'minima'} once per pass",
                 fontsize="medium")
    return capture if shown else None


def plot_steady_panel(ax, label, results, stable_handles):
    files = [res for res in results if "steady_state" in res]
    betas = []
    top = 0.0
    for res in files:
        ss, p = res["steady_state"], res["params"]
        v, loss = ss["speed"], ss["loss_eq10"]
        ok = np.isfinite(loss) & (loss > 0)
        what = "Eq. 10" if ss["exponent"] == "eq10" else f"Eq. 10, {ss['exponent']} exponent"
        ax.plot(v[ok], loss[ok], "-", color="k" if len(files) == 1 else None, linewidth=1.0,
                label=f"{DBAR} ({what})" + ("" if len(files) == 1 else f", {res['name']}"))
        top = max(top, float(loss[ok].max()) if ok.any() else 0.0)
        for sign, colour in (("repulsive", "tab:red"), ("attractive", "tab:blue")):
            if sign in ss["broadened"]:
                b = ss["broadened"][sign]
                shown = np.isfinite(b) & (b > 0)
                ax.plot(v[shown], b[shown], "-", color=colour, linewidth=0.9, alpha=0.8,
                        label=f"{DBAR} broadened over a pass, {sign}")
        beta = p["bias"]
        if beta not in betas:
            betas.append(beta)
            ax.axhline(beta, color="tab:orange", linestyle="-", linewidth=1.2,
                       label=f"β = {num(beta)} {res['energy_unit']}")
        for key, mfc in (("drift_speed_stable", "tab:blue"), ("drift_speed_unstable", "white")):
            s = ss[key][np.isfinite(ss[key])]
            ax.plot(s, np.full(len(s), beta), "o", color="tab:blue", mfc=mfc, markersize=6,
                    markeredgewidth=1.2, linestyle="none", zorder=4,
                    label=None if key in stable_handles else
                    ("stable drift speed" if mfc != "white" else "unstable drift speed"))
            stable_handles.add(key)
    ax.set_yscale("log")
    pos = np.concatenate([r["steady_state"]["loss_eq10"] for r in files])
    pos = pos[np.isfinite(pos) & (pos > 0)]
    if top > 0 and pos.size:
        floor = min([b for b in betas if b > 0] or [top]) * 1e-4
        ax.set_ylim(max(float(pos.min()), floor), top * 3)
    res0 = files[0]
    p, u = res0["params"], res0["steady_state"]["units"]
    ax.set_xlabel(f"{SIG} ({u['speed']})")
    ax.set_ylabel(f"{DBAR} ({u['loss']})")
    ax.set_xlim(left=0.0)
    ax.set_title(f"({label}) steady-state loss per pass: |{PHI0}| = {num(abs(p['Phi0']))} "
                 f"{res0['energy_unit']}, λ = {num(p['lambda'])}\n{model_text(p)}",
                 fontsize="medium")
    ax.legend(fontsize="small", loc="lower right", frameon=True, framealpha=0.85)


def plot_fig4(results, path, dpi):
    signs = [s for s in ("repulsive", "attractive")
             if any(run["sign"] == s for r in results for run in r.get("drift", []))]
    steady = any("steady_state" in r for r in results)
    n = len(signs) + int(steady)
    fig, axes = plt.subplots(1, n, figsize=(5.5 * n + (1.5 if signs else 0.0), 5.0),
                             squeeze=False, layout="constrained")
    speeds0 = sorted({run["speed0"] for r in results for run in r.get("drift", [])})
    colour = colours(speeds0, "plasma")
    stable = stable_speeds(results)
    capture = None
    for i, sign in enumerate(signs):
        cap = plot_drift_panel(axes[0, i], letter(i), sign, results, colour, stable)
        capture = cap if cap is not None else capture
    if signs:
        handles = [Line2D([], [], color=colour[v], linewidth=2, label=f"{SIG0} = {num(v)}")
                   for v in speeds0]
        if len(stable):
            handles.append(Line2D([], [], color="tab:orange", linestyle="--",
                                  label="stable drift speed (Eq. 10 = β)"))
        else:
            handles.append(Line2D([], [], color="tab:orange", linestyle=":", label="α/n"))
        if capture is not None:
            handles.append(Line2D([], [], color="0.4", linestyle=":", linewidth=1.2,
                                  label=f"capture speed {num(capture, 4)}"))
        axes[0, len(signs) - 1].legend(handles=handles, fontsize="small", loc="upper left",
                                       bbox_to_anchor=(1.02, 1.0), frameon=False,
                                       ncol=1 if len(handles) <= 14 else 2)
    if steady:
        plot_steady_panel(axes[0, n - 1], letter(n - 1), results, set())
    fig.suptitle("Drift under a constant bias (seed 003 Fig. 4)")
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def plot_mobility(results, path, dpi):
    fig, ax = plt.subplots(figsize=(6.5, 4.8), constrained_layout=True)
    beta, unit = None, None
    for res in results:
        if "mobility" not in res:
            continue
        m = res["mobility"]
        beta, unit = res["params"]["bias"], m["units"]
        for phi in np.unique(m["Phi0"]):
            for v0 in np.unique(m["speed0"]):
                sel = (m["Phi0"] == phi) & (m["speed0"] == v0)
                order = np.argsort(m["omega_T"][sel])
                ax.errorbar(m["omega_T"][sel][order], m["drift_speed_mean"][sel][order],
                            yerr=np.nan_to_num(m["drift_speed_error"][sel][order]), marker="o",
                            capsize=3, label=f"{PHI0} = {num(phi)}, {SIG}0 = {num(v0)}"
                            + ("" if len(results) == 1 else f", {res['name']}"))
    ax.set_xlabel("k_BT / ħΩ_slow")
    ax.set_ylabel(f"⟨{SIG}⟩ ({unit['speed']})")
    if beta:
        right = ax.secondary_yaxis("right", functions=(lambda y: y / beta, lambda y: y * beta))
        right.set_ylabel(f"mobility ⟨{SIG}⟩/β ({unit['mobility']})")
    ax.set_title(f"Drift on a thermal chain under the bias β = {num(beta)}", fontsize="medium")
    ax.legend(fontsize="small")
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def draw(results, out_dir, prefix, dpi):
    written = []
    figures = (("fig2", ("heat_map",), plot_fig2), ("fig3", ("single_pass",), plot_fig3),
               ("fig4", ("drift", "steady_state"), plot_fig4),
               ("mobility", ("mobility",), plot_mobility))
    for figname, groups, plot in figures:
        if not any(g in r for r in results for g in groups):
            continue
        path = os.path.join(out_dir, f"{prefix}_{figname}.png")
        plot(results, path, dpi)
        written.append(path)
    return written


def main(argv=None):
    parser = make_parser(
        "Plot `ionbath chain` results files as the figures of seed 003 "
        "(heat_map → fig2, single_pass → fig3, drift + steady_state → fig4).", "chain")
    return run_script(argv, parser, "plot_chain.py", "chain", read_results, draw)


if __name__ == "__main__":
    sys.exit(main())
