"""Difference-in-differences with staggered adoption: group-time ATT(g,t) in the style of Callaway & Sant'Anna.

Each ATT(g,t) is a 2×2 comparison of the change from the cohort's base period (the last period before g) to t,
treated cohort g against never-treated comparison units plus not-yet-treated units (start after max(t, base)).
Aggregates: overall ATT = cohort-size weighted mean of post-period cells; event-time effects per t − g.
Cluster-robust standard errors come from one stacked, saturated OLS (statsmodels, clustered by unit).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from warehouse.effects import placebo

FEW_TREATED = 10  # below this many treated units the reported interval is placebo-based (docs/effects.md)
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Cell:
    """One group-time effect: cohort `group` (start period) in `period`, with its treated and control units."""

    group: int
    base: int
    period: int
    treated: tuple[str, ...]
    controls: tuple[str, ...]
    att: float

    @property
    def event_time(self) -> int:
        return self.period - self.group


@dataclass(frozen=True)
class DidResult:
    """The DiD estimate with its intervals and tests; event_time rows are {e, att, se_cluster}."""

    estimate: float
    ci: tuple[float, float]
    ci_kind: str  # placebo | cluster
    se_cluster: float
    ci_cluster: tuple[float, float]
    placebo_p: float | None
    pretrend_p: float | None
    n_placebos: int
    event_time: list[dict[str, float]] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)


def group_time_cells(wide: pd.DataFrame, treated: dict[str, int], controls: list[str]) -> list[Cell]:
    """Every ATT(g,t) for t ≠ base(g), computed from means of changes (complete rows of `wide` only)."""
    periods = [int(p) for p in wide.columns]
    values = wide.to_numpy(dtype=float)
    row = {unit: i for i, unit in enumerate(wide.index)}
    col = {p: j for j, p in enumerate(periods)}
    cells = []
    for group in sorted(set(treated.values())):
        before = [p for p in periods if p < group]
        if not before:
            continue
        base = before[-1]
        cohort = tuple(u for u, s in treated.items() if s == group)
        for period in periods:
            if period == base:
                continue
            later = tuple(u for u, s in treated.items() if s > max(period, base))
            pool = tuple(controls) + later
            change = values[:, col[period]] - values[:, col[base]]
            att = change[[row[u] for u in cohort]].mean() - change[[row[u] for u in pool]].mean()
            cells.append(Cell(group, base, period, cohort, pool, float(att)))
    return cells


def _weights(cells: list[Cell], select) -> np.ndarray:
    w = np.array([len(c.treated) if select(c) else 0.0 for c in cells], dtype=float)
    return w / w.sum() if w.sum() > 0 else w


def aggregate(cells: list[Cell]) -> tuple[float, dict[int, float]]:
    """Overall ATT (post cells, weighted by cohort size) and event-time effects."""
    atts = np.array([c.att for c in cells])
    overall = float(_weights(cells, lambda c: c.period >= c.group) @ atts)
    events = sorted({c.event_time for c in cells})
    by_event = {e: float(_weights(cells, lambda c, e=e: c.event_time == e) @ atts) for e in events}
    return overall, by_event


def pretrend_statistic(by_event: dict[int, float]) -> float:
    """Root mean square of the pre-period event-time effects (e ≤ −2; e = −1 is the base). NaN if none."""
    pre = [v for e, v in by_event.items() if e < -1]
    return float(np.sqrt(np.mean(np.square(pre)))) if pre else float("nan")


def point(wide: pd.DataFrame, treated: dict[str, int], controls: list[str]) -> tuple[float, float]:
    """Overall ATT and pre-trend statistic only (fast path for placebo runs)."""
    overall, by_event = aggregate(group_time_cells(wide, treated, controls))
    return overall, pretrend_statistic(by_event)


def _cluster_covariance(wide: pd.DataFrame, cells: list[Cell]) -> np.ndarray:
    """Covariance of all ATT(g,t) from a stacked saturated OLS, clustered by unit (statsmodels)."""
    # The OLS module alone: statsmodels.api imports every model, its datasets and graphics (a second more).
    from statsmodels.regression.linear_model import OLS

    col = {int(p): j for j, p in enumerate(wide.columns)}
    values = wide.to_numpy(dtype=float)
    row = {unit: i for i, unit in enumerate(wide.index)}
    ys, cell_ids, treat, groups = [], [], [], []
    for k, cell in enumerate(cells):
        for units, flag in ((cell.treated, 1.0), (cell.controls, 0.0)):
            idx = [row[u] for u in units]
            ys.extend(values[idx, col[cell.period]] - values[idx, col[cell.base]])
            cell_ids.extend([k] * len(idx))
            treat.extend([flag] * len(idx))
            groups.extend(idx)
    n_cells = len(cells)
    cell_ids_a = np.asarray(cell_ids)
    design = np.zeros((len(ys), 2 * n_cells))
    design[np.arange(len(ys)), cell_ids_a] = 1.0
    design[np.arange(len(ys)), n_cells + cell_ids_a] = np.asarray(treat)
    fit = OLS(np.asarray(ys), design).fit(cov_type="cluster", cov_kwds={"groups": np.asarray(groups)})
    return np.asarray(fit.cov_params())[n_cells:, n_cells:]


def estimate(wide: pd.DataFrame, treated: dict[str, int], controls: list[str], seed: int = 0) -> DidResult:
    """Group-time DiD with cluster-robust and placebo inference on a balanced unit × period matrix."""
    cells = group_time_cells(wide, treated, controls)
    overall, by_event = aggregate(cells)
    covariance = _cluster_covariance(wide, cells)
    w_post = _weights(cells, lambda c: c.period >= c.group)
    se = float(np.sqrt(max(w_post @ covariance @ w_post, 0.0)))
    event_rows = []
    for e, value in by_event.items():
        w = _weights(cells, lambda c, e=e: c.event_time == e)
        event_rows.append({"e": e, "att": value, "se_cluster": float(np.sqrt(max(w @ covariance @ w, 0.0)))})
    stats = [point(wide, fake, [u for u in controls if u not in fake])
             for fake in placebo.assignments(controls, treated, seed)]
    placebo_att = np.array([s[0] for s in stats])
    placebo_pre = np.array([s[1] for s in stats])
    ci_cluster = (overall - Z95 * se, overall + Z95 * se)
    ci_placebo = placebo.interval(overall, placebo_att)
    use_placebo = len(treated) < FEW_TREATED and ci_placebo is not None
    return DidResult(
        estimate=overall,
        ci=ci_placebo if use_placebo else ci_cluster,
        ci_kind="placebo" if use_placebo else "cluster",
        se_cluster=se,
        ci_cluster=ci_cluster,
        placebo_p=placebo.rank_p(abs(overall), np.abs(placebo_att)),
        pretrend_p=placebo.rank_p(pretrend_statistic(by_event), placebo_pre),
        n_placebos=len(stats),
        event_time=event_rows,
        cells=cells,
    )
