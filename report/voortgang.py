"""The steering group's quarterly progress report (voortgangsrapportage): the figures, then the PDF.

Pages, in this order (docs/report.md): cover with the data status; headline indicators; one page per subproject;
effects; appendix with the definition and source of every figure printed. A report on a quarter reads the figures
as they stood at its end: public indicators of periods that had ended by then, monthly reports up to its last
month, KPI progress measured at its last day (for a quarter still running: at the end of the last complete month).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb
import pandas as pd

from report import figures, render
from report.estimates import Estimator
from report.figures import Notes
from report.periods import Quarter
from report.render import Svg
from ui import charts
from ui import format as fmt
from warehouse import headline as headlines_
from warehouse import programme
from warehouse.catalog import CATALOGUE
from warehouse.effects import stored
from warehouse.headline import Headline
from warehouse.indicator import Indicator
from warehouse.periods import ended_by
from warehouse.refreshes import periods_by_source, source_ages
from warehouse.regions import Region
from warehouse.sources import source_citation

STATUS_ORDER = {"achter": 0, "let op": 1, "op koers": 2, "onbekend": 3}
STATUS_SYMBOL = {"op koers": "✓", "let op": "!", "achter": "✗", "onbekend": "?"}
KPI_CHARTS = 3  # KPI charts per subproject page (one row): the running totals that most need attention
REPORT_WORDS = {"ingediend": "ingediend en goedgekeurd", "gecorrigeerd": "gecorrigeerd (vervangen door een "
                "latere goedgekeurde upload)", "ingetrokken": "ingetrokken", "ontbreekt": "ontbreekt"}


@dataclass
class Tile:
    label: str
    name: str
    unit: str
    definition: str
    value: str
    margin: str | None
    period: str
    change: str | None
    previous_period: str | None
    national: str
    meaning: str
    status: str
    source: str
    sparkline: Svg | None
    span: str


@dataclass
class SourceStatus:
    source: str
    latest: str
    status: str
    origin: str


@dataclass
class KpiRow:
    name: str
    unit: str
    period: str
    target: str
    expected: str
    actual: str
    progress: str
    status: str
    symbol: str


@dataclass
class Subproject:
    measured: str
    code: str
    name: str
    municipality: str
    facts: str
    summary: str
    kpis: list[KpiRow]
    charts: list[Svg]
    chart_note: str
    milestones: list[dict[str, str]]
    milestone_summary: str
    actions: list[dict[str, str]]
    reports: list[dict[str, str]]
    completeness: str
    narratives: list[dict[str, str]]


@dataclass
class EffectRow:
    indicator_id: str
    subproject: str
    municipality: str
    outcome: str
    start: str
    did: str
    synth: str
    placebo: str
    pretrend: str
    verdict: str
    sentence: str


@dataclass
class Definition:
    name: str
    code: str
    unit: str
    definition: str
    formula: str
    grain: str
    periods: str
    sources: str
    caveats: list[str]


@dataclass
class Report:
    title: str
    quarter: Quarter
    region: Region
    made_at: str
    is_demo: bool
    demo_note: str
    range_note: str
    data_status: list[SourceStatus]
    programme_status: str | None
    tiles: list[Tile]
    subprojects: list[Subproject]
    no_subprojects: str | None
    effects: list[EffectRow]
    effect_notes: list[str]
    effect_sources: str
    caveats: list[str]
    definitions: list[Definition]
    kpi_definitions: list[dict[str, str]]
    notes: Notes
    rules: list[str] = field(default_factory=list)


def _origin(age) -> str:
    if age.is_demo:
        return "demodata (gegenereerd)"
    return f"opgehaald {fmt.day(age.retrieved_at)}" if age.retrieved_at else "handmatig toegevoegd"


def _tile(item: Headline, notes: Notes) -> Tile:
    latest, previous = item.latest, item.previous
    shown = [v for v in (latest, item.national) if v is not None]
    notes.cite_all(shown)
    sparkline = None
    if len(item.series) > 1:
        sparkline = Svg(charts.sparkline(figures.frame(item.series), item.indicator.unit, height=34), width=150)
    return Tile(
        label=item.label, name=item.indicator.name, unit=item.indicator.unit, definition=item.indicator.definition,
        value=figures.point(latest) if latest else "geen gegevens", margin=figures.margin(latest),
        period=fmt.period_label(latest.period) if latest else "–",
        change=figures.change(item.indicator.unit, item.change),
        previous_period=fmt.period_label(previous.period) if previous else None,
        national=figures.full(item.national), meaning=figures.meaning(item.indicator, latest),
        status=figures.status_words([latest]) if latest else "–",
        source="; ".join(sorted({v.source for v in shown})) if shown else "–",
        sparkline=sparkline, span=_periods_printed(item).replace(" t/m ", "–"))


def _kpi_rows(progress: pd.DataFrame) -> list[KpiRow]:
    rows = []
    for kpi in progress.itertuples(index=False):
        rows.append(KpiRow(
            name=kpi.name, unit=kpi.unit, period=fmt.period_label(kpi.target_period),
            target=fmt.kpi_value(kpi.target, kpi.unit), expected=fmt.kpi_value(kpi.expected, kpi.unit),
            actual=fmt.kpi_value(kpi.actual, kpi.unit),
            progress=fmt.percent(kpi.ratio, 0) if kpi.ratio is not None and pd.notna(kpi.ratio) else "–",
            status=kpi.status, symbol=STATUS_SYMBOL[kpi.status]))
    return rows


def _kpi_charts(detail: dict, progress: pd.DataFrame) -> list[Svg]:
    """The running-total KPIs with at least three reports, those that need attention first (at most KPI_CHARTS)."""
    values = dict(tuple(detail["values"].groupby("kpi_code", sort=False)))
    targets = dict(tuple(detail["targets"].groupby("kpi_code", sort=False)))
    ordered = progress.assign(order=progress["status"].map(STATUS_ORDER)).sort_values(["order", "kpi_code"])
    found = []
    for kpi in ordered.itertuples(index=False):
        own = values.get(kpi.kpi_code)
        if own is None or len(own) < 3 or own["accumulation"].iloc[0] != "cumulatief" or kpi.kpi_code not in targets:
            continue
        chart = charts.kpi_path(own, targets[kpi.kpi_code], own["unit"].iloc[0], kpi.name)
        found.append(Svg(chart, width=230, height=70))
        if len(found) == KPI_CHARTS:
            break
    return found


def _completeness(months: pd.DataFrame, span: str) -> str:
    """'Dit kwartaal: 2 van 3 ingediend (67%), waarvan 1 gecorrigeerd; 1 ontbreekt.' for report_months rows."""
    lead = span[0].upper() + span[1:]
    if months.empty:
        return f"{lead}: nog geen verslagmaanden."
    tally = months["status"].value_counts()
    corrected, withdrawn, missing = (int(tally.get(s, 0)) for s in ("gecorrigeerd", "ingetrokken", "ontbreekt"))
    handed_in = int(tally.get("ingediend", 0)) + corrected
    text = f"{lead}: {handed_in} van {len(months)} ingediend ({fmt.number(handed_in / len(months) * 100)}%)"
    text += f", waarvan {corrected} gecorrigeerd" if corrected else ""
    rest = ([f"{withdrawn} ingetrokken"] if withdrawn else []) + (
        [f"{missing} {'ontbreekt' if missing == 1 else 'ontbreken'}"] if missing else [])
    return text + (f"; {', '.join(rest)}" if rest else "") + "."


def _month_label(month: str) -> str:
    return fmt.period_label(month)


def measuring_day(quarter: Quarter, today: date) -> date:
    """The day KPI progress is measured on: the quarter's last day, or for a quarter still running the end of the
    last complete month (as the pages do: the report on a month is not due before the month has ended)."""
    return min(quarter.end, today.replace(day=1) - timedelta(days=1))


def _subproject(con: duckdb.DuckDBPyConnection, project, quarter: Quarter, measured: date,
                reports: programme.Reports) -> Subproject:
    today = measured + timedelta(days=1)  # programme.kpi_progress measures on the day before the month of `today`
    until = f"{measured:%Y-%m}"
    detail = programme.detail(con, project.subproject_code, today, until, reports)
    progress = detail["progress"]
    counts = progress["status"].value_counts()
    summary = (" · ".join(f"{counts[s]} {s}" for s in STATUS_ORDER if s in counts) if len(progress)
               else "nog geen KPI's met een doel")
    milestones = [{"code": m.milestone_code, "description": m.description, "due": fmt.day(m.due_date),
                   "status": m.status, "achieved": fmt.day(m.achieved_date) if pd.notna(m.achieved_date) else "–"}
                  for m in detail["milestones"].itertuples(index=False)]
    ms = detail["milestone_summary"]
    actions = [{"code": a.action_code, "description": a.description, "owner": a.owner if pd.notna(a.owner) else "–",
                "planned": (f"{fmt.month(a.planned_start)} – {fmt.month(a.planned_end)}"
                            if pd.notna(a.planned_start) and pd.notna(a.planned_end) else "–"),
                "status": a.status, "reported": _month_label(a.reported_in) if isinstance(a.reported_in, str) else "–"}
               for a in detail["actions"].itertuples(index=False)]
    # The quarter and the twelve months up to its end: what the page reports on (report_months reads per month).
    year_before = pd.Timestamp(quarter.end) - pd.DateOffset(months=11)
    first = max(f"{pd.Timestamp(project.start_date):%Y-%m}", f"{year_before:%Y-%m}")
    last = min(until, f"{pd.Timestamp(project.end_date):%Y-%m}")
    months = (programme.report_months(con, project.subproject_code, first, last) if first <= last
              else pd.DataFrame(columns=["month", "status"]))
    in_quarter = months[months["month"].isin(quarter.months)]
    reports = [{"month": _month_label(r.month), "status": REPORT_WORDS[r.status], "missing": r.status == "ontbreekt"}
               for r in in_quarter.itertuples(index=False)]
    completeness = _completeness(in_quarter, "dit kwartaal")
    if len(months) > len(in_quarter):
        year = months.tail(12)
        span = f"{_month_label(year['month'].iloc[0])} t/m {_month_label(year['month'].iloc[-1])}"
        completeness += " " + _completeness(year, f"afgelopen {len(year)} maanden ({span})")
    narratives = [{"month": _month_label(n.month), "highlights": n.highlights or "–", "risks": n.risks or "–"}
                  for n in detail["narratives"].itertuples(index=False) if n.month in quarter.months]
    facts = (f"Gemeente {project.municipality or '–'} · TechNet-kring {project.technet_circle or '–'} · "
             f"penvoerder {project.lead_organisation or '–'} · looptijd {fmt.month(project.start_date)} t/m "
             f"{fmt.month(project.end_date)}")
    return Subproject(
        measured=fmt.day(measured), code=project.subproject_code, name=project.name,
        municipality=project.municipality or "–", facts=facts,
        summary=summary, kpis=_kpi_rows(progress), charts=_kpi_charts(detail, progress),
        chart_note=("gerealiseerd lopend totaal per maand tegen de doelen per doelperiode (ruiten), voor de "
                    f"lopende totalen met minstens drie rapportages (ten hoogste {KPI_CHARTS}, wat aandacht vraagt "
                    "eerst)."),
        milestones=milestones,
        milestone_summary=(f"{ms['behaald']} behaald · {ms['te laat']} te laat · {ms['binnenkort']} met een "
                           f"deadline in de drie maanden na {fmt.day(measured)}"),
        actions=actions, reports=reports, completeness=completeness, narratives=narratives)


def _effects(con: duckdb.DuckDBPyConnection, planned: list[tuple[object, str, int]], answers: list[dict],
             notes: Notes) -> tuple[list[EffectRow], list[str]]:
    """The DiD and synthetic-control estimates per subproject and outcome (warehouse.effects.stored's answers to
    `planned`), with the verdict in words."""
    from warehouse.effects.verdict import verdict

    rows, problems = [], []
    for (project, indicator_id, start), answer in zip(planned, answers, strict=True):
        indicator = CATALOGUE[indicator_id]
        if "panel_error" in answer:
            problems.append(f"{project.name}, {indicator.name}: {answer['panel_error']}")
            continue
        result, error = answer["result"], answer["error"]
        if error or not result or not result.get("did") or result["did"]["ci"] is None:
            problems.append(f"{project.name}, {indicator.name}: {error or 'nog geen schatting mogelijk'}")
            continue
        notes.cite(_citation(con, indicator))
        did, synth = result["did"], result.get("synth")
        sentence = verdict(did["estimate"], did["ci"][0], did["ci"][1])
        rows.append(EffectRow(
            indicator_id=indicator_id, subproject=project.name, municipality=project.municipality,
            outcome=headlines_.HEADLINE.get(indicator_id, indicator.name),
            start=f"{start}/{(start + 1) % 100:02d}", did=_estimate(did), synth=_estimate(synth),
            placebo=fmt.number(did["placebo_p"], 2) if did.get("placebo_p") is not None else "–",
            pretrend=fmt.number(did["pretrend_p"], 2) if did.get("pretrend_p") is not None else "–",
            verdict=sentence.split(":")[0], sentence=sentence.split(":", 1)[1].strip()))
    return rows, problems


def _citation(con: duckdb.DuckDBPyConnection, indicator: Indicator) -> str:
    """The Dutch source line of every dataset an indicator draws on."""
    return "; ".join(source_citation(con, s) for s in indicator.sources)


def _definition(indicator: Indicator, periods: str, sources: str) -> Definition:
    return Definition(name=indicator.name, code=indicator.id, unit=fmt.UNIT_WORDS.get(indicator.unit,
                      indicator.unit), definition=indicator.definition, formula=indicator.formula,
                      grain=indicator.grain, periods=periods, sources=sources, caveats=list(indicator.caveats))


def _estimate(result: dict | None) -> str:
    """'+4,7 (−3,0 tot +9,7)': the estimate and its 95% interval in percentage points."""
    from warehouse.effects.verdict import dutch_number

    if not result or result.get("ci") is None:
        return "–"
    low, high = (dutch_number(b * 100, sign=True) for b in result["ci"])
    return f"{dutch_number(result['estimate'] * 100, sign=True)} ({low} tot {high})"


def _data_status(con: duckdb.DuckDBPyConnection, quarter: Quarter, tiles_values: dict[str, list]) -> list[SourceStatus]:
    """Every source of the warehouse: its latest period ended by the quarter's end, and the status printed."""
    ended = ended_by(con, quarter.end)
    periods = periods_by_source(con)
    statuses: dict[str, set[str]] = {}
    for source_id, values in tiles_values.items():
        statuses.setdefault(source_id, set()).update(v.status for v in values)
    rows = []
    for age in source_ages(con):
        within = sorted(p for p in periods.get(age.source_id, ()) if p in ended)
        status = statuses.get(age.source_id)
        rows.append(SourceStatus(
            source=f"{age.publisher}, {age.title}", latest=fmt.period_label(within[-1]) if within else "–",
            status=" en ".join(sorted(status)) if status else "niet gebruikt", origin=_origin(age)))
    return rows


