"""DUO "Mbo-studenten per instelling", resource 03: students per institution × town of the institution × sectorkamer
× leerweg × programme (crebo) × level × sex (onderwijsdata.duo.nl), from school year 2021/22.

**The layout is an assumption that could not be checked offline.** DUO's catalogue lists the columns of this
dataset's first resource only (JAAR, PROVINCIE INSTELLING, BEVOEGD GEZAG NUMMER, INSTELLINGSCODE, INSTELLINGSNAAM,
PLAATSNAAM INSTELLING, GEMEENTENUMMER INSTELLING, GEMEENTE INSTELLING, BBL, BOLDT, BOLVT, EX: one row per year
with a count column per leerweg). Resource 03 is read in the same pattern, as duo_mbo_residence.py reads resource
11: the year in JAAR (students on 1 October of JAAR, school year JAAR/JAAR+1), the dimensions by DUO's usual names
(SECTORKAMER NAAM, ERKENDE OPLEIDING CODE, ERKENDE OPLEIDING NAAM, NIVEAU, GESLACHT with MAN/VROUW) and one count
column per leerweg (BBL, BOLDT, BOLVT, EX; at least one). The reader requires the columns it uses, accepts the
optional ones DUO's sibling resources carry, in any order, and refuses any other column. If the real file differs,
the build stops with a Dutch message naming the file, the line and the column and what to do (see explain() and
docs/sources/duo_mbo_students.md) instead of loading it wrongly.

Counts 1 to 4 are -1 (suppressed: no value, bounds 1..4); an empty count cell means no figure (no row); 0 is a
real zero. Each count column is a type_mbo; its leerweg is BOL (BOLVT, BOLDT), BBL, or EX (extraneus: exams only).
The municipality is GEMEENTENUMMER INSTELLING when the file has it, else PLAATSNAAM INSTELLING mapped as in the
other mbo layouts (etl/reference/mbo_places.csv, then municipality names).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from etl.checks import Check
from etl.education import Education, education_frame, first_per_id
from etl.education.mbo import mbo_education_current
from etl.errors import RawFileError
from etl.reference import MunicipalityResolver
from etl.sources import duo_mbo_current as current
from etl.sources import fast_csv
from etl.sources.base import Dataset, FetchTarget
from etl.sources.duo_mbo_students_old import place_code
from etl.sources.temp_table import temp_table

if TYPE_CHECKING:  # a build of well-formed files never imports pandas
    import duckdb
    import pandas as pd

REQUIRED = ["JAAR", "INSTELLINGSCODE", "INSTELLINGSNAAM", "PLAATSNAAM INSTELLING", "SECTORKAMER NAAM",
            "ERKENDE OPLEIDING CODE", "ERKENDE OPLEIDING NAAM", "NIVEAU", "GESLACHT"]
OPTIONAL = ["PROVINCIE INSTELLING", "BEVOEGD GEZAG NUMMER", "GEMEENTENUMMER INSTELLING", "GEMEENTE INSTELLING",
            "HOOFDGROEP NAAM"]
COUNT_COLUMNS = ["BBL", "BOLDT", "BOLVT", "EX"]
# The assumed layout in the order the resource's name gives (the demo writes it; the reader takes any order).
ASSUMED_HEADER = [*REQUIRED, *COUNT_COLUMNS]
SEXES = {"MAN", "VROUW"}
LEVELS = {"1", "2", "3", "4"}
_YEAR = re.compile(r"^\d{4}$")
_NUMBER = re.compile(r"^\d{1,4}$")

FILE_NAME = "2021-2025-03-studenten-per-instelling-plaats-van-de-instelling-sectorkamer-leerweg-opleiding-niv.csv"
DATASET = Dataset(
    dataset_id="duo_mbo_studenten",
    publisher="DUO",
    title="Mbo-studenten per instelling, plaats, sectorkamer, leerweg, opleiding, niveau en geslacht",
    url=("https://onderwijsdata.duo.nl/dataset/63c2b502-5675-4110-83a0-a111c3f46332/resource/"
         f"0cf33778-666c-4a6d-bd58-0b4d1ddefb61/download/{FILE_NAME}"),
    licence="CC0",
    period_type="school_year",
    raw_subdir="duo/mbo_studenten",
    fact_table="fact_mbo_student",
    period_column="school_year",
    grain=("brin", "place_name", "education_id", "type_mbo", "niveau", "sex", "school_year"),
)

FETCH_TARGETS = [FetchTarget("duo", DATASET.url, DATASET.raw_subdir, FILE_NAME, 2025)]

# fact_mbo_student's checks live with the old layout (duo_mbo_students_old.py), which fills the same table.
CHECKS: list[Check] = []


def _names(header: list[str]) -> list[str]:
    return [c.strip().lstrip("\ufeff") for c in header]


def recognises(header: list[str]) -> bool:
    """The required columns, only known optional ones, and at least one leerweg count column."""
    names = set(_names(header))
    return (set(REQUIRED) <= names and bool(names & set(COUNT_COLUMNS))
            and names <= set(REQUIRED) | set(OPTIONAL) | set(COUNT_COLUMNS))


def _problem(names: list[str]) -> tuple[str, str]:
    """The first column that keeps a header from the assumed layout, and what is wrong with it (Dutch)."""
    known = set(REQUIRED) | set(OPTIONAL) | set(COUNT_COLUMNS)
    if unknown := [c for c in names if c not in known]:
        return unknown[0], "deze kolom komt niet voor in de aangenomen indeling"
    if missing := [c for c in REQUIRED if c not in names]:
        return missing[0], "deze verplichte kolom ontbreekt in de kopregel"
    return COUNT_COLUMNS[0], "geen van de aantalkolommen BBL, BOLDT, BOLVT en EX staat in de kopregel"


def explain(header: list[str]) -> tuple[str, str] | None:
    """For a header that looks like this resource's but does not fit the assumed layout: (column, Dutch message).

    The layout could not be checked against a real file (see the module docstring): when DUO's differs, the user
    learns which column, that the layout was assumed, and where to adapt it, instead of only 'not recognised'.
    """
    names = _names(header)
    looks_like = "JAAR" in names and bool({"SECTORKAMER NAAM", "ERKENDE OPLEIDING CODE"} & set(names))
    if recognises(names) or not looks_like:
        return None
    column, what = _problem(names)
    return column, (f"{what}. De kolommen van DUO {DATASET.title} (resource 03) zijn niet gepubliceerd en daarom "
                    "aangenomen; dit bestand wijkt daarvan af. Vergelijk de kopregel met "
                    "docs/sources/duo_mbo_students.md en pas REQUIRED en OPTIONAL in "
                    "etl/sources/duo_mbo_students.py aan, of verwijder het bestand uit de map met ruwe bestanden.")


def periods(header: list[str], path: Path) -> list[str]:
    """The school years in the JAAR column (the year is a column, so the file is scanned)."""
    return current.jaar_periods(header, path)


def read(path: Path) -> pd.DataFrame:
    """One row per record × leerweg column with a figure (in column order, then file order); values as text."""
    header = fast_csv.header_of(path, current.separator(path))
    if header is not None and not recognises(header):
        column, message = _problem(_names(header))
        raise RawFileError(path, f"{message}; verwacht de (aangenomen) indeling van DUO {DATASET.title}", 1, column)
    wide = current.read_wide(path, f"DUO {DATASET.title}", recognises)
    current.require(wide, "JAAR", wide["JAAR"].str.strip().str.match(_YEAR), "verwacht een jaartal", path)
    for column in ("INSTELLINGSCODE", "PLAATSNAAM INSTELLING", "ERKENDE OPLEIDING CODE", "SECTORKAMER NAAM"):
        current.require(wide, column, wide[column].str.strip() != "", "lege waarde in een verplichte kolom", path)
    current.require(wide, "NIVEAU", wide["NIVEAU"].str.strip().isin(LEVELS), "verwacht niveau 1 tot en met 4", path)
    current.require(wide, "GESLACHT", wide["GESLACHT"].str.strip().isin(SEXES), "verwacht MAN of VROUW", path)
    if "GEMEENTENUMMER INSTELLING" in wide:
        values = wide["GEMEENTENUMMER INSTELLING"].str.strip()
        current.require(wide, "GEMEENTENUMMER INSTELLING", (values == "") | values.str.match(_NUMBER),
                        "verwacht een CBS-gemeentenummer (tot 4 cijfers)", path)
    for column in ("GEMEENTENUMMER INSTELLING", "HOOFDGROEP NAAM"):
        if column not in wide:
            wide[column] = ""
    counts = [c for c in COUNT_COLUMNS if c in wide]
    for column in counts:  # an empty cell is no figure, anything else a count or -1
        current.require_counts(wide[wide[column].str.strip() != ""], [column], path)
    keep = [*REQUIRED, "GEMEENTENUMMER INSTELLING", "HOOFDGROEP NAAM", "source_line"]
    long = wide.melt(id_vars=keep, value_vars=counts, var_name="type_mbo", value_name="count")
    long = long[long["count"].str.strip() != ""].reset_index(drop=True)
    if long.empty:
        raise RawFileError(path, f"het bestand bevat geen enkel aantal in {', '.join(counts)}; download het "
                                 "opnieuw", 2, counts[0])
    return long


def _institution_code(name: str, number: str, year: int, resolver: MunicipalityResolver, path: Path,
                      line: int) -> str:
    """GEMEENTENUMMER INSTELLING when given, else the town (PLAATSNAAM INSTELLING) mapped to its municipality."""
    return current.gemeente_code(number.strip()) or place_code(name, year, resolver, path, line,
                                                               "PLAATSNAAM INSTELLING")


_PROGRAMME = ["ERKENDE OPLEIDING CODE", "ERKENDE OPLEIDING NAAM", "type_mbo", "SECTORKAMER NAAM", "HOOFDGROEP NAAM"]


def to_facts(long: pd.DataFrame, path: Path, relative_path: str,
             resolver: MunicipalityResolver) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Classify programmes per leerweg (sectorkamer rule) and map institutions to municipalities; (facts, education)."""
    import pandas as pd

    # The count column is the programme's route: BOLVT and BOLDT share the education row of leerweg BOL.
    matched, education = current.programmes(long, _PROGRAMME, path)
    year = long["JAAR"].str.strip().astype(int)
    keyed = long.assign(year=year)
    keys = ["PLAATSNAAM INSTELLING", "GEMEENTENUMMER INSTELLING", "year"]
    institutions = keyed.drop_duplicates(keys)[[*keys, "source_line"]]
    institutions["code"] = [_institution_code(name, number, y, resolver, path, int(line))
                            for name, number, y, line in institutions.itertuples(index=False)]
    municipality = keyed[keys].merge(institutions.drop(columns="source_line"), how="left", on=keys)["code"]
    peildata = {y: date(y, 10, 1) for y in year.unique()}
    facts = pd.DataFrame(
        {
            "school_year": year.map(current.school_year),
            "brin": long["INSTELLINGSCODE"].str.strip(),
            "institution_name": long["INSTELLINGSNAAM"].str.strip(),
            "place_name": long["PLAATSNAAM INSTELLING"].str.strip(),
            "municipality_code": municipality.to_numpy(),
            "education_id": matched["education_id"].to_numpy(),
            "crebo": long["ERKENDE OPLEIDING CODE"].str.strip(),
            "type_mbo": long["type_mbo"],
            "leerweg": matched["leerweg"].to_numpy(),
            "niveau": long["NIVEAU"].str.strip().astype("int32"),
            "sex": long["GESLACHT"].str.strip().str.lower(),
            **current.count_columns(long["count"], "students"),
            "source_id": DATASET.dataset_id,
            "peildatum": year.map(peildata),
            "status": "definitief",
            "source_file": relative_path,
            "source_line": long["source_line"].astype("int32"),
        }
    )
    return facts, education_frame(education)


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str, resolver: MunicipalityResolver,
          table: str) -> tuple[int, list[Education]] | None:
    """Fast path of read + to_facts inside DuckDB: temp view `table` with to_facts' rows.

    Returns (data rows, education rows), or None (and the build takes the pandas path, which raises the Dutch
    message) for any file that path would refuse or that the SQL might read differently; see fast_csv.py.
    """
    sep = current.separator(path)
    header = fast_csv.header_of(path, sep)
    if header is None or not recognises(header):
        return None
    wide, q = f"{table}_wide", fast_csv.quoted
    counts = [c for c in COUNT_COLUMNS if c in header]
    # The same rules as read(), with ASCII-only patterns: a value they refuse goes the pandas way.
    rules = [f"pystrip({q(c)}) <> ''" for c in ("INSTELLINGSCODE", "PLAATSNAAM INSTELLING", "ERKENDE OPLEIDING CODE",
                                                 "SECTORKAMER NAAM")]
    patterns = {"JAAR": "[0-9]{4}", "NIVEAU": "[1-4]", "GESLACHT": "MAN|VROUW",
                **dict.fromkeys(counts, "[0-9]{1,18}|-1|"),
                **({"GEMEENTENUMMER INSTELLING": "[0-9]{0,4}"} if "GEMEENTENUMMER INSTELLING" in header else {})}
    if fast_csv.read_text(con, path, sep, header, wide, rules, patterns) is None:
        return None
    optional = {c: q(c) if c in header else "''" for c in ("GEMEENTENUMMER INSTELLING", "HOOFDGROEP NAAM")}
    # One row per record, text stripped once; a count is null for no figure and -1 when suppressed. The programme
    # and institution keys stay unstripped, as the pandas path groups them.
    con.execute(f"""
        create or replace temp table {wide}_typed as
        select source_line, cast(pystrip(JAAR) as integer) as year, {q('ERKENDE OPLEIDING CODE')} as k0,
               {q('ERKENDE OPLEIDING NAAM')} as k1, {q('SECTORKAMER NAAM')} as k2,
               {optional['HOOFDGROEP NAAM']} as k3, {q('PLAATSNAAM INSTELLING')} as place_key,
               {optional['GEMEENTENUMMER INSTELLING']} as number_key, pystrip(INSTELLINGSCODE) as brin,
               pystrip(INSTELLINGSNAAM) as institution_name, pystrip({q('PLAATSNAAM INSTELLING')}) as place_name,
               pystrip({q('ERKENDE OPLEIDING CODE')}) as crebo, cast(pystrip(NIVEAU) as integer) as niveau,
               lower(pystrip(GESLACHT)) as sex,
               [{', '.join(f"cast(nullif(pystrip({q(c)}), '') as bigint)" for c in counts)}] as counts
        from {wide}
    """)  # noqa: S608 (identifiers from the recognised header)
    temp_table(con, f"{wide}_blocks", {"type_mbo": ("varchar", counts), "i": ("integer", range(1, len(counts) + 1))})
    con.execute(f"""
        create or replace temp view {wide}_long as
        select t.*, b.type_mbo, b.i, t.counts[b.i] as v
        from {wide}_typed t, {wide}_blocks b where t.counts[b.i] is not null
    """)  # noqa: S608 (names from code constants)
    # Programmes in the order of their first row in read()'s long order (column by column, then by line), which
    # decides the education row kept per education_id; towns only for records with a figure, as in to_facts.
    found = con.execute(f"select k0, k1, type_mbo, k2, k3 from {wide}_long group by all "  # noqa: S608
                        "order by min(i * 4294967296 + source_line)").fetchall()
    places = con.execute(f"select distinct place_key, number_key, year from {wide}_long").fetchall()  # noqa: S608
    if not found:
        return None  # no figures at all: the pandas path says so in Dutch
    try:
        education = [mbo_education_current(*key, path, 0) for key in found]
        codes = [_institution_code(name, number, year, resolver, path, 0) for name, number, year in places]
    except RawFileError:
        return None
    temp_table(con, f"{wide}_edu", {**{k: ("varchar", [row[i] for row in found])
                                       for i, k in enumerate(("k0", "k1", "type_mbo", "k2", "k3"))},
                                    "education_id": ("varchar", [e.education_id for e in education]),
                                    "leerweg": ("varchar", [e.leerweg for e in education])})
    temp_table(con, f"{wide}_inst", {"name": ("varchar", [p[0] for p in places]),
                                     "number": ("varchar", [p[1] for p in places]),
                                     "year": ("integer", [p[2] for p in places]), "code": ("varchar", codes)})
    con.execute(f"create or replace temp table {wide}_constants as select ?::varchar as source_id, "
                "?::varchar as source_file", [DATASET.dataset_id, relative_path])
    con.execute(f"""
        create or replace temp view {table} as
        select l.year || '-' || (l.year + 1) as school_year, l.brin, l.institution_name, l.place_name,
               i.code as municipality_code, e.education_id, l.crebo, l.type_mbo, e.leerweg, l.niveau, l.sex,
               nullif(l.v, -1) as students, case when l.v = -1 then 1 else l.v end as students_low,
               case when l.v = -1 then 4 else l.v end as students_high, l.v = -1 as students_suppressed,
               c.source_id, make_date(l.year, 10, 1) as peildatum, 'definitief' as status, c.source_file,
               cast(l.source_line as integer) as source_line
        from {wide}_long l
        left join {wide}_edu e on e.k0 = l.k0 and e.k1 = l.k1 and e.type_mbo = l.type_mbo and e.k2 = l.k2
             and e.k3 = l.k3
        left join {wide}_inst i on i.name = l.place_key and i.number = l.number_key and i.year = l.year,
             {wide}_constants c
    """)  # noqa: S608 (names from code constants)
    data_rows = con.execute(f"select count(distinct source_line) from {wide}_long").fetchall()[0][0]  # noqa: S608
    return data_rows, first_per_id(education)
