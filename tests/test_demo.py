"""Demo data: deterministic, in the real file's exact layout, and calibrated to realistic magnitudes."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl.build import build
from etl.demo import generate
from etl.demo.world import COMPARISON_MUNICIPALITIES, demo_world
from etl.manifest import read_manifest
from etl.reference import load_regions


def _vo_file(paths: list[Path]) -> Path:
    (vo,) = [p for p in paths if p.name == "examenkandidaten-en-geslaagden-2019-2024.csv"]
    return vo


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not(tmp_path):
    a = generate(tmp_path / "a", "flevoland", 11)
    b = generate(tmp_path / "b", "flevoland", 11)
    c = generate(tmp_path / "c", "flevoland", 12)
    assert [p.relative_to(tmp_path / "a") for p in a] == [p.relative_to(tmp_path / "b") for p in b]
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    assert _vo_file(a).read_bytes() != _vo_file(c).read_bytes()


def test_every_demo_file_has_a_demo_manifest(tmp_path):
    paths = generate(tmp_path, "flevoland", 3)
    assert paths
    for path in paths:
        manifest = read_manifest(path)
        assert manifest.demo and manifest.demo_scale == "flevoland" and manifest.demo_seed == 3
        assert manifest.origin_url is None


def test_layout_is_byte_for_byte_that_of_the_real_file(tmp_path, real_vo_file):
    demo = _vo_file(generate(tmp_path, "flevoland", 1))
    real, fake = real_vo_file.read_bytes(), demo.read_bytes()
    assert fake.split(b"\r\n", 1)[0] == real.split(b"\r\n", 1)[0]  # identical header line
    assert demo.name == real_vo_file.name
    assert not fake.startswith(b"\xef\xbb\xbf") and fake.endswith(b"\r\n")
    assert fake.count(b"\n") == fake.count(b"\r\n")
    for line in fake.split(b"\r\n")[1:-1]:
        fields = line.decode("utf-8").split(";")
        assert len(fields) == 52
        assert all(f.startswith('"') and f.endswith('"') for f in fields)


def test_scales_cover_the_right_municipalities():
    national = demo_world("national", 5)
    regions = load_regions()
    current = regions[(regions["level"] == "gemeente") & regions["valid_to"].isna()]
    assert {m.code for m in national} == set(current["code"])
    assert 17_000_000 < sum(m.population for m in national) < 19_000_000
    flevoland = demo_world("flevoland", 5)
    assert len(flevoland) == 6 + COMPARISON_MUNICIPALITIES
    with pytest.raises(ValueError, match="scale"):
        demo_world("europa", 5)


def test_national_demo_is_calibrated_on_duo_magnitudes(tmp_path):
    generate(tmp_path / "raw", "national", 2)
    build(tmp_path / "raw", tmp_path / "w.duckdb", progress=False)
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    rows = con.execute(
        "select e.level, sum(f.candidates_low), sum(f.candidates_low) filter (where e.is_technical) "
        "from fact_vo_exam f join education e using (education_id) "
        "where f.sex = 'totaal' and f.school_year = '2023-2024' group by 1"
    ).fetchall()
    totals = {level: (total, tech / total) for level, total, tech in rows}
    # DUO 2023-2024: vmbo 89.551 candidates (18% techniek), havo 48.757 (14% N&T), vwo 35.100 (38% N&T).
    assert 70_000 < totals["vmbo"][0] < 110_000 and 0.14 < totals["vmbo"][1] < 0.24
    assert 35_000 < totals["havo"][0] < 65_000 and 0.10 < totals["havo"][1] < 0.20
    assert 25_000 < totals["vwo"][0] < 50_000 and 0.30 < totals["vwo"][1] < 0.48
    locations = con.execute("select count(distinct vestiging) from fact_vo_exam").fetchone()[0]
    assert 1_000 < locations < 1_600  # DUO: 1.236 locations
