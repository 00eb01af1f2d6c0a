"""Every tuning constant in one place: chunk sizes, thresholds and budgets, each with what it trades.

None of these changes an answer: every target's result depends on the
origins alone (``docs/exactness.md``), so these only move time, memory and the
steps of a progress bar. The constants that *do* carry a proof (slacks,
snapping grids, the segment grid, the longest edge drawn) stay beside the code
that proves them. Functions that let a caller choose take a keyword
(``coverage(chunk_size=)``, ``stream_coverage(chunk_rows=)``); these are the
defaults.
"""

from __future__ import annotations

__all__ = [
    "POINT_CHUNK",
    "CHUNK_ROWS",
    "SHAPE_CHUNK",
    "POINT_TARGET_CHUNK",
    "POINT_TARGET_PAIRS",
    "FOLD_CHUNKS",
    "POINT_BATCH",
    "PARALLEL_MIN",
    "PER_CELL",
    "CELL_MAX",
    "CELL_FIRST_K",
    "CELL_MORE_K",
    "CELL_WIDTHS",
    "GROUP_ROWS",
    "SLICE",
    "FIRST_K",
    "MORE_K",
    "MAX_REACH_GROUPS",
    "GROUP_LEAF",
    "GROUP_OPEN",
    "DENSE_ROWS",
    "DENSE_MAX_CHORD",
    "DENSE_MIN_ORIGINS",
    "PAIRS_PER_STEP",
    "COUNT_ROWS",
    "PAIRS_PER_BATCH",
    "TREE_LEAF",
    "SMALL_SHAPE",
    "SHAPE_CELLS_FROM",
    "SHAPE_PER_CELL",
    "SHAPE_CELL_GROUP",
    "NEAR_PER_CELL",
    "SHORT_EDGE_M",
    "CELL_DOMINANCE_M",
    "SHAPE_PAIRS",
    "SHAPE_CELL_MAX_M",
    "SHAPE_GROUP_GROWTH",
    "SHAPE_GROUP_PIECE",
    "FAR_ROUNDS",
    "FAR_MAX_CELLS",
    "FAR_BATCH_ROWS",
    "MAX_ROUNDS",
    "MAX_VERTICES",
    "MAX_SPLITS",
    "CELL_AREA_STEP",
]

# -- chunks: how much is done per step (one step of a progress bar) ----------------------------

# Point targets per chunk of the point engine (about a second of work, ~100 MB of a chunk's
# columns): the engine bins a chunk's targets into cells of ~PER_CELL, and cells drawn from a
# million targets are small enough that half of them hold one candidate. Smaller chunks search
# slower (bigger cells per target); larger ones hold more memory for no gain.
POINT_CHUNK = 1 << 20
# Rows per chunk of a streamed file by default (``stream_coverage``, ``--chunk-rows``): the point
# engine's own step.
CHUNK_ROWS = POINT_CHUNK
# Line and polygon targets per chunk of the distance computation: larger chunks hold more
# (target x origin) tables at once.
SHAPE_CHUNK = 1024
# Point targets per chunk against line and polygon origins (fewer against many origins: a chunk's
# tables hold at most POINT_TARGET_PAIRS targets x origins, 64 MB each): large enough that the cells
# of points searched together (docs/exactness.md, step 5b) are small, and solves run in large
# batches over threads.
POINT_TARGET_CHUNK = 1 << 19
POINT_TARGET_PAIRS = 1 << 23
# Group counts of this many streamed chunks are folded into one, so that a ``by`` column with
# many values does not grow a list per chunk; fewer folds cost more concatenations.
FOLD_CHUNKS = 16
# Point buffers drawn per batch (one progress step): batches keep the vectorised disk tracing
# efficient; larger ones delay the bar.
POINT_BATCH = 256

# -- threads ----------------------------------------------------------------------------------

# Below this many pairs (or rows) a thread pool costs more than it saves: the geodesic solves,
# the k-d queries of the engine and the shape bounds all run on one thread below it.
PARALLEL_MIN = 20_000

# -- the point engine (rangecov.engine) -------------------------------------------------------

