"""Documentation stays true to the code."""

from tests.conftest import ROOT
from warehouse.catalog import CATALOGUE
from warehouse.schema import table_grains


def test_every_indicator_is_documented():
    text = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert [i for i in CATALOGUE if f"`{i}`" not in text] == []


def test_every_table_is_in_the_data_model():
    text = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    assert [t for t in table_grains() if f"### {t} " not in text] == []


def test_readme_names_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
