"""DUO "Mbo-studenten per instelling", resource 11: students per institution and town of the institution × leerweg ×
home municipality (woongemeente) × home province × age group (onderwijsdata.duo.nl).

DUO's catalogue lists the columns of this dataset's first resource only (JAAR, …, PLAATSNAAM INSTELLING,
GEMEENTENUMMER INSTELLING, GEMEENTE INSTELLING, BBL, BOLDT, BOLVT, EX: one row per year with a count column per
leerweg). Resource 11 is read in the same pattern: the year in JAAR (students on 1 October of that year), the
dimensions by DUO's names (WOONGEMEENTE, WOONPROVINCIE, LEEFTIJDSCATEGORIE) and one count column per leerweg. The
reader requires the columns it uses and accepts the optional ones DUO's sibling resources carry, so that a
different column order does not break it; counts 1 to 4 are -1. A home municipality outside the Netherlands or
unknown (BUITENLAND, ONBEKEND) is kept with an empty home municipality code.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from etl.checks import Check, accepted_values, count_columns, not_null, relationship, rule, unique
from etl.education import Education
from etl.errors import RawFileError
from etl.reference import MunicipalityResolver, normalise_name
from etl.sources import duo_mbo_current as current
from etl.sources import fast_csv
from etl.sources.base import Dataset, FetchTarget
from etl.sources.duo_mbo_students_old import place_code
from etl.sources.temp_table import temp_table

if TYPE_CHECKING:  # pandas only on the pandas path (read, to_facts); a build of well-formed files never imports it
    import duckdb
    import pandas as pd

REQUIRED = ["JAAR", "INSTELLINGSCODE", "INSTELLINGSNAAM", "PLAATSNAAM INSTELLING", "WOONGEMEENTE", "WOONPROVINCIE"]
OPTIONAL = ["PROVINCIE INSTELLING", "BEVOEGD GEZAG NUMMER", "GEMEENTENUMMER INSTELLING", "GEMEENTE INSTELLING",
            "WOONGEMEENTENUMMER", "LEEFTIJDSCATEGORIE"]
COUNT_COLUMNS = ["BBL", "BOLDT", "BOLVT", "EX"]
NOT_A_MUNICIPALITY = {"BUITENLAND", "ONBEKEND", "ONBEKEND/BUITENLAND", ""}
_YEAR = re.compile(r"^\d{4}$")
_NUMBER = re.compile(r"^\d{1,4}$")

FILE_NAME = ("2021-2025-11-studenten-per-instelling-plaats-instelling-leerweg-woongemeente-woonprovincie-"
             "leeft.csv")
DATASET = Dataset(
    dataset_id="duo_mbo_woongemeente",
    publisher="DUO",
    title="Mbo-studenten per instelling, plaats instelling, leerweg en woongemeente",
    url=("https://onderwijsdata.duo.nl/dataset/63c2b502-5675-4110-83a0-a111c3f46332/resource/"
         f"4ca1ec61-61aa-46f2-b01f-b657633fadf0/download/{FILE_NAME}"),
    licence="CC0",
    period_type="school_year",
    raw_subdir="duo/mbo_woongemeente",
    fact_table="fact_mbo_residence",
    period_column="school_year",
    grain=("brin", "place_name", "home_name", "age_group", "type_mbo", "school_year"),
)

FETCH_TARGETS = [FetchTarget("duo", DATASET.url, DATASET.raw_subdir, FILE_NAME, 2025)]

_T = DATASET.fact_table
CHECKS: list[Check] = [
    *not_null(_T, "school_year", "brin", "place_name", "institution_municipality_code", "home_name", "age_group",
              "type_mbo", "source_id", "peildatum", "status"),
    unique(_T, *DATASET.grain),
    accepted_values(_T, "type_mbo", COUNT_COLUMNS),
    accepted_values(_T, "status", ["definitief", "voorlopig"]),
    relationship(_T, "institution_municipality_code", "region", "code"),
    relationship(_T, "home_municipality_code", "region", "code"),
    relationship(_T, "school_year", "period", "period_id"),
    relationship(_T, "source_id", "source", "source_id"),
    *count_columns(_T, "students"),
    rule(_T, "woongemeente zonder code alleen voor buitenland of onbekend",
         "home_municipality_code is null and upper(home_name) not in ('BUITENLAND', 'ONBEKEND', "
         "'ONBEKEND/BUITENLAND', '')", "home_name"),
]


def recognises(header: list[str]) -> bool:
    """The required columns, only known optional ones, and at least one leerweg count column."""
    names = {c.strip().lstrip("\ufeff") for c in header}
    return (set(REQUIRED) <= names and bool(names & set(COUNT_COLUMNS))
            and names <= set(REQUIRED) | set(OPTIONAL) | set(COUNT_COLUMNS))


school_year = current.school_year


def periods(header: list[str], path: Path) -> list[str]:
    """The school years in the JAAR column (the year is a column, so the file is scanned)."""
    return current.jaar_periods(header, path)


def read(path: Path) -> pd.DataFrame:
    """One row per record × leerweg column; values as text."""
    wide = current.read_wide(path, "DUO mbo-studenten per instelling en woongemeente", recognises)
    current.require(wide, "JAAR", wide["JAAR"].str.strip().str.match(_YEAR), "verwacht een jaartal", path)
    for column in ("INSTELLINGSCODE", "PLAATSNAAM INSTELLING"):
        current.require(wide, column, wide[column].str.strip() != "", "lege waarde in een verplichte kolom", path)
    for column in ("GEMEENTENUMMER INSTELLING", "WOONGEMEENTENUMMER"):
        if column in wide:
            values = wide[column].str.strip()
            current.require(wide, column, (values == "") | values.str.match(_NUMBER),
                            "verwacht een CBS-gemeentenummer (tot 4 cijfers)", path)
    if "LEEFTIJDSCATEGORIE" not in wide:
        wide["LEEFTIJDSCATEGORIE"] = ""
    for column in ("GEMEENTENUMMER INSTELLING", "WOONGEMEENTENUMMER"):
        if column not in wide:
            wide[column] = ""
    counts = [c for c in COUNT_COLUMNS if c in wide]
    current.require_counts(wide, counts, path)
    keep = ["JAAR", "INSTELLINGSCODE", "INSTELLINGSNAAM", "PLAATSNAAM INSTELLING", "GEMEENTENUMMER INSTELLING",
            "WOONGEMEENTE", "WOONGEMEENTENUMMER", "LEEFTIJDSCATEGORIE", "source_line"]
    return wide.melt(id_vars=keep, value_vars=counts, var_name="type_mbo", value_name="count")


_code = current.gemeente_code


def _home_code(name: str, number: str, year: int, resolver: MunicipalityResolver, path: Path,
               line: int) -> str | None:
    """WOONGEMEENTENUMMER, else the name resolved; None for abroad or unknown."""
    code = _code(number.strip())
    if code is None and normalise_name(name) not in NOT_A_MUNICIPALITY:
        code = resolver.resolve(name, year)
        if code is None:
            raise RawFileError(path, f"woongemeente '{name}' is onbekend; voeg de naam toe aan "
                                     "etl/reference/region_aliases.csv", line, "WOONGEMEENTE")
    return code


def to_facts(long: pd.DataFrame, path: Path, relative_path: str,
             resolver: MunicipalityResolver) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Codes for the institution's and the student's municipality; returns (facts, no education rows)."""
    import pandas as pd

    year = long["JAAR"].str.strip().astype(int)
    keyed = long.assign(year=year)
    institution_keys = ["PLAATSNAAM INSTELLING", "GEMEENTENUMMER INSTELLING", "year"]
    institutions = keyed.drop_duplicates(institution_keys)[[*institution_keys, "source_line"]]
    institutions["code"] = [
        _code(number.strip()) or place_code(name, y, resolver, path, int(line), "PLAATSNAAM INSTELLING")
        for name, number, y, line in institutions.itertuples(index=False)]
    home_keys = ["WOONGEMEENTE", "WOONGEMEENTENUMMER", "year"]
    homes = keyed.drop_duplicates(home_keys)[[*home_keys, "source_line"]]
    homes["code"] = [_home_code(name, number, y, resolver, path, int(line))
                     for name, number, y, line in homes.itertuples(index=False)]
    institution_code = keyed[institution_keys].merge(institutions.drop(columns="source_line"), how="left",
                                                     on=institution_keys)["code"].to_numpy()
    home_code = keyed[home_keys].merge(homes.drop(columns="source_line"), how="left", on=home_keys)["code"].to_numpy()
    peildata = {y: date(y, 10, 1) for y in year.unique()}
    facts = pd.DataFrame(
        {
            "school_year": year.map(school_year),
            "brin": long["INSTELLINGSCODE"].str.strip(),
            "institution_name": long["INSTELLINGSNAAM"].str.strip(),
            "place_name": long["PLAATSNAAM INSTELLING"].str.strip(),
            "institution_municipality_code": institution_code,
            "home_name": long["WOONGEMEENTE"].str.strip(),
            "home_municipality_code": home_code,
            "age_group": long["LEEFTIJDSCATEGORIE"].str.strip(),
            "type_mbo": long["type_mbo"],
            **current.count_columns(long["count"], "students"),
            "source_id": DATASET.dataset_id,
            "peildatum": year.map(peildata),
            "status": "definitief",
            "source_file": relative_path,
            "source_line": long["source_line"].astype("int32"),
        }
    )
    return facts, pd.DataFrame(columns=list(Education.__dataclass_fields__))


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str, resolver: MunicipalityResolver,
          table: str) -> tuple[int, list[Education]] | None:
    """Fast path of read + to_facts inside DuckDB: temp table `table` with to_facts' rows.

    Returns (data rows, education rows: none for this dataset).

    Or None (and the build takes the pandas path, which raises the Dutch message) for any file that path
    would refuse or that the SQL below might read differently; see etl/sources/fast_csv.py.
    """
    sep = current.separator(path)
    header = fast_csv.header_of(path, sep)
    if header is None or not recognises(header):
        return None
    wide = f"{table}_wide"
    q = fast_csv.quoted
    counts = [c for c in COUNT_COLUMNS if c in header]
    # The same rules as read(), with ASCII-only patterns: a value they refuse goes the pandas way.
    rules = ["pystrip(INSTELLINGSCODE) <> ''", f"pystrip({q('PLAATSNAAM INSTELLING')}) <> ''"]
    patterns = {"JAAR": "[0-9]{4}", **dict.fromkeys(counts, "[0-9]{1,18}|-1"),
                **{c: "[0-9]{0,4}" for c in ("GEMEENTENUMMER INSTELLING", "WOONGEMEENTENUMMER") if c in header}}
    records = fast_csv.read_text(con, path, sep, header, wide, rules, patterns)
    if records is None:
        return None
    optional = {c: q(c) if c in header else "''" for c in ("GEMEENTENUMMER INSTELLING", "WOONGEMEENTENUMMER",
                                                           "LEEFTIJDSCATEGORIE")}
    try:
        institutions = [(name, number, year, _code(number.strip()) or place_code(
            name, year, resolver, path, line, "PLAATSNAAM INSTELLING")) for name, number, year, line in con.execute(
                f"select {q('PLAATSNAAM INSTELLING')}, {optional['GEMEENTENUMMER INSTELLING']}, "  # noqa: S608
                f"cast(pystrip(JAAR) as integer), min(source_line) from {wide} group by all").fetchall()]
        homes = [(name, number, year, _home_code(name, number, year, resolver, path, line))
                 for name, number, year, line in con.execute(
                     f"select WOONGEMEENTE, {optional['WOONGEMEENTENUMMER']}, "  # noqa: S608
                     f"cast(pystrip(JAAR) as integer), min(source_line) from {wide} group by all").fetchall()]
    except RawFileError:
        return None
    for suffix, rows in (("inst", institutions), ("home", homes)):
        temp_table(con, f"{wide}_{suffix}", {"name": ("varchar", [r[0] for r in rows]),
                                             "number": ("varchar", [r[1] for r in rows]),
                                             "year": ("integer", [r[2] for r in rows]),
                                             "code": ("varchar", [r[3] for r in rows])})
    # Text columns stripped and municipality codes joined once per record, counts as bigint with -1 as null (so
    # bounds and the suppressed flag follow from null); the view unnests one row per leerweg, as read() melts.
    counted = ", ".join(f"cast(nullif(pystrip({c}), '-1') as bigint)" for c in counts)
    con.execute(f"""
        create or replace temp view {wide}_typed as
        select w.source_line, cast(pystrip(w.JAAR) as integer) as year, pystrip(w.INSTELLINGSCODE) as brin,
               pystrip(w.INSTELLINGSNAAM) as institution_name, pystrip(w.{q('PLAATSNAAM INSTELLING')}) as place_name,
               i.code as institution_municipality_code, pystrip(w.WOONGEMEENTE) as home_name,
               h.code as home_municipality_code, pystrip({optional['LEEFTIJDSCATEGORIE']}) as age_group,
               [{counted}] as counts
        from {wide} w
        left join {wide}_inst i on i.name = w.{q('PLAATSNAAM INSTELLING')}
             and i.number = {optional['GEMEENTENUMMER INSTELLING']} and i.year = cast(pystrip(w.JAAR) as integer)
        left join {wide}_home h on h.name = w.WOONGEMEENTE and h.number = {optional['WOONGEMEENTENUMMER']}
             and h.year = cast(pystrip(w.JAAR) as integer)
    """)  # noqa: S608 (identifiers from the recognised header; a view, computed once by the insert that reads it)
    con.execute(f"create or replace temp table {wide}_blocks as select unnest(?::varchar[]) as type_mbo, "
                "unnest(range(1, ?)) as i, ?::varchar as source_id, ?::varchar as source_file",
                [counts, len(counts) + 1, DATASET.dataset_id, relative_path])
    con.execute(f"""
        create or replace temp view {table} as
        select year || '-' || (year + 1) as school_year, brin, institution_name, place_name,
               institution_municipality_code, home_name, home_municipality_code, age_group, b.type_mbo,
               counts[b.i] as students, coalesce(counts[b.i], 1) as students_low,
               coalesce(counts[b.i], 4) as students_high, counts[b.i] is null as students_suppressed, b.source_id,
               make_date(year, 10, 1) as peildatum, 'definitief' as status, b.source_file,
               cast(source_line as integer) as source_line
        from {wide}_typed, {wide}_blocks b
    """)  # noqa: S608 (identifiers from the recognised header)
    return records, []
