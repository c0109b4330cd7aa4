"""The DUO vo exam reader on a hand-written fixture in the true format, and on bad input: every problem stops the
read with a Dutch message naming the file, the line and the column."""

from __future__ import annotations

import pandas as pd
import pytest

from etl.sources import duo_vo_exams
from tests.conftest import FIXTURES
from tests.staged import assert_located, build_refusal, edited_copy, line_end_variants, refusal, staged_facts

SMALL = FIXTURES / "duo_vo_small.csv"
FIRST_COUNT = "EXAMENKANDIDATEN SCHOOLJAAR 2022-2023 - MAN"
INTEGER = "verwacht een geheel getal"


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


@pytest.mark.parametrize(("line", "old", "new", "column", "phrase"), [
    (2, '"12";"11"', '"twaalf";"11"', FIRST_COUNT, "verwacht een geheel getal of '<5' (gevonden: 'twaalf')"),
    (2, '"12";"11";"91.7"', '"12\u00a0";"11";"91.7"', FIRST_COUNT, INTEGER),  # only spaces are stripped
    (2, '"12";"11";"91.7"', '"12\t";"11";"91.7"', FIRST_COUNT, INTEGER),
    (2, '"12";"11";"91.7"', '"1x";"11";"91.7"', FIRST_COUNT, INTEGER),
    (2, '"12";"11";"91.7"', '"\u0661\u0662";"11";"91.7"', FIRST_COUNT, INTEGER),  # a count has ASCII digits
    (2, '"12";"11";"91.7"', '"1\x012";"11";"91.7"', FIRST_COUNT, INTEGER),  # a control character inside a value
    (2, '"12";"11";"91.7"', '"12345678901234567890";"11";"91.7"', FIRST_COUNT, INTEGER),  # too many digits
    (2, '"91.7"', '"91,7"', "SLAAGPERC SCHOOLJAAR 2022-2023 - MAN",
     "verwacht een getal met '.' als decimaalteken (gevonden: '91,7')"),
    (1, '"SLAAGPERC SCHOOLJAAR 2023-2024 - VROUW"', '"SLAAGPERC SCHOOLJAAR 2023-2024 - X"',
     "SLAAGPERC SCHOOLJAAR 2023-2024 - X", "onbekende kolom"),
    (1, '"GEMEENTENAAM"', '"PLAATSNAAM"', None, "de kopregel is niet die van DUO examenkandidaten vo"),
    (4, '"URK"', '""', "GEMEENTENAAM", "verplichte kolom is leeg"),
    (4, '"URK"', '"ATLANTIS"', "GEMEENTENAAM",
     "gemeente 'ATLANTIS' is onbekend; voeg de naam toe aan etl/reference/region_aliases.csv"),
    (4, '"VMBO T - techniek"', '"VMBO T - ruimtevaart"', "OPLEIDINGSNAAM",
     "onbekende vmbo-opleiding 'VMBO T - ruimtevaart'"),
])
def test_bad_input_is_named_by_file_line_and_column(line, old, new, column, phrase, tmp_path):
    assert_located(duo_vo_exams, edited_copy(SMALL, tmp_path, old, new, line), line, column, phrase)


def test_truncated_and_overlong_lines_are_named(tmp_path):
    lines = SMALL.read_bytes().decode("utf-8").split("\r\n")
    short, long_ = list(lines), list(lines)
    short[3] = ";".join(short[3].split(";")[:20])  # a download cut off mid-line
    long_[3] += ';"9"'
    (tmp_path / "kort.csv").write_text("\r\n".join(short), encoding="utf-8", newline="")
    (tmp_path / "lang.csv").write_text("\r\n".join(long_), encoding="utf-8", newline="")
    error = assert_located(duo_vo_exams, tmp_path / "kort.csv", 4, "GESLAAGDEN SCHOOLJAAR 2023-2024 - VROUW",
                           "de regel heeft 20 velden, de kopregel 25")
    assert "afgebroken" in error.message
    error = refusal(duo_vo_exams, tmp_path / "lang.csv")
    assert error.line == 4 and "de regel heeft 26 velden, de kopregel 25" in error.message


def test_not_utf8_is_explained(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(SMALL.read_bytes().replace(b"Testschool Urk", "Testschool Úrk".encode("latin-1")))
    assert_located(duo_vo_exams, path, 4, "INSTELLINGSNAAM VESTIGING",
                   "hier staat een teken dat geen UTF-8 is (byte 0xDA, in Windows-1252 'Ú')")


def test_a_header_only_file_is_named(tmp_path):
    path = tmp_path / "leeg.csv"
    path.write_bytes(SMALL.read_bytes().split(b"\r\n", 1)[0] + b"\r\n")
    error = refusal(duo_vo_exams, path)
    assert error.line == 2 and "geen gegevensregels" in error.message


def test_quotes_in_values_are_read(tmp_path):
    escaped = edited_copy(SMALL, tmp_path, '"Testcollege Almere"', '"Test""college"" Almere"', 2)
    facts, _, _ = staged_facts(duo_vo_exams, escaped)
    assert 'Test"college" Almere' in set(facts["school_name"])
    stray = edited_copy(SMALL, tmp_path, '"Testcollege Almere"', 'Test"college Almere', 2)  # unquoted: text
    facts, _, _ = staged_facts(duo_vo_exams, stray)
    assert 'Test"college Almere' in set(facts["school_name"])


def test_a_byte_order_mark_lf_and_a_missing_last_line_end_read_as_crlf(tmp_path):
    expected = staged_facts(duo_vo_exams, SMALL, "f.csv")[0]
    for path in line_end_variants(SMALL, tmp_path):
        pd.testing.assert_frame_equal(staged_facts(duo_vo_exams, path, "f.csv")[0], expected)


def test_a_build_meeting_a_bad_file_names_file_line_and_column(tmp_path):
    edited_copy(SMALL, tmp_path / "raw" / duo_vo_exams.DATASET.raw_subdir, '"8";"7"', '"8";"7x"', 3)
    assert ("duo_vo_small.csv, regel 3, kolom 'GESLAAGDEN SCHOOLJAAR 2022-2023 - MAN': verwacht een geheel getal "
            "of '<5' (gevonden: '7x')") in str(build_refusal(tmp_path / "raw"))


def test_header_recognition():
    header = duo_vo_exams.header_for(["2023-2024"])
    assert duo_vo_exams.recognises(header)
    assert not duo_vo_exams.recognises(["PROVINCIE", "GEMEENTENUMMER", "GEMEENTENAAM"])
    assert not duo_vo_exams.recognises(header[:7])


def test_measure_columns_in_another_order_than_the_counts_are_refused(tmp_path):
    """The staging SQL pairs the three measures' columns by position, so their orders must agree."""
    man, vrouw = "GESLAAGDEN SCHOOLJAAR 2022-2023 - MAN", "GESLAAGDEN SCHOOLJAAR 2022-2023 - VROUW"
    lines = SMALL.read_bytes().split(b"\n", 1)
    header = lines[0].decode().replace(man, "#").replace(vrouw, man).replace("#", vrouw)
    (tmp_path / SMALL.name).write_bytes(header.encode() + b"\n" + lines[1])
    assert_located(duo_vo_exams, tmp_path / SMALL.name, 1, vrouw, "in een andere volgorde dan die van EXAMENKANDIDATEN")
