"""DUO mbo students per institution, place, qualification, level and sex, old layout (editions up to 2019).

duo.nl/open_onderwijsdata/images/03-deelnemers-per-instelling-plaats-kenniscentrum-sector-bedrijfstak-type-mbo-
opleiding-niveau-geslacht-2015-2019.csv: `;`-separated, unquoted, UTF-8 without BOM, CRLF, one row per institution ×
PLAATSNAAM × TYPE MBO × level × qualification (crebo), then MAN<Y>;VROUW<Y>;TOTAAL<Y> per year. Students are
counted on 1 October Y (school year Y/Y+1). An empty cell means 0 / not offered that year; nothing is suppressed.
PLAATSNAAM is the seat of the institution's board (ROC van Flevoland: AMSTERDAM), not a municipality name: it is
mapped with etl/reference/mbo_places.csv, then by municipality name. Stray lines holding only `""` are skipped.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from etl.checks import Check, accepted_values, count_columns, not_null, relationship, rule, unique
from etl.duo_old_csv import records, text_lines
from etl.education import Education, education_frame
from etl.education.mbo import mbo_education_old
from etl.errors import RawFileError
from etl.reference import REFERENCE_DIR, MunicipalityResolver, normalise_name
from etl.sources import duo_mbo_current as current
from etl.sources import fast_csv
from etl.sources.base import Dataset, FetchTarget
from etl.validation import require

if TYPE_CHECKING:  # a build of well-formed files never imports pandas
    import duckdb
    import pandas as pd

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
LEVELS = {"1", "2", "3", "4"}
TYPES = {"BOLVT", "BOLDT", "BBL"}

_YEAR_COLUMN = re.compile(r"^(MAN|VROUW|TOTAAL)(\d{4})$")
_COUNT = re.compile(r"^\d*$")

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
    grain=("brin", "place_name", "education_id", "type_mbo", "niveau", "sex", "school_year"),
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


def school_year(year: int) -> str:
    """Students counted on 1 October Y belong to school year Y/Y+1."""
    return f"{year}-{year + 1}"


def periods(header: list[str], path: Path) -> list[str]:
    """The school years the file covers, from its header."""
    return [school_year(y) for y in years_in(header, path)]


def read(path: Path) -> pd.DataFrame:
    """One row per record × year × sex (man, vrouw) for the years the record has figures; values as text."""
    import pandas as pd

    lines = text_lines(path)
    header = lines[0].split(";") if lines else []
    if not recognises(header):
        raise RawFileError(path, "de kopregel is niet die van DUO deelnemers mbo (oude indeling 2015-2019)", 1)
    years = years_in(header, path)
    wide = records(path, lines, header)
    for column in ("BRIN NUMMER", "PLAATSNAAM", "KWALIFICATIE CODE", "SECTORUNIT SBB", "DOMEIN"):
        require(wide, column, wide[column].str.strip() != "", "lege waarde in een verplichte kolom", path)
    require(wide, "TYPE MBO", wide["TYPE MBO"].isin(TYPES), "verwacht BOLVT, BOLDT of BBL", path, True)
    require(wide, "KWALIFICATIENIVEAU", wide["KWALIFICATIENIVEAU"].isin(LEVELS), "verwacht niveau 1 tot en met 4",
             path, True)
    for column in year_columns(years):
        require(wide, column, wide[column].str.strip().str.match(_COUNT), "verwacht een geheel getal of leeg",
                 path, True)

    parts = []
    for year in years:
        counts = {sex: pd.to_numeric(wide[f"{sex}{year}"].str.strip().replace("", "0")).astype("int64")
                  for sex in SEXES}
        require(wide, f"TOTAAL{year}", counts["MAN"] + counts["VROUW"] == counts["TOTAAL"],
                 "TOTAAL is niet MAN + VROUW", path, True)
        offered = wide[f"TOTAAL{year}"].str.strip() != ""  # an empty total: not offered that year
        for sex in ("MAN", "VROUW"):
            part = wide.loc[offered, [*FIXED_COLUMNS, "source_line"]].copy()
            part["year"] = year
            part["sex"] = sex.lower()
            part["count"] = counts[sex][offered]
            parts.append(part)
    return pd.concat(parts, ignore_index=True)


@lru_cache(maxsize=1)
def place_aliases(reference_dir: Path = REFERENCE_DIR) -> dict[str, str]:
    """Town names (PLAATSNAAM) that are not a municipality's name, mapped to CBS codes (mbo_places.csv)."""
    with (reference_dir / "mbo_places.csv").open(encoding="utf-8-sig", newline="") as handle:
        table = [row for row in csv.DictReader(handle) if any(row.values())]  # blank lines skipped, as pandas does
    return {normalise_name(row["place"]): row["code"] for row in table}


