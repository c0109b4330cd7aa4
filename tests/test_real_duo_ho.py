"""The DUO hbo/wo old-layout reader on every real file (read from ../shared/real-data, never copied).

Expected figures were computed independently from the files with the csv module (`;`, rows equal to [''] are
the stray `""` lines), e.g. Almere (0034) hbo techniek first-years in 2018 = sum of column '2018' over rows with
GEMEENTENUMMER 0034 and CROHO ONDERDEEL techniek.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.rawfiles import read_header, recognise
from etl.sources.duo_ho_oldlayout import FIRST_YEARS_OLD as first_years
from etl.sources.duo_ho_oldlayout import GRADUATES_OLD as graduates
from tests.staged import staged_facts

FOLDER = "duo_ho_mbo_2019_oldlayout"

# file: (module, level, data rows, stray line numbers (first three), last data line, periods)
FILES = {
    "hbo_inscriptions_2019.csv": (first_years, "hbo", 3815, [346, 1040, 1575], 7, 3823, "2015-2016", "2019-2020"),
    "wo_inscriptions_2019.csv": (first_years, "wo", 3225, [198, 1301, 2338], 6, 3232, "2015-2016", "2019-2020"),
    "hbo_gediplomeerden_2019.csv": (graduates, "hbo", 3849, [410, 1181, 1236], 7, 3857, "2014-2015", "2018-2019"),
    "wo_gediplomeerden_2019.csv": (graduates, "wo", 3367, [1621, 1884, 2382], 5, 3373, "2014-2015", "2018-2019"),
}
# file: {(GEMEENTENUMMER, only techniek): total of year 2018}, national totals 2018 (all, techniek)
FIGURES = {
    "hbo_inscriptions_2019.csv": ({("GM0034", True): 292, ("GM0303", True): 0, ("GM0344", True): 1788},
                                  (110304, 23451)),
    "wo_inscriptions_2019.csv": ({("GM0503", True): 7458, ("GM0503", False): 7795}, (107317, 14359)),
    "hbo_gediplomeerden_2019.csv": ({("GM0034", True): 144, ("GM0344", True): 946}, (74345, 13819)),
    "wo_gediplomeerden_2019.csv": ({("GM0503", True): 5478, ("GM0503", False): 5694}, (82242, 10157)),
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_real_file(real_data: Path, resolver, name):
    module, level, rows, stray, n_stray, last_line, first_period, last_period = FILES[name]
    path = real_data / FOLDER / name
    header = read_header(path)
    assert recognise(path)[0] is module
    assert module.edition_key(header, path) == level
    periods = module.periods(header, path)
    assert (periods[0], periods[-1], len(periods)) == (first_period, last_period, 5)

    facts, education, records = staged_facts(module, path, name, resolver)
    lines = sorted(facts["source_line"].unique())
    assert records == len(lines) == rows and lines[-1] == last_line
    skipped = sorted(set(range(2, last_line + 1)) - set(lines))
    assert len(skipped) == n_stray and skipped[:3] == stray

    assert set(facts["level"]) == {level}
    assert len(facts) == rows * 5
    technical = facts["education_id"].map({e.education_id: e.is_technical for e in education})
    value = "students" if module is first_years else "graduates"
    year = facts[facts["academic_year"] == "2018-2019"]
    by_place, (national, national_tech) = FIGURES[name]
    for (code, only_tech), expected in by_place.items():
        chosen = year[(year["municipality_code"] == code) & (technical[year.index] if only_tech else True)]
        assert chosen[value].sum() == expected, (code, only_tech)
    assert year[value].sum() == national
    assert year.loc[technical[year.index], value].sum() == national_tech
    assert not facts[f"{value}_suppressed"].any()
    assert facts.duplicated(list(module.DATASET.grain)).sum() == 0


def test_almere_hbo_techniek_first_years_2018(real_data: Path, resolver):
    """The figure the issue asks for: Almere's hbo techniek first-years in DUO's year 2018 (2018-2019)."""
    path = real_data / FOLDER / "hbo_inscriptions_2019.csv"
    facts, education, _ = staged_facts(first_years, path, "x", resolver)
    technical = {e.education_id for e in education if e.is_technical}
    almere = facts[(facts["municipality_code"] == "GM0034") & (facts["academic_year"] == "2018-2019")
                   & facts["education_id"].isin(technical)]
    assert almere["students"].sum() == 292
