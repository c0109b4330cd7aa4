"""The panel the estimators work on: unit × integer period × outcome, with suppression bounds and a size measure."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import duckdb
import numpy as np
import pandas as pd

from warehouse.catalog import get_indicator
from warehouse.coverage import shared_coverage
from warehouse.indicator import Indicator, Sums
from warehouse.measures import vo_exams

COLUMNS = ("unit", "period", "outcome", "low", "high", "size")


class PanelError(ValueError):
    """A panel or treatment assignment that the estimators cannot use; the message is Dutch."""


@dataclass(frozen=True)
class Panel:
    """Long data with one row per unit × period (period = integer, e.g. the start year of a school year).

    `outcome` is the point value; `low`/`high` the bounds suppressed cells allow (equal to outcome when nothing is
    hidden); `size` a measure of the unit's size (e.g. the denominator). `excluded` are units that may never be
    in a comparison group (e.g. the Flevoland municipalities); `names` maps unit codes to display names.
    """

    data: pd.DataFrame
    excluded: frozenset[str] = frozenset()
    names: dict[str, str] = field(default_factory=dict)

    @property
    def units(self) -> list[str]:
        return sorted(self.data["unit"].unique())

    @property
    def periods(self) -> list[int]:
        return sorted(int(p) for p in self.data["period"].unique())

    def wide(self, column: str = "outcome") -> pd.DataFrame:
        """Unit × period matrix of one column (NaN where a unit has no value)."""
        return self.data.pivot(index="unit", columns="period", values=column).sort_index()

    def with_outcome(self, column: str) -> Panel:
        """The same panel with `low` or `high` as outcome: a sensitivity run on the suppression bounds."""
        data = self.data.copy()
        data["outcome"] = data[column]
        return replace(self, data=data)

    def check_treated(self, treated: dict[str, int]) -> None:
        """Raise PanelError unless every treated unit is in the panel with at least one period before its start
        and one from its start on."""
        if not treated:
            raise PanelError("Geef minstens één behandelde eenheid op (EENHEID:STARTJAAR).")
        periods = self.periods
        known = set(self.data["unit"])
        for unit, start in treated.items():
            if unit not in known:
                raise PanelError(f"Behandelde eenheid '{unit}' komt niet voor in het panel.")
            if not any(p < start for p in periods) or not any(p >= start for p in periods):
                raise PanelError(
                    f"Startjaar {start} van '{unit}' valt buiten het panel ({periods[0]}–{periods[-1]}): er is "
                    f"minstens één periode vóór en één vanaf de start nodig."
                )


def panel_from_frame(frame: pd.DataFrame, unit: str, period: str, outcome: str,
                     size: str | None = None, excluded: frozenset[str] = frozenset()) -> Panel:
    """A panel from any table with unit, period and outcome columns (e.g. an analyst's CSV)."""
    for column in (unit, period, outcome, *([size] if size else [])):
        if column not in frame.columns:
            raise PanelError(f"Kolom '{column}' ontbreekt in het panel; aanwezige kolommen: "
                             f"{', '.join(map(str, frame.columns))}.")
    data = pd.DataFrame({"unit": frame[unit].astype(str).str.strip()})
    data["period"] = pd.to_numeric(frame[period], errors="coerce")
    data["outcome"] = pd.to_numeric(frame[outcome], errors="coerce")
    for column, label in ((period, "period"), (outcome, "outcome")):
        bad = data[label].isna() & frame[column].notna() & (frame[column].astype(str).str.strip() != "")
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise PanelError(f"Kolom '{column}' bevat geen getal in rij {row + 2}: '{frame[column].iloc[row]}'.")
    if (data["period"].dropna() % 1 != 0).any():
        raise PanelError(f"Kolom '{period}' moet hele getallen bevatten (bijvoorbeeld het beginjaar).")
    data = data.dropna(subset=["period", "outcome"])
    data["period"] = data["period"].astype(int)
    if data.duplicated(["unit", "period"]).any():
        first = data[data.duplicated(["unit", "period"])].iloc[0]
        raise PanelError(f"Eenheid '{first['unit']}' heeft meer dan één waarde in periode {first['period']}.")
    data["low"] = data["outcome"]
    data["high"] = data["outcome"]
    data["size"] = pd.to_numeric(frame.loc[data.index, size], errors="coerce") if size else np.nan
    return Panel(data.reset_index(drop=True)[list(COLUMNS)], excluded)


# One grouped query per indicator family: DUO vo exam shares/counts for every municipality at once.
_VO_GROUPED = """
select
    f.municipality_code,
    p.start_year,
    coalesce(sum(f.candidates_low) filter (where e.is_technical), 0),
    coalesce(sum(coalesce(f.candidates, ?)) filter (where e.is_technical), 0),
    coalesce(sum(f.candidates_high) filter (where e.is_technical), 0),
    coalesce(sum(f.candidates_low) filter (where not e.is_technical), 0),
    coalesce(sum(coalesce(f.candidates, ?)) filter (where not e.is_technical), 0),
    coalesce(sum(f.candidates_high) filter (where not e.is_technical), 0)
from fact_vo_exam as f
join education as e using (education_id)
join period as p on p.period_id = f.school_year
where f.sex = 'totaal' and list_contains(?, e.level)
group by all
"""


# Every municipality, existing that year, in a province where DUO lists a school that year: its count is 0 when it
# has none (warehouse/coverage.py), as the indicator's own query gives. The filter is vo_exams' constant.
_VO_COVERED = f"""
select m.code, c.start_year, 0, 0, 0, 0, 0, 0
from (
    select distinct place.parent_code, p.start_year
    from fact_vo_exam as f
    join education as e using (education_id)
    join region as place on place.code = f.municipality_code
    join period as p on p.period_id = f.school_year
    where {vo_exams.COVERED_WHERE}
) as c
join region as m on m.parent_code = c.parent_code
where m.level = 'gemeente'
  and (m.valid_from is null or m.valid_from <= c.start_year)
  and (m.valid_to is null or m.valid_to >= c.start_year)
  and (m.code, c.start_year) not in (select municipality_code, start_year from grouped)
"""  # noqa: S608


def _vo_rows(con: duckdb.DuckDBPyConnection, levels: tuple[str, ...], measure: str) -> pd.DataFrame:
    mid = vo_exams.SUPPRESSED_MIDPOINT
    if measure == "share_technical":  # no school, no share
        rows = con.execute(_VO_GROUPED, [mid, mid, list(levels)]).fetchall()
    else:
        rows = con.execute(f"with grouped as ({_VO_GROUPED}) select * from grouped union all {_VO_COVERED}",  # noqa: S608
                           [mid, mid, list(levels), list(levels)]).fetchall()
    frame = pd.DataFrame(rows, columns=["unit", "period", "t_low", "t_mid", "t_high", "o_low", "o_mid", "o_high"])
    frame = frame.astype({c: float for c in frame.columns[2:]})
    if measure == "share_technical":
        total = frame["t_mid"] + frame["o_mid"]
        frame["outcome"] = frame["t_mid"] / total
        frame["low"] = frame["t_low"] / (frame["t_low"] + frame["o_high"])
        frame["high"] = frame["t_high"] / (frame["t_high"] + frame["o_low"])
        frame["size"] = total
    elif measure == "technical":
        frame["outcome"], frame["low"], frame["high"], frame["size"] = (frame["t_mid"], frame["t_low"],
                                                                        frame["t_high"], frame["t_mid"])
    else:
        frame["outcome"] = frame["t_mid"] + frame["o_mid"]
        frame["low"], frame["high"] = frame["t_low"] + frame["o_low"], frame["t_high"] + frame["o_high"]
        frame["size"] = frame["outcome"]
    return frame.replace([np.inf, -np.inf], np.nan).dropna(subset=["outcome"])


def _sums_row(indicator: Indicator, unit: str, sums: Sums) -> dict[str, object] | None:
    """One panel row from an indicator's Sums (same arithmetic as warehouse.indicators)."""
    part, other = sums.part, sums.other
    if indicator.kind == "share" and other is not None:
        total = part.mid + other.mid
        if total <= 0 or part.low + other.high <= 0 or part.high + other.low <= 0:
            return None
        value, low, high, size = (part.mid / total, part.low / (part.low + other.high),
                                  part.high / (part.high + other.low), total)
    elif indicator.kind == "ratio" and other is not None:
        if other.mid <= 0 or other.high <= 0 or other.low <= 0:
            return None
        value, low, high, size = part.mid / other.mid, part.low / other.high, part.high / other.low, other.mid
    else:
        value, low, high, size = part.mid, part.low, part.high, part.mid
    return {"unit": unit, "period": int(sums.period[:4]), "outcome": value, "low": low, "high": high, "size": size}


def _generic_rows(con: duckdb.DuckDBPyConnection, indicator: Indicator, units: list[str]) -> pd.DataFrame:
    """Fallback for indicators without a grouped query: the indicator's own query per municipality (slower)."""
    with shared_coverage():  # which periods a source covers is read once, not once per municipality
        rows = [row for unit in units for sums in indicator.query(con, unit, 0, 9999)
                if (row := _sums_row(indicator, unit, sums)) is not None]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def load_indicator_panel(con: duckdb.DuckDBPyConnection, indicator_id: str) -> Panel:
    """The panel of one catalogue indicator for every municipality in the warehouse.

    Flevoland municipalities (region.is_flevoland) are `excluded` from comparison groups. The DUO vo exam family
    uses one grouped SQL; other indicators fall back to their own query per municipality.
    """
    indicator = get_indicator(indicator_id)
    regions = con.execute("select code, name, coalesce(is_flevoland, false) from region "
                          "where level = 'gemeente'").fetchall()
    names = {code: name for code, name, _ in regions}
    flevoland = frozenset(code for code, _, is_flevoland in regions if is_flevoland)
    query = indicator.query
    if getattr(query, "func", None) is vo_exams._candidates:
        levels, measure = query.args
        frame = _vo_rows(con, levels, measure)
    else:
        frame = _generic_rows(con, indicator, sorted(names))
    data = frame[list(COLUMNS)].sort_values(["unit", "period"]).reset_index(drop=True)
    data["period"] = data["period"].astype(int)
    return Panel(data, flevoland, names)

