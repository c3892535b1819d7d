#!/usr/bin/python3
"""SHA-256 of every dataset and attribute of an HDF5 file (type, shape and raw bytes), except the
/timing group and attributes whose name contains "version": two files with equal manifests hold
bitwise identical results.

  h5_manifest.py FILE.h5            print the manifest as JSON
  h5_manifest.py FILE.h5 REF.json   compare with a stored manifest; exit 1 listing differences
"""
import hashlib
import json
import sys

import h5py
import numpy as np


def digest(value):
    a = np.asarray(value)
    h = hashlib.sha256()
    h.update(str(a.dtype).encode())
    h.update(str(a.shape).encode())
    h.update(a.tobytes() if a.dtype != object else repr(a.tolist()).encode())
    return h.hexdigest()


def manifest(path):
    out = {}

    def attributes(name, obj):
        for key, value in obj.attrs.items():
            if "version" not in key:
                out[f"{name}@{key}"] = digest(value)

    def visit(name, obj):
        if name == "timing" or name.startswith("timing/"):
            return
        attributes("/" + name, obj)
        if isinstance(obj, h5py.Dataset):
            out["/" + name] = digest(obj[()])

    with h5py.File(path, "r") as f:
        attributes("", f)
        f.visititems(visit)
    return out


def main():
    got = manifest(sys.argv[1])
    if len(sys.argv) == 2:
        print(json.dumps(got, indent=1, sort_keys=True))
        return 0
    with open(sys.argv[2]) as f:
        want = json.load(f)
    bad = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
    for k in bad:
        state = "missing" if k not in got else "new" if k not in want else "differs"
        print(f"{sys.argv[1]}: {k} {state}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
