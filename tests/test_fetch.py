"""etl.fetch against a local HTTP stub, never the internet: download, manifest, resume, errors, CLI, build."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest
import requests
from urllib3.util.retry import Retry

from etl import fetch as fetch_module
from etl.build import build
from etl.cli import main
from etl.dataset import FetchTarget
from etl.download import download, partial_path
from etl.errors import FetchError, RawFileError
from etl.fetch import USER_AGENT, fetch
from etl.manifest import manifest_path, read_manifest, sha256_of
from etl.sources.duo_vo_exams import DATASET
from tests.conftest import FIXTURES

FIXTURE = FIXTURES / "duo_vo_small.csv"
FILE_NAME = "examenkandidaten-en-geslaagden-2019-2024.csv"
_RANGE = re.compile(r"bytes=(\d+)-")


@dataclass(frozen=True)
class Seen:
    """One request the stub received."""

    path: str
    range: str | None
    user_agent: str | None


@dataclass
class Stub:
    """The running stub: its base URL, the bytes it serves and every request it received."""

    base: str
    body: bytes
    requests: list[Seen] = field(default_factory=list)

    @property
    def etag(self) -> str:
        return f'"{hashlib.sha256(self.body).hexdigest()[:16]}"'

    def url(self, route: str) -> str:
        return f"{self.base}/{route}/{FILE_NAME}"

    def hits(self, route: str) -> list[Seen]:
        return [r for r in self.requests if r.path.startswith(f"/{route}/")]


class _Handler(BaseHTTPRequestHandler):
    """Routes: /files/ serves the fixture with an ETag and honours `Range: bytes=N-` (with If-Range: only when
    the ETag still matches, else the whole file); /norange/ ignores Range;
    /unavailable/ always answers 503; anything else (e.g. /missing/) answers 404."""

    server: _Server

    def do_GET(self) -> None:
        stub = self.server.stub
        stub.requests.append(Seen(self.path, self.headers.get("Range"), self.headers.get("User-Agent")))
        if self.path.startswith("/files/"):
            self._file(stub.body, honour_range=True)
        elif self.path.startswith("/norange/"):
            self._file(stub.body, honour_range=False)
        elif self.path.startswith("/unavailable/"):
            self._empty(503)
        else:
            self._empty(404)

    def _file(self, body: bytes, honour_range: bool) -> None:
        etag = self.server.stub.etag
        match = _RANGE.fullmatch(self.headers.get("Range") or "") if honour_range else None
        if_range = self.headers.get("If-Range")
        if match is None or (if_range is not None and if_range != etag):
            self._send(200, body, {"ETag": etag})
            return
        start = int(match.group(1))
        if start >= len(body):
            self._send(416, b"", {"Content-Range": f"bytes */{len(body)}"})
            return
        self._send(206, body[start:], {"Content-Range": f"bytes {start}-{len(body) - 1}/{len(body)}", "ETag": etag})

    def _empty(self, status: int) -> None:
        self._send(status, b"", {})

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep the test output clean
        pass


class _Server(ThreadingHTTPServer):
    stub: Stub


@pytest.fixture(autouse=True)
def _no_api_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests cover static files only: API sources (CBS) have their own stubbed tests."""
    monkeypatch.setattr(fetch_module, "SOURCES", [m for m in fetch_module.SOURCES if not hasattr(m, "fetch")])


