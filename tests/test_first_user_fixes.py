"""What a first-time user tripped over (issue 13, part 3), each checked on the pages as AppTest runs them."""

from __future__ import annotations

import json
import re
from unittest import mock

import pyarrow as pa
import pytest
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from ui.data import DB_ENV
from warehouse.headline import MEANING

PAGES = sorted((ROOT / "pages").glob("*.py"))
ENGLISH = re.compile(r"Choose|Select|option", re.IGNORECASE)


@pytest.fixture
def run(monkeypatch, demo_db):
    """Run a page on the demo warehouse."""
    def start(name: str) -> AppTest:
        monkeypatch.setenv(DB_ENV, str(demo_db))
        at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=120).run()
        assert not at.exception, at.exception
        return at
    return start


@pytest.mark.parametrize("page", [p.stem for p in PAGES])
def test_every_choice_speaks_dutch(run, page):
    at = run(page)
    for box in [*at.selectbox, *at.multiselect]:  # Streamlit's own placeholders are English
        assert box.proto.placeholder and not ENGLISH.search(box.proto.placeholder), (page, box.label)
    for box in at.multiselect:
        assert box.proto.select_all == 0, (page, box.label)  # Streamlit's 'Select all' cannot be translated


def test_verkenner_opens_on_a_table_of_facts_with_dutch_headers_and_subproject_names(run):
    at = run("verkenner")
    table = next(s for s in at.selectbox if s.label == "Tabel")
    assert table.value == "fact_vo_exam"
    assert not {"school_year", "candidates", "source_file"} & set(at.dataframe[-1].value.columns)
    assert {"schooljaar", "examenkandidaten"} <= set(at.dataframe[-1].value.columns)
    table.select("kpi_value").run()
    shown = at.dataframe[-1].value
    assert "deelproject" in shown and "Techniek Dichtbij Almere" in set(shown["deelproject"])


def test_bronnen_names_units_and_periods_in_words(run):
    text = " ".join(m.value for m in run("bronnen").markdown)
    for raw in ("calendar_year", "school_year", "Eenheid.** ratio", "Eenheid.** share"):
        assert raw not in text
    assert "**Periode.** kalenderjaar" in text and "**Eenheid.** verhouding" in text


def test_inhoud_and_overzicht_count_the_same_sources(run):
    on_inhoud = next(m.value for m in run("inhoud").metric if m.label == "Bronnen")
    label = run("overzicht").expander[0].label
    assert re.search(rf"\b{on_inhoud} bronnen\b", label), (on_inhoud, label)


def test_every_overview_tile_says_in_words_what_its_number_means(run):
    captions = [c.value for c in run("overzicht").caption]
    for indicator_id, words in MEANING.items():  # '12,9% van de … koos techniek in 2023/24. Nederland: …'
        fixed = re.escape(words).replace(re.escape("{}"), r"(\S+)") + r" in .+\. Nederland: .+\."
        found = [m for m in (re.fullmatch(fixed, c) for c in captions) if m]
        assert found, (indicator_id, words)
        if indicator_id == "youth_retention_5y":  # a ratio in words: 1,11 is '111 … per 100'
            assert re.fullmatch(r"\d+", found[0][1]), found[0][0]


def test_overview_print_line_has_the_day_and_the_sources_freshness(run):
    paper = run("overzicht").caption
    line = next(c.value for c in paper if "Afgedrukt uit de Techniekmonitor" in c.value)
    assert "Actualiteit van de bronnen:" in line and re.search(r"stand van \d{1,2} \w{3} \d{4} \d{2}:\d{2}", line)


def test_deelprojecten_per_period_kpi_chart_agrees_with_its_status(run):
    at = run("deelprojecten")
    table = at.table[0].value
    assert list(table.columns[:2]) == ["KPI", "Status"]  # the status stays in view on a narrow screen
    share = table[table["KPI"].str.startswith("Aandeel")]
    assert len(share) and share[["Doel", "Verwacht nu", "Gerealiseerd"]].map(lambda v: v.endswith("%")).all().all()
    charts = [(json.loads(c.proto.spec), {d.name: pa.ipc.open_stream(d.data.data).read_pandas()
                                          for d in c.proto.datasets}) for c in at.get("vega_lite_chart")]
    visits = next((spec, data) for spec, data in charts if "Bedrijfsbezoeken" in str(spec.get("title")))
    spec, data = visits
    bars = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "bar")
    realised = table.set_index("KPI").loc["Bedrijfsbezoeken"]
    running = data[bars["data"]["name"]].set_index("periode").loc[realised["Doelperiode"], "actual"]
    assert f"{running:g}".replace(".", ",") == realised["Gerealiseerd"]


def test_effecten_names_each_municipalitys_subproject(run):
    box = next(s for s in run("effecten").selectbox if s.label == "Gemeente van het deelproject")
    assert box.format_func("GM0034") == "Almere — Techniek Dichtbij Almere"


def test_a_table_with_numbers_and_text_in_one_column_converts_without_a_fallback(monkeypatch):
    def page():
        import pandas as pd

        from ui.layout import show_table
        show_table(pd.DataFrame({"Blad": ["KPI-waarden", "Acties", "Acties"], "Waarde": [12, "veel", None]}))

    spy = mock.Mock(wraps=dataframe_util._LOGGER)
    monkeypatch.setattr(dataframe_util, "_LOGGER", spy)
    at = AppTest.from_function(page).run()
    assert not at.exception
    assert at.table[0].value["Waarde"].tolist()[:2] == ["12", "veel"]
    assert at.table[0].value["Waarde"].isna().iloc[2]  # an empty cell stays empty
    assert not spy.info.called, spy.info.call_args  # Streamlit logs a pyarrow traceback before its own fix-up

