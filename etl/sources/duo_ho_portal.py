"""DUO's current hbo/wo layout on onderwijsdata.duo.nl (CKAN): shared reader for the "inclusief geslacht" files.

Not a dataset module itself (no DATASET): duo_ho_first_years.py, duo_ho_enrolments.py and duo_ho_graduates.py
use it. Columns as in DUO's catalogue (real-data/catalogs/duo_resources.json): long, `,`-separated, every field
double-quoted, UTF-8, one row per study/diploma year × institution location × onderdeel × subonderdeel ×
type (or soort diploma) × sex. STUDIEJAAR / DIPLOMAJAAR is the 4-digit start year of the academic year,
ONDERDEEL is upper case (TECHNIEK), GEMEENTENUMMER a 4-digit text, small counts are published as -1.
This variant has no opleidingscode and no opleidingsvorm: programmes are (sub)onderdelen and form is 'alle'.
hbo and wo files have the same header; the level follows from the data: SOORT_DIPLOMA's prefix for graduates,
else the institution (see WO_INSTITUTIONS).

`stage` reads the file with fast_csv.read_text (DuckDB) and SQL rules; the first problem stops the build with a
Dutch message naming the file, line and column.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from itertools import islice
from pathlib import Path

import duckdb

from etl.education import Education, first_per_id
from etl.education.ho import ho_education
from etl.errors import RawFileError
from etl.rawtext import not_utf8
from etl.reference import MunicipalityResolver
from etl.sources import duo_ho_oldlayout as old
from etl.sources import fast_csv

PLACE = ["PROVINCIENAAM", "GEMEENTENUMMER", "GEMEENTENAAM", "SOORT_INSTELLING"]
INSTITUTION = ["INSTELLINGSCODE_ACTUEEL", "INSTELLINGSNAAM_ACTUEEL", "ONDERDEEL", "SUBONDERDEEL"]


def enrolment_columns(count_column: str) -> list[str]:
    """The header of a first-years or enrolments file with the given count column."""
    return ["STUDIEJAAR", *PLACE, "TYPE_HOGER_ONDERWIJS", *INSTITUTION, "GESLACHT", count_column]


GRADUATE_COLUMNS = ["DIPLOMAJAAR", *PLACE, *INSTITUTION, "SOORT_DIPLOMA", "GESLACHT", "AANTAL_GEDIPLOMEERDEN"]
SUPPRESSED = "-1"
SUPPRESSED_LOW, SUPPRESSED_HIGH = 1, 4
# Universities (wo institutions) by BRIN, from DUO's wo files; any other institution is hbo. A wo programme run
# by an hbo institution (a few joint degrees) is therefore counted as hbo in this layout.
WO_INSTITUTIONS = {"00DV", "21PB", "21PC", "21PD", "21PE", "21PF", "21PG", "21PH", "21PI", "21PJ", "21PK", "21PL",
                   "21PM", "21PN", "21QO", "23BF", "25AV", "27YA"}
OPTIONAL = ("PROVINCIENAAM", "INSTELLINGSNAAM_ACTUEEL")  # may be empty


def _records(path: Path, limit: int | None = None) -> list[list[str]]:
    """The file's records (the first `limit`) as the csv module splits them, header first."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(islice(csv.reader(handle), limit))
    except UnicodeDecodeError:
        raise not_utf8(path, ",") from None


def periods(path: Path) -> list[str]:
    """The academic years a file covers, from its year column (the layout is long, not wide)."""
    years = {row[0].strip() for row in _records(path)[1:] if row}
    return sorted(old.academic_year(int(y)) for y in years if len(y) == 4 and y.isascii() and y.isdigit())


def edition_key(path: Path) -> str:
    """'hbo' or 'wo' (both files share one header), from the first data row."""
    records = _records(path, 2)
    if len(records) < 2:
        return ""
    row = dict(zip(records[0], records[1], strict=False))
    if "SOORT_DIPLOMA" in row:
        return "wo" if row["SOORT_DIPLOMA"].strip().lower().startswith("wo") else "hbo"
    return "wo" if row.get("INSTELLINGSCODE_ACTUEEL", "").strip() in WO_INSTITUTIONS else "hbo"


def _rules(columns: list[str]) -> list[fast_csv.Rule]:
    """What every record must meet: required values filled, a known sex, a diploma type of hbo or wo."""
    rules = [(f"pystrip({fast_csv.quoted(c)}) <> ''", c, "lege waarde (ontbrekend veld of afgebroken regel?)")
             for c in columns if c not in OPTIONAL]
    rules.append(("lower(pystrip(\"GESLACHT\")) in ('man', 'vrouw')", "GESLACHT",
                  "onbekend geslacht; verwacht man of vrouw"))
    if "SOORT_DIPLOMA" in columns:
        rules.append(("split_part(lower(pystrip(\"SOORT_DIPLOMA\")), ' ', 1) in ('hbo', 'wo')", "SOORT_DIPLOMA",
                      "soort diploma moet beginnen met 'hbo' of 'wo'"))
    return rules