@pytest.fixture
def stub() -> Iterator[Stub]:
    """A local HTTP server on 127.0.0.1 (free port) serving the DUO fixture, shut down afterwards."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.stub = Stub(f"http://127.0.0.1:{server.server_address[1]}", FIXTURE.read_bytes())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def http() -> Iterator[requests.Session]:
    """A plain session: no retries, so a failing target fails at once."""
    with requests.Session() as session:
        yield session


def target(url: str, file_name: str = FILE_NAME) -> FetchTarget:
    return FetchTarget("duo", url, DATASET.raw_subdir, file_name)


def final_path(raw: Path, file_name: str = FILE_NAME) -> Path:
    return raw / DATASET.raw_subdir / file_name


def seed_part(raw: Path, url: str, data: bytes, validator: str | None) -> Path:
    """An interrupted earlier download: the part file and, with a validator, its resume metadata."""
    part = partial_path(raw, target(url))
    part.parent.mkdir(parents=True, exist_ok=True)
    part.write_bytes(data)
    if validator is not None:
        part.with_name(part.name + ".json").write_text(json.dumps({"url": url, "validator": validator}))
    return part


def test_download_writes_exact_bytes_and_manifest(stub: Stub, http: requests.Session, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    path = download(http, target(stub.url("files")), raw, progress=False)

    assert path == final_path(raw)
    assert path.read_bytes() == FIXTURE.read_bytes()
    assert not partial_path(raw, target(stub.url("files"))).exists()
    manifest = read_manifest(path)
    assert manifest is not None
    assert manifest.origin_url == stub.url("files")
    assert manifest.sha256 == sha256_of(path) == hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    assert manifest.demo is False
    assert manifest.retrieved_at is not None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", manifest.retrieved_at)
    assert [r.range for r in stub.hits("files")] == [None]


def test_partial_download_resumes_with_range(stub: Stub, http: requests.Session, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    offset = 1000
    part = seed_part(raw, stub.url("files"), stub.body[:offset], stub.etag)

    path = download(http, target(stub.url("files")), raw, progress=False)

    assert [r.range for r in stub.hits("files")] == [f"bytes={offset}-"]
    assert path.read_bytes() == FIXTURE.read_bytes()
    assert not part.exists() and not part.with_name(part.name + ".json").exists()
    manifest = read_manifest(path)
    assert manifest is not None and manifest.sha256 == sha256_of(FIXTURE)


def test_complete_part_file_is_accepted_on_416(stub: Stub, http: requests.Session, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    seed_part(raw, stub.url("files"), stub.body, stub.etag)

    path = download(http, target(stub.url("files")), raw, progress=False)

    assert [r.range for r in stub.hits("files")] == [f"bytes={len(stub.body)}-"]
    assert path.read_bytes() == FIXTURE.read_bytes()


def test_part_longer_than_the_remote_file_is_discarded(stub: Stub, http: requests.Session, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    seed_part(raw, stub.url("files"), b"x" * 5000, stub.etag)  # 416 says the file is shorter: not complete

    path = download(http, target(stub.url("files")), raw, progress=False)

    assert [r.range for r in stub.hits("files")] == ["bytes=5000-", None]
    assert path.read_bytes() == FIXTURE.read_bytes()
    assert read_manifest(path).sha256 == sha256_of(FIXTURE)


def test_changed_remote_file_is_not_spliced_onto_an_old_part(stub: Stub, http: requests.Session,
                                                             tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    seed_part(raw, stub.url("files"), stub.body[:1000], stub.etag)
    stub.body = stub.body.replace(b"Testcollege", b"Testkolleege")  # published anew, longer

    path = download(http, target(stub.url("files")), raw, progress=False)

    assert [r.range for r in stub.hits("files")] == ["bytes=1000-"]  # If-Range mismatch: server sends it all
    assert path.read_bytes() == stub.body


def test_part_without_validator_is_not_resumed(stub: Stub, http: requests.Session, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    seed_part(raw, stub.url("files"), b"bytes of unknown origin", None)

    path = download(http, target(stub.url("files")), raw, progress=False)

    assert [r.range for r in stub.hits("files")] == [None]
    assert path.read_bytes() == FIXTURE.read_bytes()


def test_server_ignoring_range_restarts_from_zero(stub: Stub, http: requests.Session, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    seed_part(raw, stub.url("norange"), b"stale bytes that must not survive", stub.etag)

    path = download(http, target(stub.url("norange")), raw, progress=False)

    assert [r.range for r in stub.hits("norange")] == ["bytes=33-"]
    assert path.read_bytes() == FIXTURE.read_bytes()


def test_force_starts_afresh(stub: Stub, http: requests.Session, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    seed_part(raw, stub.url("files"), stub.body[:1000], stub.etag)

    download(http, target(stub.url("files")), raw, force=True, progress=False)

    assert [r.range for r in stub.hits("files")] == [None]


def test_a_half_download_is_never_built(stub: Stub, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    seed_part(raw, stub.url("files"), stub.body[: len(stub.body) // 2], stub.etag)

    with pytest.raises(RawFileError, match="geen ruwe bestanden"):
        build(raw, tmp_path / "w.duckdb", progress=False)


def test_existing_download_is_kept_unless_forced(stub: Stub, http: requests.Session, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    good = target(stub.url("files"))
    download(http, good, raw, progress=False)
    assert len(stub.requests) == 1

    download(http, good, raw, progress=False)
    assert len(stub.requests) == 1  # file and matching manifest present: no request

    download(http, good, raw, force=True, progress=False)
    assert len(stub.requests) == 2
    assert final_path(raw).read_bytes() == FIXTURE.read_bytes()


def test_file_without_manifest_is_downloaded_again(stub: Stub, http: requests.Session,
                                                   tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    final_path(raw).parent.mkdir(parents=True)
    final_path(raw).write_bytes(b"dropped in by hand")

    download(http, target(stub.url("files")), raw, progress=False)

    assert len(stub.requests) == 1
    assert final_path(raw).read_bytes() == FIXTURE.read_bytes()


def test_http_error_raises_dutch_fetch_error(stub: Stub, http: requests.Session, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="downloaden mislukt") as info:
        download(http, target(stub.url("missing")), tmp_path / "raw", progress=False)
    assert stub.url("missing") in str(info.value)
    assert not final_path(tmp_path / "raw").exists()


def test_fetch_continues_after_a_failing_target(stub: Stub, http: requests.Session, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    raw = tmp_path / "raw"
    failing = target(f"{stub.base}/unavailable/niet-beschikbaar.csv", "niet-beschikbaar.csv")
    monkeypatch.setattr(fetch_module, "TARGETS", [failing, target(stub.url("files"))])

    fetched, errors = fetch(raw, progress=False, http=http)

    assert fetched == [final_path(raw)]
    assert final_path(raw).read_bytes() == FIXTURE.read_bytes()
    assert len(errors) == 1
    assert failing.url in errors[0]
    assert "downloaden mislukt" in errors[0] and "Probeer het later opnieuw" in errors[0]
    assert stub.url("files") not in errors[0]
    failed = final_path(raw, "niet-beschikbaar.csv")
    assert not failed.exists()
    assert not partial_path(raw, failing).exists()
    assert not manifest_path(failed).exists()


def test_fetch_only_chosen_sources(stub: Stub, http: requests.Session, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch_module, "TARGETS", [target(stub.url("files"))])

    assert fetch(tmp_path / "raw", ["cbs"], progress=False, http=http) == ([], [])
    assert stub.requests == []


def test_default_session_retries_503_then_reports(stub: Stub, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # The production session's policy (4 retries on 503, own User-Agent), without the backoff sleeps.
    monkeypatch.setattr(fetch_module, "Retry", lambda **kwargs: Retry(**{**kwargs, "backoff_factor": 0}))
    monkeypatch.setattr(fetch_module, "TARGETS", [target(stub.url("unavailable"))])

    fetched, errors = fetch(tmp_path / "raw", progress=False)

    assert fetched == []
    assert len(errors) == 1 and stub.url("unavailable") in errors[0]
    assert len(stub.hits("unavailable")) == 5
    assert {r.user_agent for r in stub.requests} == {USER_AGENT}


def test_fetched_folder_builds_with_provenance(stub: Stub, http: requests.Session, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    raw = tmp_path / "raw"
    monkeypatch.setattr(fetch_module, "TARGETS", [target(stub.url("files"))])
    (path,), errors = fetch(raw, progress=False, http=http)
    assert errors == []
    manifest = read_manifest(path)
    assert manifest is not None

    db = tmp_path / "warehouse.duckdb"
    report = build(raw, db, progress=False)

    assert report.is_demo is False
    assert report.files == 1
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("select path, origin_url, retrieved_at, sha256, is_demo from raw_file").fetchall()
        is_demo = con.execute("select value from build_info where key = 'is_demo'").fetchone()
    assert rows == [(f"{DATASET.raw_subdir}/{FILE_NAME}", stub.url("files"), manifest.retrieved_at,
                     manifest.sha256, False)]
    assert is_demo == ("false",)


def test_cli_fetch_failure_exits_1_with_fout(stub: Stub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    # 404 is not retried by the CLI's session, so this stays fast without patching the retry policy.
    monkeypatch.setattr(fetch_module, "TARGETS", [target(stub.url("missing"))])

    assert main(["fetch", "--raw", str(tmp_path / "raw"), "--quiet"]) == 1

    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("FOUT: ")
    assert stub.url("missing") in err
    assert not final_path(tmp_path / "raw").exists()


def test_cli_fetch_success_exits_0(stub: Stub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(fetch_module, "TARGETS", [target(stub.url("files"))])

    assert main(["fetch", "--raw", str(tmp_path / "raw"), "--quiet"]) == 0

    out, err = capsys.readouterr()
    assert out == f"Opgehaald: {final_path(tmp_path / 'raw')}\n"
    assert err == ""
    assert final_path(tmp_path / "raw").read_bytes() == FIXTURE.read_bytes()


def test_since_skips_files_that_end_before_it(stub: Stub, http: requests.Session, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    old = FetchTarget("duo", stub.url("files"), DATASET.raw_subdir, FILE_NAME, last_year=2024)
    monkeypatch.setattr(fetch_module, "TARGETS", [old])

    assert fetch(tmp_path / "raw", since=2025, progress=False, http=http) == ([], [])
    assert fetch(tmp_path / "raw", since=2024, progress=False, http=http)[0] == [final_path(tmp_path / "raw")]
