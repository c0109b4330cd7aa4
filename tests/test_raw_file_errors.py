"""A raw file with a byte that is not UTF-8 or a record with too many fields stops the build with a Dutch message
naming the file, the line as a text editor counts it, and the column; the existing warehouse stays as it was.

Every source is tried on its demo file (and the real files in ../shared/real-data), corrupted at data row 100 or,
in a shorter file, at its last line; once alone in the raw folder and once beside an intact copy (then discovery
reads the file's periods too, which some readers take from a scan of the data).
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from etl import rawtext
from etl.build import build
from etl.errors import RawFileError
from etl.rawfiles import discover
from etl.reading import delimited
from etl.sources import SOURCES

NAMES = [module.__name__.rsplit(".", 1)[-1] for module in SOURCES]
JSON_SOURCES = {"cbs_odata", "cbs_odata_v4", "geo_municipalities"}  # no fields per line
JSON_SUFFIXES = (".json", ".geojson")
# What a byte that is not UTF-8 is called: etl/rawtext.py's message, or delimited.read_text's (issue 15).
NOT_UTF8 = ("teken dat geen UTF-8 is (byte 0xE9, in Windows-1252 'é')", "het bestand is geen UTF-8")
# Words of pandas', DuckDB's and Python's English messages that must not reach the user.
ENGLISH = re.compile(r"\b(Error|error|Expected|Expecting|codec|decode|[Ii]nvalid|line|saw|position|sequence|"
                     r"tokeniz\w*|[Uu]nterminated|fields|Buffer|EOF|string|quote)\b")


@pytest.fixture(scope="session")
def demo_files(demo_raw: Path) -> dict[str, Path]:
    """The first demo file of every source, by source module name."""
    files: dict[str, Path] = {}
    for raw in discover(demo_raw):
        files.setdefault(raw.source.__name__.rsplit(".", 1)[-1], raw.path)
    return files


@pytest.fixture(scope="session")
def built_db(demo_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built from the demo raw files, to be copied where a failing build must leave it alone."""
    db = tmp_path_factory.mktemp("built") / "warehouse.duckdb"
    build(demo_raw, db, progress=False)
    return db


def _separator(data: bytes) -> str:
    first = data.split(b"\n", 1)[0]
    return ";" if b";" in first else ","


def _target(lines: list[bytes], json_file: bool) -> int:
    """Index of data row 100 (line 101), or of the last line that has something to corrupt."""
    usable = [i for i, line in enumerate(lines) if i > 0 and line.strip(b"\r") and (b'"' in line or not json_file)]
    return min(100, usable[-1])


def _field_start(line: bytes, sep: bytes, field: int) -> int:
    """Byte offset of a field's first character (after its opening quote) on a line, counting separators outside
    quotes."""
    quoted, seen = False, 0
    for offset, byte in enumerate(line):
        if seen == field:
            return offset + (byte == ord('"'))
        if byte == ord('"'):
            quoted = not quoted
        elif not quoted and line[offset:offset + 1] == sep:
            seen += 1
    raise AssertionError("the line has fewer fields")


def _not_utf8(data: bytes, json_file: bool) -> tuple[bytes, int, str]:
    """The file with byte 0xE9 (é in Windows-1252) inside a value on the target line; (bytes, line, column)."""
    lines = data.split(b"\n")
    index = _target(lines, json_file)
    line = lines[index]
    if json_file:
        at = line.index(b'"') + 1
        column = f"teken {len(line[:at].decode('utf-8')) + 1}"
    else:
        sep = _separator(data)
        header = next(csv.reader([lines[0].decode("utf-8-sig").rstrip("\r")], delimiter=sep))
        field = len(header) // 2
        at = _field_start(line, sep.encode(), field)
        column = header[field].strip()
    lines[index] = line[:at] + b"\xe9" + line[at:]
    return b"\n".join(lines), index + 1, column


def _too_many_fields(data: bytes) -> tuple[bytes, int, str, str]:
    """The file with two values more on the target line; (bytes, line, column, message text)."""
    lines = data.split(b"\n")
    index = _target(lines, False)
    sep = _separator(data)
    header = next(csv.reader([lines[0].decode("utf-8-sig").rstrip("\r")], delimiter=sep))
    end = b"\r" if lines[index].endswith(b"\r") else b""
    lines[index] = lines[index].removesuffix(b"\r") + f"{sep}x{sep}y".encode() + end
    return (b"\n".join(lines), index + 1, header[-1].strip(),
            f"de regel heeft {len(header) + 2} velden, de kopregel {len(header)}")


def _failing_build(tmp_path: Path, source: Path, corrupted: bytes, twin: bool, built_db: Path) -> str:
    """Build a raw folder holding the corrupted file (and an intact twin) over a copy of a built warehouse; the
    build must fail and leave that warehouse byte for byte as it was. Returns the error's text."""
    raw = tmp_path / "raw" / "bron"
    raw.mkdir(parents=True)
    (raw / source.name).write_bytes(corrupted)
    if twin:
        shutil.copyfile(source, raw / f"kopie_{source.name}")
    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(built_db, db)
    with pytest.raises(RawFileError) as caught:
        build(tmp_path / "raw", db, progress=False)
    assert db.read_bytes() == built_db.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw", "warehouse.duckdb"]  # no temporary file left
    return str(caught.value)


def _assert_located(message: str, name: str, line: int, column: str, text: str | tuple[str, ...]) -> None:
    where = column if column.startswith("teken ") else f"kolom '{column}'"
    assert f"/{name}, regel {line}, {where}: " in message, message
    assert any(t in message for t in ((text,) if isinstance(text, str) else text)), message
    assert not ENGLISH.search(message.split(": ", 1)[1]), message


