"""Dutch number, percentage and date formatting: 1.234,5 — 12,3% — mrt 2026."""

from __future__ import annotations

import math
from datetime import date, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
UNIT_WORDS = {"share": "aandeel", "count": "aantal", "ratio": "verhouding", "index": "index"}
PERIOD_TYPE_WORDS = {"school_year": "schooljaar", "calendar_year": "kalenderjaar", "quarter": "kwartaal",
                     "month": "maand"}
# Dutch headers for the warehouse's columns wherever a user sees them (Verkenner, downloads). A column missing here
# keeps its name with '_' as a space; *_low, *_high and *_suppressed follow the column they belong to.
COLUMN_LABELS = {
    "indicator": "indicator", "indicator_id": "indicator", "region": "regio", "region_code": "regiocode",
    "region_name": "regio", "period": "periode", "period_type": "soort periode", "period_id": "periode",
    "value": "waarde", "lower": "ondergrens", "upper": "bovengrens", "numerator": "teller",
    "denominator": "noemer", "unit": "eenheid", "source": "bron", "source_id": "bron", "status": "status",
    "code": "code", "name": "naam", "municipality_code": "gemeentecode", "municipality": "gemeente",
    "school_year": "schooljaar", "academic_year": "studiejaar", "calendar_year": "kalenderjaar", "year": "jaar",
    "month": "maand", "quarter": "kwartaal", "start_year": "beginjaar", "peildatum": "peildatum",
    "snapshot_date": "peildatum", "sex": "geslacht", "level": "onderwijsniveau", "niveau": "niveau",
    "is_technical": "techniek", "technical_rule": "regel techniek", "track": "profiel of sector",
    "leerweg": "leerweg", "form": "onderwijsvorm", "ho_type": "hbo of wo", "type_mbo": "soort mbo",
    "diploma_type": "soort diploma", "education_id": "opleiding", "crebo": "crebo", "brin": "brin",
    "vestiging": "vestiging", "school_name": "school", "institution_name": "instelling",
    "institution_municipality_code": "gemeentecode instelling", "home_municipality_code": "gemeentecode woonplaats",
    "home_name": "woongemeente", "place_name": "plaats", "candidates": "examenkandidaten", "passed": "geslaagden",
    "pass_rate": "slagingspercentage", "students": "studenten", "graduates": "gediplomeerden",
    "vacancies": "vacatures", "job_seekers": "werkzoekenden", "occupation_class": "beroepsklasse",
    "occupation_code": "beroepscode", "occupation_name": "beroep", "age_group": "leeftijdsgroep",
    "measure": "maat", "measure_label": "maat", "table_id": "tabel", "is_flevoland": "in Flevoland",
    "subproject_code": "deelprojectcode", "subproject": "deelproject", "kpi_code": "KPI-code", "kpi": "KPI",
    "target_period": "doelperiode", "target_value": "doel", "baseline_value": "nulmeting",
    "baseline_period": "periode nulmeting", "accumulation": "telwijze", "direction": "richting", "kind": "soort",
    "action_code": "actiecode", "milestone_code": "mijlpaalcode", "description": "omschrijving",
    "owner": "eigenaar", "planned_start": "geplande start", "planned_end": "gepland einde",
    "due_date": "deadline", "achieved_date": "behaald op", "start_date": "startdatum", "end_date": "einddatum",
    "comment": "toelichting", "highlights": "hoogtepunten", "risks": "risico's", "technet_circle": "TechNet-kring",
    "lead_organisation": "penvoerder", "upload_id": "upload", "uploaded_at": "geüpload op",
    "uploaded_by": "geüpload door", "is_demo": "demodata", "source_file": "bronbestand",
    "source_line": "regel in bronbestand", "file_name": "bestand", "path": "bestand", "publisher": "uitgever",
    "title": "titel", "licence": "licentie", "url": "bronpagina", "origin_url": "herkomst",
    "retrieved_at": "opgehaald op", "sha256": "sha256", "data_rows": "regels", "valid_from": "geldig vanaf",
    "valid_to": "geldig tot", "parent_code": "bovenliggende code", "successor_code": "opvolger",
    "regio": "regio", "reeks": "reeks",
}
SUFFIX_LABELS = {"_low": " (ondergrens)", "_high": " (bovengrens)", "_suppressed": " (onderdrukt)"}


