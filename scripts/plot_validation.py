#!/usr/bin/python3
"""Plot an `ionbath validate` file: the full lattice against the time-local model.

fig3 (seed 002 Fig. 3): for each panel (lambda, speed) the framework atom's deflection r(t) from
the full solution and from the time-local, quasistatic and homogeneous forms of Eq. 25, and the
force on the particle -U'(R - r) for each; writes <prefix>_fig3.png.
fig4 (seed 002 Fig. 4): position z(t) and speed of the trapped particle, full vs time-local, with
the |zdot| decay envelopes; writes <prefix>_fig4.png.

Usage: /usr/bin/python3 scripts/plot_validation.py validation.h5 [--out-dir DIR] [--prefix NAME]
Needs Debian's python3-matplotlib, python3-h5py and python3-numpy. Exit codes: 0 success,
2 unusable input.
"""
import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import h5py  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def plot_fig3(f, path):
    panels = sorted(k for k in f["fig3"] if k.startswith("panel_"))
    fig, axes = plt.subplots(2, len(panels), figsize=(4.2 * len(panels), 7), squeeze=False)
    styles = [("full", "atom_r", "force_full", "k-"),
              ("time-local", "r_time_local", "force_time_local", "C0--"),
              ("quasistatic", "r_quasistatic", "force_quasistatic", "C1:"),
              ("homogeneous", "r_homogeneous", "force_homogeneous", "C2-.")]
    for col, name in enumerate(panels):
        g = f["fig3"][name]
        t = g["t"][:]
        lam, speed = g.attrs["lambda_A"], g.attrs["speed_A_per_ps"]
        for label, r, force, style in styles:
            axes[0, col].plot(t, g[r][:], style, label=label, lw=1.3)
            axes[1, col].plot(t, g[force][:], style, label=label, lw=1.3)
        axes[0, col].set_title(f"λ = {lam:g} Å, Ṙ0 = {speed:g} Å/ps")
        axes[0, col].set_ylabel("deflection r (Å)")
        axes[1, col].set_ylabel("force −U′(R − r) (meV/Å)")
        axes[1, col].set_xlabel("t (ps)")
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(f"Head-on collision (seed 002 Fig. 3), {g.attrs['lattice_n']}³ lattice")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_fig4(f, path):
    g = f["fig4"]
    t = g["t"][:]
    fig, (a, b) = plt.subplots(2, 1, figsize=(8, 6.5), sharex=True)
    a.plot(t, g["z_full"][:], "k-", lw=1, label="full")
    a.plot(t, g["z_time_local"][:], "C0--", lw=1, label="time-local")
    a.set_ylabel("z (Å)")
    a.legend()
    b.plot(t, g["zdot_full"][:], "k-", lw=0.8, label="full")
    b.plot(t, g["zdot_time_local"][:], "C0--", lw=0.8, label="time-local")
    b.plot(g["envelope_t_full"][:], g["envelope_speed_full"][:], "ko", ms=3, label="|ż| peaks, full")
    b.plot(g["envelope_t_time_local"][:], g["envelope_speed_time_local"][:], "C0s", ms=3,
           label="|ż| peaks, time-local")
    b.set_ylabel("ż (Å/ps)")
    b.set_xlabel("t (ps)")
    b.legend(fontsize=8)
    fig.suptitle(f"Trapped oscillation (seed 002 Fig. 4), {g.attrs['lattice_n']}³ lattice")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("file")
    p.add_argument("--out-dir", default=".")
    p.add_argument("--prefix", default=None)
    args = p.parse_args()
    try:
        f = h5py.File(args.file, "r")
    except OSError as e:
        print(f"error: {args.file}: {e}", file=sys.stderr)
        return 2
    prefix = args.prefix or os.path.splitext(os.path.basename(args.file))[0]
    os.makedirs(args.out_dir, exist_ok=True)
    written = []
    with f:
        if "fig3" in f:
            written.append(os.path.join(args.out_dir, f"{prefix}_fig3.png"))
            plot_fig3(f, written[-1])
        if "fig4" in f:
            written.append(os.path.join(args.out_dir, f"{prefix}_fig4.png"))
            plot_fig4(f, written[-1])
    if not written:
        print(f"error: {args.file} holds no /fig3 or /fig4 group", file=sys.stderr)
        return 2
    print("\n".join(written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
