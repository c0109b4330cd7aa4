"""CBS coded CSV reader (fixture and real file), the OData bundle readers (v3 and v4: every bad input a user could
meet is named by file, row and key in Dutch; the bundle cache), and the CBS demo writers."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pytest

from etl.cbs_client import write_bundle
from etl.demo import cbs_coded_csv as demo_coded
from etl.demo import cbs_label_csv as demo_label
from etl.demo import cbs_label_quarterly as demo_quarterly
from etl.demo import cbs_odata as demo_odata
from etl.demo.world import age_band_population, demo_world
from etl.errors import RawFileError
from etl.rawfiles import read_header, recognise
from etl.reading import cbs_bundle
from etl.sources import cbs_coded_csv, cbs_label_csv, cbs_label_quarterly, cbs_odata, cbs_odata_v4
from tests.conftest import FIXTURES, ROOT
from tests.staged import assert_located, build_refusal, refusal, staged_facts
from tests.test_cbs_fetch import DATA_PROPERTIES, DIMENSIONS, ROWS_2018, ROWS_2023
from tests.test_cbs_fetch_v4 import _landed
from warehouse.indicators import compute

CODED = FIXTURES / "cbs" / "50140NED_TypedDataSet_22092025_192544.csv"


def test_coded_csv_fixture_exact_values():
    assert recognise(CODED)[0] is cbs_coded_csv
    assert cbs_coded_csv.periods(read_header(CODED), CODED) == ["2024"]  # from CODED_CSV_PERIODS
    facts, education, data_rows = staged_facts(cbs_coded_csv, CODED)
    assert education == [] and data_rows == 4
    assert len(facts) == 5  # 7 filled cells minus the GGD region's one; empty cells skipped
    assert sorted(facts["region_code"].unique()) == ["GM0034", "GM0184", "NL"]
    row = facts[(facts["region_code"] == "GM0034") & (facts["measure"] == "HeeftSchulden_3")].iloc[0]
    assert (row["value"], row["table_id"], row["dims"], row["source_line"]) == (
        11.9, "50140NED", "Persoonskenmerken=T009002|Marges=MW00000", 4)


def test_real_coded_csv(real_data: Path):
    [path] = (real_data / "cbs_statline_coded_csv").glob("*.csv")
    assert recognise(path)[0] is cbs_coded_csv
    facts, _, data_rows = staged_facts(cbs_coded_csv, path)
    assert data_rows == 350  # records with a value (42423 filled topic cells of 365 rows × 148 topics)
    assert len(facts) == 38657  # NL01 and GM rows only; GGD regions (GG) and CG01 dropped
    almere = facts[(facts["region_code"] == "GM0034")].set_index("measure")["value"]
    assert almere["MoeiteMetRondkomen_1"] == 30.2 and almere["BeperktDoorMogelijkePostCOVID_147"] == 5.5


def test_bundle_with_text_value_names_row_and_key(tmp_path):
    raw = tmp_path / "03759ned.json"
    demo_odata.write(tmp_path, demo_world("flevoland", 1), np.random.default_rng(1))
    [path] = (tmp_path / "cbs" / "odata" / "03759ned").glob("*.json")
    bundle = json.loads(path.read_text(encoding="utf-8"))
    bundle["TypedDataSet"][3]["BevolkingOp1Januari_1"] = "veel"
    raw.write_text('{"cbs_odata_v3": "03759ned",\n' + json.dumps(bundle)[1:], encoding="utf-8")
    assert_located(cbs_odata, raw, 4, "BevolkingOp1Januari_1", "waarde 'veel' is geen getal")
    raw.write_text('{"cbs_odata_v3": "03759ned",\n"TypedDataSet": [', encoding="utf-8")
    assert "geen geldige JSON" in refusal(cbs_odata, raw).message


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


def _row(index: int, **changes: object):
    """An edit of row `index` of a bundle part: `changes` set, a key set to '<drop>' left out."""
    def edit(rows: list[dict]) -> list[dict]:
        rows[index] = {key: value for key, value in {**rows[index], **changes}.items() if value != "<drop>"}
        return rows
    return edit


def test_the_cbs_and_geo_readers_import_neither_pandas_nor_numpy():
    # etl/sources/__init__.py imports every source module; load these on their own to see what they pull in.
    script = ("import importlib, sys, types\n"
              "import etl\n"
              "package = types.ModuleType('etl.sources')\n"
              f"package.__path__ = [{str(ROOT / 'etl' / 'sources')!r}]\n"
              "sys.modules['etl.sources'] = package\n"
              "for name in ('cbs_odata', 'cbs_odata_v4', 'geo_municipalities', 'cbs_label_csv', 'cbs_coded_csv',\n"
              "             'cbs_label_quarterly'):\n"
              "    importlib.import_module('etl.sources.' + name)\n"
              "print(sorted({'pandas', 'numpy', 'pyarrow', 'shapely'} & set(sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


def test_v3_reads_decimals_dimension_titles_quarters_and_several_measures(tmp_path):
    properties = [*DATA_PROPERTIES["value"],
                  {"Type": "Topic", "Key": "Aandeel_2", "Title": "Aandeel", "Unit": "%"},
                  {"Type": "Topic", "Key": "Zonder_3"}]  # no title, no unit
    rows = [{**row, "Aandeel_2": 12.5, "Zonder_3": None} for row in [*ROWS_2018, *ROWS_2023]]
    rows.append({**ROWS_2023[0], "Perioden": "2023KW01", "Aandeel_2": 1.0, "Zonder_3": 1})  # a quarter: not loaded
    rows[0]["Zonder_3"] = 2**60  # an integer larger than a float holds exactly
    dimensions = {**DIMENSIONS, "Leeftijd": [{"Key": "70400", "Title": None}, {"Key": "70500"}]}  # code stays
    path = _v3_bundle(tmp_path / "03759ned.json", rows, DataProperties=properties, dimensions=dimensions)
    facts, _, data_rows = staged_facts(cbs_odata, path)
    assert data_rows == len(rows) - 1 and set(facts["period"]) == {"2018", "2023"}
    share = facts[facts["measure"] == "Aandeel_2"]
    assert set(share["value"]) == {12.5} and set(share["unit"]) == {"%"} and set(share["measure_label"]) == {"Aandeel"}
    [without] = facts[facts["measure"] == "Zonder_3"].itertuples()
    assert (without.value, without.measure_label, without.unit, without.source_line) == (
        2.0**60, "Zonder_3", "", 1)
    assert {dims.rsplit("|", 1)[1] for dims in facts["dims"]} == {"Leeftijd=70400", "Leeftijd=70500"}


def test_v4_reads_a_crlf_bundle_and_an_empty_one(tmp_path):
    path = _landed(tmp_path)
    before = staged_facts(cbs_odata_v4, path)[0]
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert cbs_odata_v4.periods(read_header(path), path) == ["2018", "2023"]
    assert staged_facts(cbs_odata_v4, path)[0].equals(before)
    empty = _edited_bundle(path, "Observations", lambda rows: [])  # fetched --since past the table's last year
    facts, _, data_rows = staged_facts(cbs_odata_v4, empty)
    assert facts.empty and data_rows == 0 and list(facts.columns) == list(before.columns)


def test_a_bundle_changed_after_discovery_is_read_again(tmp_path):
    # periods() at discovery keeps the parsed bundle for stage(); an edit in between must not be missed
    path = _v3_bundle(tmp_path / "03759ned.json")
    assert cbs_odata.periods(read_header(path), path) == ["2018", "2023"]
    path.write_text(path.read_text(encoding="utf-8").replace("22000", "22001"), encoding="utf-8")
    assert (staged_facts(cbs_odata, path)[0]["value"] == 22001).sum() == 1


def test_the_bundle_cache_holds_a_few_files_only(tmp_path):
    paths = [_v3_bundle(tmp_path / f"t{i}" / "03759ned.json") for i in range(cbs_bundle._CACHE_SIZE + 3)]
    for path in paths:
        cbs_odata.periods(read_header(path), path)
    assert len(cbs_bundle._CACHE) <= cbs_bundle._CACHE_SIZE
    for path in paths:
        cbs_bundle.forget(path)
    assert not cbs_bundle._CACHE


@pytest.mark.parametrize(("text", "line", "column", "phrase"), [
    ('{"cbs_odata_v3": "03759ned",\n"TypedDataSet": [', 2, "teken 18", "houdt midden in de JSON op"),  # cut off
    ('{"cbs_odata_v3": "03759ned",\n"TypedDataSet": []}\n', None, "DataProperties", "onderdeel ontbreekt"),
    ('\ufeff{"cbs_odata_v3": "03759ned"}\n', 1, "teken 1", "byte order mark"),
    ('["cbs_odata_v3"]\n', 1, "teken 1", "geen JSON-object"),
])
def test_a_broken_bundle_is_named_in_periods_and_stage(text, line, column, phrase, tmp_path):
    path = tmp_path / "03759ned.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RawFileError) as caught:
        cbs_odata.periods(read_header(path), path)
    assert (caught.value.line, caught.value.column) == (line, column) and phrase in caught.value.message
    assert_located(cbs_odata, path, line, column, phrase)


@pytest.mark.parametrize(("edit", "column", "phrase"), [
    (_row(1, BevolkingOp1Januari_1="20000"), "BevolkingOp1Januari_1", "waarde '20000' is geen getal"),
    (_row(1, BevolkingOp1Januari_1="twintig"), "BevolkingOp1Januari_1", "waarde 'twintig' is geen getal"),
    (_row(1, BevolkingOp1Januari_1=True), "BevolkingOp1Januari_1", "waarde 'True' is geen getal"),
    (_row(1, BevolkingOp1Januari_1="<drop>"), "BevolkingOp1Januari_1", "sleutel ontbreekt in deze rij"),
    (_row(1, Leeftijd=70500), "Leeftijd", "code '70500' is geen tekst"),
    (_row(1, RegioS=None), "RegioS", "code 'None' is geen tekst"),
    (_row(1, Perioden="２０１８JJ00"), "Perioden", "periode '２０１８JJ00' is geen jaar"),  # full-width digits
    (_row(1, Perioden=2018), "Perioden", "code '2018' is geen tekst"),
], ids=["numeric-text", "text", "bool", "missing", "int-code", "null-region", "wide-digits", "int-period"])
def test_a_bad_v3_record_is_named_by_row_and_key(edit, column, phrase, tmp_path):
    path = _edited_bundle(_v3_bundle(tmp_path / "03759ned.json"), "TypedDataSet", edit)
    assert_located(cbs_odata, path, 2, column, phrase)


@pytest.mark.parametrize(("part", "edit", "column", "phrase"), [
    ("DataProperties", lambda props: [p for p in props if p["Key"] != "RegioS"], "RegioS", "dimensie ontbreekt"),
    ("DataProperties", lambda props: [p for p in props if p.get("Type") != "Topic"], "DataProperties",
     "noemt geen meetwaarde"),
    ("DataProperties", lambda props: [*props, props[-1]], "DataProperties", "staat twee keer"),
    ("DataProperties", lambda props: [*props, {**props[-1], "Key": "Leeftijd"}], "DataProperties",
     "sleutel 'Leeftijd' staat twee keer"),
    ("DataProperties", lambda props: [*props[:-1], {**props[-1], "Unit": 3}], "DataProperties",
     "eenheid '3' in 'DataProperties' is geen tekst"),
    ("DataProperties", lambda props: {"value": props}, "DataProperties", "niet de opbouw die CBS levert"),
    ("dimensions", lambda dims: {**dims, "Leeftijd": [{"Key": "70400", "Title": 15}]}, "dimensions",
     "titel '15' in 'dimensions' is geen tekst"),
    ("dimensions", lambda dims: {**dims, "Perioden": [{"Title": "2018"}]}, "dimensions", "code 'None' is geen tekst"),
    ("dimensions", lambda dims: list(dims), "dimensions", "niet de opbouw die CBS levert"),
    ("TypedDataSet", lambda rows: {"rows": rows}, "TypedDataSet", "niet de opbouw die CBS levert"),
], ids=["no-region", "no-measure", "measure-twice", "measure-as-dimension", "numeric-unit", "not-a-list",
        "numeric-title", "period-without-key", "dimensions-not-a-dict", "rows-not-a-list"])
def test_a_bad_v3_layout_is_named_by_part_and_key(part, edit, column, phrase, tmp_path):
    assert_located(cbs_odata, _edited_bundle(_v3_bundle(tmp_path / "03759ned.json"), part, edit), None, column, phrase)


def test_an_empty_v3_bundle_loads_nothing(tmp_path):
    facts, _, data_rows = staged_facts(cbs_odata, _v3_bundle(tmp_path / "03759ned.json", []))
    assert facts.empty and data_rows == 0


@pytest.mark.parametrize(("part", "edit", "line", "column", "phrase"), [
    ("Observations", _row(2, Value="veertienduizend"), 3, "Value", "waarde 'veertienduizend' is geen getal"),
    ("Observations", _row(2, Value="14000"), 3, "Value", "waarde '14000' is geen getal"),
    ("Observations", _row(2, Value=float("nan")), 3, "Value", "waarde 'nan' is geen getal"),
    ("Observations", _row(2, Measure="M999999"), 3, "Measure", "meetwaarde 'M999999' staat niet in"),
    ("Observations", _row(2, Leeftijd=None), 3, "Leeftijd", "code 'None' is geen tekst"),
    ("Observations", _row(2, Leeftijd=["70400"]), 3, "Leeftijd", "is geen tekst"),
    ("MeasureCodes", lambda codes: [{**codes[0], "Unit": ["aantal"]}], None, "MeasureCodes",
     "eenheid '['aantal']' in 'MeasureCodes' is geen tekst"),
    ("Dimensions", lambda dims: [d for d in dims if d["Kind"] != "GeoDimension"], None, "GeoDimension",
     "dimensie ontbreekt in Dimensions"),
    ("Dimensions", lambda dims: [*dims, {"Identifier": "Measure", "Kind": "Dimension"}], None, "Dimensions",
     "sleutel 'Measure' staat twee keer"),
    ("Dimensions", lambda dims: [*dims, {"Kind": "Dimension"}], None, "Dimensions", "code 'None' is geen tekst"),
    ("codes", lambda codes: {**codes, "Perioden": {"2018JJ00": "Definitief"}}, None, "codes",
     "niet de opbouw die CBS levert"),
], ids=["text", "numeric-text", "nan", "unknown-measure", "null-code", "list-code", "list-unit", "no-geo",
        "dimension-named-measure", "dimension-without-identifier", "codes-not-a-list"])
def test_a_bad_v4_bundle_is_named_by_row_or_part_and_key(part, edit, line, column, phrase, tmp_path):
    assert_located(cbs_odata_v4, _edited_bundle(_landed(tmp_path), part, edit), line, column, phrase)


def _build_error(tmp_path: Path, path: Path) -> str:
    (tmp_path / "raw" / "cbs" / "odata" / "03759ned").mkdir(parents=True)
    shutil.copy(path, tmp_path / "raw" / "cbs" / "odata" / "03759ned")
    return str(build_refusal(tmp_path / "raw"))


def test_a_build_meeting_a_bad_bundle_names_file_row_and_key(tmp_path):
    path = _edited_bundle(_v3_bundle(tmp_path / "v3" / "03759ned.json"), "TypedDataSet",
                          _row(2, BevolkingOp1Januari_1="veertienduizend"))
    message = _build_error(tmp_path / "a", path)
    assert "03759ned.json, regel 3, kolom 'BevolkingOp1Januari_1': waarde 'veertienduizend' is geen getal" in message
    path = _edited_bundle(_landed(tmp_path / "v4"), "Observations", _row(4, Measure="M999999"))
    message = _build_error(tmp_path / "b", path)
    assert "03759ned.json, regel 5, kolom 'Measure': meetwaarde 'M999999' staat niet in MeasureCodes" in message


def _cbs_files(raw: Path) -> dict[str, bytes]:
    return {p.relative_to(raw).as_posix(): p.read_bytes() for p in sorted((raw / "cbs").rglob("*"))
            if p.is_file() and not p.name.endswith(".manifest.json")}


def test_demo_is_deterministic(tmp_path):
    world = demo_world("flevoland", 3)
    written = {}
    for run in ("a", "b", "c"):
        seed = 4 if run == "c" else 3
        for module in (demo_odata, demo_label, demo_quarterly, demo_coded):
            module.write(tmp_path / run, world, np.random.default_rng(seed))
        written[run] = _cbs_files(tmp_path / run)
    assert written["a"] == written["b"] and written["a"] != written["c"]


def test_demo_layouts_match_the_real_files(tmp_path, real_data: Path):
    world = demo_world("flevoland", 1)
    rng = np.random.default_rng(1)
    label = demo_label.write(tmp_path, world, rng)
    real_label = (real_data / "cbs_statline_label_csv_85525ned" / "2022_onderwijsniveau.csv").read_bytes()
    demo_2022 = next(p for p in label if p.name == "2022_onderwijsniveau.csv").read_bytes()
    assert demo_2022.split(b"\r\n")[0] == real_label.split(b"\r\n")[0]  # BOM and header, byte for byte
    assert demo_2022.count(b"\r\n") == real_label.count(b"\r\n") and b"\n" not in demo_2022.replace(b"\r\n", b"")
    assert [line.split(b";")[3] for line in demo_2022.split(b"\r\n")[1:-1]] == [
        line.split(b";")[3] for line in real_label.split(b"\r\n")[1:-1]]  # the same region labels
    assert b";2023*;" in next(p for p in label if p.name.startswith("2023")).read_bytes()

    quarterly = demo_quarterly.write(tmp_path, world, rng).read_bytes()
    real_quarterly = (real_data / "cbs_statline_label_csv_85525ned" / "Werkloosheidpercentage.csv").read_bytes()
    assert quarterly.split(b"\r\n")[0] == real_quarterly.split(b"\r\n")[0]
    assert [line.split(b";")[0] for line in quarterly.split(b"\r\n")] == [
        line.split(b";")[0] for line in real_quarterly.split(b"\r\n")]  # the same Dutch quarter labels
    assert quarterly.endswith(b"\r\n") and real_quarterly.endswith(b"\r\n")

    coded = demo_coded.write(tmp_path, world, rng).read_bytes()
    [real_coded_path] = (real_data / "cbs_statline_coded_csv").glob("*.csv")
    real_coded = real_coded_path.read_bytes()
    assert coded.split(b";")[:4] == real_coded.split(b";")[:4]  # BOM, ID;Persoonskenmerken;Marges;RegioS
    assert coded.split(b"\r\n")[1].split(b";")[:4] == real_coded.split(b"\r\n")[1].split(b";")[:4]  # 'NL01  '
    assert coded.endswith(b"\r\n")


def test_demo_builds_with_checks_and_plausible_indicators(demo_db: Path):
    world = {m.code: m for m in demo_world("flevoland", 7)}  # conftest's demo seed
    with duckdb.connect(str(demo_db), read_only=True) as con:
        retention = {v.period: v for v in compute(con, "youth_retention_5y", "GM0184")}
        urk = world["GM0184"]
        expected = age_band_population(urk, 2024, "20 tot 25 jaar") / age_band_population(urk, 2019, "15 tot 20 jaar")
        assert retention["2024"].value == pytest.approx(expected)
        assert sorted(retention) == [str(y) for y in range(2020, 2026)] and retention["2025"].status == "voorlopig"
        assert 0.5 < compute(con, "youth_retention_5y", "PV24")[0].value < 1.5
        shares = compute(con, "education_level_high_share", "PV24")
        assert len(shares) == 5 and all(0.15 < v.value < 0.4 for v in shares)
        rates = compute(con, "unemployment_rate", "PV24")
        assert len(rates) == 41 and all(0.01 <= v.value < 0.12 for v in rates)


def test_source_modules_declare_their_contract():
    for module in (cbs_odata, cbs_label_csv, cbs_label_quarterly, cbs_coded_csv):
        assert module.DATASET.fact_table == "fact_cbs" and module.DATASET.grain[0] == "source_id"
        assert module.DATASET.raw_subdir.startswith("cbs/")
