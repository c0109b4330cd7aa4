"""In-space placebo (permutation) inference: placebo assignments, rank p-values and placebo-based intervals."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations
from math import comb

import numpy as np

MAX_DRAWS = 200  # random placebo assignments when enumerating all subsets would be more


def assignments(controls: list[str], treated: dict[str, int], seed: int = 0,
                max_draws: int = MAX_DRAWS) -> Iterator[dict[str, int]]:
    """Placebo treatment assignments among the comparison units, with the treated units' start periods.

    One treated unit: every comparison unit once, as if treated from that start. n treated units: every n-subset
    of comparison units (or `max_draws` random subsets with a fixed seed when there are more), each subset
    receiving the treated units' starts in order.
    """
    starts = list(treated.values())
    n = len(starts)
    if n > len(controls) - 1:
        return
    if comb(len(controls), n) <= max_draws:
        for subset in combinations(controls, n):
            yield dict(zip(subset, starts, strict=True))
        return
    rng = np.random.default_rng(seed)
    for _ in range(max_draws):
        subset = rng.choice(len(controls), size=n, replace=False)
        yield {controls[i]: s for i, s in zip(subset, starts, strict=True)}


def rank_p(actual: float, placebos: np.ndarray) -> float | None:
    """Share of placebo statistics at least as extreme as the actual one, counting the actual: (1 + #) / (1 + B)."""
    placebos = placebos[np.isfinite(placebos)]
    if not np.isfinite(actual) or placebos.size == 0:
        return None
    return float((1 + np.sum(placebos >= actual - 1e-12)) / (1 + placebos.size))


def interval(estimate: float, placebos: np.ndarray, level: float = 0.95) -> tuple[float, float] | None:
    """Conley–Taber style interval: the estimate minus the spread of placebo estimates (their noise under no
    effect). Conservative order statistics ('lower'/'higher'), so with 39+ placebos it spans their min..max at 95%."""
    placebos = placebos[np.isfinite(placebos)]
    if placebos.size < 2:
        return None
    alpha = (1 - level) / 2
    low = float(np.quantile(placebos, alpha, method="lower"))
    high = float(np.quantile(placebos, 1 - alpha, method="higher"))
    return estimate - high, estimate - low
