"""The DUO vo exam reader on a hand-written fixture in the true format, and on bad input: every problem stops the
read with a Dutch message naming the file, the line and the column."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from etl.build import build
from etl.errors import RawFileError
from etl.sources import duo_vo_exams
from tests.conftest import FIXTURES
from tests.staged import staged_facts

SMALL = FIXTURES / "duo_vo_small.csv"
FIRST_COUNT = "EXAMENKANDIDATEN SCHOOLJAAR 2022-2023 - MAN"


def _broken(tmp_path: Path, old: str, new: str, line: int = 2) -> Path:
    lines = SMALL.read_bytes().decode("utf-8").split("\r\n")
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    target = tmp_path / "broken.csv"
    target.write_text("\r\n".join(lines), encoding="utf-8", newline="")
    return target


def _error(path: Path) -> RawFileError:
    with pytest.raises(RawFileError) as error:
        staged_facts(duo_vo_exams, path)
    assert str(error.value).startswith(f"{path}, regel {error.value.line}")
    return error.value


def test_reads_every_location_programme_sex_and_year():
    facts, _, records = staged_facts(duo_vo_exams, SMALL, "small.csv")
    assert records == 7 and len(facts) == 7 * 2 * 3  # rows × school years × (man, vrouw, totaal)
    assert sorted(facts["school_year"].unique()) == ["2022-2023", "2023-2024"]
    first = facts[(facts["vestiging"] == "10AA00") & (facts["education_id"] == "vo:VMBO K - techniek")
                  & (facts["school_year"] == "2022-2023")].set_index("sex")
    assert (first.loc["man", "candidates"], first.loc["totaal", "candidates"]) == (12, 14)
    assert first.loc["vrouw", "candidates_suppressed"]
    assert set(first["source_line"]) == {2}
    assert set(facts["source_file"]) == {"small.csv"} and set(facts["status"]) == {"definitief"}
    assert set(facts["peildatum"].astype(str)) == {"2023-07-31", "2024-07-31"}  # the school year's end


def test_facts_store_suppressed_counts_as_null_with_bounds_1_to_4():
    facts, education, _ = staged_facts(duo_vo_exams, SMALL)
    urk = facts[(facts["vestiging"] == "20BB00") & (facts["school_year"] == "2022-2023")].set_index("sex")
    assert urk.loc["totaal", "candidates_suppressed"]
    assert pd.isna(urk.loc["totaal", "candidates"])
    assert (urk.loc["totaal", "candidates_low"], urk.loc["totaal", "candidates_high"]) == (1, 4)
    # A published zero is a real zero, not a suppressed cell.
    assert not urk.loc["vrouw", "candidates_suppressed"]
    assert urk.loc["vrouw", "candidates"] == 0
    assert urk.loc["man", "pass_rate"] == 100.0
    hengelo = facts[(facts["vestiging"] == "50EE00") & (facts["school_year"] == "2022-2023")].set_index("sex")
    assert hengelo.loc["man", "pass_rate"] == 0.0
    assert set(facts["municipality_code"]) == {"GM0034", "GM0184", "GM0995", "GM0344", "GM0164"}
    assert facts["source_line"].between(2, 8).all()
    assert [e.education_id for e in education] == [
        "vo:VMBO K - techniek", "vo:VMBO K - economie", "vo:VMBO T - techniek", "vo:HAVO - N&T / N&G",
        "vo:HAVO - E&M", "vo:VWO - N&T", "vo:VMBO LWT - zorg & welzijn"]  # in file order


def test_bad_count_names_file_line_and_column(tmp_path):
    error = _error(_broken(tmp_path, '"12";"11"', '"twaalf";"11"', line=2))
    assert (error.line, error.column) == (2, FIRST_COUNT)
    assert f"broken.csv, regel 2, kolom '{FIRST_COUNT}'" in str(error)
    assert "verwacht een geheel getal of '<5' (gevonden: 'twaalf')" in str(error)


@pytest.mark.parametrize("new", [
    '"12\u00a0"',  # non-breaking space: only spaces are stripped
    '"12\t"',
    '"1x"',
    '"\u0661\u0662"',  # Arabic-Indic digits: a count has ASCII digits
    '"1\x012"',  # a control character inside a value
    '"12345678901234567890"',  # more digits than a count can have
])
def test_an_unusual_count_is_named(new, tmp_path):
    error = _error(_broken(tmp_path, '"12";"11";"91.7"', f'{new};"11";"91.7"'))
    assert (error.line, error.column) == (2, FIRST_COUNT)
    assert "verwacht een geheel getal" in error.message


def test_a_bad_pass_rate_is_named(tmp_path):
    error = _error(_broken(tmp_path, '"91.7"', '"91,7"', line=2))
    assert (error.line, error.column) == (2, "SLAAGPERC SCHOOLJAAR 2022-2023 - MAN")
    assert "verwacht een getal met '.' als decimaalteken (gevonden: '91,7')" in error.message


def test_missing_year_column_is_named(tmp_path):
    path = _broken(tmp_path, '"SLAAGPERC SCHOOLJAAR 2023-2024 - VROUW"', '"SLAAGPERC SCHOOLJAAR 2023-2024 - X"', 1)
    error = _error(path)
    assert "onbekende kolom" in error.message
    assert (error.line, error.column) == (1, "SLAAGPERC SCHOOLJAAR 2023-2024 - X")


def test_another_header_is_refused(tmp_path):
    path = _broken(tmp_path, '"GEMEENTENAAM"', '"PLAATSNAAM"', 1)
    error = _error(path)
    assert error.line == 1 and "de kopregel is niet die van DUO examenkandidaten vo" in error.message


def test_empty_municipality_is_rejected_with_its_line(tmp_path):
    error = _error(_broken(tmp_path, '"URK"', '""', line=4))
    assert (error.line, error.column) == (4, "GEMEENTENAAM")
    assert "verplichte kolom is leeg" in error.message


def test_unknown_municipality_says_where_to_add_it(tmp_path):
    error = _error(_broken(tmp_path, '"URK"', '"ATLANTIS"', line=4))
    assert (error.line, error.column) == (4, "GEMEENTENAAM")
    assert "gemeente 'ATLANTIS' is onbekend" in error.message and "region_aliases.csv" in error.message


def test_unknown_programme_is_named(tmp_path):
    error = _error(_broken(tmp_path, '"VMBO T - techniek"', '"VMBO T - ruimtevaart"', line=4))
    assert (error.line, error.column) == (4, "OPLEIDINGSNAAM")
    assert "onbekende vmbo-opleiding 'VMBO T - ruimtevaart'" in error.message


def test_truncated_and_overlong_lines_are_named(tmp_path):
    lines = SMALL.read_bytes().decode("utf-8").split("\r\n")
    short, long_ = list(lines), list(lines)
    short[3] = ";".join(short[3].split(";")[:20])  # a download cut off mid-line
    long_[3] += ';"9"'
    (tmp_path / "kort.csv").write_text("\r\n".join(short), encoding="utf-8", newline="")
    (tmp_path / "lang.csv").write_text("\r\n".join(long_), encoding="utf-8", newline="")
    error = _error(tmp_path / "kort.csv")
    assert (error.line, error.column) == (4, "GESLAAGDEN SCHOOLJAAR 2023-2024 - VROUW")
    assert "de regel heeft 20 velden, de kopregel 25" in error.message and "afgebroken" in error.message
    error = _error(tmp_path / "lang.csv")
    assert error.line == 4 and "de regel heeft 26 velden, de kopregel 25" in error.message


def test_not_utf8_is_explained(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(SMALL.read_bytes().replace(b"Testschool Urk", "Testschool Úrk".encode("latin-1")))
    error = _error(path)
    assert (error.line, error.column) == (4, "INSTELLINGSNAAM VESTIGING")
    assert "hier staat een teken dat geen UTF-8 is (byte 0xDA, in Windows-1252 'Ú')" in error.message


def test_a_header_only_file_is_named(tmp_path):
    path = tmp_path / "leeg.csv"
    path.write_bytes(SMALL.read_bytes().split(b"\r\n", 1)[0] + b"\r\n")
    error = _error(path)
    assert error.line == 2 and "geen gegevensregels" in error.message


def test_quotes_in_values_are_read(tmp_path):
    escaped = _broken(tmp_path, '"Testcollege Almere"', '"Test""college"" Almere"')
    facts, _, _ = staged_facts(duo_vo_exams, escaped)
    assert 'Test"college" Almere' in set(facts["school_name"])
    stray = _broken(tmp_path, '"Testcollege Almere"', 'Test"college Almere')  # unquoted: the quote is text
    facts, _, _ = staged_facts(duo_vo_exams, stray)
    assert 'Test"college Almere' in set(facts["school_name"])


def test_a_byte_order_mark_lf_and_a_missing_last_line_end_read_as_crlf(tmp_path):
    text = SMALL.read_bytes().decode("utf-8")
    expected = staged_facts(duo_vo_exams, SMALL, "f.csv")[0]
    variants = {"bom.csv": b"\xef\xbb\xbf" + text.encode("utf-8"),
                "lf.csv": text.replace("\r\n", "\n").encode("utf-8"),
                "end.csv": text.rstrip("\r\n").encode("utf-8")}
    for name, data in variants.items():
        (tmp_path / name).write_bytes(data)
        pd.testing.assert_frame_equal(staged_facts(duo_vo_exams, tmp_path / name, "f.csv")[0], expected)


def test_a_build_meeting_a_bad_file_names_file_line_and_column(tmp_path):
    raw = tmp_path / "raw"
    target = raw / duo_vo_exams.DATASET.raw_subdir / SMALL.name
    target.parent.mkdir(parents=True)
    target.write_bytes(_broken(tmp_path, '"8";"7"', '"8";"7x"', line=3).read_bytes())
    with pytest.raises(RawFileError, match=re.escape(
            "duo_vo_small.csv, regel 3, kolom 'GESLAAGDEN SCHOOLJAAR 2022-2023 - MAN': verwacht een geheel getal "
            "of '<5' (gevonden: '7x')")):
        build(raw, tmp_path / "warehouse.duckdb", progress=False)
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_header_recognition():
    header = duo_vo_exams.header_for(["2023-2024"])
    assert duo_vo_exams.recognises(header)
    assert not duo_vo_exams.recognises(["PROVINCIE", "GEMEENTENUMMER", "GEMEENTENAAM"])
    assert not duo_vo_exams.recognises(header[:7])
