"""Demo data for the programme: a plan of action and 24 months of monthly reports, kept as uploads.

The workbooks are written in the exact template layout (etl.workbooks.templates, from layout.py's declarations) and
kept through etl.workbooks.store with demo=True, so `python -m etl build` replays them like real uploads and the
pages label them as demo. Everything follows from the seed and `today`: upload times, zip entry times and document
properties are fixed, so the same (seed, today) gives the same bytes. A few months are missing, three are corrected
by a later upload and one upload is withdrawn, so the pages show gaps, supersedes and a withdrawal. About a third of
the reports carry signals from the field (sheet Signalen), drawn from their own random stream. An uploads
folder that holds any non-demo upload is never touched.
"""

from __future__ import annotations

import random
import re
import shutil
import tempfile
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from etl.workbooks.demomark import mark
from etl.workbooks.layout import MONTHLY, PLAN, WorkbookLayout
from etl.workbooks.references import domain_names
from etl.workbooks.store import (
    APPROVED,
    CACHE_DIR,
    RETURNED,
    Upload,
    append,
    events,
    keep,
    kept,
    log,
    review_line,
    statuses,
)
from etl.workbooks.templates import filled_workbook
from warehouse.uploads import EVENTS

MONTHS = 24
BY_OFFICE = "Demo Programmabureau"
BY_ANALYST = "Demo Analist"  # reviews the demo reports


class DemoUploadsError(Exception):
    """The uploads folder holds real (non-demo) uploads; the demo refuses to touch it."""


# code, name, municipality, TechNet circle, lead organisation, programme size (pupils reached by end of 2026)
SUBPROJECTS = (
    ("ALM", "Techniek Dichtbij Almere", "GM0034", "TechNet Almere", "Demo Stichting Techniekpact Almere", 4200),
    ("LEL", "Lelystad Maakt Het", "GM0995", "TechNet Lelystad", "Demo Onderwijsgroep Lelystad", 2400),
    ("DRO", "Agritech Dronten", "GM0303", "TechNet Oostelijk Flevoland", "Demo Agrarisch Opleidingscentrum", 1100),
    ("NOP", "Noordoostpolder Techniekroute", "GM0171", "TechNet Noordoostpolder-Urk", "Demo Scholengroep Emmeloord",
     1300),
    ("URK", "Maritiem Urk", "GM0184", "TechNet Noordoostpolder-Urk", "Demo Maritieme Academie Urk", 800),
    ("ZEE", "Zeewolde Techniek Werkt", "GM0050", "TechNet Zuidelijk Flevoland", "Demo Ondernemerskring Zeewolde",
     700),
)
# Subprojects that fall behind their targets (share of the planned pace they reach).
PACE = {"ALM": 1.05, "LEL": 0.75, "DRO": 0.95, "NOP": 1.0, "URK": 0.6, "ZEE": 0.9}

# code, name, unit, kind, accumulation, baseline, baseline period, indicator, size factor vs pupils reached
KPIS = (
    ("LLN", "Leerlingen bereikt", "leerlingen", "output", "cumulatief", 0, "2024", None, 1.0),
    ("BEZ", "Bedrijfsbezoeken", "bezoeken", "output", "incrementeel", 0, "2024", None, 0.02),
    ("DOC", "Docenten geschoold", "docenten", "output", "cumulatief", 0, "2024", None, 0.03),
    ("STG", "Stageplaatsen", "plaatsen", "output", "cumulatief", 0, "2024", None, 0.05),
    ("BBL", "BBL-plaatsen", "plaatsen", "output", "cumulatief", 0, "2024", None, 0.02),
    ("VMBO", "Aandeel vmbo-leerlingen in techniek", "procent", "outcome", "cumulatief", 27.0, "2023",
     "vmbo_tech_share", None),
    ("NT", "Aandeel havo/vwo met N&T-profiel", "procent", "outcome", "cumulatief", 24.0, "2023",
     "havo_vwo_nt_share", None),
    ("HOT", "Eerstejaars in technisch hoger onderwijs", "studenten", "outcome", "cumulatief", 0, "2023",
     "ho_tech_first_years", None),
)
OUTPUT_KPIS = [k for k in KPIS if k[3] == "output"]

