"""Documentation stays true to the code."""

import re

from tests.conftest import ROOT
from warehouse.catalog import CATALOGUE
from warehouse.catalog_doc import render_markdown
from warehouse.schema import table_grains


def test_indicator_docs_are_generated_from_the_catalogue():
    text = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert text == render_markdown(), "docs/indicators.md is stale: run `make docs`"
    assert all(f"`{i}`" in text for i in CATALOGUE)


def test_every_table_is_documented():
    docs = [ROOT / "docs" / "data-model.md", *sorted((ROOT / "docs" / "sources").glob("*.md"))]
    text = "\n".join(path.read_text(encoding="utf-8") for path in docs)
    assert [t for t in table_grains() if f"### {t} " not in text] == []


def test_readme_names_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text


def test_every_sql_file_the_docs_name_exists():
    """DDL, staging, lookup and mart files move; the docs must name the ones that are there."""
    pattern = re.compile(r"(?:warehouse|etl)/sql/[a-z_/]+\.sql")
    named = {(path.relative_to(ROOT).as_posix(), name)
             for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
             for name in pattern.findall(path.read_text(encoding="utf-8"))}
    assert named and sorted((doc, name) for doc, name in named if not (ROOT / name).is_file()) == []
