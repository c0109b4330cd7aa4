"""UWV Open Match Data fetch: CKAN discovery on data.overheid.nl and downloads, on hand-written payloads in CKAN's
package_show format (responses stub), never the internet."""

from __future__ import annotations

import io
import zipfile

import duckdb
import pytest
import requests
import responses
from urllib3.util.retry import Retry

from etl import ckan
from etl import fetch as fetch_module
from etl.build import build
from etl.cli import main
from etl.errors import FetchError
from etl.manifest import read_manifest, sha256_of
from etl.rawfiles import discover
from etl.sources import uwv_open_match as uwv
from tests.conftest import FIXTURES

API = "https://data.overheid.nl/data/api/3/action/package_show"
PACKAGE_URL = f"{API}?id=uwv-open-match-data"
FILES = "https://www.uwv.nl/assets-open-data/open-match-data"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
FIXTURE = FIXTURES / "uwv" / "open_match_small.csv"
HELP = "https://data.overheid.nl/data/api/3/action/help_show?name=package_show"


def _snapshot(day: str) -> bytes:
    """The fixture's header and its lines of one snapshot day, CRLF as UWV's layout has it."""
    lines = FIXTURE.read_bytes().split(b"\r\n")
    return b"\r\n".join([lines[0], *(line for line in lines[1:] if line.startswith(day.encode()))]) + b"\r\n"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def _resource(n: int, name: str, url: str, fmt: str, size: int | None = None) -> dict:
    """A resource as data.overheid.nl's CKAN (DCAT-AP-DONL schema) lists it."""
    return {
        "id": f"6f0c2b1e-0000-4000-8000-00000000000{n}", "package_id": "3d1c5a8e-7b1f-4e52-9a43-0f6e2c9d8b11",
        "position": n, "name": name, "description": f"{name}, wekelijkse peildatum", "format": fmt, "url": url,
        "url_type": None, "size": size, "mimetype": None, "mimetype_inner": None, "hash": "", "state": "active",
        "resource_type": None, "created": "2023-05-23T09:12:44.118502", "last_modified": "2023-05-23T09:12:44",
        "metadata_modified": "2023-05-23T09:12:45.002311", "cache_url": None, "cache_last_updated": None,
        "datastore_active": False, "license_id": "http://creativecommons.org/publicdomain/zero/1.0/deed.nl",
        "metadata_language": "http://publications.europa.eu/resource/authority/language/NLD",
        "language": "http://publications.europa.eu/resource/authority/language/NLD",
        "release_date": "2023-05-23T00:00:00", "modification_date": "2023-05-23T00:00:00",
    }


def _package(resources: list[dict]) -> dict:
    """A package_show answer: help, success and the dataset with its resources."""
    return {"help": HELP, "success": True, "result": {
        "id": "3d1c5a8e-7b1f-4e52-9a43-0f6e2c9d8b11", "name": "uwv-open-match-data", "title": "UWV Open Match Data",
        "type": "dataset", "state": "active", "private": False, "isopen": True,
        "notes": "Wekelijkse snapshots van vacatures en werkzoekenden per beroep en postcodegebied.",
        "license_id": "http://creativecommons.org/publicdomain/zero/1.0/deed.nl",
        "license_title": "CC-0 (1.0)", "metadata_created": "2019-12-03T10:01:12.118502",
        "metadata_modified": "2023-05-23T09:12:45.002311", "num_resources": len(resources), "num_tags": 2,
        "organization": {"id": "a7e9f3c1-4d2b-4b8e-9c6f-2e1d0b7a5c33", "name": "uwv",
                         "title": "Uitvoeringsinstituut Werknemersverzekeringen (UWV)", "type": "organization"},
        "tags": [{"name": "vacatures"}, {"name": "werkzoekenden"}], "groups": [], "extras": [],
        "resources": resources,
    }}


WEEK_0516 = _snapshot("2023-05-16")
WEEK_0502 = _snapshot("2023-05-02")
ARCHIVE = _zip({"open_match_data_20230425/open_match_data_20230425.csv": _snapshot("2023-04-25"),
                "LEESMIJ.txt": b"Toelichting"})
