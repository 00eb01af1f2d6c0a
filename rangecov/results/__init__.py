"""The results layer: what a coverage answer holds and how it is shown.

Counts and totals (:mod:`~rangecov.results.totals`), the report
(:mod:`~rangecov.results.report`), coverage curves
(:mod:`~rangecov.results.curve_points`) and the comparison of two reports
(:mod:`~rangecov.results.comparison`). Nothing here measures a distance.
"""
