"""UWV Open Match Data: weekly snapshots of vacancies and job-seekers by occupation and area.

UWV published 181 weekly snapshots (2019-11-26 to 2023-05-16) on data.overheid.nl ("UWV Open Match Data"):
`;`-separated, decimal comma, one row per snapshot date × record type (vacature | werkzoekende) × postcode area
(PC4) × occupation, with the number of records and its split by education level (AANT_OPLNIV_1 to 6).
No real copy is available to this project: the column names below follow the catalogue description
(catalogs/uwv_resources.json: filters beroep, postcodegebied, provincie, rec_type; AANT_OPLNIV_1..6) and
are documented in docs/sources/uwv_open_match.md. A file with another header is not recognised, so the first
real file shows at once what to adapt. `python -m etl fetch --source uwv` finds the files through the CKAN API of
data.overheid.nl (etl/ckan.py); whatever it lands goes through this same reader.

Occupations carry the BRC 2014 beroepsgroep code (4 digits); its first two digits are the beroepsklasse, and
etl/reference/uwv_technical_occupations.csv says which classes count as technical (07 Technische beroepen,
08 ICT beroepen).
"""

from __future__ import annotations

import csv
import functools
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from etl import rawtext, transforms
from etl.checks import Check, accepted_values, not_null, relationship, rule, unique
from etl.dataset import Dataset
from etl.education import Education
from etl.errors import RawFileError
from etl.reading import delimited
from etl.reference import REFERENCE_DIR, MunicipalityResolver

if TYPE_CHECKING:  # requests only when fetching
    import requests

LEVELS = tuple(f"AANT_OPLNIV_{n}" for n in range(1, 7))
COLUMNS = ["PEILDATUM", "REC_TYPE", "PROVINCIE", "GEMEENTE", "POSTCODE", "BEROEP_CODE", "BEROEP", "AANTAL",
           *LEVELS]
OCCUPATIONS_FILE = REFERENCE_DIR / "uwv_technical_occupations.csv"

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$|^(\d{1,2})-(\d{1,2})-(\d{4})$")

DATASET = Dataset(
    dataset_id="uwv_open_match",
    publisher="UWV",
    title="Open Match Data: vacatures en werkzoekenden per beroep en gebied",
    url="https://data.overheid.nl/dataset/uwv-open-match-data",
    licence="CC0",
    period_type="month",
    raw_subdir="uwv/open_match",
    fact_table="fact_uwv_match",
    period_column="month",
)

FETCH_GROUP = "uwv"
# The catalogue (catalogs/uwv_resources.json) holds no file URLs, only this data.overheid.nl (CKAN) dataset id:
# fetch asks CKAN which files the dataset lists (etl/ckan.py).
CKAN_DATASET = "uwv-open-match-data"

_T = DATASET.fact_table
CHECKS: list[Check] = [
    *not_null(_T, "month", "snapshot_date", "municipality_code", "occupation_code", "occupation_class",
              "is_technical", "vacancies", "job_seekers", "source_id", "peildatum", "status"),
    unique(_T, *DATASET.grain),
    accepted_values(_T, "status", ["definitief", "voorlopig"]),
    accepted_values(_T, "occupation_class", [f"{n:02d}" for n in range(1, 14)]),
    relationship(_T, "municipality_code", "region", "code"),
    relationship(_T, "month", "period", "period_id"),
    relationship(_T, "source_id", "source", "source_id"),
    rule(_T, "aantallen niet negatief", "vacancies < 0 or job_seekers < 0", "vacancies", "job_seekers"),
    rule(_T, "peildatum valt in de maand", "strftime(snapshot_date, '%Y-%m') <> month", "snapshot_date", "month"),
    rule(_T, "opleidingsniveaus tellen op tot hooguit het aantal werkzoekenden",
         "job_seekers_level_1 + job_seekers_level_2 + job_seekers_level_3 + job_seekers_level_4 "
         "+ job_seekers_level_5 + job_seekers_level_6 > job_seekers + 0.001", "job_seekers"),
    # Row-count sanity: a snapshot with far fewer rows than the average is a truncated or broken file.
    rule(_T, "elke peildatum heeft minstens half zoveel rijen als het gemiddelde",
         "snapshot_date in (select snapshot_date from fact_uwv_match group by snapshot_date having count(*) < "
         "0.5 * (select count(*) / count(distinct snapshot_date) from fact_uwv_match))", "snapshot_date"),
]


def fetch(http: requests.Session, raw_dir: Path, since: int | None = None, force: bool = False,
          progress: bool = True) -> list[Path]:
    """Land the dataset's CSV files (and the CSVs inside its ZIPs) under data/raw/uwv/open_match/ with manifests."""
    from etl import ckan  # imports requests, which a build never needs

    return ckan.fetch_dataset(http, Path(raw_dir), CKAN_DATASET, FETCH_GROUP, DATASET.raw_subdir,
                         "UWV Open Match Data", since=since, force=force, progress=progress)


def recognises(header: list[str]) -> bool:
    """True when the header is the Open Match Data layout."""
    return header == COLUMNS


