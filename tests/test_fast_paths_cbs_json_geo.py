"""The fast paths of the JSON readers (CBS OData v3 and v4 bundles, GeoJSON boundaries) give exactly the rows of
their pandas paths, and leave every file they cannot read the same way to the pandas path and its Dutch message."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pytest

from etl.build import build
from etl.cbs_client import write_bundle
from etl.demo import cbs_odata as demo_v3
from etl.demo import cbs_odata_v4 as demo_v4
from etl.demo import geo_municipalities as demo_geo
from etl.demo.world import demo_world
from etl.errors import RawFileError
from etl.rawfiles import read_header
from etl.reference import MunicipalityResolver
from etl.sources import cbs_bundle_fast, cbs_common, cbs_odata, cbs_odata_v4, geo_municipalities
from tests.conftest import FIXTURES, ROOT
from tests.test_cbs_fetch import DATA_PROPERTIES, DIMENSIONS, ROWS_2018, ROWS_2023
from tests.test_cbs_fetch_v4 import _landed
from tests.test_fast_paths import _assert_same, _tables_in_storage_order

GEO_SMALL = FIXTURES / "geo" / "gemeente_2024_small.geojson"
DEMO_MODULES = {demo_v3: cbs_odata, demo_v4: cbs_odata_v4, demo_geo: geo_municipalities}


def _v3_bundle(path: Path, rows: list[dict] | None = None, **parts: object) -> Path:
    """A v3 bundle as etl/cbs_client.py lands it, from the recorded payloads of tests/test_cbs_fetch.py."""
    bundle = {"TableInfos": {"Identifier": "03759ned", "Status": "Regulier"},
              "DataProperties": DATA_PROPERTIES["value"], "dimensions": DIMENSIONS,
              "TypedDataSet": [*ROWS_2018, *ROWS_2023] if rows is None else rows}
    return write_bundle(path, "03759ned", {**bundle, **parts})


def _edited_bundle(path: Path, part: str, edit) -> Path:
    """The bundle with `edit` applied to one part, written as the client writes it."""
    bundle = json.loads(path.read_text(encoding="utf-8"))
    marker = next(iter(bundle))
    table_id = bundle.pop(marker)
    bundle[part] = edit(bundle[part])
    return write_bundle(path, table_id, bundle, marker)


def _declined(module, path: Path, resolver) -> bool:
    return module.stage(duckdb.connect(), path, "f.json", resolver, "staged") is None


def test_the_json_readers_import_neither_pandas_nor_numpy():
    # etl/sources/__init__.py imports every source module; load these three on their own to see what they pull in.
    script = ("import importlib, sys, types\n"
              "import etl\n"
              "package = types.ModuleType('etl.sources')\n"
              f"package.__path__ = [{str(ROOT / 'etl' / 'sources')!r}]\n"
              "sys.modules['etl.sources'] = package\n"
              "for name in ('cbs_odata', 'cbs_odata_v4', 'geo_municipalities', 'cbs_bundle_fast'):\n"
              "    importlib.import_module('etl.sources.' + name)\n"
              "print(sorted({'pandas', 'numpy', 'pyarrow', 'shapely'} & set(sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


def test_v3_fast_path_equals_pandas_path_on_the_recorded_payloads(tmp_path, resolver):
    # COROP (CR40) rows are dropped, a null value is not loaded, 2023 is provisional
    _assert_same(cbs_odata, _v3_bundle(tmp_path / "03759ned.json"), resolver)


def test_v4_fast_path_equals_pandas_path_on_the_recorded_payloads(tmp_path, resolver):
    _assert_same(cbs_odata_v4, _landed(tmp_path), resolver)


@pytest.mark.parametrize("path", [GEO_SMALL], ids=lambda p: p.name)
def test_geo_fast_path_equals_pandas_path_on_the_fixture(path, resolver):
    _assert_same(geo_municipalities, path, resolver)


@pytest.mark.parametrize("writer", list(DEMO_MODULES), ids=lambda w: w.__name__.rsplit(".", 1)[-1])
@pytest.mark.parametrize("scale", ["national", "flevoland"])
def test_fast_path_equals_pandas_path_on_the_demo(writer, scale, tmp_path, resolver):
    path = writer.write(tmp_path, demo_world(scale, 7), np.random.default_rng(3))
    _assert_same(DEMO_MODULES[writer], path, resolver)


def test_geo_fast_path_equals_pandas_path_on_every_real_boundary_file(real_data, resolver):
    paths = sorted([*real_data.glob("geo_gemeenten_*/*.geojson")])
    assert len(paths) >= 5  # cartomap 2023, 2025 and extract, PDOK 2024 and extract
    for path in paths:
        _assert_same(geo_municipalities, path, resolver)


def test_v3_fast_path_reads_decimals_dimension_titles_and_several_measures_exactly(tmp_path, resolver):
    rng = random.Random(5)
    properties = [*DATA_PROPERTIES["value"],
                  {"Type": "Topic", "Key": "Aandeel_2", "Title": "Aandeel", "Unit": "%"},
                  {"Type": "Topic", "Key": "Zonder_3"}]  # no title, no unit
    rows = [{**row, "Aandeel_2": rng.choice([None, 0, -0.0, 12.5, rng.uniform(0, 100), 1e-7, 123456789.123]),
             "Zonder_3": rng.choice([None, 1, 2.25])} for row in [*ROWS_2018, *ROWS_2023]]
    rows.append({**ROWS_2023[0], "Perioden": "2023KW01", "Aandeel_2": 1.0, "Zonder_3": 1})  # a quarter: not loaded
    dimensions = {**DIMENSIONS, "Leeftijd": [{"Key": "70400", "Title": None}, {"Key": "70500"}]}  # code stays
    path = _v3_bundle(tmp_path / "03759ned.json", rows, DataProperties=properties, dimensions=dimensions)
    _assert_same(cbs_odata, path, resolver)


def test_v4_fast_path_reads_decimals_and_a_crlf_bundle_exactly(tmp_path, resolver):
    path = _edited_bundle(_landed(tmp_path), "Observations", lambda rows: [
        {**row, "Value": row["Value"] / 7 if isinstance(row["Value"], int) else row["Value"]} for row in rows])
    _assert_same(cbs_odata_v4, path, resolver)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert cbs_odata_v4.periods(read_header(path), path) == ["2018", "2023"]
    _assert_same(cbs_odata_v4, path, resolver)


def test_a_bundle_changed_after_discovery_is_read_again(tmp_path, resolver):
    # periods() at discovery keeps the parsed bundle for stage(); an edit in between must not be missed
    path = _v3_bundle(tmp_path / "03759ned.json")
    assert cbs_odata.periods(read_header(path), path) == ["2018", "2023"]
    path.write_text(path.read_text(encoding="utf-8").replace("22000", "22001"), encoding="utf-8")
    con = duckdb.connect()
    assert cbs_odata.stage(con, path, "f.json", resolver, "staged") is not None
    assert con.execute("select count(*) from staged where value = 22001").fetchall() == [(1,)]
    _assert_same(cbs_odata, path, resolver)


@pytest.mark.parametrize("text", [
    '{"cbs_odata_v3": "03759ned",\n"TypedDataSet": [',  # cut off
    '{"cbs_odata_v3": "03759ned",\n"TypedDataSet": []}\n',  # parts missing
    '\ufeff{"cbs_odata_v3": "03759ned"}\n',  # a byte order mark
])
def test_periods_of_a_broken_bundle_raise_what_they_raised_before(text, tmp_path):
    path = tmp_path / "03759ned.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RawFileError) as before:
        cbs_common.load_bundle(path, "cbs_odata_v3", cbs_odata.PARTS)
    with pytest.raises(RawFileError) as now:
        cbs_odata.periods(read_header(path), path)
    assert str(now.value) == str(before.value)
    assert _declined(cbs_odata, path, MunicipalityResolver())


def _v3_row(index: int, **changes: object):
    def edit(rows: list[dict]) -> list[dict]:
        rows[index] = {key: value for key, value in {**rows[index], **changes}.items() if value != "<drop>"}
        return rows
    return edit


@pytest.mark.parametrize("edit", [
    _v3_row(1, BevolkingOp1Januari_1="20000"),  # text: pandas reads it as a number, the fast path does not guess
    _v3_row(1, BevolkingOp1Januari_1="twintig"),
    _v3_row(1, BevolkingOp1Januari_1=True),
    _v3_row(1, BevolkingOp1Januari_1=2**60),
    _v3_row(1, BevolkingOp1Januari_1="<drop>"),
    _v3_row(1, Leeftijd=70500),
    _v3_row(1, RegioS=None),
    _v3_row(1, Perioden="２０１８JJ00"),  # full-width digits
    _v3_row(1, Perioden=2018),
], ids=["numeric-text", "text", "bool", "huge", "missing", "int-code", "null-region", "wide-digits", "int-period"])
def test_v3_fast_path_leaves_unusual_records_to_the_pandas_path(edit, tmp_path, resolver):
    path = _edited_bundle(_v3_bundle(tmp_path / "03759ned.json"), "TypedDataSet", edit)
    assert _declined(cbs_odata, path, resolver)


@pytest.mark.parametrize(("part", "edit"), [
    ("DataProperties", lambda props: [p for p in props if p["Key"] != "RegioS"]),
    ("DataProperties", lambda props: [p for p in props if p.get("Type") != "Topic"]),
    ("DataProperties", lambda props: [*props, props[-1]]),  # a measure twice
    ("DataProperties", lambda props: [*props, {**props[-1], "Key": "Leeftijd"}]),  # a measure named like a dimension
    ("DataProperties", lambda props: [*props[:-1], {**props[-1], "Unit": 3}]),
    ("dimensions", lambda dims: {**dims, "Leeftijd": [{"Key": "70400", "Title": 15}]}),
    ("dimensions", lambda dims: {**dims, "Perioden": [{"Title": "2018"}]}),
    ("TypedDataSet", lambda rows: []),
], ids=["no-region", "no-measure", "measure-twice", "measure-as-dimension", "numeric-unit", "numeric-title",
        "period-without-key", "empty"])
def test_v3_fast_path_leaves_an_unusual_layout_to_the_pandas_path(part, edit, tmp_path, resolver):
    path = _edited_bundle(_v3_bundle(tmp_path / "03759ned.json"), part, edit)
    assert _declined(cbs_odata, path, resolver)


def _v4_observation(index: int, **changes: object):
    def edit(rows: list[dict]) -> list[dict]:
        rows[index] = {**rows[index], **changes}
        return rows
    return edit


@pytest.mark.parametrize(("part", "edit"), [
    ("Observations", _v4_observation(2, Value="veertienduizend")),
    ("Observations", _v4_observation(2, Value="14000")),
    ("Observations", _v4_observation(2, Value=float("nan"))),
    ("Observations", _v4_observation(2, Measure="M999999")),
    ("Observations", _v4_observation(2, Leeftijd=None)),
    ("Observations", lambda rows: []),
    ("MeasureCodes", lambda codes: [{**codes[0], "Unit": ["aantal"]}]),
    ("Dimensions", lambda dims: [d for d in dims if d["Kind"] != "GeoDimension"]),
    ("Dimensions", lambda dims: [*dims, {"Identifier": "Measure", "Kind": "Dimension"}]),
    ("codes", lambda codes: {**codes, "Perioden": {"2018JJ00": "Definitief"}}),
], ids=["text", "numeric-text", "nan", "unknown-measure", "null-code", "empty", "list-unit", "no-geo",
        "dimension-named-measure", "codes-not-a-list"])
def test_v4_fast_path_leaves_unusual_bundles_to_the_pandas_path(part, edit, tmp_path, resolver):
    path = _edited_bundle(_landed(tmp_path), part, edit)
    assert _declined(cbs_odata_v4, path, resolver)


def _geo_edited(tmp_path: Path, edit) -> Path:
    collection = json.loads(GEO_SMALL.read_text(encoding="utf-8"))
    edit(collection["features"])
    path = tmp_path / "gemeente_2024.geojson"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(collection, indent=1), encoding="utf-8")  # pretty-printed (a lone '{' first), as PDOK
    return path


@pytest.mark.parametrize("edit", [
    lambda features: features[1]["properties"].update(statcode="GM9999"),  # not in regions.csv
    lambda features: features[1]["properties"].update(statcode="gm0034"),
    lambda features: features[1]["properties"].update(jrstatcode="2023GM0034"),
    lambda features: features[1].update(geometry={"type": "Point", "coordinates": [5.2, 52.4]}),
    lambda features: features[1].update(geometry={"type": "Polygon"}),  # no coordinates: shapely refuses
    lambda features: features.clear(),
], ids=["unknown-code", "lower-case-code", "other-year", "point", "no-coordinates", "no-features"])
def test_geo_fast_path_leaves_what_the_pandas_path_refuses_to_it(edit, tmp_path, resolver):
    path = _geo_edited(tmp_path, edit)
    assert _declined(geo_municipalities, path, resolver)
    with pytest.raises(Exception):  # noqa: B017 (RawFileError, or shapely's own error for a geometry it cannot build)
        geo_municipalities.to_facts(geo_municipalities.read(path), path, "f", resolver)


def test_geo_fast_path_takes_the_year_from_the_file_name_like_the_pandas_path(tmp_path, resolver):
    collection = json.loads(GEO_SMALL.read_text(encoding="utf-8"))
    for feature in collection["features"]:
        feature["properties"].pop("jrstatcode", None)
    path = tmp_path / "gemeenten_2021.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    assert geo_municipalities.periods(read_header(path), path) == ["2021"]
    _assert_same(geo_municipalities, path, resolver)


def _build_error(tmp_path: Path, subdir: str, source: Path) -> str:
    raw = tmp_path / "raw"
    target = raw / subdir / source.name
    target.parent.mkdir(parents=True)
    target.write_bytes(source.read_bytes())
    with pytest.raises(RawFileError) as caught:
        build(raw, tmp_path / "warehouse.duckdb", progress=False)
    assert not (tmp_path / "warehouse.duckdb").exists()
    return str(caught.value)


def test_a_build_meeting_a_bad_v3_bundle_names_file_line_and_column(tmp_path):
    path = _edited_bundle(_v3_bundle(tmp_path / "in" / "03759ned.json"), "TypedDataSet",
                          _v3_row(2, BevolkingOp1Januari_1="veertienduizend"))
    message = _build_error(tmp_path, "cbs/odata/03759ned", path)
    assert "03759ned.json, regel 3, kolom 'BevolkingOp1Januari_1': waarde 'veertienduizend' is geen getal" in message


def test_a_build_meeting_a_bad_v4_bundle_names_file_line_and_column(tmp_path):
    path = _edited_bundle(_landed(tmp_path / "in"), "Observations", _v4_observation(4, Measure="M999999"))
    message = _build_error(tmp_path, "cbs/odata/03759ned", path)
    assert "03759ned.json, regel 5, kolom 'Measure': meetwaarde 'M999999' staat niet in MeasureCodes" in message


def test_a_build_meeting_a_bad_boundary_file_names_file_line_and_column(tmp_path):
    path = _geo_edited(tmp_path / "in", lambda features: features[1]["properties"].update(statcode="GM9999"))
    message = _build_error(tmp_path, "geo", path)
    assert "gemeente_2024.geojson, regel" in message
    assert "kolom 'statcode': feature 2: gemeentecode GM9999 staat niet in etl/reference/regions.csv" in message


def test_the_bundle_cache_holds_a_few_files_only(tmp_path):
    paths = [_v3_bundle(tmp_path / f"t{i}" / "03759ned.json") for i in range(cbs_bundle_fast._CACHE_SIZE + 3)]
    for path in paths:
        cbs_odata.periods(read_header(path), path)
    assert len(cbs_bundle_fast._CACHE) <= cbs_bundle_fast._CACHE_SIZE
    for path in paths:
        cbs_bundle_fast.forget(path)
    assert not cbs_bundle_fast._CACHE


def test_a_build_of_the_json_files_takes_only_fast_paths_and_equals_a_pandas_build(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    for writer in DEMO_MODULES:
        writer.write(raw, demo_world("flevoland", 7), np.random.default_rng(3))
    with monkeypatch.context() as patch:
        for module in DEMO_MODULES.values():
            patch.setattr(module, "read", lambda path: pytest.fail(f"pandas path taken for {path}"))
        build(raw, tmp_path / "fast.duckdb", progress=False)
    for module in DEMO_MODULES.values():
        monkeypatch.delattr(module, "stage")
    build(raw, tmp_path / "pandas.duckdb", progress=False)
    fast = _tables_in_storage_order(tmp_path / "fast.duckdb")
    assert {row[0] for row in fast["fact_cbs"]} == {"03759ned", "86223NED"} and fast["region_geometry"]
    assert fast == _tables_in_storage_order(tmp_path / "pandas.duckdb")


def test_municipal_outlines_are_rounded_on_the_geojson_exactly_as_through_shapely(real_data):
    from shapely.geometry import shape

    paths = [GEO_SMALL, *sorted(real_data.glob("geo_gemeenten_*/*.geojson"))]
    geometries = [f["geometry"] for p in paths for f in json.loads(p.read_text(encoding="utf-8-sig"))["features"]]
    assert len(geometries) > 1000
    for geometry in geometries:
        assert geometry_text(geometry) == geo_municipalities._rounded(shape(geometry))
    rng = random.Random(2)
    values = [*(rng.uniform(-180, 180) for _ in range(20000)), *((k + 0.5) / 1e5 for k in range(-300, 300)),
              -0.0, -4e-6, -5e-6, 5e-6, 2.5e-5, 12]
    expected = np.round(np.array(values), geo_municipalities.COORDINATE_DIGITS)
    got = np.array([geo_municipalities._round(v) for v in values])
    assert np.array_equal(got, expected) and np.array_equal(np.signbit(got), np.signbit(expected))


def geometry_text(geometry: dict) -> str | None:
    text = geo_municipalities._rounded_geojson(geometry)
    assert text is not None, geometry.get("type")
    return text


@pytest.mark.parametrize("geometry", [
    {"type": "Polygon", "coordinates": [[[5.0, 52.0], [5.1, 52.0], [5.1, 52.1], [5.0, 52.1]]]},  # open ring
    {"type": "Polygon", "coordinates": [[[5.0, 52.0, 1.0], [5.1, 52.0, 1.0], [5.1, 52.1, 1.0], [5.0, 52.0, 1.0]]]},
    {"type": "Polygon", "coordinates": [[[5.0, 52.0], [5.1, "52.0"], [5.1, 52.1], [5.0, 52.0]]]},
    {"type": "MultiPolygon", "coordinates": []},
])
def test_unusual_outlines_are_rounded_through_shapely(geometry):
    assert geo_municipalities._rounded_geojson(geometry) is None
