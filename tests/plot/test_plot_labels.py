"""Where the static map's texts go (rangecov.plot.labels): labels from a column, no collisions."""

from __future__ import annotations

import numpy as np

import rangecov
from rangecov.plot import plot_report


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def _boxes(texts) -> np.ndarray:
    return np.asarray([[b.x0, b.y0, b.x1, b.y1] for b in (t.get_window_extent() for t in texts)]).reshape(-1, 4)


def _overlap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(len(a), len(b)) whether boxes of a and b overlap."""
    return (np.minimum(a[:, None, 2], b[None, :, 2]) > np.maximum(a[:, None, 0], b[None, :, 0])) & (
        np.minimum(a[:, None, 3], b[None, :, 3]) > np.maximum(a[:, None, 1], b[None, :, 1])
    )


def test_labels_from_a_column(report, scenario):
    ax = plot_report(report, labels="icao", origin_labels=False)
    shown = texts(ax)
    codes = [c for c in scenario.airfields["icao"] if c]
    assert set(codes) <= set(shown)
    assert "Kursk-Khalino" not in shown and "Sumy" not in shown
    # Empty codes draw nothing: one text per code plus the corner note.
    assert len(shown) == len(codes) + 1


def test_area_names_keep_off_data_labels_and_the_reach_edge():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = rangecov.datasets.atacms_kursk_2024()
    report = rangecov.coverage(s.launch_sites, s.airfields, s.reach)
    regions = s.regions.assign(label=s.regions["name_en"].str.replace(" Oblast", "", regex=False))
    ax = report.plot(labels=True, background=regions, background_labels="label")
    try:
        ax.figure.canvas.draw()
        texts = [t for t in ax.texts]
        area = [t for t in texts if t.get_gid() == "rangecov:background-label"]
        names = set(report.targets.index) | set(report.input_origins.index)
        data = [t for t in texts if t.get_gid() != "rangecov:background-label" and t.get_text() in names]
        assert len(area) >= 8 and len(data) == 17 + 7
        assert not _overlap(_boxes(area), _boxes(data)).any()
        edge = np.vstack(
            [p.vertices for c in ax.collections if c.get_gid() == "rangecov:reach-edge" for p in c.get_paths()]
        )
        edge_px = ax.transData.transform(edge)
        for box in _boxes(area):
            inside = (
                (edge_px[:, 0] > box[0])
                & (edge_px[:, 0] < box[2])
                & (edge_px[:, 1] > box[1])
                & (edge_px[:, 1] < box[3])
            )
            assert not inside.any()
    finally:
        plt.close(ax.figure)


def test_labels_on_a_dense_map_leave_out_what_would_collide():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cities = rangecov.datasets.world_cities()
    report = rangecov.coverage(cities.loc[["London", "Dubai", "Singapore", "New York", "Auckland"]], cities, "3000 km")
    ax = report.plot(labels=True)
    try:
        ax.figure.canvas.draw()
        names = set(map(str, report.targets.index))
        drawn = [t for t in ax.texts if t.get_text() in names]
        assert 30 < len(drawn) < len(names)  # the map shows what it has room for
        boxes = _boxes(drawn)
        pairs = _overlap(boxes, boxes)
        np.fill_diagonal(pairs, False)
        assert not pairs.any()
    finally:
        plt.close(ax.figure)
