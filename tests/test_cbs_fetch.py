"""CBS OData v3 client against recorded payloads in the true OData format (responses stub), never the internet."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
import requests
import responses
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from etl.build import build
from etl.cbs_client import BASE_URL, CbsClient, fetch_tables
from etl.cbs_tables import CBS_TABLES, CbsTable
from etl.errors import FetchError
from etl.manifest import read_manifest
from etl.rawfiles import recognise
from etl.sources import cbs_odata
from tests.staged import staged_facts
from warehouse.indicators import compute

TABLE = CbsTable("03759ned", "Bevolking; geslacht, leeftijd en regio", "test", regions=("NL", "PV", "GM"))
ROOT = f"{BASE_URL}/03759ned"
META = "https://opendata.cbs.nl/ODataApi/OData/03759ned/$metadata#Cbs.OData.WebAPI"


def _page(entity: str, value: list[dict], next_link: str | None = None) -> dict:
    page = {"odata.metadata": f"{META}.{entity}", "value": value}
    if next_link:
        page["odata.nextLink"] = next_link
    return page


def _row(i: int, age: str, region: str, year: int, value: int | None) -> dict:
    return {"ID": i, "Geslacht": "T001038", "Leeftijd": age, "RegioS": region, "Perioden": f"{year}JJ00",
            "BevolkingOp1Januari_1": value}


TABLE_INFOS = _page("TableInfos", [{"ID": 1, "Identifier": "03759ned", "Title": "Bevolking op 1 januari",
                                    "Status": "Regulier", "Frequency": "Perjaar", "Language": "nl"}])
DATA_PROPERTIES = _page("DataProperties", [
    {"ID": 0, "Position": 0, "ParentID": None, "Type": "Dimension", "Key": "Geslacht", "Title": "Geslacht"},
    {"ID": 1, "Position": 1, "ParentID": None, "Type": "Dimension", "Key": "Leeftijd", "Title": "Leeftijd"},
    {"ID": 2, "Position": 2, "ParentID": None, "Type": "GeoDimension", "Key": "RegioS", "Title": "Regio's"},
    {"ID": 3, "Position": 3, "ParentID": None, "Type": "TimeDimension", "Key": "Perioden", "Title": "Perioden"},
    {"ID": 4, "Position": 4, "ParentID": None, "Type": "Topic", "Key": "BevolkingOp1Januari_1",
     "Title": "Bevolking op 1 januari", "Unit": "aantal", "Decimals": 0, "Datatype": "Long"},
])
DIMENSIONS = {
    "Geslacht": [{"Key": "T001038", "Title": "Totaal mannen en vrouwen", "Description": None}],
    "Leeftijd": [{"Key": "70400", "Title": "15 tot 20 jaar"}, {"Key": "70500", "Title": "20 tot 25 jaar"}],
    "RegioS": [{"Key": "NL01  ", "Title": "Nederland"}, {"Key": "PV24  ", "Title": "Flevoland (PV)"},
               {"Key": "GM0034", "Title": "Almere"}, {"Key": "CR40  ", "Title": "Flevoland (CR)"}],
    "Perioden": [{"Key": "2018JJ00", "Title": "2018", "Status": "Definitief"},
                 {"Key": "2023JJ00", "Title": "2023*", "Status": "Voorlopig"}],
}
# Flevoland: 15-19 in 2018 = 22000, 20-24 in 2023 = 19800 → retention 0.9; Almere 14000 → 12600 (0.9 too).
ROWS_2018 = [_row(0, "70400", "PV24  ", 2018, 22000), _row(1, "70500", "PV24  ", 2018, 20000),
             _row(2, "70400", "GM0034", 2018, 14000), _row(3, "70400", "CR40  ", 2018, 22000)]
ROWS_2023 = [_row(4, "70400", "PV24  ", 2023, 23000), _row(5, "70500", "PV24  ", 2023, 19800),
             _row(6, "70500", "GM0034", 2023, 12600), _row(7, "70400", "NL01  ", 2023, None)]


def _register_metadata(stub: responses.RequestsMock, infos: dict = TABLE_INFOS) -> None:
    stub.get(f"{ROOT}/TableInfos", json=infos)
    stub.get(f"{ROOT}/DataProperties", json=DATA_PROPERTIES)
    for key, values in DIMENSIONS.items():
        stub.get(f"{ROOT}/{key}", json=_page(key, values))


def _register_data(stub: responses.RequestsMock) -> None:
    """2018 in one page; 2023 in two pages joined by odata.nextLink (as CBS pages with $skiptoken)."""
    stub.get(f"{ROOT}/TypedDataSet", json=_page("TypedDataSet", ROWS_2018),
             match=[responses.matchers.query_param_matcher({
                 "$filter": "Perioden eq '2018JJ00' and (substringof('NL',RegioS) or substringof('PV',RegioS) or "
                            "substringof('GM',RegioS))"})])
    stub.get(f"{ROOT}/TypedDataSet", json=_page("TypedDataSet", ROWS_2023[:2], f"{ROOT}/TypedDataSet?$skiptoken=2"),
             match=[responses.matchers.query_param_matcher({
                 "$filter": "Perioden eq '2023JJ00' and (substringof('NL',RegioS) or substringof('PV',RegioS) or "
                            "substringof('GM',RegioS))"})])
    stub.get(f"{ROOT}/TypedDataSet", json=_page("TypedDataSet", ROWS_2023[2:]),
             match=[responses.matchers.query_param_matcher({"$skiptoken": "2"})])


def _retrying_session() -> requests.Session:
    http = requests.Session()
    http.mount("https://", HTTPAdapter(max_retries=Retry(total=2, backoff_factor=0, status_forcelist=(500,),
                                                         allowed_methods=("GET",))))
    return http


@responses.activate
def test_paged_table_lands_as_one_bundle_with_manifest_and_builds(tmp_path):
    _register_metadata(responses.mock)
    _register_data(responses.mock)
    raw = tmp_path / "raw"
    [path] = fetch_tables(requests.Session(), raw, [TABLE], cbs_odata.DATASET.raw_subdir)
    assert path == raw / "cbs" / "odata" / "03759ned" / "03759ned.json"
    assert read_manifest(path).origin_url == ROOT
    bundle = json.loads(path.read_text(encoding="utf-8"))
    assert bundle["cbs_odata_v3"] == "03759ned" and len(bundle["TypedDataSet"]) == 8
    assert recognise(path)[0] is cbs_odata

    facts, _, data_rows = staged_facts(cbs_odata, path, "cbs/odata/03759ned/03759ned.json")
    assert data_rows == 7  # the NL row has no value
    assert sorted(facts["region_code"].unique()) == ["GM0034", "PV24"]  # COROP dropped, NL01 null value
    flevo = facts[(facts["region_code"] == "PV24") & (facts["period"] == "2023")
                  & (facts["dims"] == "Geslacht=Totaal mannen en vrouwen|Leeftijd=20 tot 25 jaar")]
    assert flevo["value"].tolist() == [19800.0] and flevo["status"].tolist() == ["voorlopig"]
    assert flevo["source_line"].tolist() == [6]

    db = tmp_path / "wh.duckdb"
    build(raw, db, progress=False)
    with duckdb.connect(str(db), read_only=True) as con:
        [value] = compute(con, "youth_retention_5y", "PV24")
        assert (value.period, value.status) == ("2023", "voorlopig")
        assert value.value == pytest.approx(19800 / 22000)
        [almere] = compute(con, "youth_retention_5y", "GM0034")
        assert almere.value == pytest.approx(12600 / 14000)


@responses.activate
def test_full_page_without_next_link_continues_with_skip():
    first = [_row(i, "70400", "GM0034", 2018, i) for i in range(10_000)]
    url = f"{ROOT}/TypedDataSet"
    responses.get(url, json=_page("TypedDataSet", first), match=[responses.matchers.query_param_matcher({})])
    responses.get(url, json=_page("TypedDataSet", [_row(10_000, "70400", "GM0034", 2018, 1)]),
                  match=[responses.matchers.query_param_matcher({"$skip": "10000", "$top": "10000"})])
    rows = CbsClient(requests.Session()).rows("03759ned", "TypedDataSet")
    assert len(rows) == 10_001


@responses.activate
def test_http_500_is_retried_then_succeeds():
    responses.get(f"{ROOT}/TableInfos", status=500)
    responses.get(f"{ROOT}/TableInfos", json=TABLE_INFOS)
    info = CbsClient(_retrying_session()).table_info("03759ned")
    assert info["Identifier"] == "03759ned"
    assert len(responses.calls) == 2


@responses.activate
def test_unknown_table_gives_a_dutch_error_naming_it(tmp_path):
    responses.get(f"{BASE_URL}/99999ned/TableInfos", status=404, body="Resource not found")
    with pytest.raises(FetchError, match=r"CBS-tabel 99999ned bestaat niet .*404.*etl/cbs_tables.py"):
        fetch_tables(requests.Session(), tmp_path, [CbsTable("99999ned", "bestaat niet", "test")], "cbs/odata")
    assert not list(tmp_path.rglob("*.json"))


@responses.activate
def test_archived_table_gives_a_dutch_error(tmp_path):
    archived = _page("TableInfos", [{"ID": 1, "Identifier": "03759ned", "Status": "Gediscontinueerd"}])
    _register_metadata(responses.mock, archived)
    with pytest.raises(FetchError, match=r"CBS-tabel 03759ned is gearchiveerd"):
        fetch_tables(requests.Session(), tmp_path, [TABLE], "cbs/odata")


@responses.activate
def test_a_failing_table_does_not_stop_the_others(tmp_path):
    responses.get(f"{BASE_URL}/99999ned/TableInfos", status=404)
    _register_metadata(responses.mock)
    _register_data(responses.mock)
    with pytest.raises(FetchError, match="99999ned") as caught:
        fetch_tables(requests.Session(), tmp_path, [CbsTable("99999ned", "x", "test"), TABLE], "cbs/odata")
    assert "03759ned" not in str(caught.value)
    assert (tmp_path / "cbs" / "odata" / "03759ned" / "03759ned.json").exists()


def test_configured_tables_are_unique_and_not_archived_in_the_cbs_catalogue(real_data: Path):
    catalogue = json.loads((real_data / "catalogs" / "cbs_datasets_enriched.json").read_text(encoding="utf-8"))
    archived = {t["_cbs_id"].lower(): t["_archief"] for t in catalogue}
    ids = [t.table_id.lower() for t in CBS_TABLES]
    assert len(ids) == len(set(ids))
    assert [i for i in ids if archived.get(i)] == []


@responses.activate
def test_since_requests_only_later_periods_and_a_second_fetch_reuses_the_file(tmp_path):
    _register_metadata(responses.mock)
    _register_data(responses.mock)
    [path] = fetch_tables(requests.Session(), tmp_path, [TABLE], "cbs/odata", since=2020)
    data_calls = [c.request.url for c in responses.calls if "/TypedDataSet" in c.request.url]
    assert len(data_calls) == 2 and all("2018JJ00" not in url for url in data_calls)  # 2023: two pages
    assert {r["Perioden"] for r in json.loads(path.read_text(encoding="utf-8"))["TypedDataSet"]} == {"2023JJ00"}
    calls = len(responses.calls)
    assert fetch_tables(requests.Session(), tmp_path, [TABLE], "cbs/odata") == [path]
    assert len(responses.calls) == calls  # landed with a manifest: not fetched again without --force