ACTIONS = (
    "Techniekdagen op alle vmbo-scholen", "Gastlessen door technici uit de regio", "Bedrijfsbezoeken voor klas 2",
    "Scholing docenten techniek en technologie", "Stage- en BBL-bank met regionale werkgevers",
    "Ouderavonden over technische beroepen",
)
MILESTONES = (
    "Convenant met tien bedrijven getekend", "Eerste techniekweek gehouden", "Lesprogramma techniek vastgesteld",
    "Alle vmbo-scholen aangesloten", "Regionale stagebank online", "Tussenevaluatie met de stuurgroep",
)
HIGHLIGHTS = (
    "Drie nieuwe bedrijven doen mee met gastlessen.", "De techniekweek trok meer leerlingen dan verwacht.",
    "Een tweede school sloot zich aan bij het programma.", "Docenten volgden een scholingsdag over robotica.",
    "Goede opkomst bij de ouderavond over technische beroepen.", "Nieuwe BBL-plaatsen bij een installatiebedrijf.",
)
RISKS = (
    "Minder docenten beschikbaar door ziekte.", "Bedrijven hebben weinig tijd voor bezoeken in de drukke maanden.",
    "Vervoer naar bedrijven is duur.", "Projectleider vertrekt; opvolging nog niet geregeld.", "",
    "Vertraging bij de levering van lesmaterialen.",
)


# Signals from the field: the domains each subproject hears most about (its region's industry), the action of the
# plan (by index in ACTIONS) that answers each kind, and a short text per kind ({domain} is the domain's name).
SIGNAL_DOMAINS = {
    "ALM": ("ict", "installatie_energie", "bouw_infra"), "LEL": ("mechatronica_maak", "bouw_infra", "proces_lab"),
    "DRO": ("mechatronica_maak", "proces_lab", "installatie_energie"), "NOP": ("bouw_infra", "installatie_energie"),
    "URK": ("mobiliteit_logistiek", "mechatronica_maak"), "ZEE": ("installatie_energie", "bouw_infra"),
}
SIGNAL_ACTIONS = {"tekort aan vaardigheid": 1, "tekort aan stageplaatsen": 4, "tekort aan docenten": 3,
                  "verouderd lesmateriaal": 3, "instroom te laag": 0, "anders": 5}
SIGNAL_TEXTS = {
    "tekort aan vaardigheid": ("Bedrijven in {domain} missen bij stagiairs praktijkervaring met de nieuwste "
                               "apparatuur.", "Werkgevers vragen meer aandacht voor veilig werken in {domain}."),
    "tekort aan stageplaatsen": ("Te weinig BBL-plaatsen in {domain}; studenten wijken uit naar bedrijven buiten de "
                                 "regio.", "Stagebedrijven in {domain} zitten vol tot na de zomer."),
    "tekort aan docenten": ("Vacature voor een docent {domain} staat al maanden open.",
                            "Lessen {domain} worden door invallers gegeven door ziekte en vertrek."),
    "verouderd lesmateriaal": ("Het lesmateriaal {domain} loopt achter op wat de bedrijven gebruiken.",
                               "Schoolwerkplaats {domain} heeft verouderde machines; bedrijven bieden hulp aan."),
    "instroom te laag": ("Minder aanmeldingen voor opleidingen in {domain} dan vorig jaar, volgens de open dag.",
                         "Ouders kennen de beroepen in {domain} nauwelijks; weinig leerlingen kiezen ervoor."),
    "anders": ("Bedrijven in {domain} willen een gezamenlijke open dag met de scholen.",
               "Een brancheorganisatie in {domain} biedt gastdocenten aan."),
}
SIGNAL_CHANCE = 0.35  # share of monthly reports that carry signals


def _months(today: date) -> list[str]:
    """The MONTHS report months ending with the month before `today`."""
    year, month = today.year, today.month
    out = []
    for _ in range(MONTHS):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        out.append(f"{year:04d}-{month:02d}")
    return out[::-1]


def _month_start(month: str) -> date:
    return date(int(month[:4]), int(month[5:]), 1)


