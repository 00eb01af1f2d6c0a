"""Regenerate airfields.csv (run by hand; needs `pip install airportsdata`).

Coordinates come from the `airportsdata` package where it has the field under
the right ICAO code and a position that other sources confirm; from the
Wikipedia article's infobox otherwise. Every row says which, and how sure the
position is (README.md in this folder has the details). Run from anywhere:

    python rangecov/data/atacms_kursk_2024/make_airfields.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import airportsdata

HERE = Path(__file__).resolve().parent

# name, ICAO ("" if none is published), role, where the coordinate comes from:
# ("airportsdata", ICAO) or ("manual", lat, lon, source), uncertainty in km, role source.
FIELDS = [
    # --- glide_bomb_base: 2024 open reporting ties the field to Su-34/Su-35 glide-bomb sorties
    (
        "Morozovsk",
        "URRM",
        "glide_bomb_base",
        ("airportsdata", "URRM"),
        1.0,
        "inews.co.uk, Aug 2024: 'home to the Su-34 glide bombers' (strike of 3 Aug 2024)",
    ),
    (
        "Marinovka",
        "",
        "glide_bomb_base",
        (
            "manual",
            48.636,
            43.790,
            "open GitHub map data (two files agree within 0.4 km); no Wikipedia/OurAirports value found",
        ),
        2.0,
        "UK MoD intelligence update via Business Insider (autumn 2024): Su-34s moved here from Morozovsk; Kyiv Independent/SBU, Aug 2024: ~30 Su-34/Su-35",
    ),
    (
        "Voronezh-Baltimor",
        "UUOW",
        "glide_bomb_base",
        ("manual", 51.6247, 39.1314, "aviationsmilitaires.net airfield 1627 (51°37'29\"N 39°07'53\"E)"),
        1.0,
        "censor.net, Jan 2024: 47th Bomber Aviation Regiment, Su-34, used for guided-bomb attacks",
    ),
    (
        "Kursk-Khalino",
        "UUOK",
        "glide_bomb_base",
        ("airportsdata", "UUOK"),
        1.0,
        "named in the scenario brief; UUOK (Kursk-Vostochny) is the same field (it-wiki, Italian press, Nov 2024); glide-bomb link not independently confirmed here",
    ),
    (
        "Borisoglebsk",
        "XUOB",
        "glide_bomb_base",
        ("manual", 51.3667, 42.1831, "Wikipedia (uk) infobox, 51°22'00\"N 42°10'59\"E"),
        1.0,
        "Ukrainian General Staff via Ukrainska Pravda, 2024: strike hit a guided-bomb depot (Su-34, Su-35S, Su-30SM)",
    ),
    (
        "Lipetsk-2",
        "",
        "glide_bomb_base",
        (
            "manual",
            52.635,
            39.445,
            "Wikipedia (en) 'Lipetsk air base' infobox, 52°38'06\"N 39°26'42\"E; not the civil airport UUOL",
        ),
        1.0,
        "Ukrainian General Staff, Oct 2024: Su-34, Su-35, MiG-31; Aug 2024 strike reportedly destroyed glide bombs",
    ),
    # --- military_aviation: other military fields
    (
        "Millerovo",
        "",
        "military_aviation",
        (
            "manual",
            48.952,
            40.301,
            "open GitHub map data (several files within 0.2 km); no Wikipedia/OurAirports value found",
        ),
        2.0,
        "fighter base (Su-30SM)",
    ),
    (
        "Buturlinovka",
        "",
        "military_aviation",
        (
            "manual",
            50.7917,
            40.6111,
            "Wikipedia (en) infobox, 50°47'30\"N 40°36'40\"E; aviationsmilitaires.net agrees within 0.3 km",
        ),
        0.5,
        "military airfield",
    ),
    (
        "Savasleyka",
        "",
        "military_aviation",
        ("manual", 55.44, 42.31, "Wikipedia (en, fr) infobox, rounded to 0.01°"),
        1.0,
        "fighter training centre (MiG-31)",
    ),
    (
        "Yeysk",
        "URKE",
        "military_aviation",
        (
            "manual",
            46.6806,
            38.2139,
            "Wikipedia (ru) infobox 46°40'50\"N 38°12'50\"E; airportsdata URKE 46.68, 38.21 agrees",
        ),
        0.5,
        "naval aviation / training base",
    ),
    (
        "Primorsko-Akhtarsk",
        "",
        "military_aviation",
        ("manual", 46.05, 38.17, "open GitHub map data; likely the town centre, not the runway"),
        5.0,
        "attack aircraft base (Su-25)",
    ),
    (
        "Krymsk",
        "",
        "military_aviation",
        (
            "manual",
            44.9233,
            37.9806,
            "Wikipedia (en) infobox 44°55'24\"N 37°58'50\"E; suspect: the article puts the base 4.8 km north of the town",
        ),
        5.0,
        "fighter base (Su-30SM/Su-27)",
    ),
    (
        "Akhtubinsk",
        "",
        "military_aviation",
        ("manual", 48.3081, 46.2030, "Wikipedia (ru) aerodrome reference point N48.30808 E046.20297"),
        0.5,
        "flight test centre (929th GLITs)",
    ),
    # --- strategic_bomber
    (
        "Engels-2",
        "XWSG",
        "strategic_bomber",
        (
            "manual",
            51.4811,
            46.2106,
            "Wikipedia (en) infobox 51°28'52\"N 46°12'38\"E; it/de editions within 0.2 km (airportsdata XWSG is rounded and ~1.8 km off)",
        ),
        0.5,
        "Tu-95MS / Tu-160 base",
    ),
    (
        "Shaykovka",
        "XUBJ",
        "strategic_bomber",
        ("manual", 54.2267, 34.3717, "Wikipedia (en) infobox 54°13'36\"N 34°22'18\"E"),
        0.5,
        "Tu-22M3 base",
    ),
    ("Soltsy-2", "XLLL", "strategic_bomber", ("airportsdata", "XLLL"), 0.5, "Tu-22M3 base"),
    (
        "Mozdok",
        "URMF",
        "strategic_bomber",
        (
            "manual",
            43.7875,
            44.6031,
            "Wikipedia (fr) infobox 43°47'15\"N 44°36'11\"E; aviationsmilitaires.net within 0.25 km",
        ),
        0.5,
        "Tu-22M3 base",
    ),
]


def main() -> None:
    airports = airportsdata.load()
    rows = []
    for name, icao, role, where, uncertainty, role_source in FIELDS:
        if where[0] == "airportsdata":
            entry = airports[where[1]]
            lat, lon = float(entry["lat"]), float(entry["lon"])
            source = f"airportsdata {airportsdata.__version__} ({where[1]}: {entry['name']})"
        else:
            _, lat, lon, source = where
        rows.append(
            {
                "name": name,
                "icao": icao,
                "role": role,
                "lat": round(lat, 4),
                "lon": round(lon, 4),
                "source": source,
                "uncertainty_km": uncertainty,
                "role_source": role_source,
            }
        )
    with open(HERE / "airfields.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} airfields to {HERE / 'airfields.csv'}")


if __name__ == "__main__":
    main()
