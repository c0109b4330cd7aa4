"""The programme's subprojects: actions, milestones, KPI progress against targets, and report completeness.

Progress to target (documented in docs/sources/programme.md): for each KPI the latest reported value (cumulative
KPIs) or the sum over the target's period so far (incremental KPIs) is compared with the target path, a straight
line from the baseline (or zero) at the start of the target's period to the target at its end. The ratio
actual / expected-by-now gives the traffic light: 'op koers' from 90%, 'let op' from 70%, else 'achter'; with no
report or target: 'onbekend'. For KPIs where lower is better the ratio is inverted. The status is always written in
words next to any colour.

Which monthly reports count (`reports`, docs/access.md): None, every active report; a tuple of subproject codes, the
approved ones (review 'goedgekeurd') plus the not yet approved ones of those subprojects (a lead's own); an empty
tuple, the approved ones only, as the steering group sees them.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd

ON_TRACK, WATCH = 0.9, 0.7
STATUS_LABELS = ("op koers", "let op", "achter", "onbekend")
LAST_MONTH = "9999-12"  # `until` when every report counts, however late
Reports = tuple[str, ...] | None  # which reports count: see the module's docstring
# The rows of the reports that count: bound to (every report?, subprojects whose unapproved reports count).
_COUNTED = ("(? or upload_id in (select upload_id from upload where review = 'goedgekeurd' "
            "or list_contains(?, subproject_code)))")


def _counted(reports: Reports) -> list[object]:
    """The parameters of _COUNTED."""
    return [reports is None, list(reports or ())]


def reports_label(reports: Reports) -> str:
    """Which monthly reports the programme figures count, in one Dutch sentence (status of those figures)."""
    if reports is None:
        return "Deelprojecten: alle maandrapportages tellen mee, ook nog niet goedgekeurde."
    if reports:
        return (f"Deelprojecten: goedgekeurde maandrapportages, en die van {', '.join(reports)} ook als ze nog niet "
                "zijn goedgekeurd.")
    return "Deelprojecten: alleen goedgekeurde maandrapportages tellen mee."


def has_plan(con: duckdb.DuckDBPyConnection) -> bool:
    """True when a plan of action has been uploaded (and the programme tables exist)."""
    exists = con.execute("select count(*) from information_schema.tables where table_name = 'subproject'").fetchone()
    return bool(exists[0]) and con.execute("select count(*) from subproject").fetchone()[0] > 0


def real_uploads(con: duckdb.DuckDBPyConnection) -> int:
    """How many kept uploads (of any status) are not demo uploads; 0 when the warehouse has no upload table."""
    exists = con.execute("select count(*) from information_schema.tables where table_name = 'upload'").fetchone()
    return con.execute("select count(*) from upload where not is_demo").fetchone()[0] if exists[0] else 0


def provenance(con: duckdb.DuckDBPyConnection, until: str | None = None) -> dict[str, object]:
    """Where the programme figures come from: plan upload day, last report month, uploads counted, demo or not.

    `until` ('YYYY-MM'): count only the reports on months up to and including it.
    """
    plan_day, last_month, reports, demo = con.execute(
        "select max(case when kind = 'plan' then uploaded_at end), max(month), "
        "count(*) filter (where kind = 'monthly'), coalesce(bool_or(is_demo), false) "
        "from upload where status = 'active' and (kind = 'plan' or month <= ?)", [until or LAST_MONTH]).fetchone()
    return {"plan_uploaded": plan_day[:10] if plan_day else None, "last_month": last_month,
            "reports": int(reports), "is_demo": bool(demo)}


def subprojects(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per subproject with its municipality name."""
    return con.execute(
        "select s.subproject_code, s.name, s.municipality_code, r.name as municipality, s.technet_circle, "
        "s.lead_organisation, s.start_date, s.end_date from subproject s left join region r "
        "on r.code = s.municipality_code order by s.subproject_code").df()


