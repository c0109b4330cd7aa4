"""The sheets and columns of the two programme workbooks, declared once as data.

Templates (templates.py) and validation (validate.py) both read these declarations, so a column
added here appears in the template and is checked on upload without further code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ACTION_STATUSES = ("niet gestart", "loopt", "afgerond", "vertraagd", "gestopt")
MILESTONE_STATUSES = ("open", "behaald", "te laat", "vervallen")
KPI_KINDS = ("output", "outcome")
ACCUMULATIONS = ("cumulatief", "incrementeel")
DIRECTIONS = ("hoger is beter", "lager is beter")
# What a signal from the field is about: the one list of kinds (template dropdown, validation, page and docs).
SIGNAL_KINDS = ("tekort aan vaardigheid", "tekort aan stageplaatsen", "tekort aan docenten", "verouderd lesmateriaal",
                "instroom te laag", "anders")
SIGNAL_TEXT_LENGTH = 500  # a signal is a short description; a longer text belongs in the highlights or risks

# Column types: text (free text), code (short identifier), municipality (GM code), number,
# date, month (YYYY-MM), period (target period: 'YYYY', 'YYYY-Qn' or 'YYYY-MM'), choice (one of `allowed`),
# flevoland (a Flevoland municipality by name or CBS code, stored as the code), domain (a technical domain of
# etl/reference/technical_domains.csv by name or id, stored as the id).
TYPES = ("text", "code", "municipality", "number", "date", "month", "period", "choice", "flevoland", "domain")


@dataclass(frozen=True)
class Column:
    """One column of a sheet: Dutch header, warehouse column, type, and whether it must be filled."""

    header: str
    field: str
    type: str
    required: bool = False
    allowed: tuple[str, ...] = ()
    minimum: float | None = None
    help: str = ""
    example: object = None
    list_of: str | None = None  # dropdown: codes from this list (see LISTS in templates.py)
    max_length: int | None = None  # text: at most this many characters


@dataclass(frozen=True)
class Sheet:
    """One data sheet: its name, the warehouse table it fills and the columns that identify a row."""

    name: str
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    help: str = ""
    optional: bool = False  # a workbook without this sheet is still valid (it was added after the first uploads)
    row_field: str | None = None  # keep each row's Excel row number in this column (the grain of the table)

    def column(self, field_name: str) -> Column:
        return next(c for c in self.columns if c.field == field_name)


@dataclass(frozen=True)
class WorkbookLayout:
    """A workbook kind: the data sheets in order."""

    kind: str
    title: str
    sheets: tuple[Sheet, ...]
    help: str = ""
    extra: dict = field(default_factory=dict)

    def sheet(self, name: str) -> Sheet:
        return next(s for s in self.sheets if s.name == name)


# Example rows use codes starting with 'VB' and texts starting with 'Voorbeeld:', so a template's example row left
# unchanged is unmistakable: validation skips it with a warning instead of reading it as data.
_SUBPROJECT = Column("Deelproject", "subproject_code", "code", True, help="code uit het blad Deelprojecten",
                     example="VB", list_of="subprojects")

PLAN = WorkbookLayout("plan", "Plan van aanpak", (
    Sheet("Deelprojecten", "subproject", (
        Column("Code", "subproject_code", "code", True, help="korte unieke code, bv. ALM", example="VB"),
        Column("Naam", "name", "text", True, example="Voorbeeld: Techniek Almere"),
        Column("Gemeente", "municipality_code", "municipality", True, help="CBS-code, bv. GM0034", example="GM0034"),
        Column("TechNet-kring", "technet_circle", "text", example="TechNet Flevoland"),
        Column("Penvoerder", "lead_organisation", "text", example="Demo Stichting Techniek"),
        Column("Startdatum", "start_date", "date", True, example="2025-01-01"),
        Column("Einddatum", "end_date", "date", True, example="2027-12-31"),
    ), ("subproject_code",), "Eén rij per deelproject."),
    Sheet("Acties", "action", (
        _SUBPROJECT,
        Column("Code", "action_code", "code", True, help="uniek binnen het deelproject, bv. A1", example="VB-A1"),
        Column("Omschrijving", "description", "text", True, example="Voorbeeld: techniekdagen op alle vmbo-scholen"),
        Column("Eigenaar", "owner", "text", example="Demo Projectleider"),
        Column("Geplande start", "planned_start", "date", example="2025-02-01"),
        Column("Gepland einde", "planned_end", "date", example="2025-06-30"),
        Column("Status", "status", "choice", True, ACTION_STATUSES, example="loopt"),
    ), ("subproject_code", "action_code"), "Eén rij per actie van een deelproject."),
    Sheet("Mijlpalen", "milestone", (
        _SUBPROJECT,
        Column("Code", "milestone_code", "code", True, help="uniek binnen het deelproject, bv. M1", example="VB-M1"),
        Column("Omschrijving", "description", "text", True, example="Voorbeeld: convenant met tien bedrijven getekend"),
        Column("Deadline", "due_date", "date", True, example="2025-09-30"),
        Column("Behaald op", "achieved_date", "date"),
        Column("Status", "status", "choice", True, MILESTONE_STATUSES, example="open"),
    ), ("subproject_code", "milestone_code"), "Eén rij per mijlpaal van een deelproject."),
    Sheet("KPI's", "kpi", (
        Column("Code", "kpi_code", "code", True, help="korte unieke code, bv. LLN", example="VB-LLN"),
        Column("Naam", "name", "text", True, example="Voorbeeld: leerlingen bereikt"),
        Column("Eenheid", "unit", "text", True, example="leerlingen"),
        Column("Soort", "kind", "choice", True, KPI_KINDS, example="output"),
        Column("Telwijze", "accumulation", "choice", True, ACCUMULATIONS,
               help="cumulatief: stand tot en met de maand; incrementeel: alleen deze maand", example="cumulatief"),
        Column("Richting", "direction", "choice", True, DIRECTIONS, example="hoger is beter"),
        Column("Nulmeting", "baseline_value", "number", minimum=0, example=0),
        Column("Periode nulmeting", "baseline_period", "period", help="bv. 2024 of 2024-12", example="2024"),
        Column("Indicator", "indicator_id", "code",
               help="optioneel: id van een publieke indicator, bv. vmbo_tech_share"),
    ), ("kpi_code",), "Eén rij per KPI (geldt voor alle deelprojecten)."),
    Sheet("Doelen", "kpi_target", (
        _SUBPROJECT,
        Column("KPI", "kpi_code", "code", True, help="code uit het blad KPI's", example="VB-LLN", list_of="kpis"),
        Column("Periode", "target_period", "period", True, help="jaar (2026), kwartaal (2026-Q4) of maand (2026-12)",
               example="2025"),
        Column("Doelwaarde", "target_value", "number", True, minimum=0, example=1500),
    ), ("subproject_code", "kpi_code", "target_period"), "Eén rij per deelproject × KPI × doelperiode."),
), "Het plan van aanpak van het programma: deelprojecten, acties, mijlpalen, KPI's en doelen.")

MONTHLY = WorkbookLayout("monthly", "Maandrapportage", (
    Sheet("Toelichting", "report_narrative", (
        _SUBPROJECT,
        Column("Maand", "month", "month", True, help="de verslagmaand, bv. 2026-03 of maart 2026", example="2026-03"),
        Column("Hoogtepunten", "highlights", "text", example="Voorbeeld: drie nieuwe bedrijven doen mee."),
        Column("Risico's", "risks", "text", example="Minder docenten beschikbaar in het voorjaar."),
    ), ("subproject_code", "month"), "Precies één rij: het deelproject en de maand van deze rapportage."),
    Sheet("KPI-waarden", "kpi_value", (
        Column("KPI", "kpi_code", "code", True, help="code uit het plan van aanpak", example="VB-LLN", list_of="kpis"),
        Column("Waarde", "value", "number", True, minimum=0,
               help="bij een cumulatieve KPI de stand tot en met de maand", example=350),
        Column("Opmerking", "comment", "text"),
    ), ("kpi_code",), "Eén rij per KPI."),
    Sheet("Mijlpalen", "milestone_update", (
        Column("Mijlpaal", "milestone_code", "code", True, example="VB-M1", list_of="milestones"),
        Column("Status", "status", "choice", True, MILESTONE_STATUSES, example="open"),
        Column("Behaald op", "achieved_date", "date"),
        Column("Opmerking", "comment", "text"),
    ), ("milestone_code",), "Eén rij per mijlpaal van het deelproject."),
    Sheet("Acties", "action_update", (
        Column("Actie", "action_code", "code", True, example="VB-A1", list_of="actions"),
        Column("Status", "status", "choice", True, ACTION_STATUSES, example="loopt"),
        Column("Afgerond op", "achieved_date", "date"),
        Column("Opmerking", "comment", "text"),
    ), ("action_code",), "Eén rij per actie van het deelproject."),
    Sheet("Signalen", "field_signal", (
        Column("Datum", "signal_date", "date", True, help="wanneer het signaal binnenkwam", example="2026-03-10"),
        Column("TechNet-kring", "technet_circle", "text", help="leeg: de kring van het deelproject",
               example="TechNet Almere", list_of="circles"),
        Column("Gemeente", "municipality_code", "flevoland", True,
               help="Flevolandse gemeente waar het signaal over gaat (naam of CBS-code)", example="Almere",
               list_of="municipalities"),
        Column("Domein", "domain_id", "domain", True, help="technisch domein", example="Installatie en energie",
               list_of="domains"),
        Column("Soort", "kind", "choice", True, SIGNAL_KINDS, example="tekort aan stageplaatsen"),
        Column("Omschrijving", "description", "text", True, help=f"kort, hoogstens {SIGNAL_TEXT_LENGTH} tekens",
               example="Voorbeeld: installatiebedrijven vinden te weinig BBL-leerlingen.",
               max_length=SIGNAL_TEXT_LENGTH),
        Column("Actie", "action_code", "code", help="optioneel: de actie uit het plan van aanpak die dit aanpakt",
               example="VB-A1", list_of="actions"),
    ), ("signal_date", "municipality_code", "domain_id", "kind", "description"),
        "Optioneel: één rij per signaal uit het veld (van TechNet-kring, scholen of bedrijven) over de aansluiting "
        "van onderwijs op de arbeidsmarkt.", optional=True, row_field="sheet_row"),
), "De maandrapportage van één deelproject over één maand.")

LAYOUTS = {PLAN.kind: PLAN, MONTHLY.kind: MONTHLY}

# The start of the closing line that counts the issues not listed (validate.py caps the list; commands.py counts).
MORE_ISSUES = "En nog"

# Sheets a workbook may contain besides its data sheets; they are not read.
AUXILIARY_SHEETS = ("Instructie", "Lijsten")

# Key columns of every warehouse table the workbooks fill (a monthly report's rows also carry subproject and month).
TABLE_KEYS = {
    "subproject": ("subproject_code",),
    "action": ("subproject_code", "action_code"),
    "milestone": ("subproject_code", "milestone_code"),
    "kpi": ("kpi_code",),
    "kpi_target": ("subproject_code", "kpi_code", "target_period"),
    "report_narrative": ("subproject_code", "month"),
    "kpi_value": ("subproject_code", "kpi_code", "month"),
    "milestone_update": ("subproject_code", "milestone_code", "month"),
    "action_update": ("subproject_code", "action_code", "month"),
    "field_signal": ("subproject_code", "month", "sheet_row"),
}
PLAN_TABLES = ("subproject", "action", "milestone", "kpi", "kpi_target")
