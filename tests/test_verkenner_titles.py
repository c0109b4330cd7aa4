"""The Verkenner's table choice by Dutch title (from the schema comments), the table's own name second."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from ui.data import DB_ENV
from warehouse.schema import table_grains, table_titles


def test_every_table_has_its_own_dutch_title():
    titles = table_titles()
    assert set(titles) == set(table_grains())
    assert len(set(titles.values())) == len(titles)  # two tables never read alike
    assert all(title != name and "_" not in title for name, title in titles.items())


def test_the_table_choice_shows_the_dutch_title_with_the_name_second(monkeypatch, demo_db):
    monkeypatch.setenv(DB_ENV, str(demo_db))
    at = AppTest.from_file(str(ROOT / "pages" / "verkenner.py"), default_timeout=120).run()
    assert not at.exception
    box = next(s for s in at.selectbox if s.label == "Tabel")
    titles = table_titles()
    assert box.value == "fact_vo_exam"
    assert box.options[0] == "Examenkandidaten voortgezet onderwijs (fact_vo_exam)"
    for option in box.options:
        title, name = re.fullmatch(r"(.+) \((\w+)\)", option).groups()
        assert titles[name] == title
    assert "Eén rij per schoolvestiging × opleiding × geslacht × schooljaar" in " ".join(c.value for c in at.caption)
    box.select("kpi_value").run()
    assert not at.exception
    assert next(s for s in at.selectbox if s.label == "Tabel").value == "kpi_value"