def actions(con: duckdb.DuckDBPyConnection, subproject: str, until: str | None = None,
            reports: Reports = None) -> pd.DataFrame:
    """Actions with their latest reported status (the plan's status when no report mentions them).

    `until` ('YYYY-MM'): only reports up to and including that month count (a report on a past quarter).
    """
    return con.execute(
        "select a.action_code, a.description, a.owner, a.planned_start, a.planned_end, "  # noqa: S608 (_COUNTED)
        "coalesce(u.status, a.status) as status, u.month as reported_in "
        "from action a left join (select * from action_update where subproject_code = ? and month <= ? and "
        f"{_COUNTED} qualify row_number() over (partition by action_code order by month desc) = 1) u "
        "using (action_code) where a.subproject_code = ? order by a.action_code",
        [subproject, until or LAST_MONTH, *_counted(reports), subproject]).df()


def milestones(con: duckdb.DuckDBPyConnection, subproject: str, today: date,
               until: str | None = None, reports: Reports = None) -> pd.DataFrame:
    """Milestones with their latest status; an open milestone past its due date counts as late.

    `until` ('YYYY-MM'): only reports up to and including that month count.
    """
    frame = con.execute(
        "select m.milestone_code, m.description, m.due_date, coalesce(u.achieved_date, m.achieved_date) "  # noqa: S608
        "as achieved_date, coalesce(u.status, m.status) as status from milestone m left join (select * from "
        f"milestone_update where subproject_code = ? and month <= ? and {_COUNTED} qualify row_number() over "
        "(partition by milestone_code order by month desc) = 1) u using (milestone_code) where "
        "m.subproject_code = ? order by m.due_date",
        [subproject, until or LAST_MONTH, *_counted(reports), subproject]).df()
    late = (frame["status"] == "open") & (pd.to_datetime(frame["due_date"]).dt.date < today)
    frame.loc[late, "status"] = "te laat"
    return frame


def milestone_summary(con: duckdb.DuckDBPyConnection, subproject: str, today: date,
                      until: str | None = None, reports: Reports = None) -> dict[str, int]:
    """Counts of milestones done, late, and due in the next three months."""
    frame = milestones(con, subproject, today, until, reports)
    due = pd.to_datetime(frame["due_date"]).dt.date
    horizon = (pd.Timestamp(today) + pd.DateOffset(months=3)).date()
    soon = (frame["status"] == "open") & (due >= today) & (due <= horizon)
    return {"behaald": int((frame["status"] == "behaald").sum()), "te laat": int((frame["status"] == "te laat").sum()),
            "binnenkort": int(soon.sum())}


def kpi_values(con: duckdb.DuckDBPyConnection, subproject: str, until: str | None = None,
               reports: Reports = None) -> pd.DataFrame:
    """Reported KPI values by month (up to and including `until`, 'YYYY-MM', if given), with the KPI's definition."""
    return con.execute(
        "select v.kpi_code, k.name, k.unit, k.kind, k.accumulation, k.direction, v.month, v.value, v.comment "  # noqa: S608
        f"from (select * from kpi_value where {_COUNTED}) v join kpi k using (kpi_code) where v.subproject_code = ? "
        "and v.month <= ? order by v.kpi_code, v.month",
        [*_counted(reports), subproject, until or LAST_MONTH]).df()


def kpi_targets(con: duckdb.DuckDBPyConnection, subproject: str) -> pd.DataFrame:
    """Targets per KPI and period, with the date the period ends (where the target path points sit)."""
    frame = con.execute("select kpi_code, target_period as period, target_value as value from kpi_target "
                        "where subproject_code = ? order by 1, 2", [subproject]).df()
    frame["datum"] = [f"{_period_bounds(p)[1]:%Y-%m-%d}" for p in frame["period"]]
    return frame


