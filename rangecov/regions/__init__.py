"""Regions within reach: drawn (``buffer``, ``reach``, ``rings``), their areas, and rasters weighed over them.

:mod:`~rangecov.regions.buffering` draws the regions,
:mod:`~rangecov.regions.area` measures how much of each polygon they cover,
:mod:`~rangecov.regions.raster` (with :mod:`~rangecov.regions.raster_source`)
how much of a raster's weight.
"""
