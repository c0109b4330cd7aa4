"""Effect analyses end to end on warehouses: the real DUO vo file and the flevoland demo."""

from __future__ import annotations

import math

import pytest

from warehouse.connection import connect
from warehouse.effects import analyse, load_indicator_panel, verdict
from warehouse.indicators import compute

FLEVOLAND = ("GM0034", "GM0995", "GM0303", "GM0171", "GM0184", "GM0050")


def _matches_compute(con, panel, indicator_id: str, codes) -> int:
    """Every panel value equals warehouse.indicators.compute (a separate code path via region_membership)."""
    checked = 0
    for code in codes:
        for value in compute(con, indicator_id, code):
            if value.value is None:
                continue
            row = panel.data[(panel.data["unit"] == code) & (panel.data["period"] == int(value.period[:4]))]
            assert row["outcome"].item() == pytest.approx(value.value)
            assert row["low"].item() == pytest.approx(value.lower)
            assert row["high"].item() == pytest.approx(value.upper)
            checked += 1
    return checked


@pytest.mark.parametrize("indicator_id", ["vmbo_tech_share", "havo_vwo_nt_share"])
def test_real_panel_equals_the_indicator_per_municipality(real_db, indicator_id):
    con = connect(real_db)
    try:
        panel = load_indicator_panel(con, indicator_id)
        assert panel.periods == [2019, 2020, 2021, 2022, 2023]
        assert panel.excluded == frozenset(FLEVOLAND)
        assert panel.names["GM0184"] == "Urk"
        assert _matches_compute(con, panel, indicator_id, (*FLEVOLAND, "GM0363", "GM0344")) >= 30
    finally:
        con.close()


def test_real_vmbo_tech_share_each_flevoland_municipality(real_db):
    con = connect(real_db)
    try:
        panel = load_indicator_panel(con, "vmbo_tech_share")
    finally:
        con.close()
    for code in FLEVOLAND:
        result = analyse(panel, {code: 2021})
        assert {c.unit for c in result.comparison}.isdisjoint(FLEVOLAND)
        for method in (result.did, result.synth):
            assert math.isfinite(method.estimate)
            assert all(math.isfinite(x) for x in method.ci) and method.ci[0] <= method.ci[1]
            assert 0 < method.placebo_p <= 1 and 0 < method.pretrend_p <= 1
        assert verdict(result.did.estimate, *result.did.ci, placebo_p=result.did.placebo_p)
    staggered = analyse(panel, {"GM0184": 2021, "GM0171": 2021, "GM0034": 2022}, methods=("did",))
    assert math.isfinite(staggered.did.estimate) and staggered.did.ci[0] <= staggered.did.ci[1]


def test_demo_generic_indicator_panel_matches_compute(demo_db):
    con = connect(demo_db)
    try:
        panel = load_indicator_panel(con, "ho_tech_share")  # no grouped query: per-municipality fallback
        assert _matches_compute(con, panel, "ho_tech_share", ("GM0034", "GM0995")) > 0
    finally:
        con.close()
