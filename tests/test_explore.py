"""The explorer's query builder: filters, grouping, and refusal of unknown names."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from ui.export import ABOUT_SHEET, excel_bytes
from warehouse.connection import connect
from warehouse.explore import ExploreError, query_table, table_shapes
from warehouse.indicators import compute


def test_shapes_list_dimensions_measures_and_filters(demo_db):
    shape = table_shapes(connect(demo_db))["fact_vo_exam"]
    assert {"school_year", "municipality_code", "sex", "level", "is_technical"} <= set(shape.dimensions)
    assert {"candidates_low", "candidates_high"} <= set(shape.measures) and "source_line" not in shape.measures
    assert shape.period_column == "school_year" and shape.has_region and shape.has_level


def test_grouped_sums_match_the_indicator_bounds(demo_db):
    con = connect(demo_db)
    rows = query_table(con, "fact_vo_exam", ["school_year", "is_technical"], ["candidates_low", "candidates_high"],
                       region="PV24", from_year=2023, to_year=2023, levels=["vmbo"], sex="totaal")
    technical = rows[rows["is_technical"]].iloc[0]
    (value,) = compute(con, "vmbo_tech_candidates", "PV24", 2023, 2023)
    assert (technical["candidates_low"], technical["candidates_high"]) == (value.lower, value.upper)


def test_unknown_table_or_column_is_refused(demo_db):
    con = connect(demo_db)
    with pytest.raises(ExploreError, match="bestaat niet"):
        query_table(con, "geheim", [], [])
    with pytest.raises(ExploreError, match="bestaan niet"):
        query_table(con, "fact_vo_exam", ["school_year; drop table region"], ["candidates"])


def test_excel_download_has_a_sources_sheet():
    data = excel_bytes(pd.DataFrame({"a": [1]}), [("Bron", "DUO, Examenkandidaten (demodata)")])
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Gegevens", ABOUT_SHEET]
    assert book[ABOUT_SHEET]["B2"].value == "DUO, Examenkandidaten (demodata)"
