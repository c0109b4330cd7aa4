"""DUO's current hbo/wo layout on onderwijsdata.duo.nl (CKAN): shared reader for the "inclusief geslacht" files.

Not a dataset module itself (no DATASET): duo_ho_first_years.py, duo_ho_enrolments.py and duo_ho_graduates.py
use it. Columns as in DUO's catalogue (real-data/catalogs/duo_resources.json): long, `,`-separated, every field
double-quoted, UTF-8, one row per study/diploma year × institution location × onderdeel × subonderdeel ×
type (or soort diploma) × sex. STUDIEJAAR / DIPLOMAJAAR is the 4-digit start year of the academic year,
ONDERDEEL is upper case (TECHNIEK), GEMEENTENUMMER a 4-digit text, small counts are published as -1.
This variant has no opleidingscode and no opleidingsvorm: programmes are (sub)onderdelen and form is 'alle'.
hbo and wo files have the same header; the level follows from the data (see `row_levels`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from etl import rawtext
from etl.education import Education, first_per_id
from etl.education.ho import ho_education
from etl.errors import RawFileError
from etl.reference import MunicipalityResolver
from etl.sources import duo_ho_oldlayout as old
from etl.sources.temp_table import temp_table

if TYPE_CHECKING:  # a build of well-formed files never imports pandas (see `stage`)
    import duckdb
    import pandas as pd

PLACE = ["PROVINCIENAAM", "GEMEENTENUMMER", "GEMEENTENAAM", "SOORT_INSTELLING"]
INSTITUTION = ["INSTELLINGSCODE_ACTUEEL", "INSTELLINGSNAAM_ACTUEEL", "ONDERDEEL", "SUBONDERDEEL"]


def enrolment_columns(count_column: str) -> list[str]:
    """The header of a first-years or enrolments file with the given count column."""
    return ["STUDIEJAAR", *PLACE, "TYPE_HOGER_ONDERWIJS", *INSTITUTION, "GESLACHT", count_column]


GRADUATE_COLUMNS = ["DIPLOMAJAAR", *PLACE, *INSTITUTION, "SOORT_DIPLOMA", "GESLACHT", "AANTAL_GEDIPLOMEERDEN"]
SUPPRESSED = "-1"
SUPPRESSED_LOW, SUPPRESSED_HIGH = 1, 4
SEXES = {"man", "vrouw"}
# Universities (wo institutions) by BRIN, from DUO's wo files; any other institution is hbo. A wo programme run
# by an hbo institution (a few joint degrees) is therefore counted as hbo in this layout.
WO_INSTITUTIONS = {"00DV", "21PB", "21PC", "21PD", "21PE", "21PF", "21PG", "21PH", "21PI", "21PJ", "21PK", "21PL",
                   "21PM", "21PN", "21QO", "23BF", "25AV", "27YA"}

_YEAR = re.compile(r"^\d{4}$")
_COUNT = re.compile(r"^([0-9]+|-1)$")  # ASCII: pd.to_numeric refuses other digits


def read_long(path: Path, columns: list[str], title: str) -> pd.DataFrame:
    """The file as text with `source_line`; every field must be filled, counts whole numbers or -1."""
    long = rawtext.read_csv(path, ",", skip_blank_lines=False)
    if list(long.columns) != columns:
        raise RawFileError(path, f"de kopregel is niet die van {title}", 1)
    if long.empty:
        raise RawFileError(path, "het bestand bevat geen gegevensregels; download het opnieuw", 2)
    long["source_line"] = long.index + 2  # header is line 1, fields hold no newlines
    for column in columns:
        if column in ("PROVINCIENAAM", "INSTELLINGSNAAM_ACTUEEL"):
            continue
        _require(long, column, long[column].str.strip() != "", "lege waarde (ontbrekend veld of afgebroken regel?)",
                 path)
    _require(long, columns[0], long[columns[0]].str.strip().str.match(_YEAR), "verwacht een jaartal (jjjj)", path)
    _require(long, columns[-1], long[columns[-1]].str.strip().str.match(_COUNT),
             "verwacht een geheel getal of -1 (onderdrukt)", path)
    return long


def _require(frame: pd.DataFrame, column: str, ok: pd.Series, message: str, path: Path) -> None:
    bad = frame[~ok]
    if len(bad):
        first = bad.iloc[0]
        value = str(first[column]).strip()
        found = f"waarde '{value}'; " if value else ""
        raise RawFileError(path, f"{found}{message} ({len(bad)} regel(s))", int(first["source_line"]), column)


def plain_records(path: Path, columns: list[str], limit: int | None = None) -> list[list[str]] | None:
    """The file's records (the first `limit` if given) split in plain Python, or None when the file is not plainly
    well-formed and so might be read differently than pandas reads it.

    Plain: UTF-8, the header exactly `columns`, every line either all fields double-quoted (no quote inside) or
    no quote at all, with the header's number of fields, and no blank line, lone CR or NUL (the end excepted).
    Then a record's line number is its index + 2, as in read_long().
    """
    with path.open("rb") as handle:  # with a limit, only the lines needed (edition_key reads one record)
        data = handle.read() if limit is None else b"".join(handle.readline() for _ in range(limit + 1))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the newline that ends the last line read
    records = []
    for line in lines:
        line = line.removesuffix("\r")
        if line.startswith('"') and line.endswith('"') and len(line) > 1:
            inner = line[1:-1]
            if inner.count('"') != 2 * inner.count('","'):  # a quote inside a value (count and split agree)
                return None
            fields = inner.split('","')
        elif '"' in line:
            return None
        else:
            fields = line.split(",")
        if len(fields) != len(columns) or "\r" in line or "\0" in line:
            return None
        records.append(fields)
    return records[1:] if records and records[0] == columns else None


def periods(path: Path, columns: list[str]) -> list[str]:
    """The academic years a file covers, from its year column (the layout is long, not wide)."""
    records = plain_records(path, columns)
    if records is None:
        return _pandas_periods(path, columns[0])
    return sorted(old.academic_year(int(y)) for y in {r[0].strip() for r in records} if _YEAR.match(y))


def _pandas_periods(path: Path, year_column: str) -> list[str]:
    """periods() for a file that is not plainly well-formed: pandas reads it as read_long() would, or says why."""
    years = rawtext.read_csv(path, ",", usecols=[year_column])[year_column].str.strip()
    return sorted(old.academic_year(int(y)) for y in years.unique() if _YEAR.match(y))


def edition_key(path: Path, columns: list[str]) -> str:
    """'hbo' or 'wo' (both files share one header), from the first data row."""
    records = plain_records(path, columns, limit=1)
    if records is None:
        return _pandas_edition_key(path)
    if not records:
        return ""
    row = dict(zip(columns, records[0], strict=True))
    if "SOORT_DIPLOMA" in row:
        return "wo" if row["SOORT_DIPLOMA"].strip().lower().startswith("wo") else "hbo"
    return "wo" if row["INSTELLINGSCODE_ACTUEEL"].strip() in WO_INSTITUTIONS else "hbo"


def _pandas_edition_key(path: Path) -> str:
    """edition_key() for a file that is not plainly well-formed, read by pandas."""
    first = rawtext.read_csv(path, ",", nrows=1)
    if first.empty:
        return ""
    row = first.iloc[0]
    if "SOORT_DIPLOMA" in first.columns:
        return "wo" if row["SOORT_DIPLOMA"].strip().lower().startswith("wo") else "hbo"
    return "wo" if row["INSTELLINGSCODE_ACTUEEL"].strip() in WO_INSTITUTIONS else "hbo"


def row_levels(long: pd.DataFrame, path: Path) -> pd.Series:
    """hbo or wo per row: SOORT_DIPLOMA's prefix for graduates, else the institution (see WO_INSTITUTIONS)."""
    if "SOORT_DIPLOMA" in long.columns:
        levels = long["SOORT_DIPLOMA"].str.strip().str.lower().str.split(" ").str[0].map(old.DIPLOMA_LEVEL)
        _require(long, "SOORT_DIPLOMA", levels.notna(), "soort diploma moet beginnen met 'hbo' of 'wo'", path)
        return levels
    brin = long["INSTELLINGSCODE_ACTUEEL"].str.strip()
    return brin.isin(WO_INSTITUTIONS).map({True: "wo", False: "hbo"})


