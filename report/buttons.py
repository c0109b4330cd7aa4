"""What the app's PDF buttons offer: label, file name, help, and the function that makes the file on click.

Pure (no streamlit): a page passes these to st.download_button, whose callable `data` runs only when clicked,
so a page never waits for a report it was not asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from report.periods import last_complete
from warehouse.programme import Reports

PDF = "application/pdf"


@dataclass(frozen=True)
class Download:
    """One download button: st.download_button(label, data, file_name=…, mime=PDF, help=…, disabled=…)."""

    label: str
    file_name: str
    help: str
    data: Callable[[], bytes]
    disabled: bool = False


def voortgang(db_path: Path | str, region: str, region_label: str, from_year: int | None, to_year: int | None,
              latest_year: int | None = None, today: date | None = None, reports: Reports = ()) -> Download:
    """The progress report on the last complete quarter, for the filters' region and first year.

    A period filter that ends before the warehouse's `latest_year` moves the report back to that year's last quarter
    (at most); one left at the latest year is no choice, and the report covers the last complete quarter.
    """
    restricted = to_year is not None and latest_year is not None and to_year < latest_year
    quarter = last_complete(today or date.today(), to_year if restricted else None)

    def make() -> bytes:
        from report.make import voortgang_pdf

        return voortgang_pdf(db_path, quarter, region, from_year, today, reports).data

    return Download(
        label=f"Voortgangsrapportage {quarter.label} (PDF)",
        file_name=f"voortgangsrapportage_{quarter.code}_{region}.pdf",
        help=(f"De voortgangsrapportage voor de stuurgroep over het {quarter.label}, voor {region_label}"
              + (f" vanaf {from_year}" if from_year else "") + ": kernindicatoren, de deelprojecten, effecten en "
              "de definities, met de maandrapportages zoals de pagina ze telt. Zelfde bestand als "
              "`python -m report voortgang`" + (" --all-reports." if reports is None else ".")),
        data=make)


def factsheet(db_path: Path | str, region: str, region_label: str, reports: Reports = ()) -> Download:
    """A municipality's one-page factsheet; disabled (with the reason) for a province or the country."""
    municipality = region.upper().startswith("GM")

    def make() -> bytes:
        from report.make import factsheet_pdf

        return factsheet_pdf(db_path, region, reports=reports).data

    return Download(
        label=f"Factsheet {region_label} (PDF)" if municipality else "Factsheet gemeente (PDF)",
        file_name=f"factsheet_{region}.pdf",
        help=(f"Eén A4 over {region_label}: de keten in techniek van vmbo tot hbo/wo naast Flevoland en Nederland, "
              "behoud, arbeidsmarkt en het deelproject. Zelfde bestand als `python -m report factsheet`."
              if municipality else "Kies in de zijbalk een gemeente: een factsheet is er per gemeente."),
        data=make, disabled=not municipality)
