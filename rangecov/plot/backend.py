"""The optional plotting libraries, imported only when a picture is asked for.

matplotlib (static map, curve) and folium (interactive map) are extras,
``pip install "rangecov[plot]"``: importing rangecov, or rangecov.plot, works
without them, and a call that needs one says how to install it.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

from ..errors import InputTypeError, MissingDependencyError

if TYPE_CHECKING:  # only for the annotations; matplotlib stays optional
    from matplotlib.axes import Axes

PLOT_HINT = 'pip install "rangecov[plot]"'


def import_matplotlib() -> ModuleType:
    """matplotlib's ``patheffects`` (for the white halo behind labels), or ImportError saying what to install."""
    try:
        import matplotlib  # noqa: F401
        from matplotlib import patheffects
    except ImportError as err:  # pragma: no cover - exercised only without the extra
        raise MissingDependencyError(f"rangecov's static maps and curves need matplotlib: {PLOT_HINT}") from err
    return patheffects


def import_scalebar():
    """matplotlib-scalebar's ScaleBar, or ImportError saying what to install (or how to do without)."""
    try:
        from matplotlib_scalebar.scalebar import ScaleBar
    except ImportError as err:  # pragma: no cover - exercised only without the extra
        raise MissingDependencyError(
            f"rangecov's scale bar needs matplotlib-scalebar: {PLOT_HINT}, or pass scalebar=False"
        ) from err
    return ScaleBar


def scalebar_available() -> bool:
    """Whether matplotlib-scalebar can be imported (maps draw their scale bar only then, unless told to)."""
    import importlib.util

    return importlib.util.find_spec("matplotlib_scalebar") is not None


def import_folium() -> ModuleType:
    """The folium module, or ImportError saying what to install."""
    try:
        import folium
    except ImportError as err:  # pragma: no cover - exercised only without the extra
        raise MissingDependencyError(f"rangecov's interactive maps need folium: {PLOT_HINT}") from err
    return folium


def new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """The caller's axes, or new ones from pyplot (only then is pyplot imported)."""
    if ax is not None:
        from matplotlib.axes import Axes

        if not isinstance(ax, Axes):
            raise InputTypeError(f"ax must be a matplotlib Axes (or None for new ones), got {type(ax).__name__}")
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax
