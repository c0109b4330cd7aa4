"""Signals from the field per technical domain and municipality, for the page 'Aansluiting onderwijs–arbeidsmarkt'
(read layer).

The table is field_signal (one row per monthly report × row of its sheet Signalen; warehouse/sql/field_signal.sql), so
the signals count as the reports that carry them: by default only approved reports, as `reports` says (see
warehouse.programme). A region keeps the signals about its municipalities (region_membership). See docs/mismatch.md.
"""

from __future__ import annotations

import duckdb
import pandas as pd

# The same rule for which reports count as every other programme figure (bound with _counted).
from warehouse.programme import _COUNTED, Reports, _counted

SOURCE = "maandrapportages van de deelprojecten"

# The counted signals about the region's municipalities, with the names a reader sees. Parameters: _counted, region.
_SIGNALS = f"""
with signal as (
    select * from field_signal where {_COUNTED}
      and municipality_code in (select municipality_code from region_membership where region_code = ?)
)
select s.subproject_code, p.name as subproject, s.month, s.sheet_row, s.signal_date,
       coalesce(s.technet_circle, p.technet_circle) as circle, s.municipality_code, r.name as gemeente,
       s.domain_id, t.name as domein, t.sort_order, s.kind, s.description, s.action_code,
       a.description as action, s.upload_id, u.is_demo
from signal as s
join technical_domain as t using (domain_id)
left join subproject as p using (subproject_code)
left join region as r on r.code = s.municipality_code
left join action as a on a.subproject_code = s.subproject_code and a.action_code = s.action_code
left join upload as u on u.upload_id = s.upload_id
"""  # noqa: S608 (_COUNTED is a constant)


def available(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the warehouse has the signals table (a warehouse built before it existed has not)."""
    return bool(con.execute("select count(*) from information_schema.tables where table_name = 'field_signal'")
                .fetchone()[0])


def signals(con: duckdb.DuckDBPyConnection, region: str, reports: Reports = None, search: str = "") -> pd.DataFrame:
    """Every counted signal about the region, latest first; `search` keeps those whose texts contain it (any case)."""
    if not available(con):
        return pd.DataFrame(columns=["subproject_code", "subproject", "month", "sheet_row", "signal_date", "circle",
                                     "municipality_code", "gemeente", "domain_id", "domein", "sort_order", "kind",
                                     "description", "action_code", "action", "upload_id", "is_demo"])
    needle = search.strip().lower()
    return con.execute(
        f"select * from ({_SIGNALS}) where ? = '' or strpos(lower(concat_ws(' ', description, kind, domein, "  # noqa: S608
        "gemeente, circle, subproject, action_code, action)), ?) > 0 "
        "order by signal_date desc, subproject_code, sheet_row",
        [*_counted(reports), region, needle, needle]).df()


def counts(con: duckdb.DuckDBPyConnection, region: str, reports: Reports = None) -> pd.DataFrame:
    """Signals per domain × municipality × kind (only combinations with signals), in the domains' order."""
    frame = signals(con, region, reports)
    return (frame.groupby(["sort_order", "domain_id", "domein", "municipality_code", "gemeente", "kind"],
                          as_index=False, dropna=False)
            .agg(signals=("sheet_row", "size"))
            .sort_values(["sort_order", "gemeente", "kind"], ignore_index=True))


def per_domain(con: duckdb.DuckDBPyConnection, region: str, reports: Reports = None) -> pd.DataFrame:
    """Every technical domain with its number of signals (0 where none), in the domains' order."""
    domains = con.execute("select domain_id, name as domein, sort_order from technical_domain order by sort_order").df()
    found = signals(con, region, reports).groupby("domain_id").size().rename("signals")
    frame = domains.join(found, on="domain_id")
    frame["signals"] = frame["signals"].fillna(0).astype(int)
    return frame


def domain_actions(con: duckdb.DuckDBPyConnection, region: str, reports: Reports = None) -> pd.DataFrame:
    """Per domain the plan's actions that signals link to it: subproject, action, its latest reported status, how
    many signals name it and the latest of them."""
    frame = signals(con, region, reports).dropna(subset=["action_code"])
    columns = ["sort_order", "domain_id", "domein", "subproject_code", "subproject", "action_code", "action",
               "status", "signals", "latest"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    linked = (frame.groupby(["sort_order", "domain_id", "domein", "subproject_code", "subproject", "action_code",
                             "action"], as_index=False, dropna=False)
              .agg(signals=("sheet_row", "size"), latest=("signal_date", "max")))
    status = con.execute(
        "select a.subproject_code, a.action_code, coalesce(u.status, a.status) as status from action a "  # noqa: S608
        f"left join (select * from action_update where {_COUNTED} qualify row_number() over (partition by "
        "subproject_code, action_code order by month desc) = 1) u using (subproject_code, action_code)",
        _counted(reports)).df()
    linked = linked.merge(status, on=["subproject_code", "action_code"], how="left")
    return linked[columns].sort_values(["sort_order", "signals", "subproject_code", "action_code"],
                                       ascending=[True, False, True, True], ignore_index=True)
