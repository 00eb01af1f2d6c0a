"""Bundled example data, shipped inside the package (no network, no ../shared)."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources

import geopandas as gpd
import pandas as pd

__all__ = ["Scenario", "atacms_kursk_2024", "world_countries", "world_cities"]


@dataclass(frozen=True)
class Scenario:
    """A bundled scenario: origins, targets, the reach and the claim it tests.

    Attributes
    ----------
    name : str
        Short title.
    launch_sites : GeoDataFrame
        Origins (EPSG:4326), with a ``reach`` column.
    airfields : GeoDataFrame
        Targets (EPSG:4326), with ``icao``, ``name``, ``role`` and ``source``.
    reach : str
        The scenario's reach, e.g. ``"190 mi"``.
    claim : str
        The public statement the scenario checks, quoted with its source.
    regions : GeoDataFrame
        Boundary polygons (EPSG:4326) indexed by ISO 3166-2 code, with
        ``name``, ``name_en``, ``country`` and ``source``.
    held_proxy : GeoDataFrame
        A stand-in for Ukrainian-held ground (EPSG:4326), indexed by name,
        with ``kind`` and ``source``; what it leaves out is in ``held_note``.
    held_note : str
        What the proxy is and is not.
    reaches : dict
        Named reaches to compare, e.g. ``{"ATACMS": "190 mi", "GMLRS": "70 km"}``.
    launch_sites_before : GeoDataFrame
        The origins before a change of the front (a subset of ``launch_sites``).
    before_note : str
        What ``launch_sites_before`` stands for.
    places : GeoDataFrame
        Populated places (EPSG:4326) with ``name``, ``population``,
        ``admin1`` and ``region`` (the ISO 3166-2 code of the scenario's
        region holding the place, or ``"other"``), indexed by GeoNames id.
    places_note : str
        What the places are and are not.
    """

    name: str
    launch_sites: gpd.GeoDataFrame
    airfields: gpd.GeoDataFrame
    reach: str
    claim: str
    regions: gpd.GeoDataFrame
    held_proxy: gpd.GeoDataFrame
    launch_sites_before: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    held_note: str = ""
    reaches: dict = field(default_factory=dict)
    before_note: str = ""
    places_note: str = ""


def _read_points(package_dir: str, filename: str) -> gpd.GeoDataFrame:
    with resources.files("rangecov").joinpath("data").joinpath(package_dir).joinpath(filename).open("rb") as fh:
        table = pd.read_csv(fh, keep_default_na=False, na_values={"lat": [""], "lon": [""]})
    geometry = gpd.points_from_xy(table.pop("lon"), table.pop("lat"), crs="EPSG:4326")
    return gpd.GeoDataFrame(table, geometry=geometry, crs="EPSG:4326")


def _read_geojson(package_dir: str, filename: str) -> gpd.GeoDataFrame:
    with resources.files("rangecov").joinpath("data").joinpath(package_dir).joinpath(filename).open("rb") as fh:
        return gpd.read_file(fh).set_crs("EPSG:4326", allow_override=True)


def atacms_kursk_2024() -> Scenario:
    """ATACMS and the Kursk region, November 2024.

    In November 2024 Ukraine was allowed to use ATACMS (maximum range about
    190 miles, ~300 km) against targets inside Russia, first around the Kursk
    region. In September 2024 the Pentagon had said that about 90% of the
    Russian aircraft launching glide bombs flew from airfields beyond ATACMS
    range.

    Returns
    -------
    Scenario
        ``launch_sites``: seven *notional* launch areas on Ukrainian-held
        ground near the border (city coordinates, not real firing positions),
        indexed by name, with ``reach = "190 mi"``. ``airfields``: Russian
        military airfields within ~1,100 km of Kursk, indexed by name, with
        ICAO code (empty where none is published), ``role``
        (``glide_bomb_base``, ``military_aviation``, ``strategic_bomber``),
        the ``source`` of each coordinate and its ``uncertainty_km``. Sources
        and their certainty are in ``rangecov/data/atacms_kursk_2024/README.md``.
        ``regions``: Kursk Oblast and its neighbours (Natural Earth 1:50m,
        public domain) and the Sumy, Kharkiv and Chernihiv oblasts
        (geoBoundaries, © OpenStreetMap contributors, ODbL-1.0), matched on
        ISO 3166-2. ``held_proxy``: those three Ukrainian oblasts plus a
        notional Sudzha salient, standing in for Ukrainian-held ground near
        Kursk in autumn 2024 (see ``held_note``). ``reaches``: ATACMS
        ("190 mi") and GMLRS ("70 km", the commonly published range of the
        M30/M31 guided rocket fired by the same launchers).
        ``launch_sites_before``: the six sites held before Ukraine's August
        2024 move into Kursk Oblast (all but Sudzha). ``places``: 2,123
        GeoNames populated places in Russia with 500 people or more
        (30–50° E, 44–58° N; GeoNames, CC BY 4.0), with the ``region`` of
        the scenario holding each (``"other"`` outside its seven Russian
        regions); places are not a census grid (``places_note``).

    Examples
    --------
    >>> from rangecov import datasets, coverage
    >>> s = datasets.atacms_kursk_2024()
    >>> report = coverage(s.launch_sites, s.airfields, s.reach)
    >>> report.total == len(s.airfields)
    True
    """
    sites = _read_points("atacms_kursk_2024", "launch_sites.csv").set_index("name")
    airfields = _read_points("atacms_kursk_2024", "airfields.csv").set_index("name")
    regions = _read_geojson("atacms_kursk_2024", "border_regions.geojson").set_index("iso_3166_2")
    salient = _read_geojson("atacms_kursk_2024", "sudzha_salient.geojson")
    ua = regions[regions["country"] == "UA"]
    held = gpd.GeoDataFrame(
        {
            "name": list(ua["name_en"]) + list(salient["name"]),
            "kind": ["oblast"] * len(ua) + ["salient"],
            "source": list(ua["source"]) + ["hand-drawn, notional (rangecov)"],
        },
        geometry=list(ua.geometry) + list(salient.geometry),
        crs="EPSG:4326",
    ).set_index("name")
    return Scenario(
        name="ATACMS and the Kursk region, November 2024",
        places=_places(regions),
        places_note=(
            "Places are GeoNames populated places in Russia with a population figure of their own "
            "(500 or more; each GeoNames' latest figure, of varying date), not a census grid: people "
            "living between the listed places are missing, so the sums are a lower-bound indicator, "
            "not a count of everyone within reach."
        ),
        launch_sites=sites,
        airfields=airfields,
        reach="190 mi",
        claim=(
            "US officials, Aug-Sep 2024 (WSJ citing a US official, 27 Aug; White House NSC "
            "spokesman John Kirby, 4 Sep; widely reported as the Pentagon's assessment): about 90% "
            "of the Russian aircraft launching glide bombs are based beyond ATACMS range (~300 km)."
        ),
        regions=regions,
        held_proxy=held,
        reaches={"ATACMS": "190 mi", "GMLRS": "70 km"},
        launch_sites_before=sites[sites["oblast"] != "Kursk (RU)"],
        before_note=(
            "Launch sites before 6 August 2024, when Ukraine moved into Kursk Oblast: the six sites "
            "on Ukrainian ground, without Sudzha (in the salient held from August 2024)."
        ),
        held_note=(
            "Proxy for Ukrainian-held ground: the whole of the Sumy, Kharkiv and Chernihiv oblasts "
            "plus a notional Sudzha salient in Kursk Oblast. It overstates held ground where Russia "
            "held parts of Kharkiv Oblast (around Kupiansk and Vovchansk) and leaves out the rest of "
            "the front, notably the southern front (Donetsk, Zaporizhzhia, Kherson), which is nearer "
            "to the airfields around Rostov, Krasnodar and Crimea. The country outline is not used: "
            "it shows pre-2022 borders, not the 2024 front line."
        ),
    )


def _places(regions: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """places.csv, indexed by GeoNames id, with the scenario's Russian region holding each place."""
    with (
        resources.files("rangecov")
        .joinpath("data")
        .joinpath("atacms_kursk_2024")
        .joinpath("places.csv")
        .open("rb") as fh
    ):
        table = pd.read_csv(fh, dtype={"admin1": str, "name": str}, keep_default_na=False)
    geometry = gpd.points_from_xy(table.pop("lon"), table.pop("lat"), crs="EPSG:4326")
    places = gpd.GeoDataFrame(table.set_index("geonameid"), geometry=geometry, crs="EPSG:4326")
    russian = regions[regions["country"] == "RU"]
    # Point in polygon on the 1:50m outlines (their vertices are a few km apart: a place within
    # a few hundred metres of a border may land on the other side of it).
    inside = gpd.sjoin(places[["geometry"]], russian[["geometry"]], how="left", predicate="within")
    inside = inside[~inside.index.duplicated(keep="first")]
    places["region"] = inside["iso_3166_2"].fillna("other").astype(str).to_numpy()
    return places


