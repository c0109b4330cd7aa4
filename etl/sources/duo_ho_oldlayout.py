"""DUO's old hbo/wo layout (duo.nl/open_onderwijsdata/images/..., editions up to 2019): shared reader.

Not a dataset module itself (no DATASET): duo_ho_first_years_old.py and duo_ho_graduates_old.py use it.
The files are `;`-separated, unquoted, UTF-8/ASCII, CRLF, one row per institution location × programme × form
(× diploma type) × sex with one count column per year ('2015' … '2019'). GEMEENTENUMMER is the 4-digit CBS
number of the institution's location; CROHO ONDERDEEL is lower case. Between records DUO's export left stray
lines holding only `""`: they are skipped, and the other lines keep their true line numbers.
hbo and wo files have the same header; the level follows from the data (see `row_levels`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from etl.duo_old_csv import STRAY_LINES, records, text_lines
from etl.education import Education, first_per_id
from etl.education.ho import ho_education
from etl.errors import RawFileError
from etl.reference import read_regions
from etl.sources.temp_table import temp_table
from etl.validation import require

if TYPE_CHECKING:  # a build of well-formed files never imports pandas (see `stage`)
    import duckdb
    import pandas as pd

COMMON_START = [
    "PROVINCIE",
    "GEMEENTENUMMER",
    "GEMEENTENAAM",
    "SOORT INSTELLING",
]
INSTITUTION_AND_PROGRAMME = [
    "BRIN NUMMER ACTUEEL",
    "INSTELLINGSNAAM ACTUEEL",
    "CROHO ONDERDEEL",
    "CROHO SUBONDERDEEL",
    "OPLEIDINGSCODE ACTUEEL",
    "OPLEIDINGSNAAM ACTUEEL",
    "OPLEIDINGSVORM",
]
ENROLMENT_COLUMNS = [*COMMON_START, "TYPE HOGER ONDERWIJS", *INSTITUTION_AND_PROGRAMME, "GESLACHT"]
GRADUATE_COLUMNS = [*COMMON_START, *INSTITUTION_AND_PROGRAMME, "SOORT DIPLOMA", "GESLACHT"]
FORMS = {"voltijd onderwijs": "voltijd", "deeltijd onderwijs": "deeltijd", "duaal onderwijs": "duaal"}
SEXES = {"man", "vrouw"}
# CROHO numbering: hbo bachelor 3xxxx, hbo master 4xxxx, associate degree 8xxxx; wo bachelor 5xxxx, master 6xxxx.
CROHO_LEVEL = {"3": "hbo", "4": "hbo", "8": "hbo", "5": "wo", "6": "wo"}
DIPLOMA_LEVEL = {"hbo": "hbo", "wo": "wo"}

_YEAR = re.compile(r"^\d{4}$")
_COUNT = re.compile(r"^[0-9]+$")  # ASCII: pd.to_numeric refuses other digits
_GEMEENTENUMMER = re.compile(r"^\d{4}$")


def recognises(header: list[str], fixed: list[str]) -> bool:
    """True when the header is the fixed columns followed by one or more 4-digit year columns."""
    years = header[len(fixed):]
    return header[: len(fixed)] == fixed and bool(years) and all(_YEAR.match(c) for c in years)


def years_in(header: list[str], fixed: list[str], path: Path) -> list[int]:
    """The years (column headers) of a file, checked to be consecutive."""
    years = [int(c) for c in header[len(fixed):]]
    for previous, (index, year) in zip(years, enumerate(years[1:], start=1), strict=False):
        if year != previous + 1:
            raise RawFileError(path, "de jaarkolommen moeten opeenvolgende jaren zijn", 1, header[len(fixed) + index])
    return years


def academic_year(year: int) -> str:
    """DUO's year Y is the academic year Y/Y+1 (first-years counted on 1 October Y)."""
    return f"{year}-{year + 1}"


def edition_key(header: list[str], path: Path) -> str:
    """'hbo' or 'wo': which of DUO's two files (same header) this is, from its first data line."""
    del header
    for line in text_lines(path)[1:]:
        if line not in STRAY_LINES:
            return "wo" if re.search(r";wo |;(5|6)\d{4};", line) else "hbo"
    return ""


