"""A subproject's effect on its outcome indicators: when it could first work, which outcomes, the estimate, caveats.

Shared by the pages (through ui/data.py) and the progress report (report/), so both show the same estimate.
"""

from __future__ import annotations

from datetime import date

import duckdb

from warehouse.effects.analysis import analyse
from warehouse.effects.panel import Panel, PanelError, load_indicator_panel

# The outcomes the estimators are made for: shares (the verdict speaks of percentage points).
OUTCOMES = ("vmbo_tech_share", "havo_vwo_nt_share")
DEFAULT_OUTCOME = "vmbo_tech_share"
DEFAULT_K = 40  # comparison municipalities, as on the Effecten page's slider and the Deelprojecten page

CAVEATS = (
    "Weinig behandelde eenheden: één gemeente per deelproject. De onzekerheid komt uit placebotoetsen met "
    "vergelijkingsgemeenten, niet uit een steekproef; een klein effect is niet te onderscheiden van toeval.",
    "Gelijktijdige programma's: Regio Deal Noordelijk Flevoland (sinds 2019, Urk en Noordoostpolder) en Sterk "
    "Techniekonderwijs (sinds 2018, landelijk) kunnen hetzelfde effect geven; de schatting kan ze niet scheiden.",
    "Onderdrukte kleine aantallen ('<5') tellen met het midden 2,5; bij kleine gemeenten kan dat de reeks "
    "verschuiven.",
    "Schooljaar en kalenderjaar: de startdatum van een deelproject wordt vertaald naar het eerste schooljaar "
    "waarin het kon doorwerken (start vóór 1 augustus: dat schooljaar, anders het volgende).",
    "Vestigingsplaats van de school, niet de woongemeente van de leerling.",
)


def first_school_year(start: date) -> int:
    """The start year of the first school year a subproject starting on `start` could work in (1 August rule)."""
    return start.year if start.month < 8 else start.year + 1


def outcomes(linked: list[str]) -> list[str]:
    """The estimable outcomes among a subproject's linked indicators, or the default one when it links none."""
    return [i for i in linked if i in OUTCOMES] or [DEFAULT_OUTCOME]


def estimate(con: duckdb.DuckDBPyConnection, indicator_id: str, unit: str, start: int, k: int = DEFAULT_K,
             panel: Panel | None = None) -> tuple[dict | None, dict[str, str], str | None]:
    """(analysis as JSON-ready dict, municipality names, Dutch error) for one treated municipality from `start`.

    `panel`: the indicator's panel when the caller has loaded it already (several municipalities in a row).
    """
    try:
        panel = panel if panel is not None else load_indicator_panel(con, indicator_id)
        return analyse(panel, {unit: start}, k=k).as_dict(), panel.names, None
    except PanelError as exc:
        return None, {}, str(exc)
