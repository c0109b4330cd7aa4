"""DUO "Examenkandidaten en geslaagden" (vo): layout and reader (the transformation to facts is SQL:
etl/sql/staging/duo_vo_exams.sql).

The file has one row per school location × programme and, per school year, nine columns:
EXAMENKANDIDATEN / GESLAAGDEN / SLAAGPERC for MAN / VROUW / TOTAAL. Counts from 1 to 4 are published as
"<5"; zero is published as 0. Every field is double-quoted, `;`-separated, UTF-8 without BOM, CRLF.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from etl import transforms
from etl.checks import Check, accepted_values, count_columns, not_null, relationship, rule, unique
from etl.dataset import Dataset, FetchTarget
from etl.education import Education
from etl.education.vo import vo_education
from etl.errors import RawFileError
from etl.reading import delimited
from etl.reference import MunicipalityResolver

FIXED_COLUMNS = [
    "INSTELLINGSCODE",
    "VESTIGINGSCODE",
    "INSTELLINGSNAAM VESTIGING",
    "GEMEENTENAAM",
    "ONDERWIJSTYPE VO",
    "INSPECTIECODE",
    "OPLEIDINGSNAAM",
]
MEASURES = ("EXAMENKANDIDATEN", "GESLAAGDEN", "SLAAGPERC")
SEXES = ("MAN", "VROUW", "TOTAAL")
SUPPRESSED = "<5"

_YEAR_COLUMN = re.compile(
    r"^(EXAMENKANDIDATEN|GESLAAGDEN|SLAAGPERC) SCHOOLJAAR ([0-9]{4})-([0-9]{4}) - (MAN|VROUW|TOTAAL)$")

DATASET = Dataset(
    dataset_id="duo_vo_examens",
    publisher="DUO",
    title="Examenkandidaten en geslaagden vo",
    url="https://duo.nl/open_onderwijsdata/images/examenkandidaten-en-geslaagden-2019-2024.csv",
    licence="CC0",
    period_type="school_year",
    raw_subdir="duo/vo_examenkandidaten",
    fact_table="fact_vo_exam",
    period_column="school_year",
)


FETCH_TARGETS = [FetchTarget("duo", DATASET.url, DATASET.raw_subdir, DATASET.url.rsplit("/", 1)[-1], 2024)]

_T = DATASET.fact_table
CHECKS: list[Check] = [
    *not_null(_T, "school_year", "brin", "vestiging", "municipality_code", "education_id", "sex", "source_id",
              "peildatum", "status"),
    unique(_T, *DATASET.grain),
    accepted_values(_T, "sex", ["man", "vrouw", "totaal"]),
    accepted_values(_T, "status", ["definitief", "voorlopig"]),
    relationship(_T, "municipality_code", "region", "code"),
    relationship(_T, "education_id", "education", "education_id"),
    relationship(_T, "school_year", "period", "period_id"),
    relationship(_T, "source_id", "source", "source_id"),
    *count_columns(_T, "candidates"),
    *count_columns(_T, "passed"),
    rule(_T, "geslaagden niet meer dan examenkandidaten", "passed_low > candidates_high", "candidates", "passed"),
    rule(_T, "slaagpercentage tussen 0 en 100", "pass_rate < 0 or pass_rate > 100", "pass_rate"),
    # Row-count sanity: a school year with far fewer rows than the others means a truncated or broken file.
    rule(_T, "elk schooljaar heeft minstens half zoveel rijen als het gemiddelde",
         "school_year in (select school_year from fact_vo_exam group by school_year "
         "having count(*) < 0.5 * (select count(*) / count(distinct school_year) from fact_vo_exam))",
         "school_year"),
]


def year_column(measure: str, school_year: str, sex: str) -> str:
    """The header of one measure column, e.g. 'EXAMENKANDIDATEN SCHOOLJAAR 2023-2024 - TOTAAL'."""
    return f"{measure} SCHOOLJAAR {school_year} - {sex}"


def header_for(school_years: list[str]) -> list[str]:
    """The full header DUO writes for the given school years, in DUO's column order."""
    columns = list(FIXED_COLUMNS)
    for school_year in school_years:
        for sex in SEXES:
            columns += [year_column(measure, school_year, sex) for measure in MEASURES]
    return columns


def recognises(header: list[str]) -> bool:
    """True when a header is this dataset's layout (fixed columns, then school-year measure columns)."""
    return header[: len(FIXED_COLUMNS)] == FIXED_COLUMNS and any(_YEAR_COLUMN.match(c) for c in header)


