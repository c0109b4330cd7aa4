"""DUO's current hbo/wo layout on onderwijsdata.duo.nl (CKAN): the "inclusief geslacht" files of three datasets.

First-years, enrolments and graduates differ only in constants (dataset, URLs, header), so they are one definition,
`PortalSource`, with three entries in ENTRIES that the source registry (etl/sources/__init__.py) lists as
duo_ho_first_years, duo_ho_enrolments and duo_ho_graduates (the names of their demo writers and docs). Each shares
its dataset id with the old layout where one exists, so that per academic year the newest edition wins.

Columns as in DUO's catalogue (real-data/catalogs/duo_resources.json): long, `,`-separated, every field
double-quoted, UTF-8, one row per study/diploma year × institution location × onderdeel × subonderdeel × type (or
soort diploma) × sex. STUDIEJAAR / DIPLOMAJAAR is the 4-digit start year of the academic year,
ONDERDEEL is upper case (TECHNIEK), GEMEENTENUMMER a 4-digit text, small counts are published as -1.
This variant has no opleidingscode and no opleidingsvorm: programmes are (sub)onderdelen and form is 'alle'.
hbo and wo files have the same header; the level follows from the data: SOORT_DIPLOMA's prefix for graduates,
else the institution (see WO_INSTITUTIONS).

`stage` reads the file with delimited.read_text (DuckDB) and SQL rules; the first problem stops the build with a
Dutch message naming the file, line and column. It resolves the distinct municipality names and classifies the
distinct programmes into temp tables; the transform is etl/sql/staging/duo_ho_portal_enrolment.sql (first-years,
enrolments) or duo_ho_portal_graduate.sql (graduates): the two fact tables have other columns.
"""

from __future__ import annotations

import csv
from itertools import islice
from pathlib import Path
from typing import ClassVar

import duckdb

from etl import transforms
from etl.checks import Check
from etl.dataset import FetchTarget
from etl.education import Education
from etl.errors import RawFileError
from etl.rawtext import not_utf8
from etl.reading import delimited
from etl.reference import MunicipalityResolver
from etl.sources import duo_ho_oldlayout as old

PLACE = ["PROVINCIENAAM", "GEMEENTENUMMER", "GEMEENTENAAM", "SOORT_INSTELLING"]
INSTITUTION = ["INSTELLINGSCODE_ACTUEEL", "INSTELLINGSNAAM_ACTUEEL", "ONDERDEEL", "SUBONDERDEEL"]


def enrolment_columns(count_column: str) -> list[str]:
    """The header of a first-years or enrolments file with the given count column."""
    return ["STUDIEJAAR", *PLACE, "TYPE_HOGER_ONDERWIJS", *INSTITUTION, "GESLACHT", count_column]


GRADUATE_COLUMNS = ["DIPLOMAJAAR", *PLACE, *INSTITUTION, "SOORT_DIPLOMA", "GESLACHT", "AANTAL_GEDIPLOMEERDEN"]
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


def _rules(columns: list[str]) -> list[delimited.Rule]:
    """What every record must meet: required values filled, a known sex, a diploma type of hbo or wo."""
    rules = [(f"pystrip({delimited.quoted(c)}) <> ''", c, "lege waarde (ontbrekend veld of afgebroken regel?)")
             for c in columns if c not in OPTIONAL]
    rules.append(("lower(pystrip(\"GESLACHT\")) in ('man', 'vrouw')", "GESLACHT",
                  "onbekend geslacht; verwacht man of vrouw"))
    if "SOORT_DIPLOMA" in columns:
        rules.append(("split_part(lower(pystrip(\"SOORT_DIPLOMA\")), ' ', 1) in ('hbo', 'wo')", "SOORT_DIPLOMA",
                      "soort diploma moet beginnen met 'hbo' of 'wo'"))
    return rules


