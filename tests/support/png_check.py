"""The checks the plot tests share: a PNG file of the expected pixel size, not blank."""
import os

import matplotlib.image as mpimg
import numpy as np


def check_png(path, size, min_bytes):
    """Assert `path` is a PNG of size (width, height) in pixels, at least `min_bytes` long, with
    many distinct colours (curves, bands, markers, text) rather than a blank canvas."""
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG file"
    n_bytes = os.path.getsize(path)
    assert n_bytes > min_bytes, f"{path}: only {n_bytes} bytes"
    img = mpimg.imread(path)
    h, w = img.shape[:2]
    assert (w, h) == tuple(size), f"{path}: {w}x{h} pixels, expected {size[0]}x{size[1]}"
    rgb = img[..., :3]
    c8 = (rgb * 255).astype(np.uint32)
    colours = len(np.unique(c8[..., 0] << 16 | c8[..., 1] << 8 | c8[..., 2]))
    assert colours > 50 and rgb.std() > 0.05, f"{path}: {colours} colours, std {rgb.std():.3f}"
    print(f"{path}: {w}x{h}, {n_bytes} bytes, {colours} colours")
