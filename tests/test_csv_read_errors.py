"""delimited.read_text, the one read path of the CSV readers, on small files: whatever is wrong stops the read with a
Dutch message naming the file, the line as a text editor counts it (header = line 1) and the column; harmless
variations (a byte order mark, CRLF or CR line ends, quotes, no line end after the last record) read the same.
Also what a build does with bad files of these readers: the first bad file in file order is named, and a fact table
holds its files' rows in file order, whichever worker thread read them."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl.build import LARGE_FILE, build
from etl.errors import RawFileError
from etl.reading import delimited
from etl.sources import duo_vo_exams, uwv_open_match
from tests.conftest import FIXTURES
from tests.staged import build_refusal

HEADER = ["a", "b", "c"]
RULES = [("pystrip(b) <> ''", "b", "b mag niet leeg zijn"),
         ("pystrip(a) <> 'x' or pystrip(c) = '9'", "a", "a is alleen x bij c 9")]  # a rule with 'or' in it
PATTERNS = {"c": ("[0-9]", "een cijfer")}
VO_SMALL = FIXTURES / "duo_vo_small.csv"
UWV_SMALL = FIXTURES / "uwv" / "open_match_small.csv"


def _read(tmp_path: Path, data: bytes, header: list[str] | None = None) -> list[tuple]:
    """read_text on a file holding `data`: the rows of its view (source_line first)."""
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    con = duckdb.connect()
    try:
        assert delimited.read_text(con, path, ";", header or HEADER, "t", RULES, PATTERNS) > 0
        return con.execute("select * from t order by source_line").fetchall()
    finally:
        con.close()


def _error(tmp_path: Path, data: bytes, header: list[str] | None = None) -> RawFileError:
    with pytest.raises(RawFileError) as caught:
        _read(tmp_path, data, header)
    error = caught.value
    assert str(error).startswith(f"{tmp_path / 'f.csv'}, regel {error.line}")
    return error


@pytest.mark.parametrize(("data", "line", "column", "message"), [
    (b"a;b;c\n1;2;3\n4;5\n6;7;8\n", 3, "c", "de regel heeft 2 velden, de kopregel 3 (gescheiden door ';'); is de "
                                            "regel of het bestand afgebroken?"),
    (b"a;b;c\n1;2;3\n4;5;6;7\n", 3, "c", "de regel heeft 4 velden, de kopregel 3; staat er een ';' in een waarde "
                                         "zonder aanhalingstekens?"),
    (b"a;b;c\n1;2;3\n4;\xe9;6\n", 3, "b", "hier staat een teken dat geen UTF-8 is (byte 0xE9, in Windows-1252 'é'); "
                                          "sla het bestand op als 'CSV UTF-8'"),
    (b"a;b;c\n1;2;3\n4;\"x\"y;6\n", 3, "b", "een aanhalingsteken staat midden in een waarde of wordt niet gesloten"),
    (b"a;b;c\n1;2;3\n4;\"xy;6\n7;8;9\n", 3, "b", "een aanhalingsteken staat midden in een waarde of wordt niet "
                                                 "gesloten"),
    (b"a;b;c\n1;2;3\n4;\"x\ny\";6\n7;8;9\n", 3, "b", "een waarde bevat een regeleinde; haal het regeleinde uit"),
    (b"a;b;c\r\n1;2;3\r\n4;\"x\r\ny\";6\r\n", 3, "b", "een waarde bevat een regeleinde"),
    (b"a;b;c\n1;2;3\n4;\x01\x02\x03;6\n", 3, "b", "een waarde bestaat uit stuurtekens"),  # read_csv's null string
    (b"a;b;c\n1;2;3\n4; ;6\n", 3, "b", "b mag niet leeg zijn (gevonden: ' ')"),
    (b"a;b;c\n1;2;3\nx;5;6\n", 3, "a", "a is alleen x bij c 9 (gevonden: 'x')"),
    (b"a;b;c\n1;2;3\n4;5;66\n", 3, "c", "verwacht een cijfer (gevonden: '66')"),
    (b"a;b;c\n1;2;3\n4;5;6\t\n", 3, "c", "verwacht een cijfer"),  # only spaces are stripped
    (b"a;b;c\n1;2; 3 \n4;;x\n", 3, "b", "b mag niet leeg zijn"),  # the first failing check of the first line
    (b"a;b;c\n1;2;3\n\n4;5;6\n", 3, None, "een lege regel tussen de gegevens; verwijder die regel"),
    # the first problem in the file is named
    (b"a;b;c\n1;\"x\ny\";3\n4;5\n", 2, "b", "regeleinde"),  # a line break before a short record comes first
    (b"a;b;c\n1;2;3\n\n4;5\n", 3, None, "lege regel"),
    (b"a;b;c\n1;2;3\n\n4;\"x\ny\";6\n", 3, None, "lege regel"),
])
def test_a_bad_record_is_named_by_line_and_column(data, line, column, message, tmp_path):
    error = _error(tmp_path, data)
    assert (error.line, error.column) == (line, column)
    assert message in error.message


def test_a_header_only_or_empty_file_is_named(tmp_path):
    for data in (b"a;b;c\n", b"a;b;c\r\n", b"a;b;c", b""):
        error = _error(tmp_path, data)
        assert error.line == 2 and "het bestand heeft geen gegevensregels onder de kopregel" in error.message


def test_a_header_with_a_name_twice_or_without_a_name_is_named(tmp_path):
    error = _error(tmp_path, b"a;b;a\n1;2;3\n", ["a", "b", "a"])
    assert (error.line, error.column) == (1, "a") and "deze kolomnaam staat twee keer in de kopregel" in error.message
    error = _error(tmp_path, b"a;;c\n1;2;3\n", ["a", "", "c"])
    assert error.line == 1 and "kolom 2 van de kopregel heeft geen (bruikbare) naam" in error.message


@pytest.mark.parametrize("data", [
    b"\xef\xbb\xbfa;b;c\r\n1;2;3\r\n4;5;6\r\n",  # byte order mark, CRLF
    b"a;b;c\r1;2;3\r4;5;6\r",  # CR only
    b"a;b;c\n1;2;3\n4;5;6",  # no line end after the last record
    b"a;b;c\n1;2;3\n4;5;6\n\n\n",  # blank lines at the end
    b'"a";"b";"c"\n"1";"2";"3"\n"4";"5";"6"\n',  # every value quoted
])
def test_harmless_variations_read_the_same(data, tmp_path):
    assert _read(tmp_path, data) == [(2, "1", "2", "3"), (3, "4", "5", "6")]


def test_quotes_inside_values_and_spaces_around_them(tmp_path):
    rows = _read(tmp_path, b'a;b;c\n1;"x""y";3\n4;x"y; 6 \n')
    assert rows == [(2, "1", 'x"y', "3"), (3, "4", 'x"y', " 6 ")]  # a quote inside an unquoted value is text


def test_a_second_read_on_one_connection_sees_only_its_own_file(tmp_path):
    con = duckdb.connect()
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_bytes(b"a;b;c\n1;2\n")
    good.write_bytes(b"a;b;c\n1;2;3\n")
    with pytest.raises(RawFileError):
        delimited.read_text(con, bad, ";", HEADER, "t")
    assert delimited.read_text(con, good, ";", HEADER, "t") == 1


def _copy(raw: Path, module, name: str, data: bytes) -> None:
    target = raw / module.DATASET.raw_subdir / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def _large_uwv(bad: bool) -> bytes:
    """A UWV file over LARGE_FILE (its worker starts on it first), bad on line 2 if `bad`."""
    header, first, *rest = [line for line in UWV_SMALL.read_bytes().split(b"\r\n") if line]
    if bad:
        first = first.replace(b";1315;", b";13x5;")
    copies = LARGE_FILE // len(b"\r\n".join(rest)) + 1
    data = b"\r\n".join([header, first, *rest * copies, b""])
    assert len(data) > LARGE_FILE
    return data


def test_with_two_bad_files_the_first_in_order_is_named_whichever_thread_reads_it(tmp_path):
    # Large files are read first on the worker threads; the error must still be the first bad file's in file order.
    bad_vo = VO_SMALL.read_bytes().replace(b'"8";"7"', b'"8";"7x"', 1)
    raw = tmp_path / "raw"
    _copy(raw, duo_vo_exams, VO_SMALL.name, bad_vo)  # duo/... comes before uwv/...
    _copy(raw, uwv_open_match, "open_match_large.csv", _large_uwv(bad=True))
    assert "duo_vo_small.csv, regel 3, kolom 'GESLAAGDEN SCHOOLJAAR" in str(build_refusal(raw))
    _copy(raw, duo_vo_exams, VO_SMALL.name, VO_SMALL.read_bytes())
    assert "open_match_large.csv, regel 2, kolom 'POSTCODE'" in str(build_refusal(raw))


def _vo_file(school_years: list[str], locations: int) -> bytes:
    """A vo file in DUO's layout with every fixture row at `locations` locations (so it can be made large)."""
    header, *rows = [line for line in VO_SMALL.read_bytes().decode("utf-8").split("\r\n") if line]
    header = header.replace("2022-2023", school_years[0]).replace("2023-2024", school_years[1])
    lines = [header]
    for n in range(locations):
        for row in rows:
            fields = row.split(";")
            fields[1] = f'{fields[1][:-1]}{n:04d}"'  # VESTIGINGSCODE
            lines.append(";".join(fields))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def test_a_fact_table_holds_its_files_rows_in_file_order(tmp_path):
    # b (older school years, larger) is read first by a worker; its rows must still follow a's, each file's rows
    # in grain order.
    raw = tmp_path / "raw"
    a, b = _vo_file(["2022-2023", "2023-2024"], 900), _vo_file(["2020-2021", "2021-2022"], 950)
    assert LARGE_FILE < len(a) < len(b)
    _copy(raw, duo_vo_exams, "examen-a.csv", a)
    _copy(raw, duo_vo_exams, "examen-b.csv", b)
    build(raw, tmp_path / "w.duckdb", progress=False)
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:
        rows = con.execute("select source_file, vestiging, education_id, sex, school_year from fact_vo_exam "
                           "order by rowid").fetchall()
    finally:
        con.close()
    files = [row[0] for row in rows]
    assert files == sorted(files) and len(set(files)) == 2
    for name in set(files):
        mine = [row[1:] for row in rows if row[0] == name]
        assert mine == sorted(mine) and len(mine) == len(set(mine))


@pytest.mark.parametrize("value", ["a", " a", "a ", "  a b  ", " ", "   ", "", "\ta\t", " \ta ", "a\u00a0", " é "])
def test_pystrip_strips_spaces_like_python(value: str) -> None:
    con = duckdb.connect()
    try:
        con.execute(delimited.PYSTRIP)
        assert con.execute("select pystrip(?), pystrip(null)", [value]).fetchall() == [(value.strip(" "), None)]
    finally:
        con.close()