def sexes(long: pd.DataFrame, path: Path) -> pd.Series:
    """GESLACHT in lower case; man or vrouw."""
    values = long["GESLACHT"].str.strip().str.lower()
    _require(long, "GESLACHT", values.isin(SEXES), "onbekend geslacht; verwacht man of vrouw", path)
    return values


def municipality_codes(long: pd.DataFrame, year_column: str, path: Path,
                       resolver: MunicipalityResolver) -> pd.Series:
    """GEMEENTENAAM via the resolver (the year's classification); unknown names stop the build."""
    keys = long["GEMEENTENAAM"].str.strip() + "\0" + long[year_column].str.strip()
    places = long.assign(key=keys).drop_duplicates("key")
    codes = {}
    for key, name, year, line in places[["key", "GEMEENTENAAM", year_column, "source_line"]].itertuples(index=False):
        code = resolver.resolve(name, int(year))
        if code is None:
            raise RawFileError(path, f"gemeente '{name.strip()}' is onbekend; voeg de naam toe aan "
                                     "etl/reference/region_aliases.csv", int(line), "GEMEENTENAAM")
        codes[key] = code
    return keys.map(codes)


def education(long: pd.DataFrame, levels: pd.Series, path: Path) -> tuple[pd.Series, pd.DataFrame]:
    """Education id per row and the education rows: one per level × onderdeel × subonderdeel."""
    import pandas as pd

    keys = levels + "\0" + long["ONDERDEEL"] + "\0" + long["SUBONDERDEEL"]
    programmes = long.assign(level=levels, key=keys).drop_duplicates("key")
    rows = {key: ho_education(level, onderdeel, sub, None, None, path, int(line), "ONDERDEEL")
            for key, level, onderdeel, sub, line in programmes[
                ["key", "level", "ONDERDEEL", "SUBONDERDEEL", "source_line"]].itertuples(index=False)}
    frame = pd.DataFrame([e.as_row() for e in rows.values()], columns=list(Education.__dataclass_fields__))
    return keys.map({key: e.education_id for key, e in rows.items()}), frame.drop_duplicates("education_id")


