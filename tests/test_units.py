"""Distances and shares with units (rangecov.units): parsed into metres, formatted for people, mistakes refused."""

from __future__ import annotations

import math

import pytest

import rangecov
from rangecov import format_distance, parse_distance
from rangecov.errors import InputError, InputTypeError


@pytest.mark.parametrize(
    "text,metres",
    [
        ("190 mi", 190 * 1609.344),
        ("190 miles", 190 * 1609.344),
        ("190 Miles", 190 * 1609.344),
        ("1 MILE", 1609.344),
        ("305.8km", 305_800.0),
        ("300 km", 300_000.0),
        ("165 nmi", 165 * 1852.0),
        ("165 NM", 165 * 1852.0),
        ("2 nautical miles", 3704.0),
        ("1000 ft", 304.8),
        ("1000 feet", 304.8),
        ("1 foot", 0.3048),
        ("10 yd", 9.144),
        ("10 yards", 9.144),
        ("12 m", 12.0),
        ("12 metres", 12.0),
        ("12 Meters", 12.0),
        ("3 kilometres", 3000.0),
        ("1e3 m", 1000.0),
        (".5 km", 500.0),
        ("  7 km  ", 7000.0),
        ("0 km", 0.0),
        (1500, 1500.0),
        (1500.5, 1500.5),
        (0, 0.0),
    ],
)
def test_accepted(text, metres):
    assert parse_distance(text) == pytest.approx(metres, rel=1e-15)


@pytest.mark.parametrize(
    "value,fragment",
    [
        ("-5 km", "must not be negative"),
        (-1, "must not be negative"),
        (float("nan"), "must be finite"),
        (float("inf"), "must be finite"),
        ("inf km", "not a number followed by a unit"),
        ("", "is empty"),
        ("   ", "is empty"),
        ("300", "has no unit"),
        ("300 furlongs", "unknown unit 'furlongs'"),
        ("300 nm", "ambiguous"),
        ("300 M", "ambiguous"),
        ("km", "not a number followed by a unit"),
        ("1,000 km", "unknown unit"),
    ],
)
def test_rejected_with_message(value, fragment):
    with pytest.raises(InputError) as err:
        parse_distance(value)
    message = str(err.value)
    assert fragment in message
    assert repr(value) in message or str(value) in message


def test_unknown_unit_lists_accepted_units():
    with pytest.raises(InputError, match=r"accepted units: m, km, mi .* nmi or NM .* ft, yd"):
        parse_distance("5 parsecs")


@pytest.mark.parametrize("value", [None, [1], True, object()])
def test_wrong_type(value):
    with pytest.raises(InputTypeError, match="distance must be a number of metres or a string"):
        parse_distance(value)


def test_format_distance():
    assert format_distance(305775.36) == "305.8 km"
    assert format_distance(300000) == "300 km"
    assert format_distance(850) == "850 m"
    assert format_distance(math.inf) == "inf"


def test_a_share_is_written_as_on_the_command_line(alaska):
    report = rangecov.coverage(rangecov.read("sites.csv"), rangecov.read("fields.csv"), "300 km")
    assert report.required_reach("90%") == report.required_reach(0.9) == report.required_reach("0.9")
    assert report.required_reach(" 40 % ") == report.required_reach(0.4)
    for bad in ("0%", "101%", "ninety", 0, 1.5):
        with pytest.raises(rangecov.errors.InputError, match="share must be a number in \\(0, 1\\] or a percentage"):
            report.required_reach(bad)
    with pytest.raises(rangecov.errors.InputTypeError, match="share must be"):
        report.required_reach(True)
