"""The CBS StatLine tables the monitor fetches: one list, so an analyst can add a table with one line.

Dimensions, measures and the archived flag were looked up in catalogs/cbs_datasets_enriched.json (CBS catalogue
export). `regions` limits RegioS to keys containing these codes (GM = municipalities, PV = provinces, NL = country),
so no request comes near OData v3's cap of 10,000 rows; paging (odata.nextLink or $skip) covers the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

BUNDLE_MARKER = "cbs_odata_v3"  # the first key of a landed bundle; the build recognises the file by it


@dataclass(frozen=True)
class CbsTable:
    """One StatLine table: its id, title, how to filter it, and which indicator or page it feeds."""

    table_id: str
    title: str
    feeds: str
    regions: tuple[str, ...] = ("NL", "PV", "GM")  # RegioS key prefixes to keep
    extra_filter: str = ""  # an additional OData $filter clause (e.g. on Leeftijd), ANDed with the regions
    first_year: int | None = None  # periods before this year are not requested


CBS_TABLES: list[CbsTable] = [
    CbsTable("03759ned", "Bevolking op 1 januari en gemiddeld; geslacht, leeftijd en regio",
             "youth_retention_5y (inwoners 15-19 en 20-24 jaar)", extra_filter="Geslacht eq 'T001038'",
             first_year=2015),  # T001038 = Totaal mannen en vrouwen: a third of the rows
    CbsTable("85701NED", "Leerlingen en studenten; onderwijssoort, woonregio", "deelname per woonregio"),
    CbsTable("85702NED", "Gediplomeerden; onderwijssoort, woonregio", "gediplomeerden per woonregio"),
    CbsTable("86008NED", "Arbeidsdeelname; kerncijfers, gemeente", "arbeidsparticipatie per gemeente"),
    CbsTable("85525NED", "Bevolking; hoogstbehaald onderwijsniveau en regio", "education_level_high_share",
             regions=("NL", "LD", "PV")),
]


def table(table_id: str) -> CbsTable:
    """The configured table with this id (case-insensitive)."""
    for entry in CBS_TABLES:
        if entry.table_id.lower() == table_id.lower():
            return entry
    raise KeyError(table_id)


# "CSV voor statistische software" exports of tables without a Perioden dimension do not say which period they
# describe: the period comes from here (table id → calendar year). 50140NED (young adults' health and wellbeing
# by region, the Gezondheidsmonitor Jongvolwassenen) describes 2024: to verify against TableInfos 'Period'.
CODED_CSV_PERIODS: dict[str, str] = {"50140NED": "2024"}