def read_wide(path: Path, fixed: list[str], title: str) -> pd.DataFrame:
    """All data lines as text, with their true line number in `source_line` (stray `""` lines skipped)."""
    lines = text_lines(path)
    header = lines[0].split(";") if lines else []
    if not recognises(header, fixed):
        raise RawFileError(path, f"de kopregel is niet die van {title}", 1)
    years_in(header, fixed, path)
    wide = records(path, lines, header)
    for column in ("GEMEENTENUMMER", "BRIN NUMMER ACTUEEL", "CROHO ONDERDEEL", "OPLEIDINGSCODE ACTUEEL",
                   "OPLEIDINGSVORM", "GESLACHT"):
        require(wide, column, wide[column].str.strip() != "", "lege waarde in een verplichte kolom", path)
    return wide


def to_long(wide: pd.DataFrame, fixed: list[str], path: Path) -> pd.DataFrame:
    """One row per record × year; counts checked to be whole numbers (this layout suppresses nothing)."""
    year_columns = [c for c in wide.columns if c not in fixed and c != "source_line"]
    for column in year_columns:
        values = wide[column].str.strip()
        require(wide, column, values.str.match(_COUNT), "verwacht een geheel getal", path, show_value=True)
    long = wide.melt(id_vars=[*fixed, "source_line"], value_vars=year_columns, var_name="year",
                     value_name="count")
    long["count"] = long["count"].str.strip()
    return long


@lru_cache(maxsize=1)
def _municipality_codes() -> frozenset[str]:
    return frozenset(region.code for region in read_regions() if region.level == "gemeente")


def municipality_codes(long: pd.DataFrame, path: Path) -> pd.Series:
    """GEMEENTENUMMER '0034' → 'GM0034'; the number must be a CBS municipality (current or dissolved)."""
    numbers = long["GEMEENTENUMMER"].str.strip()
    codes = "GM" + numbers
    ok = numbers.str.match(_GEMEENTENUMMER) & codes.isin(_municipality_codes())
    require(long, "GEMEENTENUMMER", ok, "onbekend gemeentenummer; verwacht 4 cijfers van een CBS-gemeente "
             "(zie etl/reference/regions.csv)", path, show_value=True)
    return codes


def row_levels(long: pd.DataFrame, path: Path) -> pd.Series:
    """hbo or wo per row: from SOORT DIPLOMA ('hbo bachelor', 'wo master') or else the CROHO code's first digit."""
    if "SOORT DIPLOMA" in long.columns:
        levels = long["SOORT DIPLOMA"].str.strip().str.split(" ").str[0].map(DIPLOMA_LEVEL)
        require(long, "SOORT DIPLOMA", levels.notna(), "soort diploma moet beginnen met 'hbo' of 'wo'", path,
                 show_value=True)
        return levels
    levels = long["OPLEIDINGSCODE ACTUEEL"].str.strip().str[:1].map(CROHO_LEVEL)
    require(long, "OPLEIDINGSCODE ACTUEEL", levels.notna(), "onbekende CROHO-code; verwacht 5 cijfers beginnend "
             "met 3, 4 of 8 (hbo) of 5 of 6 (wo)", path, show_value=True)
    return levels


def forms_and_sexes(long: pd.DataFrame, path: Path) -> tuple[pd.Series, pd.Series]:
    """OPLEIDINGSVORM → voltijd/deeltijd/duaal and GESLACHT → man/vrouw, unknown values refused."""
    forms = long["OPLEIDINGSVORM"].str.strip().map(FORMS)
    require(long, "OPLEIDINGSVORM", forms.notna(), f"onbekende opleidingsvorm; verwacht {', '.join(FORMS)}", path,
             show_value=True)
    sexes = long["GESLACHT"].str.strip()
    require(long, "GESLACHT", sexes.isin(SEXES), "onbekend geslacht; verwacht man of vrouw", path, show_value=True)
    return forms, sexes


