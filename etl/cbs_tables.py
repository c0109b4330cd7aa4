"""The CBS StatLine tables the monitor fetches: one list, so an analyst can add a table with one line.

Dimensions, measures and the archived flag were looked up in catalogs/cbs_datasets_enriched.json (CBS catalogue
export). `regions` limits the region dimension to keys with these codes (GM = municipalities, PV = provinces,
PV24 = Flevoland only, NL = country), so no request comes near OData v3's cap of 10,000 rows; paging
(odata.nextLink or $skip) covers the rest. `api` says through which CBS API the table is fetched: "v3"
(opendata.cbs.nl, the default) or "v4" (datasets.cbs.nl, CBS's newer API: needed for tables only published
there, possible for any table it serves); both land a bundle the build loads into fact_cbs alike
(docs/sources/cbs_statline.md).
"""

from __future__ import annotations

from dataclasses import dataclass

APIS = ("v3", "v4")  # the CBS OData APIs etl/cbs_client.py speaks
# The first key of a landed bundle; the build recognises the file by it. Here, not in cbs_client.py, so that a
# build reads bundles without importing requests.
BUNDLE_MARKER = "cbs_odata_v3"
V4_BUNDLE_MARKER = "cbs_odata_v4"
DIMENSION_TYPES = {"Dimension", "GeoDimension", "TimeDimension", "GeoDetail"}  # v3 DataProperties types


def time_and_geo(dimensions: list[dict]) -> tuple[str | None, str | None]:
    """The identifiers of a v4 table's time dimension and region dimension (by Kind), None when absent."""
    time = next((d["Identifier"] for d in dimensions if d.get("Kind") == "TimeDimension"), None)
    geo = next((d["Identifier"] for d in dimensions if "Geo" in str(d.get("Kind", ""))), None)
    return time, geo


@dataclass(frozen=True)
class CbsTable:
    """One StatLine table: its id, title, how to filter it, and which indicator or page it feeds."""

    table_id: str
    title: str
    feeds: str
    regions: tuple[str, ...] = ("NL", "PV", "GM")  # RegioS key prefixes to keep
    extra_filter: str = ""  # an additional OData $filter clause (e.g. on Leeftijd), ANDed with the regions
    first_year: int | None = None  # periods before this year are not requested
    api: str = "v3"  # "v3" (opendata.cbs.nl) or "v4" (datasets.cbs.nl); extra_filter is in that API's syntax

    def __post_init__(self) -> None:
        if self.api not in APIS:
            raise ValueError(f"CBS-tabel {self.table_id}: api moet een van {', '.join(APIS)} zijn, niet "
                             f"{self.api!r} (etl/cbs_tables.py).")


CBS_TABLES: list[CbsTable] = [
    CbsTable("03759ned", "Bevolking op 1 januari en gemiddeld; geslacht, leeftijd en regio",
             "youth_retention_5y (inwoners 15-19 en 20-24 jaar)", extra_filter="Geslacht eq 'T001038'",
             first_year=2015),  # T001038 = Totaal mannen en vrouwen: a third of the rows
    CbsTable("85701NED", "Leerlingen en studenten; onderwijssoort, woonregio", "deelname per woonregio"),
    CbsTable("85702NED", "Gediplomeerden; onderwijssoort, woonregio", "gediplomeerden per woonregio"),
    CbsTable("86008NED", "Arbeidsdeelname; kerncijfers, gemeente", "arbeidsparticipatie per gemeente"),
    CbsTable("85525NED", "Bevolking; hoogstbehaald onderwijsniveau en regio", "education_level_high_share",
             regions=("NL", "LD", "PV")),
    # Through the newer API (the catalogue export lists it on v3 too; CBS is phasing v3 out): Nederland,
    # Flevoland and every municipality (the comparison group), from 2015.
    CbsTable("86223NED", "Arbeidsmarktsituatie jongeren (15 tot 27 jaar); regio",
             "arbeidspositie jongeren per gemeente (Verkenner)", regions=("NL", "PV24", "GM"), first_year=2015,
             api="v4"),
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