def build(con: duckdb.DuckDBPyConnection, quarter: Quarter, region: Region, from_year: int | None = None,
          today: date | None = None, reports: programme.Reports = (), estimator: Estimator | None = None) -> Report:
    """Every figure of the report on `quarter` for `region`, formatted, with its charts being rendered.

    `reports`: which monthly reports count (warehouse.programme.Reports); by default the approved ones, as the
    steering group sees them. The effect estimates are those the warehouse stored (warehouse/effects/stored.py); any
    it lacks `estimator` (report.estimates) estimates in a worker process while the subprojects are read, or, without
    one or when it cannot, this process.
    """
    notes = Notes()
    items = headlines_.headlines(con, region.code, from_year, quarter.end)
    tiles = [_tile(item, notes) for item in items]
    by_source: dict[str, list] = {}
    for item in items:
        for value in [v for v in (item.latest, item.national) if v is not None]:
            for source_id in item.indicator.sources:
                by_source.setdefault(source_id, []).append(value)

    projects: list = []
    no_subprojects = None
    programme_status = None
    programme_demo = False
    if programme.has_plan(con):
        listing = programme.subprojects(con)
        if region.level == "gemeente":
            listing = listing[listing["municipality_code"] == region.code]
        projects = list(listing.itertuples(index=False))
        source = programme.provenance(con, quarter.months[-1])  # a report handed in early counts as handed in
        programme_demo = bool(source["is_demo"])
        plan = f" (geüpload {fmt.day(source['plan_uploaded'])})" if source["plan_uploaded"] else ""
        handed_in = (f"{source['reports']} maandrapportages t/m {fmt.period_label(source['last_month'])}"
                     if source["reports"] else "nog geen maandrapportages")
        programme_status = (f"Plan van aanpak{plan} en {handed_in}, {figures.PROGRAMME}"
                            + (" (demodata)" if programme_demo else "") + "; zoals gemeld door de projectleiders. "
                            + programme.reports_label(reports))
        notes.cite(f"Plan van aanpak en maandrapportages, {figures.PROGRAMME}"
                   + (" (demodata)" if programme_demo else ""))
        if not projects:
            no_subprojects = f"{region.name} heeft geen deelproject in het plan van aanpak."
    else:
        no_subprojects = ("Nog geen plan van aanpak geüpload: de voortgang van de deelprojecten komt in dit rapport "
                          "na de eerste upload (pagina Upload of python -m etl upload).")
    measured = measuring_day(quarter, today or date.today())
    planned = stored.planned(con, projects) if projects else []
    tasks = stored.tasks_of(planned)
    answers = stored.stored(con, tasks) if tasks else []  # those the build or the last commit estimated
    missing = [task for task, answer in zip(tasks, answers, strict=True) if answer is None]
    asked = estimator(missing) if missing and estimator is not None else None
    sections = [_subproject(con, project, quarter, measured, reports) for project in projects]
    if missing:
        if asked is not None and not asked.done():
            render.load_printer()  # printing comes next: its import fills the wait for the estimates
        fresh = asked.result() if asked is not None else None
        if fresh is None or len(fresh) != len(missing):
            fresh = stored.answer(con, missing)
        new = iter(fresh)
        answers = [answer if answer is not None else next(new) for answer in answers]
    effects, effect_notes = _effects(con, planned, answers, notes)

    definitions = [_definition(i.indicator, _periods_printed(i), "; ".join(sorted(
        {v.source for v in [*i.series, *([i.national] if i.national else [])]}))) for i in items if i.latest]
    effect_outcomes = list(dict.fromkeys(e.indicator_id for e in effects))
    for indicator_id in effect_outcomes:
        if indicator_id not in [d.code for d in definitions]:
            definitions.append(_definition(CATALOGUE[indicator_id], "alle schooljaren in het datawarehouse "
                                           "(effectschatting)", _citation(con, CATALOGUE[indicator_id])))
    effect_sources = "; ".join(dict.fromkeys(_citation(con, CATALOGUE[i]) for i in effect_outcomes))
    kpi_definitions = []
    if sections:
        for kpi in programme.kpis(con).itertuples(index=False):
            baseline = (f"{fmt.kpi_value(kpi.baseline_value, kpi.unit)} ({fmt.period_label(kpi.baseline_period)})"
                        if pd.notna(kpi.baseline_value) and kpi.baseline_period else "–")
            kpi_definitions.append({
                "name": kpi.name, "code": kpi.kpi_code, "unit": kpi.unit,
                "kind": "output (activiteit)" if kpi.kind == "output" else "uitkomst (effect)",
                "accumulation": "lopend totaal" if kpi.accumulation == "cumulatief" else "per maand",
                "direction": kpi.direction, "baseline": baseline,
                "indicator": CATALOGUE[kpi.indicator_id].name if isinstance(kpi.indicator_id, str)
                and kpi.indicator_id in CATALOGUE else "–"})
    data_status = _data_status(con, quarter, by_source)
    is_demo = notes.is_demo or programme_demo or any(s.origin.startswith("demodata") and
                                                     s.status != "niet gebruikt" for s in data_status)
    range_note = (f"Publieke cijfers: de perioden die uiterlijk {fmt.day(quarter.end)} waren afgelopen"
                  + (f", vanaf {from_year}" if from_year else "") + ". Deelprojecten: maandrapportages t/m "
                  f"{_month_label(min(quarter.months[-1], f'{measured:%Y-%m}'))}; voortgang gemeten op "
                  f"{fmt.day(measured)}."
                  + (f" Het {quarter.label} loopt nog: wat na vandaag valt, ontbreekt nog."
                     if quarter.end >= (today or date.today()) else ""))
    return Report(
        title=f"Voortgangsrapportage {quarter.label}", quarter=quarter, region=region,
        made_at=figures.made_at(), is_demo=is_demo, demo_note=figures.DEMO_NOTE, range_note=range_note,
        data_status=data_status, programme_status=programme_status, tiles=tiles, subprojects=sections,
        no_subprojects=no_subprojects, effects=effects, effect_notes=effect_notes, effect_sources=effect_sources,
        caveats=list(_caveats()) if effects else [], definitions=definitions, kpi_definitions=kpi_definitions,
        notes=notes, rules=_rules(bool(sections), bool(effects)))


