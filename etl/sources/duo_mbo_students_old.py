"""DUO mbo students per institution, place, qualification, level and sex, old layout (editions up to 2019).

duo.nl/open_onderwijsdata/images/03-deelnemers-per-instelling-plaats-kenniscentrum-sector-bedrijfstak-type-mbo-
opleiding-niveau-geslacht-2015-2019.csv: `;`-separated, unquoted, UTF-8 without BOM, CRLF, one row per institution ×
PLAATSNAAM × TYPE MBO × level × qualification (crebo), then MAN<Y>;VROUW<Y>;TOTAAL<Y> per year. Students are
counted on 1 October Y (school year Y/Y+1). An empty cell means 0 / not offered that year; nothing is suppressed.
PLAATSNAAM is the seat of the institution's board (ROC van Flevoland: AMSTERDAM), not a municipality name: it is
mapped with etl/reference/mbo_places.csv, then by municipality name. Stray lines holding only `""` are skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from etl import rawtext, transforms
from etl.checks import Check, accepted_values, count_columns, not_null, relationship, rule, unique
from etl.dataset import Dataset, FetchTarget
from etl.education import Education, first_per_id
from etl.education.mbo import mbo_education_old
from etl.errors import RawFileError
from etl.reading import delimited
from etl.reading import duo_mbo_current as current
from etl.reference import MunicipalityResolver

FIXED_COLUMNS = [
    "BRIN NUMMER",
    "SOORTINS",
    "INSTELLINGSNAAM",
    "PLAATSNAAM",
    "TYPE MBO",
    "KWALIFICATIENIVEAU",
    "KWALIFICATIE CODE",
    "KWALIFICATIE NAAM",
    "MBO SECTOR",
    "DOMEIN",
    "SECTORUNIT SBB",
    "BRIN NUMMER KENNISCENTRUM",
    "NAAM KENNISCENTRUM",
]
SEXES = ("MAN", "VROUW", "TOTAAL")
TYPES = {"BOLVT", "BOLDT", "BBL"}

_YEAR_COLUMN = re.compile(r"^(MAN|VROUW|TOTAAL)(\d{4})$")

FILE_NAME = ("03-deelnemers-per-instelling-plaats-kenniscentrum-sector-bedrijfstak-type-mbo-opleiding-niveau-"
             "geslacht-2015-2019.csv")
DATASET = Dataset(
    dataset_id="duo_mbo_deelnemers_oud",
    publisher="DUO",
    title="Deelnemers mbo per instelling, plaats, sector, opleiding, niveau en geslacht (2015-2019)",
    url=f"https://duo.nl/open_onderwijsdata/images/{FILE_NAME}",
    licence="CC0",
    period_type="school_year",
    raw_subdir="duo/mbo_deelnemers_oud",
    fact_table="fact_mbo_student",
    period_column="school_year",
)

FETCH_TARGETS = [FetchTarget("duo", DATASET.url, DATASET.raw_subdir, FILE_NAME, 2019)]

# Every record splits into a fact per year and sex, with names joined in: per byte about 4 times the work of a CSV
# file that goes one to one (timed file by file on the national demo), so the build starts it among the large ones.
STAGE_COST = 4
_T = DATASET.fact_table
CHECKS: list[Check] = [
    *not_null(_T, "school_year", "brin", "place_name", "municipality_code", "education_id", "type_mbo", "leerweg",
              "niveau", "sex", "source_id", "peildatum", "status"),
    unique(_T, *DATASET.grain),
    accepted_values(_T, "sex", ["man", "vrouw"]),
    # The current layout (duo_mbo_students.py) adds EX, the extraneus (exams only), as type_mbo and as leerweg.
    accepted_values(_T, "type_mbo", [*sorted(TYPES), "EX"]),
    accepted_values(_T, "leerweg", ["BBL", "BOL", "EX"]),
    accepted_values(_T, "niveau", [1, 2, 3, 4]),
    accepted_values(_T, "status", ["definitief", "voorlopig"]),
    relationship(_T, "municipality_code", "region", "code"),
    relationship(_T, "education_id", "education", "education_id"),
    relationship(_T, "school_year", "period", "period_id"),
    relationship(_T, "source_id", "source", "source_id"),
    *count_columns(_T, "students"),
    # Row-count sanity per file: a year with far fewer rows than the file's other years means a truncated file. Per
    # file, because the old and the current layout (split by leerweg, by place of the institution) differ in grain.
    rule(_T, "elk schooljaar heeft per bestand minstens half zoveel rijen als het gemiddelde",
         "exists (select 1 from (select source_file, school_year, count(*) as n, "
         "avg(count(*)) over (partition by source_file) as mean from fact_mbo_student "
         "group by source_file, school_year) as s "
         "where s.source_file = fact_mbo_student.source_file and s.school_year = fact_mbo_student.school_year "
         "and s.n < 0.5 * s.mean)", "school_year"),
]


def year_columns(years: list[int]) -> list[str]:
    """MAN<Y>;VROUW<Y>;TOTAAL<Y> for each year, in DUO's order."""
    return [f"{sex}{year}" for year in years for sex in SEXES]


