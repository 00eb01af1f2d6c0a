"""Pictures of a coverage report: a static map, an interactive map and the reach curve.

matplotlib (static map, curve) and folium (interactive map) are optional
dependencies, imported when a function is called: ``pip install "rangecov[plot]"``.

The static map is drawn in a projection that keeps reach rings round: an
azimuthal equidistant projection centred on the data for a regional view
(distances from the centre are true, and a ring a few hundred kilometres
across is round to a fraction of a percent), a polar one when everything
lies around a pole, and Equal Earth for a world view. Geometry arrives in
longitude/latitude cut at ±180°; it is moved into the longitude window of
the projection (its central meridian ± 180°) and joined there before
projecting, so nothing is smeared across the map.

Usually called through the report: ``report.plot()``, ``report.explore()``,
``report.plot_curve()``.

Inside: :mod:`~rangecov.plot.projection` (projection, longitude window,
view) and :mod:`~rangecov.plot.layout` decide a static map without
matplotlib; :mod:`~rangecov.plot.static` draws it, with its data layers in
:mod:`~rangecov.plot.layers` and its labels and legend placed by
:mod:`~rangecov.plot.labels`;
:mod:`~rangecov.plot.interactive` builds the folium map and
:mod:`~rangecov.plot.curve` the reach curve. Colours and names shared by all
three are in :mod:`~rangecov.plot.style`, the optional imports in
:mod:`~rangecov.plot.backend`.
"""

from __future__ import annotations

from .curve import plot_curve, plot_placement_curve
from .interactive import explore_report
from .static import plot_report, save_map

__all__ = ["plot_report", "save_map", "explore_report", "plot_curve", "plot_placement_curve"]