def column_label(name: str) -> str:
    """A warehouse column's Dutch header: 'school_year' → 'schooljaar', 'students_low' → 'studenten (ondergrens)'."""
    for suffix, words in SUFFIX_LABELS.items():
        if name.endswith(suffix) and name != suffix:
            return column_label(name.removesuffix(suffix)) + words
    if name.startswith("job_seekers_level_"):
        return f"werkzoekenden niveau {name.rsplit('_', 1)[1]}"
    return COLUMN_LABELS.get(name, name.replace("_", " "))


def number(value: float | int | None, decimals: int = 0) -> str:
    """1234.5 → '1.234,5'; None or NaN → '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def percent(share: float | None, decimals: int = 1) -> str:
    """A fraction 0..1 as '12,3%'."""
    return "–" if share is None else f"{number(share * 100, decimals)}%"


def counted(n: int, singular: str, plural: str) -> str:
    """A number with its noun in the right form: '1 fout', '3 fouten', '1.204 uploads'."""
    return f"{number(n)} {singular if n == 1 else plural}"


def count_with_bounds(value: float | None, lower: float | None, upper: float | None) -> str:
    """A count that may include suppressed cells: '12', '<5' for one suppressed cell, '397 (391–403)'."""
    if value is None:
        return "–"
    if lower == upper:
        return number(value)
    if lower == 1 and upper == 4:
        return "<5"
    return f"{number(value)} ({number(lower)}–{number(upper)})"


def month(day: date) -> str:
    """date(2026, 3, 1) → 'mrt 2026'."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def day(value: date | str) -> str:
    """date(2024, 10, 20) or '2024-10-20' → '20 okt 2024'."""
    value = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def moment(iso: str) -> str:
    """An ISO 8601 UTC time as Dutch local time: '2026-11-28T16:55:00+00:00' → '28 nov 2026 17:55'."""
    local = datetime.fromisoformat(iso).astimezone(AMSTERDAM)
    return f"{day(local.date())} {local:%H:%M}"


def indicator_value(unit: str, value: float | None, lower: float | None, upper: float | None) -> str:
    """An indicator value with its bounds: '14,7% (14,4%–15,0%)', '397 (391–403)', '<5', '104,2', or '–'."""
    if value is None:
        return "–"
    if unit == "share":
        if lower == upper:
            return percent(value)
        return f"{percent(value)} ({percent(lower)}–{percent(upper)})"
    if unit == "ratio":
        return number(value, 2) if lower == upper else f"{number(value, 2)} ({number(lower, 2)}–{number(upper, 2)})"
    if unit == "index":
        return number(value, 1) if lower == upper else f"{number(value, 1)} ({number(lower, 1)}–{number(upper, 1)})"
    return count_with_bounds(value, lower, upper)


def kpi_value(value: float | None, unit: str) -> str:
    """A programme KPI in its unit: '27,0%' for a KPI in procent, '1.680' for a count ('–' when missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if is_percent_unit(unit):
        return f"{number(value, 1)}%"
    return number(value, 0 if float(value).is_integer() or abs(value) >= 100 else 1)


def is_percent_unit(unit: str) -> bool:
    """True for a KPI unit that is a percentage ('procent', '%'): its values carry a % sign."""
    return str(unit).strip().lower() in ("procent", "%")


def period_label(period: str) -> str:
    """'2023-2024' → '2023/24' (school year), '2023-Q4' → '4e kw. 2023', '2023-11' → 'nov 2023', '2023' → '2023'."""
    if len(period) == 9 and period[4] == "-":
        return f"{period[:4]}/{period[7:]}"
    if "-Q" in period:
        return f"{period[-1]}e kw. {period[:4]}"
    if len(period) == 7 and period[4] == "-":
        return month(date(int(period[:4]), int(period[5:]), 1))
    return period
