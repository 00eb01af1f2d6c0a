"""Sample points along the edges of drawn regions, in both readings of each edge."""

from __future__ import annotations

import numpy as np
import shapely

from rangecov.geodesy.ellipsoid import get_ellipsoid

ELL = get_ellipsoid("WGS84")
SAMPLES = 8  # per edge and reading


def boundary_samples(geom, n=SAMPLES):
    """Sample points of every non-artificial edge, in both readings."""
    xs, ys = [], []
    for poly in shapely.get_parts(geom):
        for ring in [poly.exterior, *poly.interiors]:
            c = np.asarray(ring.coords)
            x0, y0, x1, y1 = c[:-1, 0], c[:-1, 1], c[1:, 0], c[1:, 1]
            artificial = ((np.abs(x0) == 180) & (x0 == x1)) | ((np.abs(y0) == 90) & (y0 == y1))
            x0, y0, x1, y1 = x0[~artificial], y0[~artificial], x1[~artificial], y1[~artificial]
            if x0.size == 0:
                continue
            f = np.linspace(0.0, 1.0, n + 1)
            xs.append((x0[:, None] + f * (x1 - x0)[:, None]).ravel())
            ys.append((y0[:, None] + f * (y1 - y0)[:, None]).ravel())
            az, _, length = ELL.inverse(x0, y0, x1, y1)
            gx, gy, _ = ELL.forward(
                np.repeat(x0, n + 1), np.repeat(y0, n + 1), np.repeat(az, n + 1), (f * length[:, None]).ravel()
            )
            xs.append(gx)
            ys.append(gy)
    return np.concatenate(xs), np.concatenate(ys)