@pytest.mark.parametrize("twin", [False, True], ids=["alone", "with-twin"])
@pytest.mark.parametrize("name", NAMES)
def test_a_byte_that_is_not_utf8_is_named_by_line_and_column(name, twin, demo_files, built_db, tmp_path):
    source = demo_files[name]
    corrupted, line, column = _not_utf8(source.read_bytes(), source.suffix in JSON_SUFFIXES)
    message = _failing_build(tmp_path, source, corrupted, twin, built_db)
    _assert_located(message, source.name, line, column, NOT_UTF8)


@pytest.mark.parametrize("twin", [False, True], ids=["alone", "with-twin"])
@pytest.mark.parametrize("name", [name for name in NAMES if name not in JSON_SOURCES])
def test_a_record_with_too_many_fields_is_named_by_line(name, twin, demo_files, built_db, tmp_path):
    source = demo_files[name]
    corrupted, line, column, text = _too_many_fields(source.read_bytes())
    message = _failing_build(tmp_path, source, corrupted, twin, built_db)
    _assert_located(message, source.name, line, column, text)


def test_line_numbers_are_the_lines_an_editor_shows(tmp_path):
    # A parser counts records, not lines: a value holding a line break (refused, at its own line) and blank lines
    # would shift every later line.
    path = tmp_path / "f.csv"
    path.write_bytes(b'a;b\r\n1;2\r\n\r\n1;2;3\r\n')
    with pytest.raises(RawFileError) as caught:
        delimited.read_text(duckdb.connect(), path, ";", ["a", "b"], "t")
    assert caught.value.line == 3 and "lege regel" in caught.value.message, caught.value
    path.write_bytes(b'a;b\n1;2\n"een\ntwee";2\n')
    with pytest.raises(RawFileError) as caught:
        delimited.read_text(duckdb.connect(), path, ";", ["a", "b"], "t")
    assert (caught.value.line, caught.value.column) == (3, "a"), caught.value


def test_the_first_bad_byte_is_found_across_chunks(tmp_path, monkeypatch):
    # A character split over two chunks is no error; the bad byte after it is found on its line and field.
    monkeypatch.setattr(rawtext, "CHUNK", 19)  # splits the é of René
    path = tmp_path / "f.csv"
    path.write_bytes("\ufeffnaam;plaats\nRené;Urk\n\"a;b\";Lely\xe9stad\n".encode("utf-8").replace(b"\xc3\xa9s",
                                                                                                      b"\xe9s"))
    error = rawtext.not_utf8(path, ";")
    assert (error.line, error.column) == (3, "plaats")
    path.write_bytes(b"x" * 20 + b"\xc3")  # a character cut off at the end
    assert (rawtext.not_utf8(path).line, rawtext.not_utf8(path).column) == (1, "teken 21")


def test_an_unknown_parser_message_stays_dutch(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"a;b\n1;2\n")
    unknown = rawtext.csv_error(path, ";", ValueError("Calling read(nbytes) on source failed."))
    assert unknown.message.startswith("het bestand is geen geldige CSV met ';' als scheidingsteken; download het "
                                      "opnieuw (technische details: Calling read")


def test_broken_json_is_named_by_line_and_character_in_dutch(tmp_path):
    path = tmp_path / "bundel.json"
    for text, line, column, reason in [(b'{"a": 1,\n "b": x}', 2, "teken 7", "hier wordt een waarde verwacht"),
                                       (b'{"a": 1,\n "b": [1, 2', 2, "teken 12", "houdt midden in de JSON op"),
                                       (b'{"a": 1}\n{}', 2, "teken 1", "na het einde van de JSON staat nog tekst")]:
        with pytest.raises(RawFileError) as caught:
            rawtext.parse_json(path, text, "JSON", "haal het opnieuw op")
        assert (caught.value.line, caught.value.column) == (line, column)
        assert reason in caught.value.message and not ENGLISH.search(caught.value.message)


REAL_FILES = [
    "duo_vo_examenkandidaten/examenkandidaten-en-geslaagden-2019-2024.csv",
    "duo_ho_mbo_2019_oldlayout/hbo_inscriptions_2019.csv",
    "duo_ho_mbo_2019_oldlayout/wo_gediplomeerden_2019.csv",
    "duo_ho_mbo_2019_oldlayout/mbo_inscriptions_2019.csv",
    "cbs_statline_coded_csv/50140NED_TypedDataSet_22092025_192544.csv",
    "cbs_statline_label_csv_70072ned/Regionale_kerncijfers_Nederland_11122025_133649.csv",
    "cbs_statline_label_csv_85525ned/2023_onderwijsniveau.csv",
    "cbs_statline_label_csv_85525ned/Werkloosheidpercentage.csv",
    "geo_gemeenten_cartomap/gemeente_2025.geojson",
    "geo_gemeenten_pdok/gemeente_gegeneraliseerd.geojson",
]


@pytest.mark.realdata
@pytest.mark.parametrize("relative", REAL_FILES)
def test_real_files_with_a_bad_byte_are_named_by_line_and_column(relative, real_data, built_db, tmp_path):
    # The real file is copied into tmp_path and only that copy is corrupted; nothing of it is kept.
    source = real_data / relative
    corrupted, line, column = _not_utf8(source.read_bytes(), source.suffix in JSON_SUFFIXES)
    message = _failing_build(tmp_path, source, corrupted, False, built_db)
    _assert_located(message, source.name, line, column, NOT_UTF8)
    if source.suffix not in JSON_SUFFIXES:
        corrupted, line, column, text = _too_many_fields(source.read_bytes())
        shutil.rmtree(tmp_path / "raw")
        message = _failing_build(tmp_path, source, corrupted, False, built_db)
        _assert_located(message, source.name, line, column, text)