def _period_bounds(period: str) -> tuple[date, date]:
    year = int(period[:4])
    if "-Q" in period:
        quarter = int(period[-1])
        start = date(year, 3 * quarter - 2, 1)
        return start, (pd.Timestamp(start) + pd.offsets.QuarterEnd(0)).date()
    if len(period) == 7:
        start = date(year, int(period[5:]), 1)
        return start, (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
    return date(year, 1, 1), date(year, 12, 31)


def kpi_progress(con: duckdb.DuckDBPyConnection, subproject: str, today: date,
                 reports: Reports = None) -> pd.DataFrame:
    """Per KPI with a target: the target in force, actual and expected-by-now values, ratio and status.

    "Now" is the end of the last complete month before `today`: the latest report covers that month, so comparing
    it with a target path drawn to today would put every subproject behind by the days of the running month. A
    report on a later month (one handed in early) does not count: it would be compared with the path at "now".
    """
    as_of = today.replace(day=1) - timedelta(days=1)
    targets = con.execute(
        "select t.kpi_code, k.name, k.unit, k.accumulation, k.direction, k.baseline_value, t.target_period, "
        "t.target_value from kpi_target t join kpi k using (kpi_code) where t.subproject_code = ? "
        "order by t.kpi_code, t.target_period", [subproject]).df()
    values = kpi_values(con, subproject, f"{as_of:%Y-%m}", reports)
    rows = []
    for kpi_code, group in targets.groupby("kpi_code", sort=True):
        bounds = [(_period_bounds(p), p, v) for p, v in zip(group["target_period"], group["target_value"],
                                                           strict=True)]
        ordered = sorted(bounds)
        index = next((i for i, (b, _p, _v) in enumerate(ordered) if b[1] >= as_of), len(ordered) - 1)
        (start, end), period, target = ordered[index]
        first = group.iloc[0]
        reported = values[values["kpi_code"] == kpi_code]
        months = reported["month"]
        in_period = reported[(months >= f"{start:%Y-%m}") & (months <= f"{min(end, as_of):%Y-%m}")]
        cumulative = first["accumulation"] == "cumulatief"
        actual = (reported["value"].iloc[-1] if cumulative and len(reported) else
                  in_period["value"].sum() if len(in_period) else None)
        baseline = first["baseline_value"] if cumulative and pd.notna(first["baseline_value"]) else 0.0
        if cumulative and index > 0:  # a running total climbs on from the previous target, not from the baseline
            baseline = ordered[index - 1][2]
        elapsed = min(1.0, max(0.0, ((as_of - start).days + 1) / max(1, (end - start).days + 1)))
        expected = baseline + (target - baseline) * elapsed
        ratio = None
        if actual is not None and expected:
            lower_is_better = first["direction"] == "lager is beter"
            ratio = (expected / actual if actual else None) if lower_is_better else actual / expected
        status = ("onbekend" if ratio is None else "op koers" if ratio >= ON_TRACK else
                  "let op" if ratio >= WATCH else "achter")
        rows.append({"kpi_code": kpi_code, "name": first["name"], "unit": first["unit"], "target_period": period,
                     "target": target, "expected": expected, "actual": actual, "ratio": ratio, "status": status})
    return pd.DataFrame(rows, columns=["kpi_code", "name", "unit", "target_period", "target", "expected", "actual",
                                       "ratio", "status"])


def report_months(con: duckdb.DuckDBPyConnection, subproject: str, first: str, last: str) -> pd.DataFrame:
    """Per month from first to last ('YYYY-MM'): ingediend, gecorrigeerd, ingetrokken or ontbreekt, and the review
    of the report that counts (ingediend, goedgekeurd or teruggestuurd; None without one)."""
    months = [f"{d:%Y-%m}" for d in pd.date_range(f"{first}-01", f"{last}-01", freq="MS")]
    uploads = con.execute("select month, status, review from upload where kind = 'monthly' and subproject_code = ?",
                          [subproject]).df()
    result = []
    for month in months:
        here = uploads[uploads["month"] == month]
        statuses = set(here["status"])
        state = ("gecorrigeerd" if {"active", "superseded"} <= statuses else "ingediend" if "active" in statuses
                 else "ingetrokken" if "withdrawn" in statuses else "ontbreekt")
        review = here.loc[here["status"] == "active", "review"]
        result.append({"month": month, "status": state, "review": review.iloc[0] if len(review) else None})
    return pd.DataFrame(result, columns=["month", "status", "review"])


def period_locks(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The quarters locked now (python -m etl lock), oldest first; empty for a warehouse built before locks existed."""
    exists = con.execute("select count(*) from information_schema.tables where table_name = 'period_lock'").fetchone()
    columns = ["period", "first_month", "last_month", "locked_by", "locked_at", "reason"]
    if not exists[0]:
        return pd.DataFrame(columns=columns)
    return con.execute("select period, first_month, last_month, locked_by, locked_at, reason from period_lock "
                       "order by period").df()


def narratives(con: duckdb.DuckDBPyConnection, subproject: str, until: str | None = None,
               reports: Reports = None) -> pd.DataFrame:
    """Highlights and risks per month (up to and including `until`, 'YYYY-MM', if given), latest first."""
    return con.execute("select month, highlights, risks from report_narrative where subproject_code = ? "  # noqa: S608
                       f"and month <= ? and {_COUNTED} order by month desc",
                       [subproject, until or LAST_MONTH, *_counted(reports)]).df()


def kpis(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every KPI definition of the plan of action, by code."""
    return con.execute("select kpi_code, name, unit, kind, accumulation, direction, baseline_value, baseline_period, "
                       "indicator_id from kpi order by kpi_code").df()


def outcome_indicators(con: duckdb.DuckDBPyConnection, subproject: str) -> list[str]:
    """Public indicator ids linked to the subproject's outcome KPIs (those with a target for it)."""
    return [row[0] for row in con.execute(
        "select distinct k.indicator_id from kpi k join kpi_target t using (kpi_code) where t.subproject_code = ? "
        "and k.kind = 'outcome' and k.indicator_id is not null order by 1", [subproject]).fetchall()]


def detail(con: duckdb.DuckDBPyConnection, subproject: str, today: date,
           until: str | None = None, reports: Reports = None) -> dict[str, pd.DataFrame | dict | list]:
    """Everything the Deelprojecten page, the overview card and the progress report show for one subproject.

    `until` ('YYYY-MM') leaves out reports on later months, so a report on a past quarter reads the same whenever
    it is made; `today` is then the day after that quarter. `reports`: which reports count (module docstring).
    """
    return {
        "actions": actions(con, subproject, until, reports),
        "milestones": milestones(con, subproject, today, until, reports),
        "milestone_summary": milestone_summary(con, subproject, today, until, reports),
        "progress": kpi_progress(con, subproject, today, reports),
        "values": kpi_values(con, subproject, until, reports),
        "narratives": narratives(con, subproject, until, reports),
        "targets": kpi_targets(con, subproject),
        "outcomes": outcome_indicators(con, subproject),
    }


def period_totals(values: pd.DataFrame, targets: pd.DataFrame, today: date) -> pd.DataFrame:
    """Per target period of an incremental KPI: its target and the sum of the months reported in it by "now".

    One row per target period (columns period, target, actual, months). "Now" and the months that count are those
    of kpi_progress (up to the end of the last complete month), so a chart of these totals agrees with the status.
    """
    as_of = today.replace(day=1) - timedelta(days=1)
    rows = []
    for period, target in zip(targets["period"], targets["value"], strict=True):
        start, end = _period_bounds(period)
        months = values["month"]
        inside = values[(months >= f"{start:%Y-%m}") & (months <= f"{min(end, as_of):%Y-%m}")]
        rows.append({"period": period, "target": target, "actual": inside["value"].sum() if len(inside) else None,
                     "months": len(inside)})
    return pd.DataFrame(rows, columns=["period", "target", "actual", "months"]).sort_values("period", ignore_index=True)