def education(long: pd.DataFrame, levels: pd.Series, path: Path) -> tuple[pd.Series, pd.DataFrame]:
    """The education id per row and the education rows (one per level × onderdeel × subonderdeel × code)."""
    import pandas as pd

    keys = pd.DataFrame({
        "level": levels, "onderdeel": long["CROHO ONDERDEEL"], "sub": long["CROHO SUBONDERDEEL"],
        "code": long["OPLEIDINGSCODE ACTUEEL"], "name": long["OPLEIDINGSNAAM ACTUEEL"],
        "source_line": long["source_line"],
    })
    joined = keys["level"] + "\0" + keys["onderdeel"] + "\0" + keys["sub"] + "\0" + keys["code"]
    programmes = keys.assign(key=joined).drop_duplicates("key")
    rows = {key: ho_education(level, onderdeel, sub, code, name, path, int(line), "CROHO ONDERDEEL")
            for key, level, onderdeel, sub, code, name, line in programmes[
                ["key", "level", "onderdeel", "sub", "code", "name", "source_line"]].itertuples(index=False)}
    ids = joined.map({key: e.education_id for key, e in rows.items()})
    frame = pd.DataFrame([e.as_row() for e in rows.values()], columns=list(Education.__dataclass_fields__))
    return ids, frame.drop_duplicates("education_id")


def exact_counts(values: pd.Series, prefix: str) -> dict[str, pd.Series]:
    """Value, bounds and suppression flag of an exact count column (the old layout suppresses nothing)."""
    import pandas as pd

    exact = pd.to_numeric(values).astype("Int64")
    return {prefix: exact, f"{prefix}_low": exact, f"{prefix}_high": exact,
            f"{prefix}_suppressed": pd.Series(False, index=values.index)}


def first_years_peildatum(year: int) -> date:
    """DUO counts enrolments on 1 October of the academic year."""
    return date(year, 10, 1)


def graduates_peildatum(year: int) -> date:
    """Diplomas awarded in academic year Y/Y+1; DUO gives no reference date, we take its end, 31 August Y+1."""
    return date(year + 1, 8, 31)