def header_for(years: list[int]) -> list[str]:
    """The full header DUO writes for the given years."""
    return [*FIXED_COLUMNS, *year_columns(years)]


def recognises(header: list[str]) -> bool:
    """True for the fixed columns followed by MAN/VROUW/TOTAAL year columns."""
    rest = header[len(FIXED_COLUMNS):]
    return header[: len(FIXED_COLUMNS)] == FIXED_COLUMNS and bool(rest) and all(_YEAR_COLUMN.match(c) for c in rest)


def years_in(header: list[str], path: Path) -> list[int]:
    """The years of a header, each with its three columns in order, consecutive."""
    rest = header[len(FIXED_COLUMNS):]
    if len(rest) % 3:
        raise RawFileError(path, "per jaar horen drie kolommen MAN, VROUW, TOTAAL", 1, rest[-1])
    years = []
    for index in range(0, len(rest), 3):
        year = int(rest[index][-4:])
        expected = [f"{sex}{year}" for sex in SEXES]
        if rest[index:index + 3] != expected:
            raise RawFileError(path, f"verwacht de kolommen {';'.join(expected)}", 1, rest[index])
        if years and year != years[-1] + 1:
            raise RawFileError(path, "de jaarkolommen moeten opeenvolgende jaren zijn", 1, rest[index])
        years.append(year)
    return years


def periods(header: list[str], path: Path) -> list[str]:
    """The school years the file covers, from its header."""
    return [current.school_year(y) for y in years_in(header, path)]


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str,
          resolver: MunicipalityResolver) -> tuple[int, list[Education]]:
    """The file as rows of fact_mbo_student: temp view `staged` (etl/sql/staging/duo_mbo_students_old.sql); returns
    (data rows, education rows).

    The layout is unquoted: lines are split on LF (a CR before it dropped) and fields on ';'; stray lines (empty or
    `""`) are skipped while every other line keeps its number. Any problem raises a RawFileError naming the line and
    column: a wrong number of fields, an empty required value, a count that is not a whole number, a TOTAAL that is
    not MAN + VROUW, an unknown TYPE MBO, level, sectorunit or place, a file without any figure. Only qualifications
    and places with a figure are classified and mapped, each once.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise rawtext.not_utf8(path, ";") from exc
    header = text.split("\n", 1)[0].rstrip("\r").split(";")
    if not recognises(header):
        raise RawFileError(path, "de kopregel is niet die van DUO deelnemers mbo (oude indeling 2015-2019)", 1)
    years = years_in(header, path)
    q = delimited.quoted
    delimited.read_lines(con, path, header, "raw_records")

    def number(column: str) -> str:  # null for a value that is not a number: its own pattern names it
        return f"try_cast(coalesce(nullif(pystrip({q(column)}), ''), '0') as bigint)"

    rules = [*current.filled(["BRIN NUMMER", "PLAATSNAAM", "KWALIFICATIE CODE", "SECTORUNIT SBB", "DOMEIN"]),
             *((f"coalesce({number(f'MAN{y}')} + {number(f'VROUW{y}')} = {number(f'TOTAAL{y}')}, true)",
                f"TOTAAL{y}", "TOTAAL is niet MAN + VROUW") for y in years)]
    patterns = {"TYPE MBO": ("BOLVT|BOLDT|BBL", "BOLVT, BOLDT of BBL"),
                "KWALIFICATIENIVEAU": ("[1-4]", "niveau 1 tot en met 4"),
                **dict.fromkeys(year_columns(years), ("[0-9]{0,18}", "een geheel getal of niets"))}
    delimited.check_rules(con, path, "raw_records", rules, patterns)  # delimited.read_text's own checks
    transforms.set_variables(con, years=years, source_id=DATASET.dataset_id, source_file=relative_path)
    qualifications, places, data_rows = transforms.lookup(con, "duo_mbo_students_old").fetchone()
    if not qualifications:
        raise RawFileError(path, "het bestand bevat geen enkel aantal; download het opnieuw", 2)
    keys = ("crebo", "name", "type_mbo", "domain", "unit")
    education = [mbo_education_old(*(k[key] for key in keys), path, k["line"]) for k in qualifications]
    codes = [(p["place"], p["year"], current.place_code(p["place"], p["year"], resolver, path, p["line"], "PLAATSNAAM"))
             for p in places]
    delimited.temp_table(con, "raw_education", dict.fromkeys((*keys, "education_id"), "varchar"),
                         [(*(k[key] for key in keys), e.education_id)
                          for k, e in zip(qualifications, education, strict=True)])
    delimited.temp_table(con, "raw_places", {"place": "varchar", "year": "integer", "code": "varchar"}, codes)
    transforms.stage(con, "duo_mbo_students_old")
    return data_rows, first_per_id(education)