def _next_month(month: str) -> date:
    start = _month_start(month)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def _fix_bytes(path: Path, stamp: datetime) -> None:
    """Make an openpyxl file reproducible: fixed zip entry times and document created/modified properties."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as archive:
        entries = [(info.filename, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            if name == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)", rf"\g<1>{iso}\g<3>", text)
                data = text.encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)


def _write(path: Path, layout: WorkbookLayout, rows: dict[str, list[list]], stamp: datetime,
           code_lists: dict[str, list[str]] | None = None) -> Path:
    """A filled workbook in the template layout, with the demo mark and reproducible bytes."""
    filled_workbook(path, layout, rows, code_lists)
    mark(path)
    _fix_bytes(path, stamp)
    return path


def _lead(code: str) -> str:
    """The (demo) project lead of a subproject, who owns its actions and sends its reports."""
    return f"Demo Projectleider {code}"


def _outcome_base(kpi_code: str, size: int) -> float:
    """An outcome KPI's 2023 level in a subproject: percentages as in the demo's DUO data, first-years by size."""
    return {"VMBO": 27.0, "NT": 24.0}.get(kpi_code, round(size / 10))


def _plan(rng: random.Random, months: list[str]) -> dict:
    """The plan's rows per sheet, plus the schedule the monthly reports follow."""
    first = _month_start(months[0])
    start = min(date(2022, 1, 1), first)  # the programme began in 2022; the reports cover its last 24 months
    end = date(max(2027, int(months[-1][:4]) + 1), 12, 31)
    rows: dict[str, list[list]] = {s.name: [] for s in PLAN.sheets}
    schedule = {}
    for code, name, gm, circle, lead, size in SUBPROJECTS:
        rows["Deelprojecten"].append([code, name, gm, circle, lead, start, end])
        actions = []
        for index in range(rng.randint(4, 6)):
            a_start = first + timedelta(days=rng.randint(0, 300))
            a_end = a_start + timedelta(days=rng.randint(120, 500))
            a_code = f"{code}-A{index + 1}"
            actions.append((a_code, a_start, a_end))
            rows["Acties"].append([code, a_code, ACTIONS[index], _lead(code),
                                   a_start, a_end, "loopt" if a_start <= first else "niet gestart"])
        milestones = []
        for index in range(rng.randint(4, 6)):
            due = date(2024, 3, 31) + timedelta(days=index * 200 + rng.randint(0, 60))  # the last ones in 2027
            m_code = f"{code}-M{index + 1}"
            milestones.append((m_code, due))
            rows["Mijlpalen"].append([code, m_code, MILESTONES[index], due, None, "open"])
        for k_code, *_rest, factor in OUTPUT_KPIS:
            total = size * factor
            if k_code == "BEZ":  # incremental: visits per quarter, `total` over the eight quarters of two years
                for year in range(2025, 2028):
                    for quarter in range(1, 5):
                        rows["Doelen"].append([code, k_code, f"{year}-Q{quarter}", max(1, round(total / 8))])
            else:
                for year, share in ((2025, 0.4), (2026, 1.0), (2027, 1.5)):
                    rows["Doelen"].append([code, k_code, str(year), round(total * share)])
        for k_code, *_rest in (k for k in KPIS if k[3] == "outcome"):
            base = _outcome_base(k_code, size)
            for year, step in ((2025, 0), (2026, 1), (2027, 2)):  # 2025: hold the level; then +4% a year
                rows["Doelen"].append([code, k_code, str(year), round(base * (1 + 0.04 * step), 1)])
        schedule[code] = {"size": size, "actions": actions, "milestones": milestones}
    for k_code, name, unit, kind, accumulation, baseline, period, indicator, _factor in KPIS:
        rows["KPI's"].append([k_code, name, unit, kind, accumulation, "hoger is beter", baseline, period, indicator])
    return {"rows": rows, "schedule": schedule}


def _report(rng: random.Random, code: str, plan: dict, months: list[str], index: int, state: dict,
            upload_day: date) -> dict[str, list[list]]:
    """The rows of one monthly report; `state` carries the cumulative values between months."""
    month = months[index]
    info = plan["schedule"][code]
    pace = PACE[code] * (0.5 + index / len(months))  # programmes start slowly
    values = []
    for k_code, *_rest, factor in OUTPUT_KPIS:
        monthly = info["size"] * factor / 24 * pace
        step = max(0, round(rng.gauss(monthly, monthly * 0.3)))
        if k_code == "BEZ":
            values.append([k_code, step, None])
        else:
            state[k_code] = state.get(k_code, 0) + step
            values.append([k_code, state[k_code], None])
    if month.endswith("-10"):  # outcome KPIs: the schools' own count at the start of the school year
        years = int(month[:4]) - 2023
        for k_code in ("VMBO", "NT", "HOT"):
            base = _outcome_base(k_code, info["size"])
            value = base * (1 + 0.02 * years * PACE[code]) + rng.gauss(0, base * 0.005)
            values.append([k_code, round(value, 1) if k_code != "HOT" else round(value), None])
    month_end = _next_month(month) - timedelta(days=1)
    milestones = []
    for m_code, due in info["milestones"]:
        achieved = state.setdefault("achieved", {}).get(m_code)
        if achieved is None and PACE[code] >= 0.9 and _month_start(month) >= due.replace(day=1) - timedelta(days=62):
            if rng.random() < 0.5 or month_end >= due + timedelta(days=60):
                achieved = min(due + timedelta(days=rng.randint(-40, 40)), month_end, upload_day)
                achieved = max(achieved, _month_start(month))
                state["achieved"][m_code] = achieved
        elif achieved is None and PACE[code] < 0.9 and month_end >= due + timedelta(days=240):
            achieved = min(max(_month_start(month), due + timedelta(days=240)), month_end, upload_day)
            state["achieved"][m_code] = achieved
        if achieved is not None:
            milestones.append([m_code, "behaald", achieved, None])
        elif due < month_end:
            milestones.append([m_code, "te laat", None, "Later dan gepland; nieuwe datum in overleg."])
        else:
            milestones.append([m_code, "open", None, None])
    actions = []
    for a_code, a_start, a_end in info["actions"]:
        done = state.setdefault("done", {}).get(a_code)
        slack = timedelta(days=0 if PACE[code] >= 0.9 else 90)
        if done is None and month_end >= a_end + slack:
            done = min(max(a_end + slack, _month_start(month)), month_end, upload_day)
            state["done"][a_code] = done
        if done is not None:
            actions.append([a_code, "afgerond", done, None])
        elif month_end < a_start:
            actions.append([a_code, "niet gestart", None, None])
        elif month_end > a_end:
            actions.append([a_code, "vertraagd", None, "Uitloop door beperkte capaciteit."])
        else:
            actions.append([a_code, "loopt", None, None])
    narrative = [[code, month, rng.choice(HIGHLIGHTS), rng.choice(RISKS) or None]]
    return {"Toelichting": narrative, "KPI-waarden": values, "Mijlpalen": milestones, "Acties": actions}


