"""CBS OData v4 (datasets.cbs.nl) against recorded payloads in the true v4 format (tests/fixtures/cbs_v4), never live.

The fixtures are 03759ned as v4 serves it: Properties (one object), Dimensions with Kind, MeasureCodes, one
<Dimension>Codes set per dimension and Observations (one row per cell: Id, Measure, ValueAttribute, Value,
StringValue, dimension columns), 2023 in two pages joined by @odata.nextLink. Figures as in test_cbs_fetch.py:
Flevoland 15-19 in 2018 = 22000, 20-24 in 2023 = 19800 → retention 0.9; Almere 14000 → 12600 (0.9 too).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pytest
import requests
import responses
from urllib3.util.retry import Retry

from etl import fetch as fetch_module
from etl.build import build
from etl.cbs_client import V4_BASE_URL, CbsV4Client, fetch_tables, write_bundle
from etl.cbs_tables import CBS_TABLES, CbsTable
from etl.demo import cbs_odata_v4 as demo_v4
from etl.demo.world import demo_world
from etl.errors import FetchError, RawFileError
from etl.manifest import read_manifest
from etl.rawfiles import discover, read_header, recognise
from etl.sources import cbs_odata, cbs_odata_v4
from tests.conftest import FIXTURES
from tests.staged import staged_facts
from warehouse.indicators import compute
from warehouse.sources import source_citation

V4 = FIXTURES / "cbs_v4"
ROOT = f"{V4_BASE_URL}/03759ned"
TABLE = CbsTable("03759ned", "Bevolking; geslacht, leeftijd en regio", "test", regions=("NL", "PV24", "GM"),
                 extra_filter="Geslacht eq 'T001038'", api="v4")
REGIONS = "(startswith(RegioS,'NL') or startswith(RegioS,'PV24') or startswith(RegioS,'GM'))"
PAGE_TWO = {"$filter": f"Perioden eq '2023JJ00' and {REGIONS} and (Geslacht eq 'T001038')", "$skip": "2"}


def _payload(name: str) -> dict:
    return json.loads((V4 / f"{name}.json").read_text(encoding="utf-8"))


def _register_metadata(stub: responses.RequestsMock, properties: str = "Properties") -> None:
    stub.get(f"{ROOT}/Properties", json=_payload(properties))
    for entity in ("Dimensions", "MeasureCodes", "GeslachtCodes", "LeeftijdCodes", "RegioSCodes", "PeriodenCodes"):
        stub.get(f"{ROOT}/{entity}", json=_payload(entity))


def _register_data(stub: responses.RequestsMock) -> None:
    """One request per period, filtered on regions and Geslacht; 2023's second page comes from the nextLink."""
    for year, name in (("2018", "Observations_2018"), ("2023", "Observations_2023_page1")):
        stub.get(f"{ROOT}/Observations", json=_payload(name), match=[responses.matchers.query_param_matcher(
            {"$filter": f"Perioden eq '{year}JJ00' and {REGIONS} and (Geslacht eq 'T001038')"})])
    stub.get(f"{ROOT}/Observations", json=_payload("Observations_2023_page2"),
             match=[responses.matchers.query_param_matcher(PAGE_TWO)])