RESOURCES = [
    _resource(1, "Open Match Data 16-05-2023", f"{FILES}/open_match_data_20230516.csv", EU_FILE_TYPE + "CSV",
              len(WEEK_0516)),
    _resource(2, "Open Match Data 02-05-2023", f"{FILES}/open_match_data_20230502.csv", "CSV"),
    _resource(3, "Open Match Data april 2023", f"{FILES}/open_match_data_2023-04.zip", EU_FILE_TYPE + "ZIP"),
    _resource(4, "Toelichting Open Match Data", f"{FILES}/toelichting_open_match_data.pdf", EU_FILE_TYPE + "PDF"),
]


def _serve_package(resources: list[dict] = RESOURCES) -> None:
    responses.get(API, json=_package(resources),
                  match=[responses.matchers.query_param_matcher({"id": "uwv-open-match-data"})])


def _serve_files() -> None:
    responses.get(f"{FILES}/open_match_data_20230516.csv", body=WEEK_0516, headers={"ETag": '"a1"'})
    responses.get(f"{FILES}/open_match_data_20230502.csv", body=WEEK_0502, headers={"ETag": '"a2"'})
    responses.get(f"{FILES}/open_match_data_2023-04.zip", body=ARCHIVE, content_type="application/zip")


def _fast_session(monkeypatch: pytest.MonkeyPatch) -> requests.Session:
    """The production etl.fetch.session() retry policy, without the backoff sleeps."""
    monkeypatch.setattr(fetch_module, "Retry", lambda **kwargs: Retry(**{**kwargs, "backoff_factor": 0}))
    return fetch_module.session()


@responses.activate
def test_discovers_and_lands_csvs_and_zip_members_with_manifests_and_builds(tmp_path):
    _serve_package()
    _serve_files()
    raw = tmp_path / "raw"
    landed = uwv.fetch(requests.Session(), raw, progress=False)
    folder = raw / "uwv" / "open_match"
    unpacked = folder / "open_match_data_2023-04" / "open_match_data_20230425.csv"
    assert landed == [folder / "open_match_data_20230516.csv", folder / "open_match_data_20230502.csv", unpacked]
    assert landed[0].read_bytes() == WEEK_0516 and unpacked.read_bytes() == _snapshot("2023-04-25")
    assert read_manifest(landed[0]).origin_url == f"{FILES}/open_match_data_20230516.csv"
    assert read_manifest(landed[0]).sha256 == sha256_of(landed[0])
    assert read_manifest(unpacked).origin_url == (f"{FILES}/open_match_data_2023-04.zip"
                                                  "#open_match_data_20230425/open_match_data_20230425.csv")
    archive = raw / ".archives" / "uwv" / "open_match" / "open_match_data_2023-04.zip"
    assert read_manifest(archive).origin_url == f"{FILES}/open_match_data_2023-04.zip"
    assert not (folder / "LEESMIJ.txt").exists()
    assert not any("toelichting" in c.request.url for c in responses.calls)  # the PDF is not data

    # The build finds exactly the three CSVs (never the ZIP) and loads what the whole fixture holds.
    assert [f.relative for f in discover(raw)] == [
        "uwv/open_match/open_match_data_2023-04/open_match_data_20230425.csv",
        "uwv/open_match/open_match_data_20230502.csv", "uwv/open_match/open_match_data_20230516.csv"]
    db = tmp_path / "wh.duckdb"
    build(raw, db, progress=False)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*), sum(vacancies), sum(job_seekers) from fact_uwv_match").fetchone() \
            == (11, 10 + 4 + 12 + 8 + 6 + 20 + 3 + 15 + 7 + 18 + 2.5, 8 + 6 + 5 + 4 + 7 + 6 + 4 + 3 + 9 + 5)

    # A second fetch asks CKAN again but downloads nothing: every file has its manifest.
    calls = len(responses.calls)
    assert uwv.fetch(requests.Session(), raw, progress=False) == landed
    assert [c.request.url for c in responses.calls[calls:]] == [PACKAGE_URL]