def _signals(rng: random.Random, code: str, month: str, plan: dict) -> list[list]:
    """The rows of a report's sheet Signalen: none in most months, else one to three signals from the field, each
    about a domain of the subproject's region and, for half of them, linked to the plan's action that answers it."""
    if rng.random() >= SIGNAL_CHANCE:
        return []
    municipality = next(s[2] for s in SUBPROJECTS if s[0] == code)
    actions = [a_code for a_code, *_dates in plan["schedule"][code]["actions"]]
    names = domain_names()
    end = (_next_month(month) - timedelta(days=1)).day
    rows = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        domain = rng.choice(SIGNAL_DOMAINS[code])
        kind = rng.choice(list(SIGNAL_TEXTS))
        name = names[domain] if names[domain].isupper() else names[domain][0].lower() + names[domain][1:]  # ICT
        text = rng.choice(SIGNAL_TEXTS[kind]).format(domain=name)
        index = SIGNAL_ACTIONS[kind]
        action = actions[index] if index < len(actions) and rng.random() < 0.5 else None
        day = _month_start(month) + timedelta(days=rng.randint(0, end - 1))
        rows.append([day, None, municipality, names[domain], kind, text, action])
    return rows


def _counts(layout: WorkbookLayout, rows: dict[str, list[list]]) -> dict[str, int]:
    return {sheet.table: len(rows[sheet.name]) for sheet in layout.sheets}


def _only_demo(uploads_dir: Path) -> bool:
    """True when the folder is missing, empty or holds nothing but demo uploads and their event log."""
    if not uploads_dir.exists():
        return True
    uploads = kept(uploads_dir)
    known = {EVENTS, ".lock", CACHE_DIR, *(u.upload_id for u in uploads)}
    return all(u.demo for u in uploads) and all(p.name in known for p in uploads_dir.iterdir())


def clear_demo_uploads(uploads_dir: Path) -> None:
    """Empty an uploads folder that holds only demo uploads; refuse (Dutch message) when anything else is there."""
    if not _only_demo(uploads_dir):
        raise DemoUploadsError(
            f"De map {uploads_dir} bevat echte uploads (geen demodata); de demo schrijft daar niets en verwijdert "
            f"niets. Kies een andere map met --uploads of verplaats de echte uploads eerst.")
    if uploads_dir.exists():
        shutil.rmtree(uploads_dir)


def _corrected(rng: random.Random, rows: dict[str, list[list]]) -> dict[str, list[list]]:
    """The same report sent again with late company visits added."""
    values = [[k, v + rng.randint(1, 3), "Gecorrigeerd: bezoeken nagekomen"] if k == "BEZ" else [k, v, c]
              for k, v, c in rows["KPI-waarden"]]
    code, month, highlights, risks = rows["Toelichting"][0]
    narrative = [[code, month, f"{highlights} (gecorrigeerde versie)", risks]]
    return {**rows, "KPI-waarden": values, "Toelichting": narrative}


