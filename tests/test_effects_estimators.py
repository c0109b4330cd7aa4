"""Effect estimators on simulated panels: planted effects recovered, null coverage, staggered cohorts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from warehouse.effects import analyse, did, panel_from_frame, placebo, select_comparison, synth

YEARS = range(2015, 2025)


def simulate(seed: int, effects: dict[str, tuple[int, float]] | None = None, n: int = 60,
             noise: float = 0.01) -> pd.DataFrame:
    """60 municipalities with a share around 15–35%, own linear trends and noise; effects planted per unit."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        unit, level, trend = f"U{i:02d}", rng.uniform(0.15, 0.35), rng.normal(0.003, 0.002)
        size = rng.uniform(100, 2000)
        for year in YEARS:
            value = level + trend * (year - 2015) + rng.normal(0, noise)
            start, effect = (effects or {}).get(unit, (9999, 0.0))
            rows.append((unit, year, value + (effect if year >= start else 0.0), size))
    return pd.DataFrame(rows, columns=["gemeente", "jaar", "aandeel", "kandidaten"])


def panel(frame: pd.DataFrame):
    return panel_from_frame(frame, "gemeente", "jaar", "aandeel", size="kandidaten")


def test_planted_effect_recovered_by_both_methods():
    # +3 percentage points from 2021 in one of 60 municipalities; tolerance: 1 percentage point
    result = analyse(panel(simulate(11, {"U00": (2021, 0.03)}, noise=0.005)), {"U00": 2021})
    for method in (result.did, result.synth):
        assert method.estimate == pytest.approx(0.03, abs=0.01)
        assert method.ci[0] <= 0.03 <= method.ci[1]
        assert method.ci[0] > 0  # the effect is also detected
    assert result.did.placebo_p <= 0.05
    assert result.did.ci_kind == "placebo"
    assert result.did.n_placebos == 40 == len(result.comparison)
    assert sum(result.synth.weights.values()) == pytest.approx(1.0, abs=0.01)


def test_null_intervals_cover_zero_in_at_least_90_percent_of_seeds():
    seeds = range(500, 540)
    covered_did = covered_synth = 0
    for seed in seeds:
        result = analyse(panel(simulate(seed)), {"U00": 2021})
        covered_did += result.did.ci[0] <= 0 <= result.did.ci[1]
        covered_synth += result.synth.ci[0] <= 0 <= result.synth.ci[1]
    assert covered_did / len(seeds) >= 0.9
    assert covered_synth / len(seeds) >= 0.9


def test_staggered_cohorts_recover_their_own_effects():
    effects = {"U00": (2019, 0.05), "U01": (2019, 0.05), "U02": (2021, -0.02), "U03": (2021, -0.02)}
    treated = {unit: start for unit, (start, _) in effects.items()}
    result = analyse(panel(simulate(3, effects, noise=0.005)), treated, methods=("did",))
    for group, planted in ((2019, 0.05), (2021, -0.02)):
        post = [c.att for c in result.did.cells if c.group == group and c.period >= group]
        assert np.mean(post) == pytest.approx(planted, abs=0.01)
    # overall ATT = cohort-size weighted mean of post cells: 2019 has 6 post years, 2021 has 4, 2 units each
    assert result.did.estimate == pytest.approx((6 * 0.05 + 4 * -0.02) / 10, abs=0.01)
    assert result.did.n_placebos == placebo.MAX_DRAWS
    assert result.synth is None


def test_not_yet_treated_units_serve_as_controls_until_their_start():
    frame = simulate(4, {"U00": (2019, 0.05), "U01": (2022, 0.05)})
    wide = panel(frame).wide()
    cells = did.group_time_cells(wide, {"U00": 2019, "U01": 2022}, ["U10", "U11"])
    cell = next(c for c in cells if c.group == 2019 and c.period == 2020)
    assert cell.controls == ("U10", "U11", "U01")
    cell = next(c for c in cells if c.group == 2019 and c.period == 2022)
    assert cell.controls == ("U10", "U11")


def test_group_time_att_is_the_hand_computed_two_by_two():
    frame = pd.DataFrame({"u": list("AABBCC"), "t": [1, 2] * 3, "y": [1.0, 4.0, 2.0, 3.0, 0.0, 2.0]})
    wide = panel_from_frame(frame, "u", "t", "y").wide()
    (cell,) = did.group_time_cells(wide, {"A": 2}, ["B", "C"])
    assert cell.att == pytest.approx((4 - 1) - ((3 - 2) + (2 - 0)) / 2)


def test_cluster_covariance_matches_two_sample_formula():
    # one 2×2 cell with one treated unit: its residual is 0, so the cluster-robust variance of the treat
    # coefficient is Σ(control residual²) / n_controls² times statsmodels' small-sample factor G/(G-1)·(N-1)/(N-K)
    frame = simulate(5)
    wide = panel(frame).wide()[[2020, 2021]]
    controls = [f"U{i:02d}" for i in range(1, 31)]
    (cell,) = did.group_time_cells(wide, {"U00": 2021}, controls)
    covariance = did._cluster_covariance(wide, [cell])
    change = (wide[2021] - wide[2020]).loc[controls].to_numpy()
    n, g, k = len(controls) + 1, len(controls) + 1, 2
    correction = g / (g - 1) * (n - 1) / (n - k)
    assert covariance[0, 0] == pytest.approx(correction * ((change - change.mean()) ** 2).sum() / len(controls) ** 2)


def test_comparison_group_excludes_region_and_ranks_by_distance():
    frame = simulate(6)
    p = panel_from_frame(frame, "gemeente", "jaar", "aandeel", size="kandidaten", excluded=frozenset({"U01", "U02"}))
    chosen = select_comparison(p, {"U00": 2021}, k=10)
    assert len(chosen) == 10
    assert not {"U00", "U01", "U02"} & {c.unit for c in chosen}
    assert [c.distance for c in chosen] == sorted(c.distance for c in chosen)
    assert len(select_comparison(p, {"U00": 2021}, k=None)) == 57


def test_synth_weights_reproduce_an_exact_convex_combination():
    donors = np.array([[1.0, 3.0, 0.0], [2.0, 1.0, 5.0], [0.0, 2.0, 1.0], [4.0, 0.0, 2.0]])
    target = donors @ np.array([0.25, 0.75, 0.0])
    assert synth.donor_weights(target, donors) == pytest.approx([0.25, 0.75, 0.0], abs=1e-6)


def test_suppression_bounds_give_a_sensitivity_run():
    frame = simulate(7, {"U00": (2021, 0.03)}, noise=0.005)
    p = panel(frame)
    data = p.data.copy()
    data["low"], data["high"] = data["outcome"] - 0.01, data["outcome"] + 0.01
    bounded = type(p)(data)
    low = analyse(bounded.with_outcome("low"), {"U00": 2021}, methods=("did",)).did.estimate
    mid = analyse(bounded, {"U00": 2021}, methods=("did",)).did.estimate
    assert low == pytest.approx(mid)  # a constant shift of every value leaves the DiD unchanged


def test_placebo_p_and_interval_helpers():
    placebos = np.arange(1, 40, dtype=float)  # 39 placebo statistics 1..39
    assert placebo.rank_p(39.5, placebos) == pytest.approx(1 / 40)
    assert placebo.rank_p(0.0, placebos) == pytest.approx(1.0)
    assert placebo.interval(10.0, placebos - 20) == (10.0 - 19, 10.0 + 19)
    assert list(placebo.assignments(["a", "b", "c"], {"x": 2021})) == [{"a": 2021}, {"b": 2021}, {"c": 2021}]
