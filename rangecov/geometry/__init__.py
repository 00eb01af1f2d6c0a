"""The geometry layer: lines, polygons and disks on the ellipsoid, as shapely geometries in lon/lat.

Edges and their refinement (:mod:`~rangecov.geometry.edges`), geodesic disks
(:mod:`~rangecov.geometry.disks`), lines and polygons drawn with geodesic edges
(:mod:`~rangecov.geometry.drawing`), drawn in another CRS
(:mod:`~rangecov.geometry.projected`), bounds that spare exact solves
(:mod:`~rangecov.geometry.bounds`), exact distances to lines and polygons
(:mod:`~rangecov.geometry.distance`) and buffers and their union
(:mod:`~rangecov.geometry.buffers`). Numpy and shapely in, numpy and shapely
out: no GeoDataFrames.
"""
