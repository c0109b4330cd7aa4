"""DUO's old hbo/wo layout (duo.nl/open_onderwijsdata/images/..., editions up to 2019): first-years and graduates.

The two datasets differ only in constants (dataset, files, fixed columns), so they are one definition,
`OldLayoutSource`, with two entries in ENTRIES that the source registry (etl/sources/__init__.py) lists as
duo_ho_first_years_old and duo_ho_graduates_old (the names of their demo writers, DDL and docs). They declare the
checks of fact_ho_enrolment and fact_ho_graduate for both layouts.

One file per level (03b-eerstejaars-ingeschrevenen-hbo-domein-hbo-2019.csv, 05-gediplomeerden-wo-2019.csv, ...),
same header per dataset: the fixed columns, then one count column per (diploma) year. The files are `;`-separated,
unquoted, UTF-8/ASCII, CRLF, one row per institution location × programme × form (× diploma type) × sex with one
count column per year ('2015' … '2019'). GEMEENTENUMMER is the 4-digit CBS number of the institution's location;
CROHO ONDERDEEL is lower case. Between records DUO's export left stray lines holding only `""`: they are skipped,
and the other lines keep their true line numbers. hbo and wo files have the same header; the level follows from the
data (SOORT DIPLOMA, else the CROHO code).

`stage` reads the file as lines split at `;` (delimited.read_lines) and checks every value with SQL rules; the
first problem stops the build with a Dutch message naming the file, line and column. It classifies the distinct
programmes into a temp table; the transform is etl/sql/staging/duo_ho_oldlayout_enrolment.sql (first-years) or
duo_ho_oldlayout_graduate.sql (graduates): the two fact tables have other columns.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import duckdb

from etl import transforms
from etl.checks import Check, accepted_values, count_columns, not_null, relationship, rule, unique
from etl.dataset import Dataset, FetchTarget
from etl.education import Education, first_per_id
from etl.education.ho import ho_education
from etl.errors import RawFileError
from etl.rawtext import not_utf8
from etl.reading import delimited
from etl.reference import MunicipalityResolver, read_regions

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
# OPLEIDINGSVORM → form: the rules accept the keys, the staging SQL maps them (its case must match).
FORMS = {"voltijd onderwijs": "voltijd", "deeltijd onderwijs": "deeltijd", "duaal onderwijs": "duaal"}
# CROHO numbering: hbo bachelor 3xxxx, hbo master 4xxxx, associate degree 8xxxx; wo bachelor 5xxxx, master 6xxxx.
CROHO_LEVEL = {"3": "hbo", "4": "hbo", "8": "hbo", "5": "wo", "6": "wo"}
REQUIRED = ["GEMEENTENUMMER", "BRIN NUMMER ACTUEEL", "CROHO ONDERDEEL", "OPLEIDINGSCODE ACTUEEL", "OPLEIDINGSVORM",
            "GESLACHT"]
STRAY_LINES = ("", '""')

_YEAR = re.compile(r"^\d{4}$")


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


@lru_cache(maxsize=1)
def _municipality_codes() -> tuple[str, ...]:
    return tuple(sorted(region.code for region in read_regions() if region.level == "gemeente"))


def _rules(header: list[str], fixed: list[str], municipalities: str) -> list[delimited.Rule]:
    """What every record must meet, in the order the columns are checked (`municipalities`: the temp table of
    CBS municipality codes)."""
    q = delimited.quoted
    rules = [(f"pystrip({q(c)}) <> ''", c, "lege waarde in een verplichte kolom") for c in REQUIRED]
    number = 'pystrip("GEMEENTENUMMER")'
    rules.append((f"regexp_full_match({number}, '[0-9]{{4}}') and 'GM' || {number} in "  # noqa: S608 (names)
                  f"(select code from {municipalities})", "GEMEENTENUMMER",
                  "onbekend gemeentenummer; verwacht 4 cijfers van een CBS-gemeente (zie etl/reference/regions.csv)"))
    if "SOORT DIPLOMA" in fixed:
        rules.append(("split_part(pystrip(\"SOORT DIPLOMA\"), ' ', 1) in ('hbo', 'wo')", "SOORT DIPLOMA",
                      "soort diploma moet beginnen met 'hbo' of 'wo'"))
    else:
        rules.append((f"left(pystrip(\"OPLEIDINGSCODE ACTUEEL\"), 1) in ({_list(CROHO_LEVEL)})",
                      "OPLEIDINGSCODE ACTUEEL", "onbekende CROHO-code; verwacht 5 cijfers beginnend met 3, 4 of 8 "
                                                "(hbo) of 5 of 6 (wo)"))
    rules.append((f"pystrip(\"OPLEIDINGSVORM\") in ({_list(FORMS)})", "OPLEIDINGSVORM",
                  f"onbekende opleidingsvorm; verwacht {', '.join(FORMS)}"))
    rules.append(("pystrip(\"GESLACHT\") in ('man', 'vrouw')", "GESLACHT", "onbekend geslacht; verwacht man of vrouw"))
    rules += [(f"regexp_full_match(pystrip({q(c)}), '[0-9]{{1,9}}')", c,
               "verwacht een geheel getal (hoogstens 9 cijfers)")
              for c in header[len(fixed):]]
    return rules


def _list(values: dict[str, str]) -> str:
    """Keys of a constant mapping as a SQL list of strings."""
    return ", ".join(f"'{value}'" for value in values)


def classify(programmes: list[tuple[str, str, str, str | None, str | None, int]], path: Path,
             column: str) -> tuple[list[str], list[Education]]:
    """Education of each programme as a file writes it: (level, onderdeel, subonderdeel, code or None, name or
    None, first line), in order of first line. Returns the education id of each and the education rows (the first
    per id). An unknown onderdeel stops the build at its first line (`column`). Both layouts use it."""
    classified: dict[tuple[str, str, str, str | None], Education] = {}
    ids = []
    for level, onderdeel, sub, code, name, line in programmes:
        key = (level, onderdeel, sub, code)
        if key not in classified:
            classified[key] = ho_education(level, onderdeel, sub, code, name, path, line, column)
        ids.append(classified[key].education_id)
    return ids, first_per_id(classified.values())


BASE_URL = "https://duo.nl/open_onderwijsdata/images/"


def ho_dataset(dataset_id: str, title: str, url: str, raw_folder: str, measure: str | None) -> Dataset:
    """A DUO hbo/wo dataset (either layout): enrolments with a measure, or graduates (`measure` None)."""
    return Dataset(dataset_id=dataset_id, publisher="DUO", title=title, url=url, licence="CC0",
                   period_type="school_year", raw_subdir=f"duo/{raw_folder}",
                   fact_table="fact_ho_enrolment" if measure else "fact_ho_graduate", period_column="academic_year")


def _checks(dataset: Dataset, prefix: str, year_word: str) -> list[Check]:
    """The checks of a fact table of both layouts (hbo/wo enrolments or graduates), declared once here."""
    table = dataset.fact_table
    measure = [accepted_values(table, "measure", ["eerstejaars", "ingeschrevenen"])] if prefix == "students" else []
    return [
        *not_null(table, "academic_year", "brin", "municipality_code", "education_id", *dataset.grain[3:-1],
                  "source_id", "peildatum", "status"),
        unique(table, *dataset.grain),
        accepted_values(table, "sex", ["man", "vrouw", "totaal"]),
        accepted_values(table, "form", ["voltijd", "deeltijd", "duaal", "alle"]),
        *measure,
        accepted_values(table, "status", ["definitief", "voorlopig"]),
        relationship(table, "municipality_code", "region", "code"),
        relationship(table, "education_id", "education", "education_id"),
        relationship(table, "academic_year", "period", "period_id"),
        relationship(table, "source_id", "source", "source_id"),
        *count_columns(table, prefix),
        rule(table, "alleen hbo- en wo-opleidingen",
             "education_id not in (select education_id from education where level in ('hbo', 'wo'))", "education_id"),
        # Row-count sanity per file: a year with far fewer rows than the file's other years means a truncated file.
        rule(table, f"elk {year_word} heeft per bestand minstens half zoveel rijen als het gemiddelde",
             "exists (select 1 from (select source_file, academic_year, count(*) as n, "  # noqa: S608 (constants)
             f"avg(count(*)) over (partition by source_file) as mean from {table} "
             "group by source_file, academic_year) as s "
             f"where s.source_file = {table}.source_file and s.academic_year = {table}.academic_year "
             "and s.n < 0.5 * s.mean)", "academic_year"),
    ]


class OldLayoutSource:
    """One old-layout dataset as an entry of the source registry, with the attributes of a source module."""

    def __init__(self, name: str, dataset_id: str, title: str, measure: str | None, raw_folder: str,
                 files: dict[str, str], last_year: int) -> None:
        """`measure` None: the graduates dataset (SOORT DIPLOMA, diploma years); else first-years."""
        self.__name__ = f"etl.sources.{name}"  # as a module's name: the demo writer, DDL and docs go by it
        self.MEASURE = measure
        self.FIXED_COLUMNS = ENROLMENT_COLUMNS if measure else GRADUATE_COLUMNS
        self.FILES = files
        self.DATASET = ho_dataset(dataset_id, title, BASE_URL + files["hbo"], raw_folder, measure)
        self.FETCH_TARGETS = [FetchTarget("duo", BASE_URL + file, self.DATASET.raw_subdir, file, last_year)
                              for file in files.values()]
        self.CHECKS = _checks(self.DATASET, *(("students", "studiejaar") if measure else ("graduates", "diplomajaar")))

    def __repr__(self) -> str:
        return f"<source {self.__name__}>"

    def recognises(self, header: list[str]) -> bool:
        """True for this dataset's header (hbo and wo share it): the fixed columns, then year columns."""
        return recognises(header, self.FIXED_COLUMNS)

    def periods(self, header: list[str], path: Path) -> list[str]:
        """The academic years the file covers: column '2018' is 2018-2019."""
        return [academic_year(y) for y in years_in(header, self.FIXED_COLUMNS, path)]

    def edition_key(self, header: list[str], path: Path) -> str:
        """'hbo' or 'wo': which of DUO's two files (same header) this is, from its first data line."""
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                next(handle, None)
                for line in handle:
                    line = line.rstrip("\r\n")
                    if line not in STRAY_LINES:
                        return "wo" if re.search(r";wo |;(5|6)\d{4};", line) else "hbo"
        except UnicodeDecodeError:
            raise not_utf8(path, ";") from None
        return ""

    def stage(self, con: duckdb.DuckDBPyConnection, path: Path, relative_path: str,
              resolver: MunicipalityResolver) -> tuple[int, list[Education]]:
        """Temp view `staged` (transforms.stage) with the file's facts, one row per record ×
        year column: etl/sql/staging/duo_ho_oldlayout_enrolment.sql or duo_ho_oldlayout_graduate.sql over the
        records as text, with the distinct programmes classified here (the layout gives the CBS number itself).
        Returns (data rows, education rows); raises RawFileError at the first problem, naming line and column."""
        del resolver  # the layout gives the CBS number itself
        fixed, graduates = self.FIXED_COLUMNS, self.MEASURE is None
        header = delimited.header_of(path, ";")
        if not recognises(header, fixed):
            raise RawFileError(path, f"de kopregel is niet die van DUO {self.DATASET.title.lower()} (oude indeling)", 1)
        years = years_in(header, fixed, path)
        records = delimited.read_lines(con, path, header, "raw_records")
        delimited.temp_table(con, "raw_municipalities", {"code": "varchar"}, [(c,) for c in _municipality_codes()])
        delimited.check_rules(con, path, "raw_records", _rules(header, fixed, "raw_municipalities"), {})
        # The distinct programmes as written, with their level: SOORT DIPLOMA's first word for graduates (so the
        # lookup is keyed by it too), else from the CROHO code's first digit.
        found = transforms.lookup(con, "duo_ho_oldlayout").fetchall()
        levels = [diploma.strip(" ").split(" ")[0] if graduates else CROHO_LEVEL[code.strip(" ")[:1]]
                  for _, _, code, diploma, _, _ in found]
        ids, education = classify([(level, *row[:3], row[4], row[5]) for level, row in zip(levels, found, strict=True)],
                                  path, "CROHO ONDERDEEL")
        delimited.temp_table(con, "raw_programmes", dict.fromkeys(("onderdeel", "sub", "code", "diploma", "level",
                                                                  "education_id"), "varchar"),
                             [(*row[:4], level, education_id) for row, level, education_id in zip(found, levels, ids,
                                                                                                  strict=True)])
        measure = {} if graduates else {"measure": self.MEASURE}
        transforms.stage(con, f"duo_ho_oldlayout_{'graduate' if graduates else 'enrolment'}",
                         file={"source_id": self.DATASET.dataset_id, "source_file": relative_path, **measure,
                               "years": years})
        return records, education


FIRST_YEARS_OLD = OldLayoutSource(
    "duo_ho_first_years_old", "duo_ho_eerstejaars", "Eerstejaars ingeschrevenen hbo en wo", "eerstejaars",
    "ho_eerstejaars-oude-indeling", {"hbo": "03b-eerstejaars-ingeschrevenen-hbo-domein-hbo-2019.csv",
                                     "wo": "03b-eerstejaars-ingeschrevenen-wo-domein-wo-2019.csv"}, 2019)
GRADUATES_OLD = OldLayoutSource(
    "duo_ho_graduates_old", "duo_ho_gediplomeerden", "Gediplomeerden hbo en wo", None,
    "ho_gediplomeerden-oude-indeling", {"hbo": "05-gediplomeerden-hbo-2019.csv", "wo": "05-gediplomeerden-wo-2019.csv"},
    2018)
ENTRIES = [FIRST_YEARS_OLD, GRADUATES_OLD]