@responses.activate
def test_since_skips_resources_whose_name_or_url_ends_before_that_year(tmp_path):
    _serve_package([
        _resource(1, "Open Match Data 26-11-2019", f"{FILES}/omd_20191126.csv", "CSV"),
        _resource(2, "Open Match Data 2020-2021", f"{FILES}/omd_2020_2021.zip", "ZIP"),
        _resource(3, "Open Match Data 16-05-2023", f"{FILES}/omd_20230516.csv", "CSV"),
        _resource(4, "Open Match Data (laatste stand)", f"{FILES}/omd_laatste.csv", "CSV"),  # no year: kept
    ])
    responses.get(f"{FILES}/omd_20230516.csv", body=WEEK_0516)
    responses.get(f"{FILES}/omd_laatste.csv", body=WEEK_0502)
    raw = tmp_path / "raw"
    landed = uwv.fetch(requests.Session(), raw, since=2022, progress=False)
    assert [p.name for p in landed] == ["omd_20230516.csv", "omd_laatste.csv"]
    assert not any("2019" in c.request.url or "2020" in c.request.url for c in responses.calls)


def test_year_and_format_rules():
    assert ckan.last_year("Open Match Data 2019-2022") == 2022
    assert ckan.last_year("/assets/omd_20230516.csv") == 2023
    assert ckan.last_year("Open Match Data 16-05-2023") == 2023
    assert ckan.last_year("postcode 1315, 20 beroepen") is None
    assert ckan.file_format({"format": EU_FILE_TYPE + "CSV"}) == "CSV"
    assert ckan.file_format({"format": "text/csv"}) == "CSV"
    assert ckan.file_format({"format": "", "url": "https://x.nl/a/b.ZIP?download=1"}) == "ZIP"
    assert ckan.file_format({"format": "", "url": "https://x.nl/pagina"}) == ""


def test_file_names_are_safe_and_unique():
    odd = ckan.Resource("abc12345-1", "Week 20 / 2023", "https://x.nl/download?id=7", "CSV")
    assert ckan.file_name(odd) == "Week_20_2023.csv"
    twice = [_resource(1, "A", f"{FILES}/week.csv", "CSV"), _resource(2, "B", f"{FILES}/oud/week.csv", "CSV")]
    resources = [ckan.Resource(r["id"], r["name"], r["url"], ckan.file_format(r)) for r in twice]
    targets, _ = ckan.data_targets(resources, "uwv", "uwv/open_match")
    assert [t.file_name for t in targets] == ["week.csv", "6f0c2b1e_week.csv"]


@responses.activate
def test_ckan_500_is_retried_by_the_shared_session_then_succeeds(tmp_path, monkeypatch):
    responses.get(API, status=500)
    responses.get(API, status=503)
    _serve_package()
    _serve_files()
    landed = uwv.fetch(_fast_session(monkeypatch), tmp_path, progress=False)
    assert len(landed) == 3
    assert [c.response.status_code for c in responses.calls[:3]] == [500, 503, 200]


@responses.activate
def test_ckan_that_stays_down_gives_a_dutch_error_naming_dataset_and_url(tmp_path, monkeypatch):
    responses.get(API, status=503)
    with pytest.raises(FetchError) as caught:
        uwv.fetch(_fast_session(monkeypatch), tmp_path, progress=False)
    message = str(caught.value)
    assert "data.overheid.nl-dataset 'uwv-open-match-data'" in message and PACKAGE_URL in message
    assert "Probeer het later opnieuw" in message
    assert len(responses.calls) == 5  # the first try and the session's four retries
    assert not any(tmp_path.rglob("*.csv"))


@pytest.mark.parametrize(("status", "error", "expected"), [
    (404, {"message": "Niet gevonden", "__type": "Not Found Error"},
     r"'uwv-open-match-data' \(.*package_show\?id=uwv-open-match-data\): de dataset bestaat niet \(meer\) "
     r"\(HTTP 404; Not Found Error: Niet gevonden"),
    (200, {"message": "Access denied", "__type": "Authorization Error"},
     r"uwv-open-match-data.*CKAN meldt dat het verzoek mislukte; Authorization Error: Access denied"),
], ids=["unknown dataset", "success false"])
@responses.activate
def test_ckan_refusal_gives_a_dutch_error(tmp_path, status, error, expected):
    responses.get(API, status=status, json={"help": HELP, "success": False, "error": error})
    with pytest.raises(FetchError, match=expected):
        uwv.fetch(requests.Session(), tmp_path, progress=False)