def place_code(name: str, year: int, resolver: MunicipalityResolver, path: Path, line: int, column: str) -> str:
    """The municipality of a town name: mbo_places.csv first, then the municipality names and aliases."""
    code = place_aliases().get(normalise_name(name)) or resolver.resolve(name, year)
    if code is None:
        raise RawFileError(path, f"plaats '{name}' is onbekend; voeg de plaats met haar gemeentecode toe aan "
                                 "etl/reference/mbo_places.csv", line, column)
    return code


def to_facts(long: pd.DataFrame, path: Path, relative_path: str,
             resolver: MunicipalityResolver) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Classify qualifications and map places to municipalities; returns (facts, education)."""
    import pandas as pd

    keys = ["KWALIFICATIE CODE", "KWALIFICATIE NAAM", "TYPE MBO", "DOMEIN", "SECTORUNIT SBB"]
    programmes = long.drop_duplicates(keys)[[*keys, "source_line"]]
    education = [mbo_education_old(*values, path, int(line)) for *values, line in
                 programmes.itertuples(index=False)]
    programmes = programmes.assign(education_id=[e.education_id for e in education]).drop(columns="source_line")
    education_id = long[keys].merge(programmes, on=keys, how="left")["education_id"].to_numpy()
    places = long.drop_duplicates(["PLAATSNAAM", "year"])[["PLAATSNAAM", "year", "source_line"]]
    places["municipality_code"] = [place_code(name, int(year), resolver, path, int(line), "PLAATSNAAM")
                                   for name, year, line in places.itertuples(index=False)]
    municipality = long[["PLAATSNAAM", "year"]].merge(places.drop(columns="source_line"), how="left",
                                                      on=["PLAATSNAAM", "year"])["municipality_code"].to_numpy()
    peildata = {y: date(int(y), 10, 1) for y in long["year"].unique()}
    count = long["count"].astype("Int64")
    facts = pd.DataFrame(
        {
            "school_year": long["year"].map(school_year),
            "brin": long["BRIN NUMMER"].str.strip(),
            "institution_name": long["INSTELLINGSNAAM"].str.strip(),
            "place_name": long["PLAATSNAAM"].str.strip(),
            "municipality_code": municipality,
            "education_id": education_id,
            "crebo": long["KWALIFICATIE CODE"].str.strip(),
            "type_mbo": long["TYPE MBO"],
            "leerweg": long["TYPE MBO"].map({"BOLVT": "BOL", "BOLDT": "BOL", "BBL": "BBL"}),
            "niveau": long["KWALIFICATIENIVEAU"].astype("int32"),
            "sex": long["sex"],
            "students": count,
            "students_low": count,
            "students_high": count,
            "students_suppressed": False,
            "source_id": DATASET.dataset_id,
            "peildatum": long["year"].map(peildata),
            "status": "definitief",
            "source_file": relative_path,
            "source_line": long["source_line"].astype("int32"),
        }
    )
    # BOLVT and BOLDT share one education row (leerweg BOL).
    return facts, education_frame(education)


# Whitespace other than spaces and line ends: str.strip() removes it, DuckDB's trim(x, ' ') does not; a lone CR
# would be stripped from a line's end only by text_lines. Files with either go the pandas way.
_ODD = re.compile(r"[^\S \r\n]|\r(?!\n)|\x00")


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str, resolver: MunicipalityResolver,
          table: str) -> tuple[int, list[Education]] | None:
    """Fast path of read + to_facts inside DuckDB: temp view `table` with to_facts' rows.

    The layout is unquoted, so DuckDB splits lines on LF and fields on ';' exactly as read() does. Returns (data
    rows, education rows), or None (and the build takes the pandas path, which raises the Dutch message) for any
    file that path would refuse or that has whitespace the SQL might strip differently.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    header = text.split("\n", 1)[0].rstrip("\r").split(";")
    if not recognises(header) or _ODD.search(text):
        return None
    try:
        years = years_in(header, path)
    except RawFileError:
        return None
    lines, wide, q = f"{table}_lines", f"{table}_wide", fast_csv.quoted
    # Line i of the text is element i of the split; stray lines are skipped, as by duo_old_csv.records.
    con.execute(f"""
        create or replace temp table {lines} as
        select i as source_line, string_split(line, ';') as f
        from (select generate_subscripts(l, 1) as i, rtrim(unnest(l), chr(13)) as line
              from (select string_split(?, chr(10)) as l))
        where i > 1 and line not in ('', '""')
    """, [text])  # noqa: S608 (identifiers from code constants)
    records, whole = con.execute(f"select count(*), coalesce(bool_and(len(f) = ?), false) from {lines}",  # noqa: S608
                                 [len(header)]).fetchall()[0]
    if records == 0 or not whole:
        return None
    con.execute("create or replace temp macro pystrip(x) as trim(x, ' ')")  # str.strip() here: see _ODD
    con.execute(f"create or replace temp view {wide} as select source_line, "  # noqa: S608
                + ", ".join(f"f[{i}] as {q(name)}" for i, name in enumerate(header, 1)) + f" from {lines}")

    def number(column: str) -> str:
        return f"coalesce(try_cast(nullif(pystrip({q(column)}), '') as bigint), 0)"

    # The same rules as read(), with ASCII-only patterns (a value they refuse goes the pandas way), checked while
    # stage_wide types the records. Fields hold no ';', so the counts are checked in one pattern per record.
    counted = ", ".join(f"pystrip({q(c)})" for c in year_columns(years))
    rules = [*(f"pystrip({q(c)}) <> ''" for c in ("BRIN NUMMER", "PLAATSNAAM", "KWALIFICATIE CODE", "SECTORUNIT SBB",
                                                   "DOMEIN")),
             f"{q('TYPE MBO')} in ('BOLVT', 'BOLDT', 'BBL')", "KWALIFICATIENIVEAU in ('1', '2', '3', '4')",
             f"regexp_full_match(concat_ws(';', {counted}), '[0-9]{{0,18}}(;[0-9]{{0,18}})*')",
             *(f"{number(f'MAN{y}')} + {number(f'VROUW{y}')} = {number(f'TOTAAL{y}')}" for y in years)]
    # An empty TOTAAL: not offered that year (no rows); an empty MAN or VROUW beside it: 0.
    blocks = [current.Block(f"case when pystrip(TOTAAL{year}) <> '' then coalesce(nullif(pystrip({sex}{year}), ''), "
                            "'0') end", school_year(year), sex.lower(), date(year, 10, 1), year)
              for year in years for sex in ("MAN", "VROUW")]
    return current.stage_wide(
        con, table, wide, blocks, ["KWALIFICATIE CODE", "KWALIFICATIE NAAM", "TYPE MBO", "DOMEIN", "SECTORUNIT SBB"],
        lambda key: mbo_education_old(*key, path, 0), "PLAATSNAAM",
        lambda name, year: place_code(name, year, resolver, path, 0, "PLAATSNAAM"),
        {"brin": f"pystrip({q('BRIN NUMMER')})", "institution_name": "pystrip(INSTELLINGSNAAM)",
         "place_name": "pystrip(PLAATSNAAM)", "crebo": f"pystrip({q('KWALIFICATIE CODE')})",
         "type_mbo": q("TYPE MBO"), "leerweg": f"case {q('TYPE MBO')} when 'BBL' then 'BBL' else 'BOL' end",
         "niveau": "try_cast(KWALIFICATIENIVEAU as integer)"},
        {"education_id": lambda e: e.education_id}, "students",
        {"source_id": DATASET.dataset_id, "source_file": relative_path}, rules)
