"""The base layer: what needs no geometry on the ellipsoid.

Longitudes and their wrapping (:mod:`~rangecov.base.lonlat`), progress bars
(:mod:`~rangecov.base.progress`), exact sums (:mod:`~rangecov.base.sums`) and
the rule for remote paths (:mod:`~rangecov.base.remote`). With the root's
:mod:`rangecov.errors`, :mod:`rangecov.units` and :mod:`rangecov.version`,
every other layer may import it; it imports none of them.
"""