@responses.activate
def test_paged_v4_table_lands_as_a_bundle_with_manifest_and_builds_into_fact_cbs(tmp_path):
    _register_metadata(responses.mock)
    _register_data(responses.mock)
    raw = tmp_path / "raw"
    [path] = fetch_tables(requests.Session(), raw, [TABLE], cbs_odata_v4.DATASET.raw_subdir)
    assert path == raw / "cbs" / "odata" / "03759ned" / "03759ned.json"  # where a v3 bundle would land
    assert read_manifest(path).origin_url == ROOT
    assert path.read_text(encoding="utf-8").startswith('{"cbs_odata_v4": "03759ned",\n')
    bundle = json.loads(path.read_text(encoding="utf-8"))
    assert len(bundle["Observations"]) == 8 and bundle["Properties"]["Status"] == "Regulier"
    assert "@odata.context" not in bundle["Properties"]
    assert sorted(bundle["codes"]) == ["Geslacht", "Leeftijd", "Perioden", "RegioS"]
    assert recognise(path)[0] is cbs_odata_v4
    assert cbs_odata_v4.periods(read_header(path), path) == ["2018", "2023"]

    facts, _, data_rows = staged_facts(cbs_odata_v4, path, "cbs/odata/03759ned/03759ned.json")
    assert data_rows == 7  # NL01 2023 has no Value (ValueAttribute 'Impossible')
    assert sorted(facts["region_code"].unique()) == ["GM0034", "PV24"]  # COROP CR40 dropped
    assert set(facts["source_id"]) == {"cbs_statline_odata"}  # the same dataset as the v3 bundles
    flevo = facts[(facts["region_code"] == "PV24") & (facts["period"] == "2023")
                  & (facts["dims"] == "Geslacht=Totaal mannen en vrouwen|Leeftijd=20 tot 25 jaar")]
    assert flevo[["measure", "measure_label", "unit", "value", "status", "source_line"]].values.tolist() == [
        ["M000352", "Bevolking op 1 januari", "aantal", 19800.0, "voorlopig", 6]]
    assert str(flevo["peildatum"].iloc[0].date()) == "2023-12-31"
    almere_2018 = facts[(facts["region_code"] == "GM0034") & (facts["period"] == "2018")]
    assert almere_2018[["value", "status"]].values.tolist() == [[14000.0, "definitief"]]

    db = tmp_path / "wh.duckdb"
    build(raw, db, progress=False)
    with duckdb.connect(str(db), read_only=True) as con:
        [value] = compute(con, "youth_retention_5y", "PV24")
        assert (value.period, value.status, value.value) == ("2023", "voorlopig", pytest.approx(19800 / 22000))
        [almere] = compute(con, "youth_retention_5y", "GM0034")
        assert almere.value == pytest.approx(12600 / 14000)
        assert source_citation(con, "cbs_statline_odata") == "CBS, StatLine (OData-API)"
        assert con.execute("select origin_url, source_id, data_rows from raw_file").fetchall() == [
            (ROOT, "cbs_statline_odata", 7)]


@responses.activate
def test_http_500_is_retried_by_the_production_session_then_succeeds(monkeypatch):
    # The shared etl.fetch.session() policy (the one v3 uses), without the backoff sleeps.
    monkeypatch.setattr(fetch_module, "Retry", lambda **kwargs: Retry(**{**kwargs, "backoff_factor": 0}))
    responses.get(f"{ROOT}/Properties", status=500)
    responses.get(f"{ROOT}/Properties", status=503)
    responses.get(f"{ROOT}/Properties", json=_payload("Properties"))
    info = CbsV4Client(fetch_module.session()).properties("03759ned")
    assert info["Identifier"] == "03759ned" and info["Status"] == "Regulier"
    assert len(responses.calls) == 3


@responses.activate
def test_http_500_that_persists_gives_a_dutch_error(tmp_path, monkeypatch):
    monkeypatch.setattr(fetch_module, "Retry", lambda **kwargs: Retry(**{**kwargs, "backoff_factor": 0}))
    responses.get(f"{ROOT}/Properties", status=500)
    with pytest.raises(FetchError, match=r"CBS-tabel 03759ned: .*Probeer het later opnieuw"):
        fetch_tables(fetch_module.session(), tmp_path, [TABLE], "cbs/odata")
    assert len(responses.calls) == 5  # the first try and the session's four retries
    assert not list(tmp_path.rglob("*.json"))


