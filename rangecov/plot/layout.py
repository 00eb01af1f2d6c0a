"""A static map decided before anything is drawn: :class:`MapLayout`.

:func:`map_layout` projects the targets, origins and reach regions (see
:mod:`rangecov.plot.projection` for the projection and why) and settles the
view; the drawing code then only draws. Like the projection it imports
neither matplotlib nor folium.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyproj
import shapely

from .projection import (
    background_box,
    bounds,
    map_projection,
    map_view,
    merge_seams,
    project,
    seam_grid,
    sphere_outline,
    to_window,
)


@dataclass(frozen=True)
class MapLayout:
    """A static map decided before anything is drawn: projection, window, view and the projected data.

    ``targets`` and ``origins`` are shapely arrays in map coordinates (None
    where nothing is drawn); ``regions`` maps ``"reach"`` (and ``"high"`` for
    a band) to a one-element array likewise. ``kind`` is ``"aeqd"``,
    ``"polar"``, ``"world"`` (chosen) or ``"user"`` (the caller's ``crs=``).
    """

    crs: pyproj.CRS
    kind: str
    lon0: float  # central meridian: geometry is moved into lon0 ± 180° before projecting
    targets: np.ndarray
    origins: np.ndarray
    regions: dict[str, np.ndarray]
    view: tuple[float, float, float, float]  # xmin, ymin, xmax, ymax in map coordinates
    box: tuple | None  # lon/lat box behind the view (see background_box); None: the whole world

    @property
    def geographic(self) -> bool:
        """True for a plain lon/lat map (degrees on the axes)."""
        return bool(self.crs.is_geographic)

    @property
    def whole_world(self) -> bool:
        """True when the view shows (part of) the Earth's edge, so backgrounds are not clipped to a box."""
        return self.box is None

    def project_in_box(self, values: np.ndarray) -> np.ndarray:
        """lon/lat geometry behind the data, clipped to the box around the view, then projected."""
        return project(to_window(values, self.lon0, self.box), self.crs)

    def join_seams(self, values: np.ndarray) -> np.ndarray:
        """Projected polygons with their pieces along the cut meridian joined (see :func:`merge_seams`)."""
        grid = seam_grid(self.view)
        return np.asarray([merge_seams(g, grid) for g in values], dtype=object)

    def clip_to_view(self, values: np.ndarray) -> np.ndarray:
        """Projected geometry cut to the view plus 2%, so no drawing reaches far past the axes."""
        view = self.view
        pad = 0.02 * max(view[2] - view[0], view[3] - view[1])
        clip = (view[0] - pad, view[1] - pad, view[2] + pad, view[3] + pad)
        return np.asarray([None if g is None else shapely.clip_by_rect(g, *clip) for g in values], dtype=object)

    def sphere(self) -> np.ndarray:
        """The Earth's outline in the map's projection (a one-element array)."""
        return project(np.asarray([sphere_outline(self.lon0)], dtype=object), self.crs)


def map_layout(targets: np.ndarray, origins: np.ndarray, regions: dict[str, np.ndarray], crs: Any = None) -> MapLayout:
    """Project lon/lat targets, origins and reach regions for a static map.

    Parameters
    ----------
    targets, origins : ndarray of shapely geometries
        In lon/lat, as :func:`~rangecov.plot.projection.lonlat_values` gives them.
    regions : dict of str to ndarray
        The reach region(s), each a one-element lon/lat array.
    crs : CRS-like, optional
        The caller's projection; default one chosen to keep rings round
        (see :mod:`rangecov.plot.projection`).

    Returns
    -------
    MapLayout

    Raises
    ------
    ValueError
        For a ``crs`` pyproj does not know or that is not a map projection.

    Examples
    --------
    >>> import numpy as np, shapely
    >>> pts = np.asarray(shapely.points([30.0, 36.0], [50.0, 51.0]), dtype=object)
    >>> layout = map_layout(pts, pts[:1], {})
    >>> layout.kind, round(layout.lon0)
    ('aeqd', 33)
    """
    data_xy = [shapely.get_coordinates(v) for v in (targets, origins, *regions.values()) if len(v)]
    xy = np.concatenate(data_xy) if data_xy else np.empty((0, 2))
    map_crs, kind, lon0 = map_projection(xy, crs)

    t_map = project(to_window(targets, lon0), map_crs)
    o_map = project(to_window(origins, lon0), map_crs)
    r_map = {name: project(to_window(v, lon0), map_crs) for name, v in regions.items()}

    data_bounds = bounds([*t_map, *o_map, *(g for v in r_map.values() for g in v)])
    view = map_view(data_bounds, map_crs, kind, lon0)
    grid = seam_grid(view)
    r_map = {name: np.asarray([merge_seams(g, grid) for g in v], dtype=object) for name, v in r_map.items()}
    return MapLayout(map_crs, kind, lon0, t_map, o_map, r_map, view, background_box(map_crs, view, lon0))
