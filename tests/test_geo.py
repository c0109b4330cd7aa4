"""Municipality boundaries: reader (every bad input named by file, line and key in Dutch), rounding of the outlines,
province dissolve, build, read layer, demo and fetch (stubbed)."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pytest
import requests
import responses
import shapely
from shapely.geometry import shape

from etl.build import build
from etl.demo import geo_municipalities as demo
from etl.demo.world import demo_world
from etl.download import download
from etl.errors import RawFileError
from etl.rawfiles import read_header
from etl.sources import geo_municipalities as geo
from tests.conftest import FIXTURES
from tests.staged import assert_located, build_refusal, refusal, staged_facts
from warehouse.geometry import boundaries

FIXTURE = FIXTURES / "geo" / "gemeente_2024_small.geojson"
FLEVOLAND = ["GM0034", "GM0050", "GM0171", "GM0184", "GM0303", "GM0995"]


def _facts(path: Path):
    """The staged rows in file order: the municipalities (by feature number), then the provinces."""
    facts, education, data_rows = staged_facts(geo, path)
    assert education == [] and data_rows == (facts["level"] == "gemeente").sum()
    return facts.sort_values(["level", "source_line"], ignore_index=True)


def test_reader_on_the_fixture():
    header = read_header(FIXTURE)
    assert geo.recognises(header)
    assert geo.periods(header, FIXTURE) == ["2024"]
    facts = _facts(FIXTURE)
    assert facts[["region_code", "region_name", "source_line"]].values.tolist()[:3] == [
        ["GM0034", "Almere", 1], ["GM0995", "Lelystad", 2], ["GM0050", "Zeewolde", 3]]
    assert facts[["region_code", "level"]].values.tolist() == [
        ["GM0034", "gemeente"], ["GM0995", "gemeente"], ["GM0050", "gemeente"], ["PV24", "provincie"]]
    flevoland = shape(json.loads(facts.loc[facts["region_code"] == "PV24", "geometry"].iloc[0]))
    # Almere and Lelystad touch and dissolve into one polygon; Zeewolde stays a separate part.
    assert flevoland.geom_type == "MultiPolygon" and len(flevoland.geoms) == 2
    assert flevoland.area == pytest.approx(0.08 + 0.01, rel=1e-3)
    assert flevoland.bounds == pytest.approx((5.0, 52.0, 5.4, 52.5), abs=1e-4)


def test_recognises_only_geojson_first_lines():
    assert geo.recognises(['{"type":"FeatureCollection"', ' "features": ['])
    assert geo.recognises(["{"])
    assert not geo.recognises(["PEILDATUM", "REC_TYPE"])
    assert not geo.recognises(['{"type":"Feature"'])


def test_year_from_the_file_name_when_jrstatcode_is_missing(tmp_path):
    path = tmp_path / "gemeente_2021.geojson"
    path.write_text(FIXTURE.read_text().replace('"jrstatcode":"2024GM0034",', "")
                    .replace('"jrstatcode":"2024GM0995",', "").replace('"jrstatcode":"2024GM0050",', ""))
    assert geo.periods(read_header(path), path) == ["2021"]
    nameless = tmp_path / "grenzen.geojson"
    shutil.copy(path, nameless)
    with pytest.raises(RawFileError, match="jrstatcode"):
        geo.periods(read_header(nameless), nameless)


@pytest.mark.parametrize(("old", "new", "message"), [
    ('"statcode":"GM0995"', '"statcode":"0995"', "feature 2: 'statcode' is '0995'"),
    ('"type":"MultiPolygon"', '"type":"Point"', "feature 3 \\(GM0050\\): geometrie 'Point'"),
    ('"statcode":"GM0050"', '"statcode":"GM9999"', "GM9999 staat niet in"),
])
def test_bad_features_are_named(tmp_path, old, new, message):
    path = tmp_path / "gemeente_2024.geojson"
    path.write_text(FIXTURE.read_text().replace(old, new))
    error = refusal(geo, path)
    assert re.search(message, error.message) and error.column in ("statcode", "geometry")
    assert error.line == (3 if "0995" in new else 4)  # feature n of the fixture is on line n + 1


def test_truncated_file_names_line_and_column(tmp_path):
    path = tmp_path / "gemeente_2024.geojson"
    path.write_text(FIXTURE.read_text()[:400])
    error = refusal(geo, path)
    assert error.line == 3 and "teken" in error.column and "geen geldige GeoJSON" in error.message


def _geo_edited(tmp_path: Path, edit) -> Path:
    collection = json.loads(FIXTURE.read_text(encoding="utf-8"))
    edit(collection["features"])
    path = tmp_path / "gemeente_2024.geojson"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(collection, indent=1), encoding="utf-8")  # pretty-printed (a lone '{' first), as PDOK
    return path


def _line_of_feature(path: Path, number: int) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    return [i for i, line in enumerate(lines, start=1) if line.strip() == '"type": "Feature",'][number - 1]


@pytest.mark.parametrize(("edit", "column", "phrase"), [
    (lambda features: features[1]["properties"].update(statcode="GM9999"), "statcode",
     "feature 2: gemeentecode GM9999 staat niet in etl/reference/regions.csv"),
    (lambda features: features[1]["properties"].update(statcode="gm0034"), "statcode", "'statcode' is 'gm0034'"),
    (lambda features: features[1]["properties"].update(statcode="GM\u0660\u0660\u0660\u0660"), "statcode",
     "verwacht een gemeentecode zoals GM0034"),  # Arabic-Indic digits
    (lambda features: features[1].update(properties=["GM0995"]), "statcode", "'statcode' is ''"),
    (lambda features: features[1]["properties"].update(jrstatcode="2023GM0034"), "jrstatcode",
     "jaar 2023 wijkt af van 2024"),
    (lambda features: features[1].update(geometry={"type": "Point", "coordinates": [5.2, 52.4]}), "geometry",
     "geometrie 'Point'; verwacht Polygon of MultiPolygon"),
    (lambda features: features[1].update(geometry={"type": "Polygon"}), "geometry",
     "de coördinaten van de geometrie zijn onleesbaar"),
    (lambda features: features[1].update(geometry={"type": "Polygon", "coordinates": [[[5.2, "x"]]]}), "geometry",
     "de coördinaten van de geometrie zijn onleesbaar"),
    (lambda features: features[1]["geometry"]["coordinates"][0][0].__setitem__(1, [5.1, float("inf")]), "geometry",
     "de coördinaten van de geometrie zijn onleesbaar"),
    (lambda features: (features[1]["geometry"]["coordinates"][0][0].__setitem__(1, [5.1, float("nan")]),
                       features[2].update(geometry={"type": "Polygon"})), "geometry",
     "feature 2 (GM0995): de coördinaten van de geometrie zijn onleesbaar"),
], ids=["unknown-code", "lower-case-code", "other-digits", "properties-not-an-object", "other-year", "point",
        "no-coordinates", "text-coordinate", "infinite-coordinate", "the-first-of-two-unreadable"])
def test_a_bad_feature_is_named_by_line_and_key(edit, column, phrase, tmp_path):
    path = _geo_edited(tmp_path, edit)
    assert_located(geo, path, _line_of_feature(path, 2), column, phrase)


@pytest.mark.parametrize(("text", "column", "phrase"), [
    ('{"type": "FeatureCollection", "features": []}', "features", "bevat geen features"),
    ('{"type": "FeatureCollection", "features": {"a": 1}}', "features", "'features' is geen lijst"),
    ('{"type": "Feature", "features": []}', "type", "geen GeoJSON FeatureCollection"),
])
def test_a_file_without_usable_features_is_named(text, column, phrase, tmp_path):
    path = tmp_path / "gemeente_2024.geojson"
    path.write_text(text, encoding="utf-8")
    assert_located(geo, path, 1, column, phrase)


def test_the_year_comes_from_the_file_name_in_ascii_digits_only(tmp_path):
    collection = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for feature in collection["features"]:
        feature["properties"].pop("jrstatcode", None)
    path = tmp_path / "gemeenten_2021.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    assert geo.periods(read_header(path), path) == ["2021"]
    assert set(_facts(path)["year"]) == {"2021"}
    other = tmp_path / "gemeenten_\u0662\u0660\u0662\u0661.geojson"  # Arabic-Indic digits
    other.write_text(json.dumps(collection), encoding="utf-8")
    assert "geen jaar gevonden" in refusal(geo, other).message


def test_a_build_meeting_a_bad_boundary_file_names_file_line_and_key(tmp_path):
    path = _geo_edited(tmp_path / "raw" / "geo", lambda features: features[1]["properties"].update(statcode="GM9999"))
    assert (f"gemeente_2024.geojson, regel {_line_of_feature(path, 2)}, kolom 'statcode': feature 2: gemeentecode "
            "GM9999 staat niet in etl/reference/regions.csv") in str(build_refusal(tmp_path / "raw"))


def test_municipal_outlines_are_rounded_on_the_geojson_exactly_as_through_shapely(real_data):
    paths = [FIXTURE, *sorted(real_data.glob("geo_gemeenten_*/*.geojson"))]
    geometries = [f["geometry"] for p in paths for f in json.loads(p.read_text(encoding="utf-8-sig"))["features"]]
    assert len(geometries) > 1000
    for geometry in geometries:
        text = geo._rounded_geojson(geometry)
        assert text is not None and text == geo._rounded(shape(geometry))
    rng = random.Random(2)
    values = [*(rng.uniform(-180, 180) for _ in range(20000)), *((k + 0.5) / 1e5 for k in range(-300, 300)),
              -0.0, -4e-6, -5e-6, 5e-6, 2.5e-5, 12]
    expected = np.round(np.array(values), geo.COORDINATE_DIGITS)
    got = np.array([geo._round(v) for v in values])
    assert np.array_equal(got, expected) and np.array_equal(np.signbit(got), np.signbit(expected))


@pytest.mark.parametrize("geometry", [
    {"type": "Polygon", "coordinates": [[[5.0, 52.0], [5.1, 52.0], [5.1, 52.1], [5.0, 52.1]]]},  # open ring
    {"type": "Polygon", "coordinates": [[[5.0, 52.0, 1.0], [5.1, 52.0, 1.0], [5.1, 52.1, 1.0], [5.0, 52.0, 1.0]]]},
    {"type": "Polygon", "coordinates": [[[5.0, 52.0], [5.1, "52.0"], [5.1, 52.1], [5.0, 52.0]]]},
    {"type": "MultiPolygon", "coordinates": []},
])
def test_unusual_outlines_are_rounded_through_shapely(geometry):
    assert geo._rounded_geojson(geometry) is None


def test_build_and_read_layer(tmp_path):
    raw = tmp_path / "raw" / "geo"
    raw.mkdir(parents=True)
    shutil.copy(FIXTURE, raw / FIXTURE.name)
    db = tmp_path / "warehouse.duckdb"
    build(tmp_path / "raw", db, progress=False)  # runs every check, the geo checks included
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*), min(year) from region_geometry").fetchone() == (4, "2024")
    shapes = boundaries(con, ["GM0034", "PV24"], 2025)  # latest earlier year
    assert shapes.year == "2024" and shapes.reason is None
    assert [f["properties"]["statcode"] for f in shapes.collection["features"]] == ["GM0034", "PV24"]
    assert shapes.collection["features"][1]["properties"]["statnaam"] == "Flevoland"
    assert boundaries(con, ["GM0034"], 2019).year == "2024"  # earliest when nothing earlier
    empty = boundaries(con, ["GM0171"], 2024)  # Noordoostpolder is not in the fixture
    assert empty.collection is None and "Geen grenzen" in empty.reason


def test_read_layer_without_boundaries():
    con = duckdb.connect()
    shapes = boundaries(con, ["GM0034"], 2024)
    assert shapes.collection is None and "geen gemeentegrenzen" in shapes.reason
    con.execute("create table region_geometry (year varchar, region_code varchar, region_name varchar, "
                "level varchar, geometry varchar)")
    assert "Er zijn geen gemeentegrenzen" in boundaries(con, ["GM0034"], 2024).reason


def test_demo_is_deterministic_and_in_cartomap_layout(tmp_path, real_data):
    world = demo_world("flevoland", 7)
    first = demo.write(tmp_path / "a", world, np.random.default_rng(1)).read_bytes()
    second = demo.write(tmp_path / "b", world, np.random.default_rng(2)).read_bytes()
    assert first == second
    real = (real_data / "geo_gemeenten_cartomap" / "gemeente_2023.geojson").read_bytes()
    assert first.split(b"\n")[0] == real.split(b"\n")[0]
    assert first.endswith(b"\n]}") and real.endswith(b"\n]}") and b"\r" not in first
    real_feature, demo_feature = json.loads(real.split(b"\n")[1][:-1]), json.loads(first.split(b"\n")[1][:-1])
    assert list(demo_feature) == ["type", "geometry", "properties", "id"] == list(real_feature)
    assert list(demo_feature["properties"]) == list(real_feature["properties"])[:5]
    path = tmp_path / "a" / "geo" / demo.FILE_NAME
    facts = _facts(path)
    assert sorted(facts.loc[facts["level"] == "gemeente", "region_code"]) == sorted(m.code for m in world)


def test_demo_tiles_lie_like_flevoland_on_a_real_map(tmp_path, real_data):
    """North to south and west to east, the demo's six squares keep the order of the real municipalities."""
    def centres(path: Path) -> dict[str, tuple[float, float]]:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        return {f["properties"]["statcode"]: shape(f["geometry"]).centroid.coords[0] for f in features
                if f["properties"]["statcode"] in FLEVOLAND}

    tiles = centres(demo.write(tmp_path, demo_world("national", 7), np.random.default_rng(1)))
    real = centres(real_data / "geo_gemeenten_cartomap" / "gemeente_2025.geojson")
    north_to_south = ["GM0171", "GM0303", "GM0050"]  # Noordoostpolder, Dronten, Zeewolde: the east side
    assert sorted(north_to_south, key=lambda c: -tiles[c][1]) == sorted(north_to_south, key=lambda c: -real[c][1])
    for west, east in (("GM0184", "GM0171"), ("GM0995", "GM0303"), ("GM0034", "GM0050")):  # Urk–NOP, ...
        assert tiles[west][0] < tiles[east][0] and real[west][0] < real[east][0]
        assert tiles[west][1] == tiles[east][1]  # one row of tiles
    # About square on a Mercator map: a tile is wider in degrees of longitude by 1 / cos(latitude).
    urk = next(shape(f["geometry"]) for f in json.loads(
        (tmp_path / "geo" / demo.FILE_NAME).read_text(encoding="utf-8"))["features"]
        if f["properties"]["statcode"] == "GM0184")
    west, south, east, north = urk.bounds
    assert (east - west) * np.cos(np.radians(south)) == pytest.approx(north - south, rel=0.05)