@responses.activate
def test_unknown_v4_table_gives_a_dutch_error_naming_it_and_the_other_api(tmp_path):
    responses.get(f"{V4_BASE_URL}/99999NED/Properties", status=404, json=_payload("NotFound"))
    with pytest.raises(FetchError) as caught:
        fetch_tables(requests.Session(), tmp_path, [CbsTable("99999NED", "bestaat niet", "test", api="v4")],
                     "cbs/odata")
    message = str(caught.value)
    assert message.startswith("CBS-tabel 99999NED bestaat niet (") and "gaf 404" in message
    assert 'api="v3"' in message and "etl/cbs_tables.py" in message and f"{V4_BASE_URL}/Datasets" in message
    assert not list(tmp_path.rglob("*.json"))


@responses.activate
def test_archived_v4_table_gives_a_dutch_error_and_lands_nothing(tmp_path):
    _register_metadata(responses.mock, "Properties_archived")
    with pytest.raises(FetchError, match=r"CBS-tabel 03759ned is gearchiveerd \(status 'Gediscontinueerd'\)"):
        fetch_tables(requests.Session(), tmp_path, [TABLE], "cbs/odata")
    assert [c.request.url for c in responses.calls] == [f"{ROOT}/Properties"]  # nothing more is requested
    assert not list(tmp_path.rglob("*.json"))


@responses.activate
def test_since_requests_only_later_periods_and_a_second_fetch_reuses_the_file(tmp_path):
    _register_metadata(responses.mock)
    _register_data(responses.mock)
    [path] = fetch_tables(requests.Session(), tmp_path, [TABLE], "cbs/odata", since=2020)
    data_calls = [c.request.url for c in responses.calls if "/Observations" in c.request.url]
    assert len(data_calls) == 2 and all("2018JJ00" not in url for url in data_calls)  # 2023: two pages
    bundle = json.loads(path.read_text(encoding="utf-8"))
    assert {r["Perioden"] for r in bundle["Observations"]} == {"2023JJ00"}
    calls = len(responses.calls)
    assert fetch_tables(requests.Session(), tmp_path, [TABLE], "cbs/odata") == [path]
    assert len(responses.calls) == calls  # landed with a manifest: not fetched again without --force


@responses.activate
def test_each_source_fetches_only_the_tables_of_its_api(tmp_path):
    v4_tables = [t for t in CBS_TABLES if t.api == "v4"]
    for table in v4_tables:
        responses.get(f"{V4_BASE_URL}/{table.table_id}/Properties", status=404)
    with pytest.raises(FetchError) as caught:
        cbs_odata_v4.fetch(requests.Session(), tmp_path)
    # Only the v4 tables were asked for (any v3 URL would have failed with another message).
    assert [line.split(" ")[1] for line in str(caught.value).splitlines()] == [t.table_id for t in v4_tables]
    assert {c.request.url.split("/")[2] for c in responses.calls} == {"datasets.cbs.nl"}


def test_a_table_names_a_known_api():
    assert CbsTable("03759ned", "x", "y").api == "v3"
    with pytest.raises(ValueError, match=r"CBS-tabel 03759ned: api moet een van v3, v4 zijn, niet 'v5'"):
        CbsTable("03759ned", "x", "y", api="v5")


def _landed(tmp_path: Path) -> Path:
    bundle = {"Properties": _payload("Properties"), "Dimensions": _payload("Dimensions")["value"],
              "MeasureCodes": _payload("MeasureCodes")["value"],
              "codes": {k: _payload(f"{k}Codes")["value"] for k in ("Geslacht", "Leeftijd", "RegioS", "Perioden")},
              "Observations": [*_payload("Observations_2018")["value"], *_payload("Observations_2023_page1")["value"],
                               *_payload("Observations_2023_page2")["value"]]}
    return write_bundle(tmp_path / "03759ned.json", "03759ned", bundle, "cbs_odata_v4")


