"""Imports run one way (pages → ui → warehouse ← etl; report at the level of pages) and pages hold no SQL."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def _imports(package: str) -> set[tuple[str, str]]:
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {(path.name, alias.name.split(".")[0]) for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add((path.name, node.module.split(".")[0]))
    return found


@pytest.mark.parametrize(("package", "forbidden"), [
    ("warehouse", {"streamlit", "etl", "ui", "pages", "report"}),
    ("etl", {"streamlit", "ui", "pages", "report"}),
    ("ui", {"etl", "pages", "report"}),
    ("pages", {"duckdb", "etl"}),
    ("report", {"streamlit", "etl", "pages"}),  # and of ui only modules without streamlit (tests/test_report.py)
])
def test_import_direction(package, forbidden):
    bad = {(f, m) for f, m in _imports(package) if m in forbidden}
    assert bad == set()


def test_pages_contain_no_sql():
    sql = re.compile(r"\b(select|insert|update|delete)\b.+\bfrom\b|\bcon\.execute\b", re.IGNORECASE)
    for page in (ROOT / "pages").glob("*.py"):
        assert not sql.search(page.read_text(encoding="utf-8")), page.name


def test_a_build_loads_neither_pandas_nor_the_http_nor_the_workbook_libraries(demo_raw, tmp_path):
    # Every `etl build` pays for what it imports; fetching (requests) and workbook writing (openpyxl) are imported
    # only by the commands that need them, pandas (and pyarrow) only by replaying uploads: the readers have one
    # path, in DuckDB and plain Python (issue 15).
    probe = ("import sys; from pathlib import Path; from etl.cli import main; "
             f"main(['build', '--raw', {str(demo_raw)!r}, '--db', {str(tmp_path / 'w.duckdb')!r}, "
             f"'--uploads', {str(tmp_path / 'none')!r}, '--quiet']); "
             "print(sorted(m for m in ('openpyxl', 'requests', 'pandas', 'pyarrow') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("module", ["etl.download", "etl.ckan", "etl.targets"])
def test_the_downloaders_do_not_load_the_source_registry(module):
    """No import cycle etl.sources -> uwv_open_match -> ckan -> fetch -> etl.sources (issue 15 part 3): the modules
    that download a file import neither the registry nor etl.fetch, which walks it."""
    probe = f"import sys, {module}; print(sorted(m for m in ('etl.sources', 'etl.fetch') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_uwv_source_reaches_the_ckan_fetcher_without_a_cycle():
    probe = ("import sys; import etl.ckan; assert 'etl.sources' not in sys.modules; "
             "from etl.sources import uwv_open_match, SOURCES; from etl import fetch; "
             "print(uwv_open_match in SOURCES and fetch.download is etl.ckan.download)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"


def test_the_upload_store_layout_is_spelled_once():
    """The Upload page and ui/ find the event log and a kept workbook through warehouse/uploads.py, by the names the
    ETL's store writes with (issue 15 part 3), instead of spelling the layout again."""
    from etl.workbooks import store
    from warehouse import uploads

    spelled = re.compile(r"events\.jsonl|upload\.json|\.cache\b|\[[\"']upload_id[\"']\] /")
    for path in [*(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]:
        assert not spelled.search(path.read_text(encoding="utf-8")), path.name
    assert (store.events_path, store.original_path) == (uploads.events_path, uploads.original_path)
    assert (store.METADATA, store.CACHE_DIR) == (uploads.METADATA, uploads.CACHE_DIR)
    kept = store.Upload("20260101T000000000000-0123abcd", "plan", "plan.xlsx", "0" * 64, "x", "2026-01-01T00:00:00")
    assert store.file_of(ROOT, kept) == ROOT / "20260101T000000000000-0123abcd" / "plan.xlsx"