@responses.activate
def test_fetch_lands_the_cartomap_file(tmp_path):
    target = geo.FETCH_TARGETS[-1]
    assert target.url == "https://cartomap.github.io/nl/wgs84/gemeente_2025.geojson"
    assert [t.last_year for t in geo.FETCH_TARGETS] == list(range(2019, 2026))
    responses.add(responses.GET, target.url, body=FIXTURE.read_bytes(), status=200,
                  headers={"ETag": '"abc"'})
    path = download(requests.Session(), target, tmp_path, progress=False)
    assert path == tmp_path / "geo" / "gemeente_2025.geojson"
    assert path.read_bytes() == FIXTURE.read_bytes()


# Real files: figures counted with the json module, independently of the reader.
REAL = [
    ("geo_gemeenten_cartomap/gemeente_2023.geojson", "2023", 342, 2, 18),
    ("geo_gemeenten_cartomap/gemeente_2025.geojson", "2025", 342, 2, 18),
    ("geo_gemeenten_cartomap/gemeente_2025__FLEVOLAND_SUBSET.geojson", "2025", 6, 1, 18),
    ("geo_gemeenten_pdok/gemeente_gegeneraliseerd.geojson", "2024", 342, 2, 152),
    ("geo_gemeenten_pdok/gemeente_gegeneraliseerd_2024__FLEVOLAND_SUBSET.geojson", "2024", 6, 1, 152),
]


