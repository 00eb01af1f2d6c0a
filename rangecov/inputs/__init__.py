"""The inputs layer: the user's arguments checked once, and turned into what the layers below take.

GeoDataFrames and their lon/lat (:mod:`~rangecov.inputs.frames`), the reach
and its tolerance (:mod:`~rangecov.inputs.options`) and weight columns
(:mod:`~rangecov.inputs.weights`). Every mistake is one of
:mod:`rangecov.errors`, naming the argument and what it accepts.
"""
