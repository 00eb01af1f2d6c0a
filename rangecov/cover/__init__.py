"""``coverage()`` and the three ways it runs: in memory, a chunk at a time, on dask.

The entry and the origins prepared once (:mod:`~rangecov.cover.entry`), lines
and polygons (:mod:`~rangecov.cover.shapes`), streaming
(:mod:`~rangecov.cover.streaming`) and dask frames
(:mod:`~rangecov.cover.dask_frames`). The package is not called ``coverage``
because ``rangecov.coverage`` is the function.
"""