@responses.activate
def test_html_instead_of_json_and_no_data_files_give_dutch_errors(tmp_path):
    responses.get(API, body="<html>Onderhoud</html>", content_type="text/html")
    with pytest.raises(FetchError, match="geen geldige CKAN-JSON"):
        uwv.fetch(requests.Session(), tmp_path, progress=False)
    responses.replace(responses.GET, API, json=_package(RESOURCES[3:]))
    with pytest.raises(FetchError, match=r"noemt geen CSV- of ZIP-bestand \(Toelichting Open Match Data \(PDF\)\)"):
        uwv.fetch(requests.Session(), tmp_path, progress=False)


@responses.activate
def test_a_resource_404_does_not_stop_the_others(tmp_path):
    _serve_package()
    responses.get(f"{FILES}/open_match_data_20230516.csv", status=404)
    responses.get(f"{FILES}/open_match_data_20230502.csv", body=WEEK_0502)
    responses.get(f"{FILES}/open_match_data_2023-04.zip", body=ARCHIVE)
    with pytest.raises(FetchError) as caught:
        uwv.fetch(requests.Session(), tmp_path, progress=False)
    message = str(caught.value)
    assert message.startswith("UWV Open Match Data, open_match_data_20230516.csv: ") and "404" in message
    assert "20230502" not in message and "2023-04" not in message
    folder = tmp_path / "uwv" / "open_match"
    assert (folder / "open_match_data_20230502.csv").read_bytes() == WEEK_0502
    assert (folder / "open_match_data_2023-04" / "open_match_data_20230425.csv").exists()
    assert not (folder / "open_match_data_20230516.csv").exists()


def test_zip_members_with_one_base_name_stay_apart_and_cannot_escape(tmp_path):
    archive = tmp_path / "a.zip"
    archive.write_bytes(_zip({"2019/week.csv": b"a", "2020/week.csv": b"b", "../../buiten.csv": b"c"}))
    landed = ckan.unpack_csvs(archive, tmp_path / "uit", "https://x.nl/a.zip")
    assert [(p.name, p.read_bytes()) for p in landed] == [("2019_week.csv", b"a"), ("2020_week.csv", b"b"),
                                                          ("buiten.csv", b"c")]
    assert {p.parent for p in landed} == {tmp_path / "uit"}
    assert read_manifest(landed[1]).origin_url == "https://x.nl/a.zip#2020/week.csv"


def test_an_archive_that_would_unpack_too_far_is_refused(tmp_path, monkeypatch):
    archive = tmp_path / "bom.zip"
    archive.write_bytes(_zip({"nullen.csv": b"0" * (4 * 2**20)}))  # 4 MiB of zeros compress about 1000 times
    with pytest.raises(FetchError, match="verdacht sterk gecomprimeerd"):
        ckan.unpack_csvs(archive, tmp_path / "uit", "https://x.nl/bom.zip")
    monkeypatch.setattr(ckan, "MAX_UNPACKED", 10)
    archive.write_bytes(_zip({"week.csv": b"PEILDATUM;AANTAL\n"}))
    with pytest.raises(FetchError, match="grens"):
        ckan.unpack_csvs(archive, tmp_path / "uit", "https://x.nl/bom.zip")
    assert not (tmp_path / "uit").exists()


@responses.activate
def test_a_broken_zip_is_removed_so_the_next_fetch_tries_again(tmp_path):
    _serve_package(RESOURCES[2:3])
    responses.get(f"{FILES}/open_match_data_2023-04.zip", body=b"PK\x03\x04 afgebroken")
    with pytest.raises(FetchError, match="ZIP-bestand is beschadigd"):
        uwv.fetch(requests.Session(), tmp_path, progress=False)
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
    responses.replace(responses.GET, f"{FILES}/open_match_data_2023-04.zip", body=ARCHIVE)
    [path] = uwv.fetch(requests.Session(), tmp_path, progress=False)
    assert path.read_bytes() == _snapshot("2023-04-25")


@responses.activate
def test_cli_fetch_source_uwv(tmp_path, capsys):
    _serve_package()
    _serve_files()
    assert main(["fetch", "--source", "uwv", "--raw", str(tmp_path / "raw"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.count("Opgehaald: ") == 3 and "open_match_data_20230425.csv" in out
    assert not any("cbs.nl" in c.request.url for c in responses.calls)
