"""Technical graduates of all levels add up the mbo and the ho indicator, bounds included."""

from warehouse.connection import connect
from warehouse.indicators import compute


def test_all_levels_is_mbo_plus_ho_per_school_year(demo_db):
    con = connect(demo_db)
    total = {v.period: v for v in compute(con, "tech_graduates_all_levels", "PV24")}
    mbo = {v.period: v for v in compute(con, "mbo_tech_graduates", "PV24")}
    ho = {v.period: v for v in compute(con, "ho_tech_graduates", "PV24")}
    assert set(total) == set(mbo) & set(ho) and total
    for period, value in total.items():
        assert value.value == mbo[period].value + ho[period].value
        assert (value.lower, value.upper) == (mbo[period].lower + ho[period].lower,
                                             mbo[period].upper + ho[period].upper)
    assert next(iter(total.values())).source == \
        "DUO, Gediplomeerde mbo-studenten (demodata); DUO, Gediplomeerden hbo en wo (demodata)"
