"""Where to put new origins: ``place()`` and its result.

:mod:`~rangecov.placement.sites` holds :func:`place` and :class:`Placement`,
:mod:`~rangecov.placement.candidates` the candidates x targets matrix and the
candidate grid, :mod:`~rangecov.placement.mclp` the solvers (greedy, and the
integer program through HiGHS).
"""
