"""Helpers shared by the plotting scripts of ionbath results files (plot_loss.py, plot_chain.py).

Not a script: imported by the scripts next to it. Needs Debian's python3-h5py and python3-numpy
(use /usr/bin/python3). What is here:
  InputError          unusable input; the scripts turn it into exit code 2 and write nothing
  text(), num(), letter(), pretty_unit()
                      HDF5 strings as str, short numbers, panel letters, readable unit attributes
  open_results()      an HDF5 results file opened for reading (InputError when missing or not HDF5)
  stored_config()     the /parameters/config TOML string of a results file as a dict
  make_parser(), run()
                      the common command line (FILE [FILE ...] --out-dir --prefix --dpi) and main
                      flow: read every file first, then draw, then print the PNG paths written
"""
import argparse
import math
import os
import re
import sys
import tomllib

import h5py
import numpy as np


class InputError(Exception):
    pass


def text(value):
    """An HDF5 string (bytes, str or a NumPy scalar/array of either) as str."""
    if isinstance(value, np.ndarray):
        value = value.reshape(-1)[0] if value.size else ""
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8", "replace")
    return str(value)


# Unit attributes with a fixed readable form: seed 001's and seed 003's dimensionless units.
UNIT_NAMES = {"sqrt(hbar/(m*Omega))": "l", "2*pi/Omega": "periods", "hbar*Omega": "ħΩ",
              "sqrt(hbar/(m*Omega)) 2*pi/Omega-1": "l per period",
              "l_slow": "l_slow", "period": "periods", "l_slow period-1": "l_slow per period",
              "hbar Omega_slow": "ħΩ_slow"}


def pretty_unit(unit):
    """The unit attribute of a dataset in a readable form ("l per period", "ħΩ", "Å/ps")."""
    unit = unit.strip()
    if unit in UNIT_NAMES:
        return UNIT_NAMES[unit]
    num_, den = [], []
    for token in unit.split():
        m = re.fullmatch(r"(.+?)-1", token)
        (den if m else num_).append(m.group(1) if m else token)
    out = " ".join(num_) or "1"
    return out + ("/" + den[0] if len(den) == 1 else "".join(f"/{d}" for d in den))


def num(v, sig=3):
    """v with up to `sig` significant digits (trailing zeros dropped), plain unless very large or
    small."""
    if not math.isfinite(v) or v == 0:
        return f"{v:g}"
    mag = math.floor(math.log10(abs(v)))
    if -3 <= mag < 5:
        out = f"{v:.{max(sig - 1 - mag, 0)}f}"
        return out.rstrip("0").rstrip(".") if "." in out else out
    return f"{v:.{sig - 1}e}"


def letter(i):
    return chr(ord("a") + i) if i < 26 else str(i + 1)


def open_results(path):
    """`path` opened read-only with h5py; InputError if it is missing or not an HDF5 file."""
    if not os.path.isfile(path):
        raise InputError(f"{path}: no such file")
    try:
        return h5py.File(path, "r")
    except OSError as err:
        raise InputError(f"{path}: not an HDF5 file ({err})") from err


def stored_config(f):
    """The configuration stored in /parameters/config as a dict ({} if absent or unreadable)."""
    if "parameters/config" not in f:
        return {}
    try:
        return tomllib.loads(text(f["parameters/config"][()]))
    except tomllib.TOMLDecodeError:
        return {}


def make_parser(description, subcommand):
    """FILE [FILE ...] --out-dir --prefix --dpi for the results files of `ionbath <subcommand>`."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("results", nargs="+", help=f"results HDF5 file(s) of ionbath {subcommand}")
    parser.add_argument("--out-dir", default=".", help="directory for the PNG files (default .)")
    parser.add_argument("--prefix", help="file name prefix (default: the results file's stem; "
                                         f"'{subcommand}' for several files)")
    parser.add_argument("--dpi", type=int, default=150, help="resolution (default 150)")
    return parser


def run(argv, parser, script, subcommand, read, draw):
    """The scripts' main: parse `argv`, read every file with `read(path)` (a dict with at least
    "name"; InputError → message on stderr, exit code 2, nothing written), then
    `draw(results, out_dir, prefix, dpi)` → the PNG paths written, printed one per line."""
    args = parser.parse_args(argv)
    try:
        results = [read(p) for p in args.results]
    except InputError as err:
        print(f"{script}: {err}", file=sys.stderr)
        return 2
    if args.prefix:
        prefix = args.prefix
    elif len(results) == 1:
        prefix = results[0]["name"]
    else:
        prefix = subcommand
    os.makedirs(args.out_dir, exist_ok=True)
    written = draw(results, args.out_dir, prefix, args.dpi)
    for path in written:
        print(path)
    return 0