# Targets per cell aimed at: a cell costs about as much as a dozen targets' chords (one k-d
# query, a few bounds), so cells much smaller than this cost more than they save; much larger
# ones collect more candidates per target.
PER_CELL = 32
# Cells with more candidates than this send their targets to the per-target search.
CELL_MAX = 128
# Origins asked for first per cell, then (where they may not be all) CELL_MORE_K in turn.
CELL_FIRST_K = 12
# A cell whose first origins by chord are all candidates is asked for this many more, in turn.
CELL_MORE_K = (32, CELL_MAX)
# Targets are grouped by their cell's number of candidates, padded up to these widths: finer
# widths pad less, each width is one more vectorised pass.
CELL_WIDTHS = (2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128)
# Targets per piece of a group's work: bounds the (targets x candidates x 3) chord arrays.
GROUP_ROWS = 1 << 12
# Targets per unit of threaded work: smaller slices balance the threads better, larger ones
# spend less on the pool.
SLICE = 1 << 15
# The per-target search asks the FIRST_K nearest origins of every target, then MORE_K for the
# few whose search radius holds more origins than that. Only targets in dense clusters of
# origins fall back to a ball query, whose Python lists are slow in bulk.
FIRST_K = 4
MORE_K = 16
# Up to this many distinct per-origin reach values, each value gets its own k-d tree (within it
# the search is a pure nearest-origin search); beyond it, the origins are split into this many
# bands of reach with about as many origins each. More trees: tighter bands, more queries.
MAX_REACH_GROUPS = 8
# Dense origins seen from afar (rangecov.engine.groups): origins are split in halves down to
# groups of about GROUP_LEAF (smaller leaves: more levels to descend, fewer bounds per leaf).
GROUP_LEAF = 8
# A group is measured from its reference origin (one solve, then bounds for all its members) when
# the target is at least GROUP_OPEN times the group's radius away: larger, tighter bounds (they
# loosen as radius² / distance) but more groups opened, each a solve.
GROUP_OPEN = 16
# Targets whose search radius (a chord) exceeds this take the ball query instead of the hierarchy:
# about 8,000 km away, where a group of any size can no longer be opened (s + span < pi b / 2) and
# the hierarchy would bound its groups by chord alone (point case D: 6.3x the reference, 4.2x without).
DENSE_MAX_CHORD = 7_000_000.0
# ... and so do the targets of a search tree of fewer origins than this: a ball of at most this many
# costs less than opening groups (point case C, 36 origins in 45 km: 1.39x the reference through
# the hierarchy, 1.16x by ball queries).
DENSE_MIN_ORIGINS = 128
# Targets searched together in the hierarchy of groups: bounds the (target, group) pairs held.
DENSE_ROWS = 1 << 12
# (origin, cell) pairs handled per step when counting targets per origin: bounds a step's
# memory (tens of MB) whatever the reach; with a reach of thousands of kilometres every origin
# meets every cell.
PAIRS_PER_STEP = 1 << 16
# Targets placed into cells per threaded piece when counting per origin.
COUNT_ROWS = 1 << 16

# -- lines and polygons (rangecov.geometry, rangecov.geodesy.segment) ----------------------------

# (point, vertex or edge) pairs of a brute-force search held at once: bounds its memory.
PAIRS_PER_BATCH = 2_000_000
# Points per leaf of the k-d trees of large shapes: queries from far away (most of them) ran 1.25
# times faster than with scipy's default of 16.
TREE_LEAF = 64
# Shapes with at most this many vertices plus edges are searched by brute force, all of one call
# at once (a box, a district); larger ones through k-d trees (an oblast's outline).
SMALL_SHAPE = 256
# Points against a large shape are searched per cell of points (docs/exactness.md, step 5b) from
# this many points in one call; fewer go through the per-point k-d search, as cells of a sparse
# handful hold one point each and save nothing.
SHAPE_CELLS_FROM = 2048
# Points per cell for that search: smaller cells leave fewer candidate vertices per point (the
# linear bound of step 3b (c) keeps those within about twice the cell's radius along the outline)
# but cost a k-d query each.
SHAPE_PER_CELL = 8
# Cells per group: a group's k-d query (its ball holds a shell of the outline as thick as the
# group) gives its cells their candidates, so larger groups make fewer, larger queries.
SHAPE_CELL_GROUP = 8
# Points per cell when bounding many points' distances to large shapes (step 5b): the bounds
# widen by up to the cell's diameter, so larger cells send more (point, shape) pairs to be measured.
NEAR_PER_CELL = 32
# Cells wider than this (radius, m), and groups wider than SHAPE_GROUP_GROWTH times it, send their
# points to the per-point search: a wide cell keeps a shell of the outline as thick as itself, so
# sparse points (10,000 over a country: cells of ~60 km) are searched faster one by one.
SHAPE_CELL_MAX_M = 20_000.0
SHAPE_GROUP_GROWTH = 3.0
# Groups whose k-d queries are run together (one thread's piece): bounds the (group, vertex) pairs
# of their shells held at once.
SHAPE_GROUP_PIECE = 256
# Edges whose chord is at most this long are found through their ends (step 5b): the search
# radius around a point grows by about chord**2 / (8 * distance), 42 m for 10 km edges at 300 km;
# longer edges are tested by their midpoints, per cell.
SHORT_EDGE_M = 10_000.0
# Cells whose points may be farther than this from the shape go to the per-point search: the
# bound of step 5b needs the chord-to-geodesic radius of step 2a to be the distance itself
# (true below ~1,800 km on WGS84).
CELL_DOMINANCE_M = 1_500_000.0
# (point, candidate vertex) pairs per slice of that search (each slice one thread's work): bounds
# its memory, and gives the threads several slices to share.
SHAPE_PAIRS = 1 << 18
# Branch and bound for points far from a segment: rounds of splitting (cells of 1,000 km / 2**60
# are far below a micrometre), cells held at once (memory), and rows certified together.
FAR_ROUNDS = 60
FAR_MAX_CELLS = 1 << 22
FAR_BATCH_ROWS = 65_536

# -- drawing (buffers, disks, regions in a raster's CRS) --------------------------------------------

# Halvings of an edge before a refinement gives up (2^-60 of an edge is far below a nanometre).
MAX_ROUNDS = 60
# Vertices one curve or ring of a refinement may reach (or 8 times what it started with, if
# more). A curve that needs more has a tolerance too fine for its size; stopping there bounds
# each curve (about 1.5 GB) where 60 rounds of doubling would not (docs/exactness.md, step 6).
MAX_VERTICES = 1 << 25
# Halvings of one edge drawn in another CRS before giving up: 2**40 pieces of a 20,000 km edge
# are 18 µm.
MAX_SPLITS = 40
# Raster cells whose areas are computed per block of rows: about a million cells, so memory stays near
# 200 MB whatever the grid.
CELL_AREA_STEP = 1 << 20
