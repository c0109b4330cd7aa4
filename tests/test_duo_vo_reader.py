"""The DUO vo exam reader on a hand-written fixture in the true format, and on bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from etl.errors import RawFileError
from etl.reference import MunicipalityResolver
from etl.sources import duo_vo_exams
from tests.conftest import FIXTURES

SMALL = FIXTURES / "duo_vo_small.csv"


def _long() -> pd.DataFrame:
    return duo_vo_exams.read(SMALL)


def test_reads_every_location_programme_sex_and_year():
    long = _long()
    assert len(long) == 7 * 2 * 3  # rows × school years × (man, vrouw, totaal)
    assert sorted(long["school_year"].unique()) == ["2022-2023", "2023-2024"]
    first = long[(long["VESTIGINGSCODE"] == "10AA00") & (long["OPLEIDINGSNAAM"] == "VMBO K - techniek")
                 & (long["school_year"] == "2022-2023")]
    assert dict(zip(first["sex"], first["EXAMENKANDIDATEN"], strict=True)) == {
        "man": "12", "vrouw": "<5", "totaal": "14"}
    assert set(first["source_line"]) == {2}


def test_facts_store_suppressed_counts_as_null_with_bounds_1_to_4():
    facts, education = duo_vo_exams.to_facts(_long(), SMALL, "small.csv", MunicipalityResolver())
    urk = facts[(facts["vestiging"] == "20BB00") & (facts["school_year"] == "2022-2023")].set_index("sex")
    assert urk.loc["totaal", "candidates_suppressed"]
    assert urk.loc["totaal", "candidates"] is pd.NA
    assert (urk.loc["totaal", "candidates_low"], urk.loc["totaal", "candidates_high"]) == (1, 4)
    # A published zero is a real zero, not a suppressed cell.
    assert not urk.loc["vrouw", "candidates_suppressed"]
    assert urk.loc["vrouw", "candidates"] == 0
    assert urk.loc["man", "pass_rate"] == 100.0
    assert set(facts["municipality_code"]) == {"GM0034", "GM0184", "GM0995", "GM0344", "GM0164"}
    assert facts["source_line"].between(2, 8).all()
    assert set(education["education_id"]) == {
        "vo:VMBO K - techniek", "vo:VMBO K - economie", "vo:VMBO T - techniek", "vo:HAVO - N&T / N&G",
        "vo:HAVO - E&M", "vo:VWO - N&T", "vo:VMBO LWT - zorg & welzijn"}


def _broken(tmp_path: Path, old: str, new: str, line: int = 2) -> Path:
    lines = SMALL.read_bytes().decode("utf-8").split("\r\n")
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    target = tmp_path / "broken.csv"
    target.write_text("\r\n".join(lines), encoding="utf-8", newline="")
    return target


def test_bad_count_names_file_line_and_column(tmp_path):
    path = _broken(tmp_path, '"12";"11"', '"twaalf";"11"', line=2)
    with pytest.raises(RawFileError) as error:
        duo_vo_exams.read(path)
    assert error.value.line == 2
    assert error.value.column == "EXAMENKANDIDATEN SCHOOLJAAR 2022-2023 - MAN"
    assert "broken.csv, regel 2, kolom 'EXAMENKANDIDATEN SCHOOLJAAR 2022-2023 - MAN'" in str(error.value)
    assert "'twaalf'" in str(error.value)


def test_missing_year_column_is_named(tmp_path):
    path = _broken(tmp_path, '"SLAAGPERC SCHOOLJAAR 2023-2024 - VROUW"', '"SLAAGPERC SCHOOLJAAR 2023-2024 - X"', 1)
    with pytest.raises(RawFileError, match="onbekende kolom") as error:
        duo_vo_exams.read(path)
    assert error.value.line == 1


def test_empty_municipality_is_rejected_with_its_line(tmp_path):
    path = _broken(tmp_path, '"URK"', '""', line=4)
    with pytest.raises(RawFileError) as error:
        duo_vo_exams.read(path)
    assert (error.value.line, error.value.column) == (4, "GEMEENTENAAM")


def test_unknown_municipality_says_where_to_add_it(tmp_path):
    path = _broken(tmp_path, '"URK"', '"ATLANTIS"', line=4)
    with pytest.raises(RawFileError, match=r"region_aliases\.csv") as error:
        duo_vo_exams.to_facts(duo_vo_exams.read(path), path, "broken.csv", MunicipalityResolver())
    assert (error.value.line, error.value.column) == (4, "GEMEENTENAAM")


def test_truncated_and_overlong_lines_are_named(tmp_path):
    lines = SMALL.read_bytes().decode("utf-8").split("\r\n")
    short, long_ = list(lines), list(lines)
    short[3] = ";".join(short[3].split(";")[:20])  # a download cut off mid-line
    long_[3] += ';"9"'
    (tmp_path / "kort.csv").write_text("\r\n".join(short), encoding="utf-8", newline="")
    (tmp_path / "lang.csv").write_text("\r\n".join(long_), encoding="utf-8", newline="")
    with pytest.raises(RawFileError, match="lege waarde") as error:
        duo_vo_exams.read(tmp_path / "kort.csv")
    assert (error.value.line, error.value.column) == (4, "GESLAAGDEN SCHOOLJAAR 2023-2024 - VROUW")
    with pytest.raises(RawFileError, match="26 velden, de kopregel 25") as error:
        duo_vo_exams.read(tmp_path / "lang.csv")
    assert error.value.line == 4


def test_not_utf8_is_explained(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(SMALL.read_bytes().replace(b"Testschool Urk", "Testschool Úrk".encode("latin-1")))
    with pytest.raises(RawFileError, match="geen UTF-8"):
        duo_vo_exams.read(path)


def test_header_recognition():
    header = duo_vo_exams.header_for(["2023-2024"])
    assert duo_vo_exams.recognises(header)
    assert not duo_vo_exams.recognises(["PROVINCIE", "GEMEENTENUMMER", "GEMEENTENAAM"])
    assert not duo_vo_exams.recognises(header[:7])
