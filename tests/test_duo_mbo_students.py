"""DUO mbo students, current layout (resource 03, an assumed layout): the reader on a hand-written fixture, bad
input named by line and column, a look-alike header, and the demo build's indicator."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.errors import RawFileError
from etl.rawfiles import read_header, recognise
from etl.reference import MunicipalityResolver
from etl.sources import duo_mbo_students
from tests.conftest import FIXTURES
from warehouse.indicators import compute

STUDENTS = FIXTURES / "duo_mbo" / "studenten_small.csv"
TEXT = STUDENTS.read_bytes().decode("utf-8")

# By hand from the fixture: (line, count column) → students, None where DUO wrote -1. An empty cell gives no
# row (line 16 has none at all); a 0 is a real zero.
EXPECTED = {
    (2, "BBL"): 40, (2, "BOLDT"): 0, (2, "BOLVT"): None,
    (3, "BBL"): None,
    (4, "BOLDT"): 5, (4, "BOLVT"): 120, (4, "EX"): 6,
    (5, "BOLDT"): 0, (5, "BOLVT"): 15, (5, "EX"): None,
    (6, "BOLVT"): 30, (6, "EX"): 0,
    (7, "BOLVT"): 45,
    (8, "BBL"): 12, (8, "BOLVT"): 22,
    (9, "BOLVT"): None,
    (10, "BBL"): 30, (10, "BOLDT"): 8, (10, "BOLVT"): 200, (10, "EX"): None,
    (11, "BBL"): 45, (11, "BOLDT"): None,
    (12, "BBL"): 6,
    (13, "BOLDT"): 7, (13, "BOLVT"): 130, (13, "EX"): None,
    (14, "BOLVT"): 18,
    (15, "BOLVT"): 28,
    (17, "BBL"): 14, (17, "BOLVT"): 25,
    (18, "BBL"): 28, (18, "BOLDT"): None, (18, "BOLVT"): 210,
}
# No GEMEENTENUMMER INSTELLING in the fixture: the towns are mapped, EMMELOORD and ZAANDAM through mbo_places.csv.
MUNICIPALITY = {"ALMERE": "GM0034", "LELYSTAD": "GM0995", "EMMELOORD": "GM0171", "ZAANDAM": "GM0479"}


def _facts(path: Path, resolver: MunicipalityResolver) -> tuple[pd.DataFrame, pd.DataFrame]:
    return duo_mbo_students.to_facts(duo_mbo_students.read(path), path, "x", resolver)


def _write(tmp_path: Path, text: str, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _edited(tmp_path: Path, line: int, old: str, new: str) -> Path:
    lines = TEXT.split("\r\n")
    assert old in lines[line - 1], (line, old)
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return _write(tmp_path, "\r\n".join(lines))


def with_columns(columns: dict[str, dict[str, str]], sep: str = ",") -> str:
    """The fixture with extra columns: name → value per PLAATSNAAM INSTELLING (or per crebo for HOOFDGROEP)."""
    rows = list(csv.reader(io.StringIO(TEXT)))
    header, records = rows[0], rows[1:]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow([*header[:4], *columns, *header[4:]])
    for record in records:
        values = [by_key.get(record[3], by_key.get(record[5], "")) for by_key in columns.values()]
        writer.writerow([*record[:4], *values, *record[4:]])
    return out.getvalue()


def test_reads_the_fixture_exactly(resolver):
    assert recognise(STUDENTS)[0] is duo_mbo_students
    assert duo_mbo_students.periods(read_header(STUDENTS), STUDENTS) == ["2023-2024", "2024-2025"]
    facts, education = _facts(STUDENTS, resolver)
    got = {(line, kind): (None if pd.isna(value) else value) for line, kind, value
           in facts[["source_line", "type_mbo", "students"]].itertuples(index=False)}
    assert got == EXPECTED and len(facts) == len(EXPECTED) == 33
    suppressed = facts[facts["students_suppressed"]]
    assert len(suppressed) == 8 and set(suppressed["students_low"]) == {1} and set(suppressed["students_high"]) == {4}
    exact = facts[~facts["students_suppressed"]]
    assert (exact["students"] == exact["students_low"]).all() and (exact["students"] == exact["students_high"]).all()
    assert dict(zip(facts["place_name"], facts["municipality_code"], strict=True)) == MUNICIPALITY
    assert dict(zip(facts["type_mbo"], facts["leerweg"], strict=True)) == {
        "BBL": "BBL", "BOLDT": "BOL", "BOLVT": "BOL", "EX": "EX"}
    first = facts[facts["source_line"] == 2].iloc[0]
    assert (first["school_year"], first["brin"], first["institution_name"], first["crebo"], first["niveau"],
            first["sex"], first["peildatum"], first["source_id"]) == (
        "2023-2024", "25LR", "ROC van Flevoland", "25303", 2, "man", date(2023, 10, 1), "duo_mbo_studenten")
    assert set(facts.loc[facts["source_line"] == 11, "school_year"]) == {"2024-2025"}
    assert set(facts.loc[facts["source_line"] == 3, "sex"]) == {"vrouw"}
    # Without HOOFDGROEP NAAM the ICT part of 'ICT en creatieve industrie' is told by the programme name.
    assert {(e, t) for e, t in zip(education["education_id"], education["is_technical"], strict=True)} == {
        ("mbo:25303 BBL | techniek en gebouwde omgeving | ", True),
        ("mbo:25303 BOL | techniek en gebouwde omgeving | ", True),
        ("mbo:25604 BOL | ICT en creatieve industrie | ", True),
        ("mbo:25604 EX | ICT en creatieve industrie | ", True),
        ("mbo:25592 BOL | ICT en creatieve industrie | ", False),
        ("mbo:25592 EX | ICT en creatieve industrie | ", False),
        ("mbo:25225 BBL | mobiliteit, transport, logistiek en maritiem | ", True),
        ("mbo:25225 BOL | mobiliteit, transport, logistiek en maritiem | ", True),
        ("mbo:25480 BBL | zorg, welzijn en sport | ", False),
        ("mbo:25480 BOL | zorg, welzijn en sport | ", False),
        ("mbo:25480 EX | zorg, welzijn en sport | ", False),
    }
    assert set(education["leerweg"]) == {"BBL", "BOL", "EX"}


def test_gemeentenummer_and_hoofdgroep_are_used_when_present(tmp_path, resolver):
    # A town the mapping does not know reads fine when GEMEENTENUMMER INSTELLING gives its municipality; an empty
    # number falls back to the town.
    text = with_columns({"GEMEENTENUMMER INSTELLING": {"ALMERE": "34", "LELYSTAD": "0995", "ZAANDAM": "0479"},
                         "HOOFDGROEP NAAM": {"25604": "ICT en mediabeheer", "25592": "Mediavormgeving"}}, ";")
    path = _write(tmp_path, text.replace("ALMERE", "ALMERE HAVEN"))
    assert recognise(path)[0] is duo_mbo_students
    facts, education = _facts(path, resolver)
    assert len(facts) == 33
    assert dict(zip(facts["place_name"], facts["municipality_code"], strict=True)) == {
        "ALMERE HAVEN": "GM0034", "LELYSTAD": "GM0995", "EMMELOORD": "GM0171", "ZAANDAM": "GM0479"}
    technical = dict(zip(education["education_id"], education["is_technical"], strict=True))
    assert technical["mbo:25604 BOL | ICT en creatieve industrie | ICT en mediabeheer"] is True
    assert technical["mbo:25592 BOL | ICT en creatieve industrie | Mediavormgeving"] is False


@pytest.mark.parametrize(("line", "old", "new", "column", "message"), [
    (5, ",4,VROUW,", ",7,VROUW,", "NIVEAU", "verwacht niveau 1 tot en met 4"),
    (4, ",120,", ",12x,", "BOLVT", "waarde '12x'; verwacht een geheel getal of -1"),
    (11, ",45,-1,", ",45,-2,", "BOLDT", "waarde '-2'"),
    (3, ",VROUW,", ",V,", "GESLACHT", "verwacht MAN of VROUW"),
    (2, "2023,", "20x3,", "JAAR", "verwacht een jaartal"),
    (6, ",25592,", ",,", "ERKENDE OPLEIDING CODE", "lege waarde in een verplichte kolom"),
    (8, "EMMELOORD", "NERGENSDORP", "PLAATSNAAM INSTELLING", "plaats 'NERGENSDORP' is onbekend"),
    (10, '"Sectorkamer zorg, welzijn en sport"', "Sectorkamer ruimtevaart", "SECTORKAMER NAAM",
     "onbekende sectorkamer"),
    (18, ",28,-1,210,", ",28,-1,", "EX", "de regel heeft 12 velden, de kopregel 13"),
])
def test_bad_input_names_file_line_and_column_in_dutch(tmp_path, resolver, line, old, new, column, message):
    path = _edited(tmp_path, line, old, new)
    with pytest.raises(RawFileError) as error:
        _facts(path, resolver)
    assert (error.value.line, error.value.column) == (line, column)
    assert message in str(error.value) and path.name in str(error.value)


def test_a_missing_required_column_is_named(tmp_path):
    frame = pd.read_csv(STUDENTS, dtype=str, keep_default_na=False)
    path = tmp_path / "f.csv"
    frame.drop(columns="NIVEAU").to_csv(path, index=False)
    with pytest.raises(RawFileError, match="verplichte kolom ontbreekt") as error:
        duo_mbo_students.read(path)
    assert (error.value.line, error.value.column) == (1, "NIVEAU")
    with pytest.raises(RawFileError, match="aangenomen") as error:  # the build's recognition says the same
        recognise(path)
    assert (error.value.line, error.value.column) == (1, "NIVEAU")


def test_an_unknown_column_stops_with_what_to_do(tmp_path):
    # DUO's real file may differ from the assumed layout: the user learns the column and where to adapt the reader.
    path = _write(tmp_path, TEXT.replace("NIVEAU,", "NIVEAU CODE,", 1))
    with pytest.raises(RawFileError) as error:
        recognise(path)
    assert (error.value.line, error.value.column) == (1, "NIVEAU CODE")
    assert "aangenomen" in str(error.value) and "etl/sources/duo_mbo_students.py" in str(error.value)
    assert not duo_mbo_students.recognises([*duo_mbo_students.REQUIRED, "BBL", "WOONGEMEENTE"])
    assert duo_mbo_students.explain(["JAAR", "INSTELLINGSCODE", "WOONGEMEENTE", "BBL"]) is None  # not a look-alike


def test_a_file_without_any_figure_is_refused(tmp_path):
    frame = pd.read_csv(STUDENTS, dtype=str, keep_default_na=False)
    path = tmp_path / "f.csv"
    frame.assign(**dict.fromkeys(duo_mbo_students.COUNT_COLUMNS, "")).to_csv(path, index=False)
    with pytest.raises(RawFileError, match="geen enkel aantal") as error:
        duo_mbo_students.read(path)
    assert error.value.line == 2


def test_demo_build_has_current_students_for_flevoland(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        files = {path for (path,) in con.execute("select path from raw_file where source_id = 'duo_mbo_studenten'"
                                                 ).fetchall()}
        assert files == {f"duo/mbo_studenten/{duo_mbo_students.FILE_NAME}"}
        values = compute(con, "mbo_tech_students", "PV24")
    periods = [v.period for v in values]
    assert periods[:5] == ["2015-2016", "2016-2017", "2017-2018", "2018-2019", "2019-2020"]
    assert periods[5:] == ["2021-2022", "2022-2023", "2023-2024", "2024-2025", "2025-2026"]
    assert all(v.lower <= v.value <= v.upper for v in values) and values[-1].value > 0
    assert "Mbo-studenten per instelling" in values[-1].source and "Deelnemers mbo" in values[-1].source