@pytest.mark.parametrize(("name", "year", "features", "almere_number", "almere_points"), REAL)
def test_real_files(real_data, name, year, features, almere_number, almere_points):
    path = real_data / name
    header = read_header(path)
    assert geo.recognises(header)
    assert geo.periods(header, path) == [year]
    facts = _facts(path)
    municipalities = facts[facts["level"] == "gemeente"]
    assert len(municipalities) == features and set(facts["year"]) == {year}
    almere = municipalities[municipalities["region_code"] == "GM0034"].iloc[0]
    assert (almere["region_name"], almere["source_line"]) == ("Almere", almere_number)
    assert len(shapely.get_coordinates(shape(json.loads(almere["geometry"])))) == almere_points
    assert municipalities.loc[municipalities["region_code"] == "GM0184", "region_name"].tolist() == ["Urk"]
    provinces = facts[facts["level"] == "provincie"]
    assert len(provinces) == (12 if features == 342 else 1)
    flevoland = shape(json.loads(provinces.loc[provinces["region_code"] == "PV24", "geometry"].iloc[0]))
    parts = shapely.union_all([shape(json.loads(g)) for g in municipalities.loc[
        municipalities["region_code"].isin(FLEVOLAND), "geometry"]])
    assert flevoland.area == pytest.approx(parts.area, rel=0.01)


def test_map_rings_are_clockwise_for_d3():
    from shapely.geometry import shape

    from warehouse.geometry import clockwise

    counter = {"type": "Polygon", "coordinates": [[[5.0, 52.0], [5.1, 52.0], [5.1, 52.1], [5.0, 52.1], [5.0, 52.0]]]}
    turned = clockwise(counter)
    assert not shape(turned).exterior.is_ccw and shape(counter).exterior.is_ccw
    multi = {"type": "MultiPolygon", "coordinates": [counter["coordinates"]]}
    assert not shape(clockwise(multi)).geoms[0].exterior.is_ccw
