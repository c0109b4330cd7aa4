"""Shared fixtures: demo and real raw folders, built warehouses, and the CI rule that a skip is a failure."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest

# No test may read or write the checkout's data folder (a developer's `make run` data, or another test's leftovers):
# the default data folder of every module and subprocess is a fresh temporary one. Set before the project's modules
# are imported, because warehouse/paths.py reads it once.
os.environ["TECHNIEKMONITOR_DATA"] = tempfile.mkdtemp(prefix="techniekmonitor-tests-data-")
atexit.register(shutil.rmtree, os.environ["TECHNIEKMONITOR_DATA"], True)

from etl.build import build  # noqa: E402
from etl.demo import generate  # noqa: E402
from etl.reference import MunicipalityResolver  # noqa: E402
from etl.workbooks.demo import generate_programme  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REAL_DATA = ROOT.parent / "shared" / "real-data"
REAL_VO_FILE = REAL_DATA / "duo_vo_examenkandidaten" / "examenkandidaten-en-geslaagden-2019-2024.csv"
CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip on a laptop without the prerequisite; in CI a missing prerequisite is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a skipped test counts as a failure)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The shared folder of real public files (never copied into the project)."""
    require(REAL_VO_FILE.exists(), f"real data not found at {REAL_DATA}")
    return REAL_DATA


@pytest.fixture(scope="session")
def real_vo_file(real_data: Path) -> Path:
    """DUO's real vo exam file, 2019-2020 to 2023-2024."""
    return REAL_VO_FILE


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium for the browser tests."""
    require(CHROMIUM.exists(), "Chromium not installed (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def resolver() -> MunicipalityResolver:
    """The reference data's municipality resolver (read-only once built, so one for the whole run)."""
    return MunicipalityResolver()


@pytest.fixture(scope="session")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built from the small DUO vo fixture alone (read-only use)."""
    tmp = tmp_path_factory.mktemp("small")
    raw = raw_with(tmp, "small.csv", (FIXTURES / "duo_vo_small.csv").read_bytes().decode("utf-8"))
    build(raw, tmp / "w.duckdb", progress=False)
    return tmp / "w.duckdb"


@pytest.fixture(scope="session")
def demo_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A raw folder with the flevoland-scale demo data."""
    raw = tmp_path_factory.mktemp("demo_raw")
    generate(raw, "flevoland", 7)
    return raw


@pytest.fixture(scope="session")
def demo_uploads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo plan of action and 24 months of monthly reports, kept as uploads up to today."""
    uploads = tmp_path_factory.mktemp("demo_uploads") / "uploads"
    generate_programme(uploads, 7, date.today())
    return uploads


@pytest.fixture(scope="session")
def demo_db(demo_raw: Path, demo_uploads: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built from the flevoland demo and the demo uploads (read-only use: copy it before changing it)."""
    db = tmp_path_factory.mktemp("demo_db") / "warehouse.duckdb"
    build(demo_raw, db, progress=False, uploads_dir=demo_uploads)
    return db


@pytest.fixture
def programme(demo_db: Path, demo_uploads: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A writable copy of the demo warehouse and its kept uploads (validation cache included): (db, uploads)."""
    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(demo_db, db)
    uploads = tmp_path / "uploads"
    shutil.copytree(demo_uploads, uploads)
    return db, uploads


@pytest.fixture(scope="session")
def real_db(real_vo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built from the real DUO vo file, copied into a temporary raw folder."""
    raw = tmp_path_factory.mktemp("real_raw")
    target = raw / "duo" / "vo_examenkandidaten" / real_vo_file.name
    target.parent.mkdir(parents=True)
    shutil.copy(real_vo_file, target)
    db = tmp_path_factory.mktemp("real_db") / "warehouse.duckdb"
    build(raw, db, progress=False)
    return db


def raw_with(tmp_path: Path, name: str, content: str | bytes) -> Path:
    """A raw folder holding one file with the given content under duo/vo_examenkandidaten/."""
    target = tmp_path / "raw" / "duo" / "vo_examenkandidaten" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8", newline="")
    return tmp_path / "raw"