def school_years_in(header: list[str], path: Path) -> list[str]:
    """The school years a header covers; raises when a year misses one of its nine columns."""
    found: dict[str, set[tuple[str, str]]] = {}
    for column in header[len(FIXED_COLUMNS) :]:
        match = _YEAR_COLUMN.match(column)
        if not match:
            raise RawFileError(path, "onbekende kolom; verwacht 'MAAT SCHOOLJAAR jjjj-jjjj - GESLACHT'", 1, column)
        measure, start, end, sex = match.groups()
        if int(end) != int(start) + 1:
            raise RawFileError(path, "schooljaar moet twee opeenvolgende jaren zijn", 1, column)
        found.setdefault(f"{start}-{end}", set()).add((measure, sex))
    complete = {(m, s) for m in MEASURES for s in SEXES}
    for school_year, pairs in found.items():
        missing = sorted(complete - pairs)
        if missing:
            wanted = year_column(missing[0][0], school_year, missing[0][1])
            raise RawFileError(path, f"kolom ontbreekt voor schooljaar {school_year}", 1, wanted)
    return sorted(found)


def blocks_in(header: list[str], path: Path) -> tuple[list[str], list[str]]:
    """(school years, sexes) of the EXAMENKANDIDATEN columns in header order, which the staging SQL pairs with
    the GESLAAGDEN and SLAAGPERC columns by position; raises when those come in another order."""
    order = {m: [_YEAR_COLUMN.match(c).group(2, 3, 4) for c in header if c.startswith(f"{m} SCHOOLJAAR ")]
             for m in MEASURES}
    for measure in MEASURES[1:]:
        for wanted, found in zip(order[MEASURES[0]], order[measure], strict=True):
            if wanted != found:
                column = year_column(measure, f"{found[0]}-{found[1]}", found[2])
                raise RawFileError(path, "de kolommen staan in een andere volgorde dan die van "
                                         f"{MEASURES[0]}; zet ze in DUO's volgorde of download het bestand opnieuw",
                                   1, column)
    return [f"{start}-{end}" for start, end, _ in order[MEASURES[0]]], [sex for _, _, sex in order[MEASURES[0]]]


periods = school_years_in  # the periods (school years) a file covers, from its header alone


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str,
          resolver: MunicipalityResolver) -> tuple[int, list[Education]]:
    """The file as rows of fact_vo_exam: temp view `staged` (etl/sql/staging/duo_vo_exams.sql), one row per
    location × programme × sex × school year.

    Returns (data rows, education rows); raises RawFileError naming the file, line and column for anything wrong:
    an unreadable record or value (delimited.read_text), measure columns out of step, an unknown programme or
    municipality.
    """
    header = delimited.header_of(path, ";", strip=False)
    if not recognises(header):
        raise RawFileError(path, "de kopregel is niet die van DUO examenkandidaten vo; download het bestand opnieuw", 1)
    school_years = school_years_in(header, path)
    q = delimited.quoted
    rules = [(f"pystrip({q(c)}) <> ''", c, "deze verplichte kolom is leeg; download het bestand opnieuw")
             for c in ("VESTIGINGSCODE", "GEMEENTENAAM", "ONDERWIJSTYPE VO", "OPLEIDINGSNAAM")]
    whole = (f"[0-9]{{1,18}}|{SUPPRESSED}", f"een geheel getal of '{SUPPRESSED}'")  # 18 digits: fits a bigint
    percent = ("([0-9]{1,15}(\\.[0-9]{1,15})?)?", "een getal met '.' als decimaalteken")
    patterns = {year_column(m, school_year, sex): percent if m == "SLAAGPERC" else whole
                for school_year in school_years for sex in SEXES for m in MEASURES}
    records = delimited.read_text(con, path, ";", header, "raw_records", rules, patterns)
    programmes, places = transforms.lookup(con, "duo_vo_exams").fetchone()
    education = [vo_education(p["kind"], p["label"], path, p["line"]) for p in programmes]
    codes = [(p["name"], school_year, resolver.code(p["name"], int(school_year[:4]), path, p["line"], "GEMEENTENAAM"))
             for p in places for school_year in school_years]
    delimited.temp_table(con, "raw_education", dict.fromkeys(("kind", "label", "education_id"), "varchar"),
                         [(p["kind"], p["label"], e.education_id) for p, e in zip(programmes, education, strict=True)])
    delimited.temp_table(con, "raw_places", dict.fromkeys(("name", "school_year", "code"), "varchar"), codes)
    school_years_of_blocks, sexes = blocks_in(header, path)
    transforms.stage(con, "duo_vo_exams", school_years=school_years_of_blocks, sexes=sexes,
                     source_id=DATASET.dataset_id, source_file=relative_path)
    return records, education