def test_v4_bundle_errors_name_row_and_field(tmp_path):
    path = _landed(tmp_path)
    bundle = json.loads(path.read_text(encoding="utf-8"))
    bundle["Observations"][2]["Value"] = "veertienduizend"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    with pytest.raises(RawFileError, match="geen getal") as caught:
        staged_facts(cbs_odata_v4, path)
    assert (caught.value.line, caught.value.column) == (3, "Value")
    bundle["Dimensions"] = [d for d in bundle["Dimensions"] if d["Kind"] != "TimeDimension"]
    path.write_text(json.dumps(bundle), encoding="utf-8")
    with pytest.raises(RawFileError, match="dimensie ontbreekt") as caught:
        staged_facts(cbs_odata_v4, path)
    assert caught.value.column == "TimeDimension"
    path.write_text('{"cbs_odata_v4": "03759ned",\n"Observations": [', encoding="utf-8")
    with pytest.raises(RawFileError, match="geen geldige JSON"):
        staged_facts(cbs_odata_v4, path)


def test_a_v3_and_a_v4_bundle_of_one_table_never_load_the_same_year_twice(tmp_path):
    """Switching a table's api leaves one file; should an old one linger elsewhere, the newest edition wins."""
    v4 = _landed(tmp_path / "cbs" / "odata" / "03759ned")
    v3 = tmp_path / "cbs" / "odata" / "03759ned_v3" / "03759ned.json"
    write_bundle(v3, "03759ned", {
        "TableInfos": {"Identifier": "03759ned", "Status": "Regulier"},
        "DataProperties": [{"Type": "GeoDimension", "Key": "RegioS"}, {"Type": "TimeDimension", "Key": "Perioden"},
                           {"Type": "Topic", "Key": "BevolkingOp1Januari_1", "Title": "Bevolking op 1 januari",
                            "Unit": "aantal"}],
        "dimensions": {"RegioS": [{"Key": "PV24  ", "Title": "Flevoland (PV)"}],
                       "Perioden": [{"Key": "2018JJ00", "Title": "2018", "Status": "Definitief"}]},
        "TypedDataSet": [{"ID": 0, "RegioS": "PV24  ", "Perioden": "2018JJ00", "BevolkingOp1Januari_1": 1}],
    })
    files = {f.path: f for f in discover(tmp_path)}
    assert files[v4].periods == ("2018", "2023") and files[v3].periods == ()  # v4 reaches 2023: newest edition
    assert files[v4].source.DATASET is files[v3].source.DATASET


def test_demo_v4_bundle_agrees_with_the_demo_world(tmp_path):
    world = demo_world("flevoland", 4)
    path = demo_v4.write(tmp_path, world, np.random.default_rng(1))
    assert recognise(path)[0] is cbs_odata_v4
    facts = staged_facts(cbs_odata_v4, path, "x")[0]
    prefix = "Onderwijsvolgend=Totaal|Arbeidskenmerken="
    suffix = "|Uitkering=Totaal met of zonder uitkering|GeregistreerdWerkzoekendeBijUWV=Totaal"
    flevo = facts[(facts["region_code"] == "PV24") & (facts["period"] == "2023")].set_index("dims")["value"]
    young = sum(demo_v4.young_people(m, 2023) for m in world if m.code in demo_v4.FLEVOLAND_CODES)
    assert flevo[f"{prefix}Totaal{suffix}"] == young
    assert flevo[f"{prefix}Arb.pos.: werkzame beroepsbevolking{suffix}"] + \
        flevo[f"{prefix}Arb.pos.: niet-werkzame bevolking{suffix}"] == young
    assert 0.6 < flevo[f"{prefix}Arb.pos.: werkzame beroepsbevolking{suffix}"] / young < 0.8
    assert set(facts.loc[facts["period"] == "2024", "status"]) == {"voorlopig"}
    assert set(facts.loc[facts["period"] == "2023", "status"]) == {"definitief"}
    assert set(facts["region_code"]) == {"NL", "PV24", *(m.code for m in world)}
    assert cbs_odata_v4.DATASET is cbs_odata.DATASET