def _municipalities(con: duckdb.DuckDBPyConnection, path: Path, resolver: MunicipalityResolver, rows: str,
                    table: str) -> None:
    """Temp table `table`: GEMEENTENAAM × year of view `rows` → CBS code via the resolver (the year's
    classification). An unknown name stops the build at its first line."""
    places = con.execute("select pystrip(\"GEMEENTENAAM\"), year, arg_min(\"GEMEENTENAAM\", source_line), "  # noqa: S608
                         f"min(source_line) from {rows} group by all order by 4").fetchall()
    codes = []
    for _, number, name, line in places:
        code = resolver.resolve(name, number)
        if code is None:
            raise RawFileError(path, f"gemeente '{name.strip()}' is onbekend; voeg de naam toe aan "
                                     "etl/reference/region_aliases.csv", line, "GEMEENTENAAM")
        codes.append(code)
    con.execute(f"create or replace temp table {table} as select unnest(?::varchar[]) as name, "
                "unnest(?::integer[]) as year, unnest(?::varchar[]) as municipality_code",
                [[p[0] for p in places], [p[1] for p in places], codes])


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str, resolver: MunicipalityResolver,
          table: str, columns: list[str], title: str, prefix: str, text: dict[str, str], constants: dict[str, str],
          peildatum: Callable[[int], date]) -> tuple[int, list[Education]]:
    """Read the file into temp view `table` with its facts: one row per record.

    `title` names the layout in a message about the header, `prefix` the count columns, `text` maps further fact
    columns to the file column they copy (stripped, lower case), `constants` gives the columns with one value for
    the whole file, `peildatum` the date of a year. -1 is a suppressed count: null with bounds 1..4.
    Returns (data rows, education rows); raises RawFileError at the first problem, naming line and column.
    """
    header = fast_csv.header_of(path, ",")
    if header is None:
        raise not_utf8(path, ",")
    if header != columns:
        raise RawFileError(path, f"de kopregel is niet die van {title}", 1)
    q, year_column, count_column = fast_csv.quoted, columns[0], columns[-1]
    text_table = f"{table}_text"
    try:
        records = fast_csv.read_text(con, path, ",", header, text_table, _rules(columns), {
            year_column: ("[0-9]{4}", "een jaartal (jjjj)"),
            count_column: ("[0-9]{1,9}|-1", "een geheel getal (hoogstens 9 cijfers) of -1 (onderdrukt)")})
    except RawFileError as error:  # rawtext names the byte that is not UTF-8 and what it would be in Windows-1252
        if "geen UTF-8" not in error.message:
            raise
        raise not_utf8(path, ",") from None
    year = f"pystrip({q(year_column)})::integer"
    if "SOORT_DIPLOMA" in columns:
        level = "split_part(lower(pystrip(\"SOORT_DIPLOMA\")), ' ', 1)"
    else:
        level = (f"case when pystrip(\"INSTELLINGSCODE_ACTUEEL\") in ({', '.join(map(repr, sorted(WO_INSTITUTIONS)))}) "
                 "then 'wo' else 'hbo' end")
    rows = f"{table}_rows"
    con.execute(f"create or replace temp view {rows} as select {year} as year, {level} as level, * "  # noqa: S608
                f"from {text_table}")
    _municipalities(con, path, resolver, rows, f"{table}_places")
    found = con.execute(f"select level, \"ONDERDEEL\", \"SUBONDERDEEL\", min(source_line) as first "  # noqa: S608
                        f"from {rows} group by all order by first").fetchall()
    programmes = [ho_education(level, onderdeel, sub, None, None, path, line, "ONDERDEEL")
                  for level, onderdeel, sub, line in found]
    con.execute(f"create or replace temp table {table}_programmes as select unnest(?::varchar[]) as level, "
                "unnest(?::varchar[]) as onderdeel, unnest(?::varchar[]) as sub, unnest(?::varchar[]) as education_id",
                [*(list(column) for column in zip(*(row[:3] for row in found), strict=True)),
                 [programme.education_id for programme in programmes]])
    years = [row[0] for row in con.execute(f"select distinct year from {rows} order by 1").fetchall()]  # noqa: S608
    con.execute(f"create or replace temp table {table}_years as select unnest(?::integer[]) as year, "
                "unnest(?::varchar[]) as academic_year, unnest(?::date[]) as peildatum, ?::varchar as source_file, "
                + ", ".join(f"?::varchar as {n}" for n in constants),
                [years, [old.academic_year(y) for y in years], [peildatum(y) for y in years], relative_path,
                 *constants.values()])
    count = f"nullif(pystrip(r.{q(count_column)}), '{SUPPRESSED}')::integer"
    con.execute(f"""
        create or replace temp view {table} as
        select y.academic_year, pystrip(r."INSTELLINGSCODE_ACTUEEL") as brin,
               pystrip(r."INSTELLINGSNAAM_ACTUEEL") as institution_name, m.municipality_code, p.education_id,
               r.level, lower(pystrip(r."GESLACHT")) as sex,
               {", ".join(f"lower(pystrip(r.{q(c)})) as {n}" for n, c in text.items())}, 'alle' as form,
               {count} as {prefix}, coalesce({count}, {SUPPRESSED_LOW}) as {prefix}_low,
               coalesce({count}, {SUPPRESSED_HIGH}) as {prefix}_high, {count} is null as {prefix}_suppressed,
               {", ".join(f"y.{n}" for n in constants)}, y.peildatum, 'definitief' as status, y.source_file,
               r.source_line::integer as source_line
        from {rows} r
        join {table}_years y using (year)
        join {table}_places m on m.name = pystrip(r."GEMEENTENAAM") and m.year = r.year
        join {table}_programmes p on p.level = r.level and p.onderdeel = r."ONDERDEEL" and p.sub = r."SUBONDERDEEL"
    """)  # noqa: S608 (names from code)
    return records, first_per_id(programmes)
