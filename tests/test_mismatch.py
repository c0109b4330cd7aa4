"""Supply against demand per domain: a figure computed by hand on a small fixture, the catalogue's domains equal to
the reference file's, and the demo feeding every indicator."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from etl import domains
from etl.build import build
from warehouse import explore, mismatch
from warehouse.catalog import CATALOGUE
from warehouse.indicators import compute
from warehouse.measures.mismatch import DOMAINS

MBO_HEADER = ("INSTELLINGSCODE,INSTELLINGSNAAM,PLAATSNAAM INSTELLING,LEERWEG,NIVEAU,ERKENDE OPLEIDING CODE,"
              "ERKENDE OPLEIDING NAAM,SECTORKAMER NAAM,HOOFDGROEP NAAM,"
              + ",".join(f"DIPMAN{y},DIPVROUW{y}" for y in range(2021, 2026)))
INSTALL = "Sectorkamer techniek en gebouwde omgeving,Elektrotechnische en installatietechnische systemen"
# Diploma year 2023 is the 5th and 6th count column (DIPMAN2023, DIPVROUW2023).
MBO_ROWS = [
    f"25LR,ROC van Flevoland,ALMERE,BBL,2,25303,Monteur elektrotechnische installaties,{INSTALL},1,1,1,1,38,-1,1,1,1,1",
    f"25LR,ROC van Flevoland,LELYSTAD,BOL,4,25318,Technicus elektrotechnische installaties,{INSTALL},"
    "2,2,2,2,12,0,2,2,2,2",
    f"31AA,ROC van Amsterdam,AMSTERDAM,BOL,3,25303,Monteur elektrotechnische installaties,{INSTALL},"
    "3,3,3,3,50,7,3,3,3,3",
    '25LR,ROC van Flevoland,ALMERE,BOL,3,25225,Autotechnicus,"Sectorkamer mobiliteit, transport, logistiek en '
    'maritiem",Mobiliteit en voertuigen,5,5,5,5,20,0,5,5,5,5',
]
UWV_HEADER = ("PEILDATUM;REC_TYPE;PROVINCIE;GEMEENTE;POSTCODE;BEROEP_CODE;BEROEP;AANTAL;AANT_OPLNIV_1;AANT_OPLNIV_2;"
              "AANT_OPLNIV_3;AANT_OPLNIV_4;AANT_OPLNIV_5;AANT_OPLNIV_6")
UWV_ROWS = [
    "2023-04-25;VACATURE;Flevoland;Almere;1315;0761;Elektriciens en elektronicamonteurs;10;0;0;0;0;0;0",
    "2023-04-25;VACATURE;Flevoland;Lelystad;8232;0734;Loodgieters en pijpfitters;4;0;0;0;0;0;0",
    "2023-04-25;WERKZOEKENDE;Flevoland;Lelystad;8232;0734;Loodgieters en pijpfitters;8;2;2;2;2;0;0",
    "2023-05-02;VACATURE;Flevoland;Almere;1315;0761;Elektriciens en elektronicamonteurs;100;0;0;0;0;0;0",
    "2023-05-02;VACATURE;Flevoland;Lelystad;8232;0734;Loodgieters en pijpfitters;50;0;0;0;0;0;0",
    "2023-05-02;VACATURE;Flevoland;Almere;1315;0811;Software- en applicatieontwikkelaars;3;0;0;0;0;0;0",
    "2023-05-16;VACATURE;Flevoland;Almere;1315;0761;Elektriciens en elektronicamonteurs;6;0;0;0;0;0;0",
    "2023-05-16;VACATURE;Flevoland;Lelystad;8232;0734;Loodgieters en pijpfitters;2;0;0;0;0;0;0",
    "2023-05-16;WERKZOEKENDE;Flevoland;Almere;1315;0761;Elektriciens en elektronicamonteurs;4;1;1;1;1;0;0",
    "2023-05-16;VACATURE;Flevoland;Almere;1315;0811;Software- en applicatieontwikkelaars;9;0;0;0;0;0;0",
    "2023-05-16;VACATURE;Noord-Holland;Amsterdam;1011;0761;Elektriciens en elektronicamonteurs;30;0;0;0;0;0;0",
]


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    raw = tmp_path_factory.mktemp("mismatch_raw")
    mbo = raw / "duo" / "mbo_gediplomeerden" / "2020-2024-gediplomeerden.csv"
    uwv = raw / "uwv" / "open_match" / "uwv_open_match_2023.csv"
    for path, lines in ((mbo, [MBO_HEADER, *MBO_ROWS]), (uwv, [UWV_HEADER, *UWV_ROWS])):
        path.parent.mkdir(parents=True)
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    db = tmp_path_factory.mktemp("mismatch_db") / "warehouse.duckdb"
    build(raw, db, progress=False)
    return duckdb.connect(str(db), read_only=True)


def test_installation_and_energy_in_flevoland_2023_by_hand(fixture_db):
    # Supply 2023, Flevoland, installatie en energie: Almere 38 men + one suppressed cell (1..4) of women, Lelystad
    # 12 + 0. Amsterdam is outside the region; the Autotechnicus is in another domain.
    # Demand: the months with snapshots are April and May 2023 (2). April's last snapshot (25th): Almere 10 + Lelystad
    # 4 = 14; May's last (16th, not the 2nd with 100 and 50): 6 + 2 = 8; mean (14 + 8) / 2 = 11.
    # Amsterdam and software are outside.
    frame = mismatch.overview(fixture_db, "PV24", 2023, 2023).set_index("domain_id")
    row = frame.loc["installatie_energie"]
    assert (row["low"], row["mid"], row["high"]) == (38 + 1 + 12, 38 + 2.5 + 12, 38 + 4 + 12)
    assert (row["vacancies"], row["job_seekers"], row["months"]) == (11, (8 + 4) / 2, 2)
    assert row["ratio"] == pytest.approx(52.5 / 11)
    assert (row["ratio_low"], row["ratio_high"]) == pytest.approx((51 / 11, 54 / 11))
    assert row["tension"] == pytest.approx(11 / 6)
    value = compute(fixture_db, "mismatch_ratio_installatie_energie", "PV24", 2023, 2023)
    assert [(v.period, v.numerator, v.denominator) for v in value] == [("2023", 52.5, 11)]
    assert (value[0].lower, value[0].upper) == pytest.approx((51 / 11, 54 / 11))
    # Nederland adds Amsterdam: 57 graduates and 30 vacancies in May (30 / 2 months).
    national = mismatch.overview(fixture_db, "NL", 2023, 2023).set_index("domain_id").loc["installatie_energie"]
    assert (national["mid"], national["vacancies"]) == (52.5 + 57, 11 + 15)


def test_drill_down_by_level_and_municipality(fixture_db):
    levels = mismatch.by_level(fixture_db, "PV24", "installatie_energie", 2023)
    assert dict(zip(levels["level"], levels["mid"], strict=True)) == {"mbo 2": 40.5, "mbo 3": 0, "mbo 4": 12,
                                                                       "hbo": 0, "wo": 0}
    places = mismatch.by_municipality(fixture_db, ["GM0034", "GM0995", "GM0184"], "installatie_energie", 2023)
    assert list(places["gemeente"]) == ["Almere", "Lelystad", "Urk"]
    assert list(places["mid"]) == [40.5, 12, 0] and list(places["vacancies"]) == [8, 3, 0]


def test_a_year_with_one_side_only_has_no_ratio(fixture_db):
    frame = mismatch.overview(fixture_db, "PV24")
    supply_only = frame[(frame["domain_id"] == "installatie_energie") & (frame["year"] == 2024)].iloc[0]
    assert supply_only["mid"] == 1 + 1 + 2 + 2
    assert pd.isna(supply_only["vacancies"]) and pd.isna(supply_only["ratio"])  # no UWV data for 2024
    assert mismatch.latest_common_year(frame) == 2023
    assert [v.period for v in compute(fixture_db, "mismatch_ratio", "PV24")] == ["2023"]


def test_catalogue_domains_equal_the_reference_file():
    assert list(DOMAINS.items()) == [(d[0], d[1]) for d in domains.read_domains()], (
        "technical_domains.csv and warehouse/measures/mismatch.py DOMAINS differ: a new domain needs its ratio "
        "indicator in the catalogue")
    for domain_id in DOMAINS:
        indicator = CATALOGUE[f"mismatch_ratio_{domain_id}"]
        assert indicator.caveats and indicator.sources == ("duo_mbo_gediplomeerden", "duo_ho_gediplomeerden",
                                                           "uwv_open_match")


def test_the_demo_feeds_every_mismatch_indicator(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    for indicator_id in [i for i in CATALOGUE if i.startswith("mismatch_")]:
        values = compute(con, indicator_id, "PV24")
        assert values and all(v.source.endswith("(demodata)") for v in values), indicator_id
    outside, total = mismatch.unplaced(con, "PV24", 2023)
    assert 0 < outside < total  # hbo from DUO's current files is in no domain


def test_the_explorer_filters_the_mismatch_tables_by_region_and_year(fixture_db):
    # calendar_year is a period of the period table, so the explorer's period filter joins on it.
    supply = explore.query_table(fixture_db, "mismatch_supply", ["domain_id"], ["graduates"], "PV24", 2023, 2023)
    assert dict(zip(supply["domain_id"], supply["graduates"], strict=True)) == {
        "installatie_energie": 38 + 2.5 + 12, "mobiliteit_logistiek": 20}
    demand = explore.query_table(fixture_db, "mismatch_demand", ["calendar_year"], ["vacancies"], "GM0034", 2023, 2023)
    assert demand.to_dict("records") == [{"calendar_year": "2023", "vacancies": (10 + 6) / 2 + 9 / 2}]
