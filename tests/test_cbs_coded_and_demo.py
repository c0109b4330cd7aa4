"""CBS coded CSV reader (fixture and real file), the OData bundle reader's errors, and the CBS demo writers."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pytest

from etl.demo import cbs_coded_csv as demo_coded
from etl.demo import cbs_label_csv as demo_label
from etl.demo import cbs_label_quarterly as demo_quarterly
from etl.demo import cbs_odata as demo_odata
from etl.demo.world import age_band_population, demo_world
from etl.errors import RawFileError
from etl.rawfiles import read_header, recognise
from etl.sources import cbs_coded_csv, cbs_label_csv, cbs_label_quarterly, cbs_odata
from tests.conftest import FIXTURES
from warehouse.indicators import compute

CODED = FIXTURES / "cbs" / "50140NED_TypedDataSet_22092025_192544.csv"


def test_coded_csv_fixture_exact_values():
    assert recognise(CODED)[0] is cbs_coded_csv
    assert cbs_coded_csv.periods(read_header(CODED), CODED) == ["2024"]  # from CODED_CSV_PERIODS
    facts, _ = cbs_coded_csv.to_facts(cbs_coded_csv.read(CODED), CODED, CODED.name, None)
    assert len(facts) == 5  # 7 filled cells minus the GGD region's one; empty cells skipped
    assert sorted(facts["region_code"].unique()) == ["GM0034", "GM0184", "NL"]
    row = facts[(facts["region_code"] == "GM0034") & (facts["measure"] == "HeeftSchulden_3")].iloc[0]
    assert (row["value"], row["table_id"], row["dims"], row["source_line"]) == (
        11.9, "50140NED", "Persoonskenmerken=T009002|Marges=MW00000", 4)


def test_coded_csv_bad_value_and_renamed_file(tmp_path):
    path = tmp_path / CODED.name
    path.write_bytes(CODED.read_bytes().replace(b";30.2;", b";30,2;"))
    with pytest.raises(RawFileError) as caught:
        cbs_coded_csv.read(path)
    assert (caught.value.line, caught.value.column) == (4, "MoeiteMetRondkomen_1")
    renamed = tmp_path / "welzijn.csv"
    renamed.write_bytes(CODED.read_bytes())
    with pytest.raises(RawFileError, match="bestandsnaam"):
        cbs_coded_csv.read(renamed)


def test_real_coded_csv(real_data: Path):
    [path] = (real_data / "cbs_statline_coded_csv").glob("*.csv")
    assert recognise(path)[0] is cbs_coded_csv
    long = cbs_coded_csv.read(path)
    assert len(long) == 42423  # filled topic cells of 365 rows × 148 topics (csv module count)
    facts, _ = cbs_coded_csv.to_facts(long, path, path.name, None)
    assert len(facts) == 38657  # NL01 and GM rows only; GGD regions (GG) and CG01 dropped
    almere = facts[(facts["region_code"] == "GM0034")].set_index("measure")["value"]
    assert almere["MoeiteMetRondkomen_1"] == 30.2 and almere["BeperktDoorMogelijkePostCOVID_147"] == 5.5


def test_bundle_with_text_value_names_row_and_key(tmp_path):
    raw = tmp_path / "03759ned.json"
    demo_odata.write(tmp_path, demo_world("flevoland", 1), np.random.default_rng(1))
    [path] = (tmp_path / "cbs" / "odata" / "03759ned").glob("*.json")
    bundle = json.loads(path.read_text(encoding="utf-8"))
    bundle["TypedDataSet"][3]["BevolkingOp1Januari_1"] = "veel"
    raw.write_text('{"cbs_odata_v3": "03759ned",\n' + json.dumps(bundle)[1:], encoding="utf-8")
    with pytest.raises(RawFileError) as caught:
        cbs_odata.read(raw)
    assert (caught.value.line, caught.value.column) == (4, "BevolkingOp1Januari_1")
    raw.write_text('{"cbs_odata_v3": "03759ned",\n"TypedDataSet": [', encoding="utf-8")
    with pytest.raises(RawFileError, match="geen geldige JSON"):
        cbs_odata.read(raw)


def _cbs_files(raw: Path) -> dict[str, bytes]:
    return {p.relative_to(raw).as_posix(): p.read_bytes() for p in sorted((raw / "cbs").rglob("*"))
            if p.is_file() and not p.name.endswith(".manifest.json")}


def test_demo_is_deterministic(tmp_path):
    world = demo_world("flevoland", 3)
    written = {}
    for run in ("a", "b", "c"):
        seed = 4 if run == "c" else 3
        for module in (demo_odata, demo_label, demo_quarterly, demo_coded):
            module.write(tmp_path / run, world, np.random.default_rng(seed))
        written[run] = _cbs_files(tmp_path / run)
    assert written["a"] == written["b"] and written["a"] != written["c"]


def test_demo_layouts_match_the_real_files(tmp_path, real_data: Path):
    world = demo_world("flevoland", 1)
    rng = np.random.default_rng(1)
    label = demo_label.write(tmp_path, world, rng)
    real_label = (real_data / "cbs_statline_label_csv_85525ned" / "2022_onderwijsniveau.csv").read_bytes()
    demo_2022 = next(p for p in label if p.name == "2022_onderwijsniveau.csv").read_bytes()
    assert demo_2022.split(b"\r\n")[0] == real_label.split(b"\r\n")[0]  # BOM and header, byte for byte
    assert demo_2022.count(b"\r\n") == real_label.count(b"\r\n") and b"\n" not in demo_2022.replace(b"\r\n", b"")
    assert [line.split(b";")[3] for line in demo_2022.split(b"\r\n")[1:-1]] == [
        line.split(b";")[3] for line in real_label.split(b"\r\n")[1:-1]]  # the same region labels
    assert b";2023*;" in next(p for p in label if p.name.startswith("2023")).read_bytes()

    quarterly = demo_quarterly.write(tmp_path, world, rng).read_bytes()
    real_quarterly = (real_data / "cbs_statline_label_csv_85525ned" / "Werkloosheidpercentage.csv").read_bytes()
    assert quarterly.split(b"\r\n")[0] == real_quarterly.split(b"\r\n")[0]
    assert [line.split(b";")[0] for line in quarterly.split(b"\r\n")] == [
        line.split(b";")[0] for line in real_quarterly.split(b"\r\n")]  # the same Dutch quarter labels
    assert quarterly.endswith(b"\r\n") and real_quarterly.endswith(b"\r\n")

    coded = demo_coded.write(tmp_path, world, rng).read_bytes()
    [real_coded_path] = (real_data / "cbs_statline_coded_csv").glob("*.csv")
    real_coded = real_coded_path.read_bytes()
    assert coded.split(b";")[:4] == real_coded.split(b";")[:4]  # BOM, ID;Persoonskenmerken;Marges;RegioS
    assert coded.split(b"\r\n")[1].split(b";")[:4] == real_coded.split(b"\r\n")[1].split(b";")[:4]  # 'NL01  '
    assert coded.endswith(b"\r\n")


def test_demo_builds_with_checks_and_plausible_indicators(demo_db: Path):
    world = {m.code: m for m in demo_world("flevoland", 7)}  # conftest's demo seed
    with duckdb.connect(str(demo_db), read_only=True) as con:
        retention = {v.period: v for v in compute(con, "youth_retention_5y", "GM0184")}
        urk = world["GM0184"]
        expected = age_band_population(urk, 2024, "20 tot 25 jaar") / age_band_population(urk, 2019, "15 tot 20 jaar")
        assert retention["2024"].value == pytest.approx(expected)
        assert sorted(retention) == [str(y) for y in range(2020, 2026)] and retention["2025"].status == "voorlopig"
        assert 0.5 < compute(con, "youth_retention_5y", "PV24")[0].value < 1.5
        shares = compute(con, "education_level_high_share", "PV24")
        assert len(shares) == 5 and all(0.15 < v.value < 0.4 for v in shares)
        rates = compute(con, "unemployment_rate", "PV24")
        assert len(rates) == 41 and all(0.01 <= v.value < 0.12 for v in rates)


def test_source_modules_declare_their_contract():
    for module in (cbs_odata, cbs_label_csv, cbs_label_quarterly, cbs_coded_csv):
        assert module.DATASET.fact_table == "fact_cbs" and module.DATASET.grain[0] == "source_id"
        assert module.DATASET.raw_subdir.startswith("cbs/")
