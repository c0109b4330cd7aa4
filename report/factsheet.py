"""A municipality's factsheet: one A4 page with its pipeline into techniek at every level against Flevoland and
the Netherlands, retention, the labour market and its subproject (docs/report.md)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from report import figures
from report.errors import ReportError
from report.render import Svg
from ui import charts
from ui import format as fmt
from warehouse import connection, programme
from warehouse.catalog import CATALOGUE
from warehouse.indicators import IndicatorValue, compute
from warehouse.regions import Region, find_region

FLEVOLAND, NEDERLAND = "PV24", "NL"
# (level, indicator) rows of the pipeline table; every level from vmbo to hbo/wo, a share and a count each.
PIPELINE = (("vmbo", "vmbo_tech_share"), ("vmbo", "vmbo_tech_candidates"),
            ("havo/vwo", "havo_vwo_nt_share"), ("havo/vwo", "havo_vwo_nt_candidates"),
            ("mbo", "mbo_tech_students"), ("mbo", "mbo_tech_graduates"),
            ("hbo/wo", "ho_tech_share"), ("hbo/wo", "ho_tech_first_years"))
RETENTION = (("Wonen", "youth_retention_5y"), ("Studeren", "mbo_study_in_region"))
LABOUR = (("Werk", "unemployment_rate"), ("Vacatures", "tech_vacancies"), ("Spanning", "tech_tension"),
          ("Diploma's", "tech_graduates_all_levels"))
TRENDS = ("vmbo_tech_share", "havo_vwo_nt_share")  # drawn against Flevoland and Nederland, as on Aanbod
# Short names for one line in a narrow column; the full names and definitions are in docs/indicators.md.
SHORT = {"vmbo_tech_share": "aandeel examenkandidaten in techniek", "vmbo_tech_candidates": "examenkandidaten techniek",
         "havo_vwo_nt_share": "aandeel examenkandidaten met N&T", "havo_vwo_nt_candidates": "examenkandidaten met N&T",
         "mbo_tech_students": "studenten in techniek", "mbo_tech_graduates": "gediplomeerden in techniek",
         "ho_tech_share": "aandeel eerstejaars in techniek", "ho_tech_first_years": "eerstejaars in techniek",
         "youth_retention_5y": "inwoners van 20–24 per 15–19 vijf jaar eerder",
         "mbo_study_in_region": "mbo-studenten die in de eigen provincie studeren",
         "unemployment_rate": "werkloosheid (beroepsbevolking)", "tech_vacancies": "vacatures technische beroepen",
         "tech_tension": "vacatures per werkzoekende (techniek)",
         "tech_graduates_all_levels": "gediplomeerden techniek mbo, hbo, wo"}
TREND_TITLES = {"vmbo_tech_share": "vmbo: aandeel techniek", "havo_vwo_nt_share": "havo/vwo: aandeel N&T"}


@dataclass
class Row:
    group: str
    name: str
    unit: str
    municipality: str
    flevoland: str
    nederland: str
    period: str
    status: str
    notes: list[int]


@dataclass
class Factsheet:
    region: Region
    made_at: str
    is_demo: bool
    pipeline: list[Row]
    retention: list[Row]
    labour: list[Row]
    trends: list[Svg]
    trend_note: str
    subproject: dict | None
    has_plan: bool
    sources: list[str]
    remarks: list[str]  # rows without a figure for the municipality
    tight: bool = False  # smaller type, when the page would otherwise run onto a second one


def _latest(values: list[IndicatorValue], period: str | None) -> IndicatorValue | None:
    if not values:
        return None
    if period is None:
        return values[-1]
    return next((v for v in values if v.period == period), None)


def _series(con: duckdb.DuckDBPyConnection, areas: dict[str, Region]) -> dict[str, dict[str, list[IndicatorValue]]]:
    """Every indicator of the sheet in each of `areas`, computed on two connections side by side (DuckDB runs a query
    without holding the interpreter lock, so one connection's query runs while the other's values are formatted)."""
    wanted = [i for _, i in (*PIPELINE, *RETENTION, *LABOUR) if i in CATALOGUE]
    local, cursors = threading.local(), []

    def one(task: tuple[str, str]) -> list[IndicatorValue]:
        if not hasattr(local, "cursor"):
            local.cursor = connection.cursor(con)
            cursors.append(local.cursor)
        return compute(local.cursor, task[0], areas[task[1]])

    tasks = [(indicator_id, code) for indicator_id in wanted for code in areas]
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(one, tasks))
    finally:
        for cursor in cursors:
            cursor.close()
    series: dict[str, dict[str, list[IndicatorValue]]] = {}
    for (indicator_id, code), values in zip(tasks, results, strict=True):
        series.setdefault(indicator_id, {})[code] = values
    return series


def _row(group: str, indicator_id: str, areas: dict[str, Region], notes: figures.Notes, remarks: list[str],
         series: dict) -> Row | None:
    """The municipality, Flevoland and Nederland (`areas`, by code, the municipality first) in the municipality's
    latest period (Flevoland's when it has none)."""
    if indicator_id not in series:
        return None
    indicator, region = CATALOGUE[indicator_id], next(iter(areas.values()))
    values = series[indicator_id]
    own = _latest(values[region.code], None)
    reference = own or _latest(values[FLEVOLAND], None)
    if reference is None:
        return None
    period = reference.period
    shown = {code: _latest(v, period) for code, v in values.items()}
    if own is None:
        remarks.append(f"{group} · {SHORT.get(indicator_id, indicator.name)}")
    present = [v for v in shown.values() if v is not None]
    return Row(group=group, name=SHORT.get(indicator_id, indicator.name),
               unit=fmt.UNIT_WORDS.get(indicator.unit, indicator.unit),
               municipality=figures.full(shown[region.code]) if own else "–",
               flevoland=figures.full(shown[FLEVOLAND]), nederland=figures.full(shown[NEDERLAND]),
               period=fmt.period_label(period), status=figures.status_words(present), notes=notes.cite_all(present))


def _trend(region: Region, indicator_id: str, values: dict[str, list[IndicatorValue]]) -> Svg | None:
    labels = {region.code: region.name, FLEVOLAND: "Flevoland", NEDERLAND: "Nederland"}
    parts = [figures.frame(values[code], reeks=label) for code, label in labels.items() if values.get(code)]
    if not parts:
        return None
    indicator = CATALOGUE[indicator_id]
    title = TREND_TITLES.get(indicator_id, indicator.name)
    return Svg(charts.trend(pd.concat(parts, ignore_index=True), indicator.unit, title, series="reeks"),
               width=350, height=60)


def _subproject(con: duckdb.DuckDBPyConnection, region: Region, today: date, reports: programme.Reports) -> dict | None:
    if not programme.has_plan(con):
        return None
    projects = programme.subprojects(con)
    projects = projects[projects["municipality_code"] == region.code]
    if projects.empty:
        return None
    project = projects.iloc[0]
    code = project["subproject_code"]
    progress = programme.kpi_progress(con, code, today, reports)
    summary = programme.milestone_summary(con, code, today, reports=reports)
    narrative = programme.narratives(con, code, reports=reports)
    source = programme.provenance(con)
    latest = narrative.iloc[0] if len(narrative) else None
    as_of = today.replace(day=1) - pd.Timedelta(days=1)
    return {
        "name": project["name"], "lead": project["lead_organisation"] or "–",
        "span": f"{fmt.month(project['start_date'])} t/m {fmt.month(project['end_date'])}",
        "as_of": fmt.day(as_of),
        "kpis": [{"name": k.name, "target": fmt.kpi_value(k.target, k.unit),
                  "period": fmt.period_label(k.target_period),
                  "expected": fmt.kpi_value(k.expected, k.unit), "actual": fmt.kpi_value(k.actual, k.unit),
                  "status": k.status} for k in progress.itertuples(index=False)],
        "milestones": (f"Mijlpalen: {summary['behaald']} behaald, {summary['te laat']} te laat, "
                       f"{summary['binnenkort']} met een deadline in de komende drie maanden."),
        "narrative": ({"month": fmt.period_label(latest["month"]), "highlights": latest["highlights"] or "–",
                       "risks": latest["risks"] or "–"} if latest is not None else None),
        "source": (f"Plan van aanpak en maandrapportages t/m "
                   f"{fmt.period_label(source['last_month']) if source['last_month'] else '–'}, "
                   f"{figures.PROGRAMME}{' (demodata)' if source['is_demo'] else ''}; zoals gemeld door de "
                   "projectleiders. " + programme.reports_label(reports).removesuffix(".")),
        "is_demo": bool(source["is_demo"]),
    }


def build(con: duckdb.DuckDBPyConnection, region: Region, today: date | None = None,
          reports: programme.Reports = ()) -> Factsheet:
    """Every figure of the municipality's factsheet, formatted, with its charts being rendered; `reports` as in
    report.voortgang.build (the approved ones by default)."""
    if region.level != "gemeente":
        raise ReportError(f"Een factsheet is er per gemeente; {region.name} ({region.code}) is een {region.level}. "
                          "Kies een gemeentecode, bijvoorbeeld GM0034 (Almere).")
    today = today or date.today()
    notes, remarks = figures.Notes(), []
    areas = {region.code: region, **{code: find_region(con, code) for code in (FLEVOLAND, NEDERLAND)}}
    series = _series(con, areas)
    pipeline = [r for g, i in PIPELINE if (r := _row(g, i, areas, notes, remarks, series))]
    retention = [r for g, i in RETENTION if (r := _row(g, i, areas, notes, remarks, series))]
    labour = [r for g, i in LABOUR if (r := _row(g, i, areas, notes, remarks, series))]
    trends = [svg for i in TRENDS if i in series and (svg := _trend(region, i, series[i]))]
    subproject = _subproject(con, region, today, reports)
    if subproject:
        notes.cite(subproject["source"])
    return Factsheet(
        region=region, made_at=figures.made_at(),
        is_demo=notes.is_demo or bool(subproject and subproject["is_demo"]),
        pipeline=pipeline, retention=retention, labour=labour, trends=trends,
        trend_note=(f"{region.name} tegen Flevoland en Nederland, alle schooljaren in het datawarehouse; de band "
                    "rond een lijn is de marge door onderdrukte kleine aantallen."),
        subproject=subproject, has_plan=programme.has_plan(con), sources=notes.sources, remarks=remarks)
