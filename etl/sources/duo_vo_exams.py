"""DUO "Examenkandidaten en geslaagden" (vo): layout, reader and transformation to facts.

The file has one row per school location × programme and, per school year, nine columns:
EXAMENKANDIDATEN / GESLAAGDEN / SLAAGPERC for MAN / VROUW / TOTAAL. Counts from 1 to 4 are published as
"<5"; zero is published as 0. Every field is double-quoted, `;`-separated, UTF-8 without BOM, CRLF.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from etl import rawtext
from etl.checks import Check, accepted_values, count_columns, not_null, relationship, rule, unique
from etl.education import Education
from etl.education.vo import vo_education
from etl.errors import RawFileError
from etl.reference import MunicipalityResolver
from etl.sources import fast_csv
from etl.sources.base import Dataset, FetchTarget
from etl.sources.temp_table import temp_table
from etl.validation import require

if TYPE_CHECKING:  # pandas only on the pandas path (read, to_facts); a build of well-formed files never imports it
    import pandas as pd

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
SUPPRESSED_LOW, SUPPRESSED_HIGH = 1, 4

_YEAR_COLUMN = re.compile(r"^(EXAMENKANDIDATEN|GESLAAGDEN|SLAAGPERC) SCHOOLJAAR (\d{4})-(\d{4}) - (MAN|VROUW|TOTAAL)$")
_COUNT = re.compile(r"^(\d+|<5)$")
_PERCENT = re.compile(r"^(\d+(\.\d+)?)?$")

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
    grain=("vestiging", "education_id", "sex", "school_year"),
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


def periods(header: list[str], path: Path) -> list[str]:
    """The periods (school years) a file covers, from its header alone."""
    return school_years_in(header, path)


def read(path: Path) -> pd.DataFrame:
    """Parse the file into one row per location × programme × sex × school year, values still as text."""
    import pandas as pd

    wide = rawtext.read_csv(path, ";")
    header = list(wide.columns)
    if not recognises(header):
        raise RawFileError(path, "de kopregel is niet die van DUO examenkandidaten vo", 1)
    school_years = school_years_in(header, path)
    wide["source_line"] = wide.index + 2  # header is line 1, records have no embedded newlines
    _require_filled(wide, path)

    parts = []
    for school_year in school_years:
        for sex in SEXES:
            part = wide[[*FIXED_COLUMNS, "source_line"]].copy()
            part["school_year"] = school_year
            part["sex"] = sex.lower()
            for measure in MEASURES:
                column = year_column(measure, school_year, sex)
                pattern = _PERCENT if measure == "SLAAGPERC" else _COUNT
                _require_pattern(wide, column, pattern, path)
                part[measure] = wide[column].str.strip()
            parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _require_filled(wide: pd.DataFrame, path: Path) -> None:
    for column in ("VESTIGINGSCODE", "GEMEENTENAAM", "ONDERWIJSTYPE VO", "OPLEIDINGSNAAM"):
        require(wide, column, wide[column].str.strip() != "", "lege waarde in een verplichte kolom", path)


def _require_pattern(wide: pd.DataFrame, column: str, pattern: re.Pattern[str], path: Path) -> None:
    expected = "een getal met '.' als decimaalteken" if pattern is _PERCENT else "een geheel getal of '<5'"
    require(wide, column, wide[column].str.strip().str.match(pattern), f"verwacht {expected}", path, show_value=True)


def _count_columns(values: pd.Series, prefix: str) -> dict[str, pd.Series]:
    """Value, bounds and suppression flag of a count column: '<5' becomes null with bounds 1..4."""
    import pandas as pd

    suppressed = values == SUPPRESSED
    exact = pd.to_numeric(values.where(~suppressed), errors="raise").astype("Int64")
    return {
        prefix: exact,
        f"{prefix}_low": exact.where(~suppressed, SUPPRESSED_LOW).astype("Int64"),
        f"{prefix}_high": exact.where(~suppressed, SUPPRESSED_HIGH).astype("Int64"),
        f"{prefix}_suppressed": suppressed,
    }


def to_facts(long: pd.DataFrame, path: Path, relative_path: str,
             resolver: MunicipalityResolver) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Map names to CBS codes and programmes to education rows; returns (facts, education)."""
    import pandas as pd

    programmes = long.drop_duplicates(["ONDERWIJSTYPE VO", "OPLEIDINGSNAAM"])
    education = [vo_education(kind, label, path, int(line)) for kind, label, line in
                 programmes[["ONDERWIJSTYPE VO", "OPLEIDINGSNAAM", "source_line"]].itertuples(index=False)]
    education_ids = dict(zip(programmes["ONDERWIJSTYPE VO"] + "\0" + programmes["OPLEIDINGSNAAM"],
                             (e.education_id for e in education), strict=True))

    places = long.drop_duplicates(["GEMEENTENAAM", "school_year"])
    codes = {}
    for name, school_year, line in places[["GEMEENTENAAM", "school_year", "source_line"]].itertuples(index=False):
        code = resolver.resolve(name, int(school_year[:4]))
        if code is None:
            raise RawFileError(
                path,
                f"gemeente '{name}' is onbekend; voeg de naam toe aan etl/reference/region_aliases.csv",
                int(line),
                "GEMEENTENAAM",
            )
        codes[f"{name}\0{school_year}"] = code
    # DUO publishes no separate reference date for exam results: the school year's last day.
    peildata = {y: date(int(y[5:]), 7, 31) for y in long["school_year"].unique()}

    facts = pd.DataFrame(
        {
            "school_year": long["school_year"],
            "brin": long["INSTELLINGSCODE"].str.strip(),
            "vestiging": long["VESTIGINGSCODE"].str.strip(),
            "school_name": long["INSTELLINGSNAAM VESTIGING"].str.strip(),
            "municipality_code": (long["GEMEENTENAAM"] + "\0" + long["school_year"]).map(codes),
            "education_id": (long["ONDERWIJSTYPE VO"] + "\0" + long["OPLEIDINGSNAAM"]).map(education_ids),
            "sex": long["sex"],
            **_count_columns(long["EXAMENKANDIDATEN"], "candidates"),
            **_count_columns(long["GESLAAGDEN"], "passed"),
            "pass_rate": pd.to_numeric(long["SLAAGPERC"].replace("", None)),
            "source_id": DATASET.dataset_id,
            "peildatum": long["school_year"].map(peildata),
            "status": "definitief",
            "source_file": relative_path,
            "source_line": long["source_line"].astype("int32"),
        }
    )
    edu = pd.DataFrame([e.as_row() for e in education], columns=list(Education.__dataclass_fields__))
    return facts, edu


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str, resolver: MunicipalityResolver,
          table: str) -> tuple[int, list[Education]] | None:
    """Fast path of read + to_facts inside DuckDB: temp table `table` with to_facts' rows.

    Returns (data rows, education rows), or None (and the build takes the pandas path, which raises the Dutch
    message) for any file that path would refuse or that the SQL below might read differently; see fast_csv.py.
    """
    header = fast_csv.header_of(path, ";", strip=False)
    if header is None or not recognises(header):
        return None
    try:
        school_years = school_years_in(header, path)
    except RawFileError:
        return None
    wide = f"{table}_wide"
    q = fast_csv.quoted
    # The same rules as read(), with ASCII-only patterns: a value they refuse goes the pandas way.
    rules = [f"pystrip({q(c)}) <> ''" for c in ("VESTIGINGSCODE", "GEMEENTENAAM", "ONDERWIJSTYPE VO",
                                                "OPLEIDINGSNAAM")]
    percent, count = "([0-9]{1,15}(\\.[0-9]{1,15})?)?", "[0-9]{1,18}|<5"
    patterns = {year_column(m, school_year, sex): percent if m == "SLAAGPERC" else count
                for school_year in school_years for sex in SEXES for m in MEASURES}
    records = fast_csv.read_text(con, path, ";", header, wide, rules, patterns)
    if records is None:
        return None
    kind, label, place = q("ONDERWIJSTYPE VO"), q("OPLEIDINGSNAAM"), q("GEMEENTENAAM")
    try:
        programmes = con.execute(f"select {kind}, {label}, min(source_line) from {wide} group by all "  # noqa: S608
                                 "order by 3").fetchall()
        education = [vo_education(k, lab, path, int(line)) for k, lab, line in programmes]
    except RawFileError:
        return None
    codes = []
    for (name,) in con.execute(f"select distinct {place} from {wide}").fetchall():  # noqa: S608
        for school_year in school_years:
            code = resolver.resolve(name, int(school_year[:4]))
            if code is None:
                return None
            codes.append((name, school_year, code))
    temp_table(con, f"{wide}_edu", {"kind": ("varchar", [k for k, _, _ in programmes]),
                                    "label": ("varchar", [lab for _, lab, _ in programmes]),
                                    "education_id": ("varchar", [e.education_id for e in education])})
    temp_table(con, f"{wide}_place", {"name": ("varchar", [c[0] for c in codes]),
                                      "school_year": ("varchar", [c[1] for c in codes]),
                                      "code": ("varchar", [c[2] for c in codes])})
    # Text columns stripped once per record, counts as bigint with '<5' as null (so bounds and the suppressed
    # flag follow from null), one struct per school year × sex; the view unnests them in read()'s order.
    def count(column: str) -> str:
        return f"cast(nullif(pystrip({q(column)}), '<5') as bigint)"

    blocks, measures = [], []
    for school_year in school_years:
        for sex in SEXES:
            c, g, r = (year_column(m, school_year, sex) for m in MEASURES)
            measures.append(f"{{'c': {count(c)}, 'g': {count(g)}, 'r': cast(nullif(pystrip({q(r)}), '') as double)}}")
            blocks.append((school_year, sex.lower()))
    con.execute(f"""
        create or replace temp view {wide}_typed as
        select source_line, pystrip(INSTELLINGSCODE) as brin, pystrip(VESTIGINGSCODE) as vestiging,
               pystrip({q('INSTELLINGSNAAM VESTIGING')}) as school_name, {place} as place, e.education_id,
               [{', '.join(measures)}] as blocks
        from {wide} left join {wide}_edu e on e.kind = {wide}.{kind} and e.label = {wide}.{label}
    """)  # noqa: S608 (identifiers from the recognised header; a view, computed once by the insert that reads it)
    con.execute(f"create or replace temp table {wide}_blocks as select unnest(?::varchar[]) as school_year, "
                "unnest(?::varchar[]) as sex, unnest(range(1, ?)) as i, ?::varchar as source_id, "
                "?::varchar as source_file",
                [[y for y, _ in blocks], [x for _, x in blocks], len(blocks) + 1, DATASET.dataset_id, relative_path])
    con.execute(f"""
        create or replace temp view {table} as
        with long as (
            select t.*, b.school_year, b.sex, t.blocks[b.i] as v, b.source_id, b.source_file
            from {wide}_typed t, {wide}_blocks b
        )
        select long.school_year, brin, vestiging, school_name, p.code as municipality_code, education_id, sex,
               v.c as candidates, coalesce(v.c, 1) as candidates_low, coalesce(v.c, 4) as candidates_high,
               v.c is null as candidates_suppressed,
               v.g as passed, coalesce(v.g, 1) as passed_low, coalesce(v.g, 4) as passed_high,
               v.g is null as passed_suppressed, v.r as pass_rate, source_id,
               make_date(cast(long.school_year[6:] as integer), 7, 31) as peildatum, 'definitief' as status,
               source_file, cast(source_line as integer) as source_line
        from long left join {wide}_place p on p.name = long.place and p.school_year = long.school_year
    """)  # noqa: S608 (identifiers from the recognised header)
    return records, education
