"""DUO mbo old layout on the real 2015-2019 file (read from ../shared/real-data, never copied into the project).

Expected figures were computed independently from the file with Python's csv module.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from etl.build import build
from etl.rawfiles import read_header, recognise
from etl.reference import MunicipalityResolver
from etl.sources import duo_mbo_students_old as module
from tests.staged import staged_facts


@pytest.fixture(scope="module")
def real_mbo_file(real_data: Path) -> Path:
    return real_data / "duo_ho_mbo_2019_oldlayout" / "mbo_inscriptions_2019.csv"


@pytest.fixture(scope="module")
def facts_and_education(real_mbo_file):
    facts, education, records = staged_facts(module, real_mbo_file, "x", MunicipalityResolver())
    assert records == 19_229  # the 29 stray `""` lines are skipped
    return facts, education


def test_real_file_is_recognised_with_its_years(real_mbo_file):
    assert recognise(real_mbo_file)[0] is module
    assert module.periods(read_header(real_mbo_file), real_mbo_file) == [
        "2015-2016", "2016-2017", "2017-2018", "2018-2019", "2019-2020"]


def test_real_totals(facts_and_education):
    facts, _ = facts_and_education
    assert len(facts) == 116_088  # 2 × record-years with a TOTAAL
    totals = facts.groupby("school_year")["students"].sum().to_dict()
    assert totals["2015-2016"] == 471_848 and totals["2019-2020"] == 501_903
    assert int(facts.loc[(facts["school_year"] == "2019-2020") & (facts["sex"] == "man"), "students"].sum()) == 258_199
    assert facts["source_line"].nunique() == 19_229  # records; the 29 stray `""` lines are skipped


def test_real_technical_students_2019(facts_and_education):
    facts, education = facts_and_education
    technical = {e.education_id for e in education if e.is_technical}
    in_2019 = facts[(facts["school_year"] == "2019-2020") & facts["education_id"].isin(technical)]
    assert int(in_2019["students"].sum()) == 129_778


def test_real_roc_van_flevoland_is_seated_in_amsterdam(facts_and_education):
    facts, _ = facts_and_education
    flevoland = facts[facts["brin"] == "25LR"]
    assert set(flevoland["place_name"]) == {"AMSTERDAM"} and set(flevoland["municipality_code"]) == {"GM0363"}
    by_year = flevoland.groupby("school_year")["students"].sum().to_dict()
    assert by_year["2015-2016"] == 5_092 and by_year["2019-2020"] == 5_044
    bbl = flevoland[(flevoland["school_year"] == "2019-2020") & (flevoland["leerweg"] == "BBL")]
    assert int(bbl["students"].sum()) == 956
    nurse = flevoland[(flevoland["crebo"] == "23182") & (flevoland["type_mbo"] == "BOLVT")
                      & (flevoland["school_year"] == "2019-2020")]
    assert nurse.set_index("sex")["students"].to_dict() == {"man": 16, "vrouw": 118}
    assert set(nurse["source_line"]) == {8286}


def test_real_file_builds_with_checks_passing(real_mbo_file, tmp_path):
    raw = tmp_path / "raw" / module.DATASET.raw_subdir
    raw.mkdir(parents=True)
    shutil.copy(real_mbo_file, raw / module.FILE_NAME)
    report = build(tmp_path / "raw", tmp_path / "w.duckdb", progress=False)
    assert report.fact_rows == {"fact_mbo_student": 116_088}
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        levels = con.execute("select niveau, sum(students) from fact_mbo_student where school_year = '2019-2020' "
                             "group by niveau order by niveau").fetchall()
    assert levels == [(1, 15_998), (2, 82_598), (3, 119_477), (4, 283_830)]