class PortalSource:
    """One portal dataset as an entry of the source registry, with the attributes of a source module."""

    # The fact tables' checks are declared once, by the old layout's entries (duo_ho_oldlayout.py).
    CHECKS: ClassVar[list[Check]] = []

    def __init__(self, name: str, dataset_id: str, title: str, measure: str | None, count_column: str,
                 raw_folder: str, base_url: str, files: dict[str, str]) -> None:
        """`measure` None: a graduates dataset (DIPLOMAJAAR, SOORT_DIPLOMA); else first-years or enrolments."""
        self.__name__ = f"etl.sources.{name}"  # as a module's name: the demo writer and docs go by it
        self.MEASURE = measure
        self.COLUMNS = enrolment_columns(count_column) if measure else GRADUATE_COLUMNS
        self.FILES = files
        self.DATASET = old.ho_dataset(dataset_id, title, base_url + files["hbo"], raw_folder, measure)
        self.FETCH_TARGETS = [FetchTarget("duo", base_url + path, self.DATASET.raw_subdir, path.rsplit("/", 1)[-1])
                              for path in files.values()]

    def __repr__(self) -> str:
        return f"<source {self.__name__}>"

    def recognises(self, header: list[str]) -> bool:
        """True for this dataset's header (hbo and wo share it)."""
        return header == self.COLUMNS

    def periods(self, header: list[str], path: Path) -> list[str]:
        """The academic years in the file's year column (STUDIEJAAR or DIPLOMAJAAR): 2023 is 2023-2024 (the layout
        is long, not wide)."""
        years = {row[0].strip() for row in _records(path)[1:] if row}
        return sorted(old.academic_year(int(y)) for y in years if len(y) == 4 and y.isascii() and y.isdigit())

    def edition_key(self, header: list[str], path: Path) -> str:
        """'hbo' or 'wo' (both files share one header), from the first data row."""
        records = _records(path, 2)
        if len(records) < 2:
            return ""
        row = dict(zip(records[0], records[1], strict=False))
        if "SOORT_DIPLOMA" in row:
            return "wo" if row["SOORT_DIPLOMA"].strip().lower().startswith("wo") else "hbo"
        return "wo" if row.get("INSTELLINGSCODE_ACTUEEL", "").strip() in WO_INSTITUTIONS else "hbo"

    def stage(self, con: duckdb.DuckDBPyConnection, path: Path, relative_path: str,
              resolver: MunicipalityResolver) -> tuple[int, list[Education]]:
        """Temp view `staged` (transforms.stage) with the file's facts, one row per record:
        etl/sql/staging/duo_ho_portal_enrolment.sql or duo_ho_portal_graduate.sql over the records as text, with
        the distinct places resolved and programmes classified here. Returns (data rows, education rows); raises
        RawFileError at the first problem, naming line and column."""
        graduates, columns = self.MEASURE is None, self.COLUMNS
        if delimited.header_of(path, ",") != columns:
            raise RawFileError(path, f"de kopregel is niet die van DUO {self.DATASET.title.lower()} "
                                     "(onderwijsdata.duo.nl)", 1)
        records = delimited.read_text(con, path, ",", columns, "raw_records", _rules(columns), {
            columns[0]: ("[0-9]{4}", "een jaartal (jjjj)"),
            columns[-1]: ("[0-9]{1,9}|-1", "een geheel getal (hoogstens 9 cijfers) of -1 (onderdrukt)")})
        # A programme's level comes from SOORT_DIPLOMA's first word (graduates) or the institution
        # (WO_INSTITUTIONS): the lookup is keyed by it.
        places, found = transforms.lookup(con, "duo_ho_portal").fetchone()
        codes = [(p["name"], p["year"], resolver.code(p["name"].strip(), int(p["year"]), path, p["line"],
                                                      "GEMEENTENAAM")) for p in places]
        levels = [p["key"].strip(" ").lower().split(" ")[0] if graduates
                  else "wo" if p["key"].strip(" ") in WO_INSTITUTIONS else "hbo" for p in found]
        ids, education = old.classify([(level, p["onderdeel"], p["sub"], None, None, p["line"])
                                       for level, p in zip(levels, found, strict=True)], path, "ONDERDEEL")
        delimited.temp_table(con, "raw_places", dict.fromkeys(("name", "year", "code"), "varchar"), codes)
        delimited.temp_table(con, "raw_programmes", dict.fromkeys(("diploma" if graduates else "brin", "onderdeel",
                                                                  "sub", "level", "education_id"), "varchar"),
                             [(p["key"], p["onderdeel"], p["sub"], level, education_id)
                              for p, level, education_id in zip(found, levels, ids, strict=True)])
        measure = {} if graduates else {"measure": self.MEASURE}
        transforms.stage(con, f"duo_ho_portal_{'graduate' if graduates else 'enrolment'}",
                         file={"source_id": self.DATASET.dataset_id, "source_file": relative_path, **measure})
        return records, education


FIRST_YEARS = PortalSource(
    "duo_ho_first_years", "duo_ho_eerstejaars", "Eerstejaars ingeschrevenen hbo en wo", "eerstejaars",
    "AANTAL_EERSTEJAARS_INGESCHREVENEN", "ho_eerstejaars",
    "https://onderwijsdata.duo.nl/dataset/eec8c988-66a6-4b06-9bcf-4038d016f2a1/resource/",
    {"hbo": "5338f63e-af6a-434c-8086-c4584767c3fc/download/eerstejaarsingeschrevenengeslhbo.csv",
     "wo": "2e0a58a1-f7aa-4ed6-9a76-65bc569edcfc/download/eerstejaarsingeschrevenengeslwo.csv"})
ENROLMENTS = PortalSource(
    "duo_ho_enrolments", "duo_ho_ingeschrevenen", "Ingeschrevenen hbo en wo", "ingeschrevenen",
    "AANTAL_INGESCHREVENEN", "ho_ingeschrevenen",
    "https://onderwijsdata.duo.nl/dataset/978f900e-088e-4d27-804f-2d897c161c70/resource/",
    {"hbo": "c454d7e1-b9b1-4460-b9ff-55938c85788e/download/ingeschrevenengeslhbo.csv",
     "wo": "b88721ef-9787-4299-afc7-5d74380d29ba/download/ingeschrevenengeslwo.csv"})
GRADUATES = PortalSource(
    "duo_ho_graduates", "duo_ho_gediplomeerden", "Gediplomeerden hbo en wo", None,
    "AANTAL_GEDIPLOMEERDEN", "ho_gediplomeerden",
    "https://onderwijsdata.duo.nl/dataset/169aef42-1588-4602-b1ac-d06616db788b/resource/",
    {"hbo": "e7b2aabd-1c10-4990-a33c-bf558f02ed12/download/gediplomeerdengeslhbo.csv",
     "wo": "4938e55f-45f5-4f74-a512-baa2db99f5a9/download/gediplomeerdengeslwo.csv"})
ENTRIES = [FIRST_YEARS, ENROLMENTS, GRADUATES]
