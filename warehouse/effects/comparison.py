"""Comparison group: units outside the treated region, similar in size and in pre-period level and trend."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from warehouse.effects.panel import Panel, PanelError

DEFAULT_K = 40  # enough placebo units for a 95% rank interval; see docs/effects.md


@dataclass(frozen=True)
class Candidate:
    """One comparison unit and its distance to the nearest treated unit (standardised feature space)."""

    unit: str
    distance: float


def _features(wide: pd.DataFrame, size: pd.Series, pre: list[int]) -> pd.DataFrame:
    """Pre-period mean, pre-period slope (per period) and log size per unit."""
    values = wide[pre].to_numpy(dtype=float)
    x = np.asarray(pre, dtype=float)
    features = pd.DataFrame(index=wide.index)
    features["level"] = values.mean(axis=1)
    if len(pre) > 1:
        xc = x - x.mean()
        features["trend"] = ((values - values.mean(axis=1, keepdims=True)) * xc).sum(axis=1) / (xc ** 2).sum()
    log_size = np.log(size.reindex(wide.index).clip(lower=1e-9))
    if log_size.notna().all():
        features["size"] = log_size
    return features


def select_comparison(panel: Panel, treated: dict[str, int], k: int | None = DEFAULT_K,
                      candidates: list[str] | None = None) -> list[Candidate]:
    """Nearest neighbours of the treated units on standardised pre-mean, pre-slope and log size.

    Candidates: `candidates` if given, else every unit not in panel.excluded and not treated, with a value in
    every period. k None or 0: all candidates. A candidate's distance is the Euclidean distance to its nearest
    treated unit; the result is sorted by distance.
    """
    panel.check_treated(treated)
    wide = panel.wide().dropna()
    pre = [p for p in panel.periods if p < min(treated.values())]
    pool = candidates if candidates is not None else [u for u in wide.index if u not in panel.excluded]
    pool = [u for u in pool if u in wide.index and u not in treated]
    missing = [u for u in treated if u not in wide.index]
    if missing:
        raise PanelError(f"Behandelde eenheid '{missing[0]}' heeft niet in elke periode een waarde.")
    if len(pool) < 2:
        raise PanelError("Te weinig vergelijkingseenheden met een waarde in elke periode (minstens 2 nodig).")
    size = panel.data.loc[panel.data["period"].isin(pre)].groupby("unit")["size"].mean()
    features = _features(wide.loc[pool + list(treated)], size, pre)
    spread = features.loc[pool].std(ddof=0).replace(0, 1.0)
    z = (features - features.loc[pool].mean()) / spread
    treated_z = z.loc[list(treated)].to_numpy()
    pool_z = z.loc[pool].to_numpy()
    distance = np.sqrt(((pool_z[:, None, :] - treated_z[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
    order = np.argsort(distance, kind="stable")
    if k:
        order = order[:k]
    return [Candidate(pool[i], float(distance[i])) for i in order]