def generate_programme(uploads_dir: Path, seed: int, today: date) -> list[Upload]:
    """Write the demo plan of action and monthly reports into `uploads_dir` as kept demo uploads; returns them.

    Earlier demo uploads in the folder are replaced; real uploads make it refuse (DemoUploadsError).
    """
    uploads_dir = Path(uploads_dir)
    clear_demo_uploads(uploads_dir)
    rng = random.Random(seed)
    signal_rng = random.Random(f"signals-{seed}")  # its own stream: the other demo figures stay as they were
    months = _months(today)
    plan = _plan(rng, months)
    codes = [s[0] for s in SUBPROJECTS]
    missing: set[tuple[str, str]] = set()
    while len(missing) < 3:
        missing.add((rng.choice(codes), months[rng.randint(2, MONTHS - 3)]))
    reports = [(c, m) for c in codes for m in months if (c, m) not in missing]
    corrected = set(rng.sample([r for r in reports if r[1] < months[-2]], 3))
    withdrawn = rng.choice([r for r in reports if r not in corrected and r[1] < months[-2]])
    latest = datetime.combine(today - timedelta(days=1), datetime.min.time(), UTC).replace(hour=17)
    plan_at = datetime.combine(_month_start(months[0]) - timedelta(days=10), datetime.min.time(), UTC)
    plan_at = plan_at.replace(hour=10, minute=rng.randint(0, 59))
    pending: list[tuple[datetime, str, Path, str, str | None, str | None, dict]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        plan_path = _write(work / "plan_van_aanpak.xlsx", PLAN, plan["rows"], plan_at)
        pending.append((plan_at, "plan", plan_path, BY_OFFICE, None, None, _counts(PLAN, plan["rows"])))
        for code in codes:
            state: dict = {}
            uploader = _lead(code)
            for index, month in enumerate(months):
                late = rng.random() < 0.12
                day = _next_month(month) + timedelta(days=rng.randint(18, 40) if late else rng.randint(2, 12))
                at = datetime.combine(day, datetime.min.time(), UTC).replace(hour=rng.randint(8, 17),
                                                                             minute=rng.randint(0, 59))
                at = min(at, latest - timedelta(minutes=codes.index(code)))
                rows = _report(rng, code, plan, months, index, state, at.date())  # also when missing: state moves on
                rows["Signalen"] = _signals(signal_rng, code, month, plan)
                if (code, month) in missing:
                    continue
                lists = {"kpis": [k[0] for k in KPIS], "milestones": [r[0] for r in rows["Mijlpalen"]],
                         "actions": [r[0] for r in rows["Acties"]], "subprojects": codes}
                versions = [(at, rows, "")]
                if (code, month) in corrected:
                    versions.append((min(at + timedelta(days=rng.randint(2, 9), hours=1), latest),
                                     _corrected(rng, rows), "_v2"))
                for when, body, suffix in versions:
                    folder = work / f"{code}_{month}{suffix}"
                    folder.mkdir()
                    path = _write(folder / f"maandrapportage_{code}_{month}{suffix}.xlsx", MONTHLY, body, when, lists)
                    pending.append((when, "monthly", path, uploader, code, month, _counts(MONTHLY, body)))
        result = []
        for at, kind, path, uploader, code, month, counts in sorted(pending, key=lambda u: (u[0], str(u[2]))):
            result.append(keep(uploads_dir, path, kind, uploader, code, month, counts, now=at, demo=True))
    first = next(u for u in result if (u.subproject, u.month) == withdrawn)
    log(uploads_dir, "withdraw", first.upload_id, BY_OFFICE,
        min(datetime.fromisoformat(first.uploaded_at) + timedelta(days=15), latest))
    _review(uploads_dir, months[-1], codes[0], latest)
    return result


def _review(uploads_dir: Path, last_month: str, returned: str, latest: datetime) -> None:
    """The analyst's reviews: every active report approved a few days after it came in, except last month's (not
    yet reviewed) and one of those, which went back to its lead with a reason."""
    history = events(uploads_dir)
    uploads = kept(uploads_dir, history)
    status = statuses(uploads, history)
    for upload in uploads:
        if upload.kind != "monthly" or status[upload.upload_id] != "active":
            continue
        at = min(datetime.fromisoformat(upload.uploaded_at) + timedelta(days=3), latest)
        if upload.month != last_month:
            append(uploads_dir, review_line(upload.upload_id, APPROVED, "", BY_ANALYST, at))
        elif upload.subproject == returned:
            append(uploads_dir, review_line(upload.upload_id, RETURNED, "Vul bij KPI K2 de toelichting in: waarom "
                                            "ligt het aantal lager dan vorige maand?", BY_ANALYST, at))