def world_countries() -> gpd.GeoDataFrame:
    """The world's countries at 1:110m (Natural Earth, public domain), EPSG:4326.

    177 rows indexed by ISO 3166-1 alpha-3 code (``adm0_a3``), with ``name``,
    ``name_long``, ``iso_a3``, ``continent`` and ``pop_est``. Pre-2022
    boundaries, drawn de facto; meant as a map background and for examples.
    Source: ``rangecov/data/natural_earth/README.md``.

    Examples
    --------
    >>> from rangecov import datasets
    >>> len(datasets.world_countries())
    177
    """
    return _read_geojson("natural_earth", "countries_110m.geojson").set_index("adm0_a3")


def world_cities() -> gpd.GeoDataFrame:
    """243 capitals and major cities (Natural Earth 1:110m populated places), EPSG:4326.

    Indexed by city name, with ``country`` (Natural Earth's ``adm0name``),
    ``iso_a2`` and ``pop_max``. Source: ``rangecov/data/natural_earth/README.md``.

    Examples
    --------
    >>> from rangecov import datasets
    >>> cities = datasets.world_cities()
    >>> cities.loc["Tokyo", "country"]
    'Japan'
    """
    places = _read_geojson("natural_earth", "places_110m.geojson")
    places = places.rename(columns={"adm0name": "country"}).drop(columns=["latitude", "longitude"])
    return places.set_index("name")[["country", "iso_a2", "pop_max", "geometry"]]