def plain_count(value: str) -> bool:
    """ASCII digits that fit an integer column; anything else (other digits, huge numbers) goes the pandas way."""
    return value.isascii() and value.isdigit() and len(value) <= 9


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str, table: str, fixed: list[str],
          prefix: str, text: dict[str, str], constants: dict[str, str],
          peildatum: Callable[[int], date]) -> tuple[int, list[Education]] | None:
    """Fast path of read_wide + to_long + a reader's to_facts, in plain Python: temp view `table` with its facts.

    `prefix` names the count columns, `text` maps further fact columns to the (stripped) file column they copy,
    `constants` gives the columns that hold one value for the whole file, `peildatum` the date of a year.
    Returns (data rows, education rows), or None whenever the pandas path would refuse the file or might read it
    differently (then the build runs that path, which names file, line and column in Dutch).
    Works column by column, each check on the distinct values only: several times faster than row by row.
    """
    try:
        lines = text_lines(path)
    except RawFileError:
        return None
    header = lines[0].split(";")
    if not recognises(header, fixed) or not all(c.isascii() for c in header[len(fixed):]):
        return None
    try:
        years = years_in(header, fixed, path)
    except RawFileError:
        return None
    numbers = [n for n, line in enumerate(lines[1:], start=2) if line not in STRAY_LINES]
    rows = [line.split(";") for line in lines[1:] if line not in STRAY_LINES]
    # education() joins its keys with NUL, so a NUL could merge two programmes there: not guessed here.
    if not rows or {len(row) for row in rows} != {len(header)} or any("\0" in line for line in lines):
        return None
    raw = dict(zip(header, zip(*rows, strict=True), strict=True))
    plain = {column: list(map(str.strip, raw[column])) for column in (
        "GEMEENTENUMMER", "BRIN NUMMER ACTUEEL", "INSTELLINGSNAAM ACTUEEL", "OPLEIDINGSCODE ACTUEEL",
        "OPLEIDINGSVORM", "GESLACHT", *text.values(), *header[len(fixed):])}
    municipalities = {number: f"GM{number}" for number in set(plain["GEMEENTENUMMER"])}
    forms = {form: FORMS.get(form) for form in set(plain["OPLEIDINGSVORM"])}
    if "SOORT DIPLOMA" in fixed:  # graduates: the level follows from the diploma type, else from the CROHO code
        level_of = {v: DIPLOMA_LEVEL.get(v.split(" ")[0]) for v in set(plain["SOORT DIPLOMA"])}
        levels = [level_of[v] for v in plain["SOORT DIPLOMA"]]
    else:
        level_of = {v: CROHO_LEVEL.get(v[:1]) for v in set(plain["OPLEIDINGSCODE ACTUEEL"])}
        levels = [level_of[v] for v in plain["OPLEIDINGSCODE ACTUEEL"]]
    counts = {column: set(plain[column]) for column in header[len(fixed):]}
    if (not all(plain["BRIN NUMMER ACTUEEL"]) or not all(plain["OPLEIDINGSCODE ACTUEEL"])
            or any(len(n) != 4 or code not in _municipality_codes() for n, code in municipalities.items())
            or None in forms.values() or not set(plain["GESLACHT"]) <= SEXES or None in level_of.values()
            or not all(plain_count(value) for values in counts.values() for value in values)):
        return None
    keys = list(zip(levels, raw["CROHO ONDERDEEL"], raw["CROHO SUBONDERDEEL"], raw["OPLEIDINGSCODE ACTUEEL"],
                    strict=True))
    first_name = dict(zip(reversed(keys), reversed(raw["OPLEIDINGSNAAM ACTUEEL"]), strict=True))  # first wins
    try:  # in order of first appearance, as education() meets them; the line only matters for an error
        programmes = {key: ho_education(*key, first_name[key], path, 2, "CROHO ONDERDEEL")
                      for key in dict.fromkeys(keys)}
    except RawFileError:
        return None
    ids = {key: programme.education_id for key, programme in programmes.items()}
    columns = {"source_line": ("integer", numbers), "brin": ("varchar", plain["BRIN NUMMER ACTUEEL"]),
               "institution_name": ("varchar", plain["INSTELLINGSNAAM ACTUEEL"]),
               "municipality_code": ("varchar", [municipalities[n] for n in plain["GEMEENTENUMMER"]]),
               "education_id": ("varchar", [ids[key] for key in keys]), "level": ("varchar", levels),
               "form": ("varchar", [forms[f] for f in plain["OPLEIDINGSVORM"]]), "sex": ("varchar", plain["GESLACHT"]),
               **{name: ("varchar", plain[column]) for name, column in text.items()},
               **{f"y{i}": ("integer", list(map(int, plain[column])))
                  for i, column in enumerate(header[len(fixed):], start=1)}}
    temp_table(con, f"{table}_records", columns)
    con.execute(f"create or replace temp table {table}_years as select unnest(?::integer[]) as i, "
                "unnest(?::varchar[]) as academic_year, unnest(?::date[]) as peildatum, ?::varchar as source_file, "
                + ", ".join(f"?::varchar as {n}" for n in constants),
                [list(range(1, len(years) + 1)), [academic_year(y) for y in years], [peildatum(y) for y in years],
                 relative_path, *constants.values()])
    # One row per record × year, as to_long() melts; the old layout suppresses nothing, so bounds = the count.
    count = f"[{', '.join(f'r.y{i}' for i in range(1, len(years) + 1))}][y.i]"
    con.execute(f"""
        create or replace temp view {table} as
        select y.academic_year, {", ".join(f"r.{n}" for n in list(columns)[1:8])}, {", ".join(f"r.{n}" for n in text)},
               {count} as {prefix}, {count} as {prefix}_low, {count} as {prefix}_high,
               false as {prefix}_suppressed, {", ".join(f"y.{n}" for n in constants)}, y.peildatum,
               'definitief' as status, y.source_file, r.source_line
        from {table}_records r, {table}_years y
    """)  # noqa: S608 (names from code)
    return len(rows), first_per_id(programmes.values())