def counts(values: pd.Series, prefix: str) -> dict[str, pd.Series]:
    """Value, bounds and suppression flag: -1 becomes null with bounds 1..4."""
    import pandas as pd

    values = values.str.strip()
    suppressed = values == SUPPRESSED
    exact = pd.to_numeric(values.where(~suppressed)).astype("Int64")
    return {
        prefix: exact,
        f"{prefix}_low": exact.where(~suppressed, SUPPRESSED_LOW).astype("Int64"),
        f"{prefix}_high": exact.where(~suppressed, SUPPRESSED_HIGH).astype("Int64"),
        f"{prefix}_suppressed": suppressed,
    }


def enrolment_facts(long: pd.DataFrame, path: Path, relative_path: str, resolver: MunicipalityResolver,
                    measure: str, count_column: str, source_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows for fact_ho_enrolment from a first-years or enrolments file; returns (facts, education)."""
    import pandas as pd

    levels = row_levels(long, path)
    education_ids, edu = education(long, levels, path)
    years = long["STUDIEJAAR"].str.strip().astype(int)
    facts = pd.DataFrame({
        "academic_year": years.map(old.academic_year),
        "brin": long["INSTELLINGSCODE_ACTUEEL"].str.strip(),
        "institution_name": long["INSTELLINGSNAAM_ACTUEEL"].str.strip(),
        "municipality_code": municipality_codes(long, "STUDIEJAAR", path, resolver),
        "education_id": education_ids,
        "level": levels,
        "ho_type": long["TYPE_HOGER_ONDERWIJS"].str.strip().str.lower(),
        "form": "alle",
        "sex": sexes(long, path),
        "measure": measure,
        **counts(long[count_column], "students"),
        "source_id": source_id,
        "peildatum": years.map(old.first_years_peildatum),
        "status": "definitief",
        "source_file": relative_path,
        "source_line": long["source_line"].astype("int32"),
    })
    return facts, edu


def graduate_facts(long: pd.DataFrame, path: Path, relative_path: str, resolver: MunicipalityResolver,
                   source_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows for fact_ho_graduate from a graduates file; returns (facts, education)."""
    import pandas as pd

    levels = row_levels(long, path)
    education_ids, edu = education(long, levels, path)
    years = long["DIPLOMAJAAR"].str.strip().astype(int)
    facts = pd.DataFrame({
        "academic_year": years.map(old.academic_year),
        "brin": long["INSTELLINGSCODE_ACTUEEL"].str.strip(),
        "institution_name": long["INSTELLINGSNAAM_ACTUEEL"].str.strip(),
        "municipality_code": municipality_codes(long, "DIPLOMAJAAR", path, resolver),
        "education_id": education_ids,
        "level": levels,
        "form": "alle",
        "diploma_type": long["SOORT_DIPLOMA"].str.strip().str.lower(),
        "sex": sexes(long, path),
        **counts(long["AANTAL_GEDIPLOMEERDEN"], "graduates"),
        "source_id": source_id,
        "peildatum": years.map(old.graduates_peildatum),
        "status": "definitief",
        "source_file": relative_path,
        "source_line": long["source_line"].astype("int32"),
    })
    return facts, edu


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str, resolver: MunicipalityResolver,
          table: str, columns: list[str], prefix: str, text: dict[str, str], constants: dict[str, str],
          peildatum: Callable[[int], date]) -> tuple[int, list[Education]] | None:
    """Fast path of read_long + enrolment_facts/graduate_facts in plain Python: temp view `table` with the facts.

    `prefix` names the count columns, `text` maps further fact columns to the file column they copy (stripped,
    lower case), `constants` gives the columns with one value for the whole file, `peildatum` the date of a year.
    Returns (data rows, education rows), or None whenever the pandas path would refuse the file or might read it
    differently (then the build runs that path, which names file, line and column in Dutch).
    Works column by column, each check on the distinct values only: several times faster than row by row.
    """
    records = plain_records(path, columns)
    if not records:
        return None
    raw = dict(zip(columns, zip(*records, strict=True), strict=True))
    plain = {column: list(map(str.strip, values)) for column, values in raw.items()}
    years, counts = plain[columns[0]], plain[columns[-1]]
    year_of = {y: int(y) for y in set(years) if y.isascii() and y.isdigit() and len(y) == 4}
    count_of = {c: None if c == SUPPRESSED else int(c) for c in set(counts) if c == SUPPRESSED or old.plain_count(c)}
    sexes = list(map(str.lower, plain["GESLACHT"]))
    if "SOORT_DIPLOMA" in raw:  # graduates: the level follows from the diploma type, else from the institution
        level_of = {v: old.DIPLOMA_LEVEL.get(v.lower().split(" ")[0]) for v in set(plain["SOORT_DIPLOMA"])}
        levels = [level_of[v] for v in plain["SOORT_DIPLOMA"]]
    else:
        levels = ["wo" if brin in WO_INSTITUTIONS else "hbo" for brin in plain["INSTELLINGSCODE_ACTUEEL"]]
        level_of = {}
    if (not all(all(plain[c]) for c in columns if c not in ("PROVINCIENAAM", "INSTELLINGSNAAM_ACTUEEL"))
            or len(year_of) < len(set(years)) or len(count_of) < len(set(counts)) or not set(sexes) <= SEXES
            or None in level_of.values()):
        return None
    keys = list(zip(levels, raw["ONDERDEEL"], raw["SUBONDERDEEL"], strict=True))
    places = list(zip(plain["GEMEENTENAAM"], years, strict=True))
    first_name = dict(zip(reversed(places), reversed(raw["GEMEENTENAAM"]), strict=True))  # the first one wins
    try:  # in order of first appearance, as education() meets them; the line only matters for an error
        programmes = {key: ho_education(*key, None, None, path, 2, "ONDERDEEL") for key in dict.fromkeys(keys)}
    except RawFileError:
        return None
    codes = {place: resolver.resolve(name, year_of[place[1]]) for place, name in first_name.items()}
    if None in codes.values():
        return None
    ids = {key: programme.education_id for key, programme in programmes.items()}
    temp_table(con, f"{table}_records", {
            "source_line": ("integer", list(range(2, len(records) + 2))),
            "year": ("integer", [year_of[y] for y in years]),
            "brin": ("varchar", plain["INSTELLINGSCODE_ACTUEEL"]),
            "institution_name": ("varchar", plain["INSTELLINGSNAAM_ACTUEEL"]),
            "municipality_code": ("varchar", [codes[place] for place in places]),
            "education_id": ("varchar", [ids[key] for key in keys]), "level": ("varchar", levels),
            "sex": ("varchar", sexes), prefix: ("integer", [count_of[c] for c in counts]),
            **{name: ("varchar", [v.lower() for v in plain[column]]) for name, column in text.items()}})
    con.execute(f"create or replace temp table {table}_years as select unnest(?::integer[]) as year, "
                "unnest(?::varchar[]) as academic_year, unnest(?::date[]) as peildatum, ?::varchar as source_file, "
                + ", ".join(f"?::varchar as {n}" for n in constants),
                [list(year_of.values()), [old.academic_year(y) for y in year_of.values()],
                 [peildatum(y) for y in year_of.values()], relative_path, *constants.values()])
    # -1 is null with bounds 1..4, as counts() gives; `constants` hold one value for the whole file.
    con.execute(f"""
        create or replace temp view {table} as
        select y.academic_year, r.* exclude (year, source_line), 'alle' as form,
               coalesce(r.{prefix}, {SUPPRESSED_LOW}) as {prefix}_low,
               coalesce(r.{prefix}, {SUPPRESSED_HIGH}) as {prefix}_high, r.{prefix} is null as {prefix}_suppressed,
               y.* exclude (year, academic_year), 'definitief' as status, r.source_line
        from {table}_records r join {table}_years y using (year)
    """)  # noqa: S608 (names from code)
    return len(records), first_per_id(programmes.values())