def parse_date(text: str) -> date | None:
    """A 'jjjj-mm-dd' or 'd-m-jjjj' date (surrounding whitespace ignored, ASCII digits only); None if it is neither
    or not a real day. Discovery (periods) and stage both read PEILDATUM with it."""
    match = _DATE.match(text.strip())
    if match is None or not text.strip().isascii():
        return None
    year, month, day = match.group(1, 2, 3) if match.group(1) else match.group(6, 5, 4)
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _snapshot_dates(path: Path) -> list[date]:
    """The distinct snapshot dates in the file (discovery asks twice: periods and edition key; read once)."""
    stat = path.stat()
    return _snapshot_dates_of(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _snapshot_dates_of(path: Path, mtime_ns: int, size: int) -> list[date]:
    del mtime_ns, size  # cache key only: a changed file is read again
    try:  # DuckDB reads the one column without holding the GIL, while other files are discovered
        texts = duckdb.connect().execute(
            "select distinct PEILDATUM from read_csv(?, delim = ';', header = true, columns = ?, quote = '\"', "
            "escape = '\"', auto_detect = false, null_padding = true)",
            [str(path), dict.fromkeys(COLUMNS, "varchar")]).fetchall()
    except duckdb.Error as exc:
        raise rawtext.csv_error(path, ";", exc) from exc
    return sorted({d for (text,) in texts if (d := parse_date(text or "")) is not None})


def periods(header: list[str], path: Path) -> list[str]:
    """The months of the snapshots in the file (the PEILDATUM column only)."""
    return sorted({f"{d:%Y-%m}" for d in _snapshot_dates(path)})


def edition_key(header: list[str], path: Path) -> str:
    """Weekly files of one month must not compete for that month: each snapshot range is its own edition."""
    dates = _snapshot_dates(path)
    return f"{dates[0]:%Y-%m-%d}..{dates[-1]:%Y-%m-%d}" if dates else ""


def occupation_classes() -> dict[str, bool]:
    """BRC 2014 beroepsklasse code → technical? (the rule in etl/reference/uwv_technical_occupations.csv)."""
    with OCCUPATIONS_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["beroepsklasse_code"]: row["is_technical"] == "true" for row in csv.DictReader(handle)}


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str,
          resolver: MunicipalityResolver) -> tuple[int, list[Education]]:
    """Read the file inside DuckDB into view `staged`: one row per snapshot × municipality × occupation.

    Returns (data rows, no education rows); raises RawFileError naming the file, line and column for anything
    wrong: an unreadable record or value (delimited.read_text), a day that does not exist, an unknown municipality.
    """
    header = delimited.header_of(path, ";", strip=False)
    if header != COLUMNS:
        missing = [c for c in COLUMNS if c not in header]
        raise RawFileError(path, "de kopregel is niet die van UWV Open Match Data; verwacht: " + ";".join(COLUMNS),
                           1, missing[0] if missing else None)
    classes = occupation_classes()
    known = ", ".join("'" + code.replace("'", "''") + "'" for code in classes)
    # Each rule first tests the value as written and strips it only when that test fails: a CASE evaluates its
    # ELSE for those rows only (an OR inside check_rules' coalesce would strip every value; ~40 % of the checks' time).
    rules = [("case when REC_TYPE in ('VACATURE', 'WERKZOEKENDE') then true "
              "else upper(pystrip(REC_TYPE)) in ('VACATURE', 'WERKZOEKENDE') end", "REC_TYPE",
              "verwacht VACATURE of WERKZOEKENDE"),
             ("case when GEMEENTE not like ' %' then GEMEENTE <> '' else pystrip(GEMEENTE) <> '' end", "GEMEENTE",
              "verwacht een gemeentenaam"),
             # The class of a well-formed code (a malformed one breaks the pattern below).
             (f"case when substring(BEROEP_CODE, 1, 2) in ({known}) then true "
              f"else not regexp_full_match(pystrip(BEROEP_CODE), '[0-9]{{4}}') "
              f"or pystrip(BEROEP_CODE)[1:2] in ({known}) end",
              "BEROEP_CODE", "de beroepscode valt in geen BRC-beroepsklasse (01-13)")]
    # Counts with at most 9 decimals: the staging SQL reads them as decimal(24, 9), so sums are exact whatever the
    # order.
    number = ("[0-9]{1,15}(,[0-9]{1,9})?", "een getal met ',' als decimaalteken (hooguit 9 decimalen)")
    patterns = {"PEILDATUM": ("[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}",
                              "een datum jjjj-mm-dd of d-m-jjjj"),
                "POSTCODE": ("[0-9]{4}", "een postcodegebied van 4 cijfers"),
                "BEROEP_CODE": ("[0-9]{4}", "een BRC-beroepsgroepcode van 4 cijfers"),
                **dict.fromkeys(("AANTAL", *LEVELS), number)}
    records = delimited.read_text(con, path, ";", header, "raw_records", rules, patterns)
    found = transforms.lookup(con, "uwv_open_match").fetchall()  # the dates, then the municipalities per year
    for text, _, name, line in found:
        if name is None and parse_date(text) is None:
            raise RawFileError(path, f"deze dag bestaat niet; verwacht een datum jjjj-mm-dd of d-m-jjjj (gevonden: "
                                     f"'{text.strip(' ')}')", int(line), "PEILDATUM")
    codes = [(name, year, resolver.code(name.strip(" "), year, path, line, "GEMEENTE"))
             for _, year, name, line in found if name is not None]
    delimited.temp_table(con, "raw_places", {"name": "varchar", "year": "integer", "code": "varchar"}, codes)
    transforms.stage(con, "uwv_open_match", dates=[text for text, _, name, _ in found if name is None],
                     technical_classes=[code for code, technical in classes.items() if technical],
                     source_id=DATASET.dataset_id, source_file=relative_path)
    return records, []