def _caveats() -> tuple[str, ...]:
    from warehouse.effects.subproject import CAVEATS

    return CAVEATS


def _periods_printed(item: Headline) -> str:
    if not item.series:
        return "–"
    first, last = item.series[0].period, item.series[-1].period
    return fmt.period_label(first) + ("" if first == last else f" t/m {fmt.period_label(last)}")


def _rules(with_programme: bool, with_effects: bool) -> list[str]:
    rules = [
        "Marges: DUO publiceert aantallen van 1 tot en met 4 als '<5'. Zo'n aantal staat hier als '<5', nooit als "
        "0 of 5; een indicator die zulke cellen bevat krijgt een marge (ondergrens–bovengrens), de puntwaarde "
        "rekent met het midden 2,5.",
        "Status: 'voorlopig' of 'definitief' zoals de bron het cijfer publiceert.",
        "Verandering: het verschil met de vorige periode van dezelfde reeks; bij een aandeel in procentpunten.",
        "Nederland: dezelfde indicator voor heel Nederland in dezelfde periode.",
    ]
    if with_programme:
        rules.append("KPI-telling: bij een lopend totaal is de gemelde waarde het totaal tot en met de maand, bij "
                     "'per maand' de waarde van die maand zelf.")
    if with_programme:
        rules.append(
            f"Verkeerslicht per KPI: 'op koers' vanaf {fmt.number(programme.ON_TRACK * 100)}% van wat volgens het "
            f"doelpad op de peildatum bereikt moest zijn, 'let op' vanaf {fmt.number(programme.WATCH * 100)}%, "
            "anders 'achter'; 'onbekend' zonder rapportage of doel. Het doelpad loopt recht van de nulmeting (bij "
            "een lopend totaal: het vorige doel) naar het doel aan het eind van de doelperiode. Bij een KPI per "
            "maand telt de som van de maanden in de lopende doelperiode; bij 'lager is beter' is de verhouding "
            "omgekeerd.")
    if with_effects:
        rules.append(
            "Effecten: verschil-in-verschillen (DiD) vergelijkt de ontwikkeling van de gemeente van het "
            "deelproject vóór en na de start met die van de 40 meest gelijkende gemeenten buiten Flevoland; de "
            "synthetische controle weegt vergelijkingsgemeenten zo dat ze vóór de start de gemeente volgen. "
            "Interval: 95%, uit placebotoetsen; placebo-p: het aandeel vergelijkingsgemeenten dat, behandeld "
            "alsof het een deelproject had, een minstens zo groot verschil laat zien; pre-trend-p: toets op een "
            "verschil in trend vóór de start. Zie docs/effects.md.")
    return rules
