"""DUO mbo students, current layout (resource 03, an assumed layout): the one read path (stage) on a hand-written
fixture, harmless variations it reads, bad input named in Dutch by file, line and column, a look-alike header, and
the demo build's indicator."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.education import Education
from etl.errors import RawFileError
from etl.rawfiles import read_header, recognise
from etl.reference import MunicipalityResolver
from etl.sources import duo_mbo_students
from tests.conftest import FIXTURES
from tests.staged import assert_located, build_refusal, edited_copy, refusal, staged_facts
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


def _facts(path: Path, resolver: MunicipalityResolver) -> tuple[pd.DataFrame, list[Education]]:
    facts, education, _ = staged_facts(duo_mbo_students, path, "f.csv", resolver)
    return facts, education


def _write(tmp_path: Path, text: str, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


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
        "2023-2024", "25LR", "ROC van Flevoland", "25303", 2, "man", pd.Timestamp(2023, 10, 1), "duo_mbo_studenten")
    assert set(facts.loc[facts["source_line"] == 11, "school_year"]) == {"2024-2025"}
    assert set(facts.loc[facts["source_line"] == 3, "sex"]) == {"vrouw"}
    # Without HOOFDGROEP NAAM the ICT part of 'ICT en creatieve industrie' is told by the programme name.
    assert {(e.education_id, e.is_technical) for e in education} == {
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
    assert {e.leerweg for e in education} == {"BBL", "BOL", "EX"}


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
    technical = {e.education_id: e.is_technical for e in education}
    assert technical["mbo:25604 BOL | ICT en creatieve industrie | ICT en mediabeheer"] is True
    assert technical["mbo:25592 BOL | ICT en creatieve industrie | Mediavormgeving"] is False


def test_reads_optional_columns_semicolons_quotes_spaces_and_any_column_order(tmp_path, resolver):
    expected = _facts(STUDENTS, resolver)[0]
    spaced = TEXT.replace("2023,25LR,ROC van Flevoland,ALMERE,", " 2023 , 25LR ,ROC van Flevoland , ALMERE,", 1)
    spaced = spaced.replace(",2,MAN,40,0,-1,", ", 2 , MAN ,40 , 0 , -1 , ", 1)
    frame = pd.read_csv(STUDENTS, dtype=str, keep_default_na=False)
    reordered = frame[list(reversed(frame.columns))].to_csv(index=False)
    for name, text in (("bom.csv", "\ufeff" + TEXT), ("lf.csv", TEXT.replace("\r\n", "\n")), ("spaced.csv", spaced),
                       ("reordered.csv", reordered),
                       ("optional.csv", with_columns({"PROVINCIE INSTELLING": {"ALMERE": "FLEVOLAND"}}, ";"))):
        assert _facts(_write(tmp_path, text, name), resolver)[0].equals(expected), name
    quoted = TEXT.replace("Software developer", '"Software ""full stack"" developer"')
    _, education = _facts(_write(tmp_path, quoted), resolver)
    assert 'Software "full stack" developer (25604)' in {e.source_label for e in education}


def test_keeps_the_first_name_of_a_programme(tmp_path, resolver):
    # Two names for one crebo and route give one education_id: the one first column by column, then by line, is
    # kept: the BOLDT figure of line 5 comes before the BOLVT figure of the new line 2.
    header, rest = TEXT.split("\r\n", 1)
    extra = ("2022,25LR,ROC van Flevoland,ALMERE,Sectorkamer ICT en creatieve industrie,25604,Software ontwikkelaar,4,"
             "MAN,,,7,")
    _, education = _facts(_write(tmp_path, "\r\n".join([header, extra, rest])), resolver)
    labels = {e.education_id: e.source_label for e in education}
    assert labels["mbo:25604 BOL | ICT en creatieve industrie | "] == "Software developer (25604)"


@pytest.mark.parametrize(("line", "old", "new", "column", "message"), [
    (5, ",4,VROUW,", ",7,VROUW,", "NIVEAU", "verwacht niveau 1 tot en met 4"),
    (4, ",120,", ",12x,", "BOLVT", "verwacht een geheel getal, -1 of niets (gevonden: '12x')"),
    (4, ",120,", ",\u0661\u0662,", "BOLVT", "verwacht een geheel getal"),  # digits that are not 0-9
    (4, ",120,", ",12345678901234567890,", "BOLVT", "verwacht een geheel getal"),  # beyond a bigint
    (11, ",45,-1,", ",45,-2,", "BOLDT", "(gevonden: '-2')"),
    (3, ",VROUW,", ",V,", "GESLACHT", "verwacht MAN of VROUW"),
    (3, ",VROUW,", ",vrouw,", "GESLACHT", "verwacht MAN of VROUW"),
    (2, "2023,", "20x3,", "JAAR", "verwacht een jaartal"),
    (6, ",25592,", ",,", "ERKENDE OPLEIDING CODE", "lege waarde in een verplichte kolom"),
    (7, ",25LR,", ", ,", "INSTELLINGSCODE", "lege waarde in een verplichte kolom"),
    (8, "EMMELOORD", "NERGENSDORP", "PLAATSNAAM INSTELLING", "plaats 'NERGENSDORP' is onbekend"),
    (10, '"Sectorkamer zorg, welzijn en sport"', "Sectorkamer ruimtevaart", "SECTORKAMER NAAM",
     "onbekende sectorkamer"),
    (4, "Software developer", '"Software\ndeveloper"', "ERKENDE OPLEIDING NAAM", "regeleinde"),
    (4, "Software developer", '"Software "developer"', "ERKENDE OPLEIDING NAAM", "aanhalingsteken"),
    (18, ",28,-1,210,", ",28,-1,", "EX", "velden, de kopregel 13 (gescheiden door"),
    (18, ",28,-1,210,", ",28,-1,210,,", "EX", "de regel heeft 14 velden, de kopregel 13"),
])
def test_bad_input_names_file_line_and_column_in_dutch(tmp_path, resolver, line, old, new, column, message):
    assert_located(duo_mbo_students, edited_copy(STUDENTS, tmp_path, old, new, line), line, column, message, resolver)


def test_a_town_the_municipality_number_gives_is_read_and_a_bad_number_is_named(tmp_path, resolver):
    text = with_columns({"GEMEENTENUMMER INSTELLING": {"ALMERE": "34", "LELYSTAD": "x995", "ZAANDAM": "0479"}})
    assert_located(duo_mbo_students, _write(tmp_path, text), 6, "GEMEENTENUMMER INSTELLING", "CBS-gemeentenummer",
                   resolver)


def test_a_missing_required_column_is_named(tmp_path, resolver):
    frame = pd.read_csv(STUDENTS, dtype=str, keep_default_na=False)
    path = tmp_path / "f.csv"
    frame.drop(columns="NIVEAU").to_csv(path, index=False)
    assert_located(duo_mbo_students, path, 1, "NIVEAU", "verplichte kolom ontbreekt", resolver)
    with pytest.raises(RawFileError, match="aangenomen") as caught:  # the build's recognition says the same
        recognise(path)
    assert (caught.value.line, caught.value.column) == (1, "NIVEAU")


def test_an_unknown_column_stops_with_what_to_do(tmp_path, resolver):
    # DUO's real file may differ from the assumed layout: the user learns the column and where to adapt the reader.
    path = _write(tmp_path, TEXT.replace("NIVEAU,", "NIVEAU CODE,", 1))
    with pytest.raises(RawFileError) as error:
        recognise(path)
    assert (error.value.line, error.value.column) == (1, "NIVEAU CODE")
    assert "aangenomen" in str(error.value) and "etl/sources/duo_mbo_students.py" in str(error.value)
    assert_located(duo_mbo_students, path, 1, "NIVEAU CODE", "aangenomen", resolver)
    assert not duo_mbo_students.recognises([*duo_mbo_students.REQUIRED, "BBL", "WOONGEMEENTE"])
    assert duo_mbo_students.explain(["JAAR", "INSTELLINGSCODE", "WOONGEMEENTE", "BBL"]) is None  # not a look-alike


def test_a_file_without_records_or_any_figure_or_not_utf8_is_refused(tmp_path, resolver):
    error = refusal(duo_mbo_students, _write(tmp_path, TEXT.split("\r\n", 1)[0] + "\r\n"), resolver)
    assert error.line == 2 and "geen gegevensregels" in error.message
    frame = pd.read_csv(STUDENTS, dtype=str, keep_default_na=False)
    path = tmp_path / "f.csv"
    frame.assign(**dict.fromkeys(duo_mbo_students.COUNT_COLUMNS, "")).to_csv(path, index=False)
    assert_located(duo_mbo_students, path, 2, "BBL", "geen enkel aantal", resolver)
    path.write_bytes(TEXT.replace("Mediavormgever", "Médiavormgever", 1).encode("latin-1"))
    assert_located(duo_mbo_students, path, 6, "ERKENDE OPLEIDING NAAM", "geen UTF-8", resolver)


@pytest.mark.parametrize(("line", "old", "new", "message"), [
    (5, ",0,15,-1", ",0,15,x", "regel 5, kolom 'EX': verwacht een geheel getal, -1 of niets (gevonden: 'x')"),
    (8, "EMMELOORD", "NERGENSDORP", "regel 8, kolom 'PLAATSNAAM INSTELLING': plaats 'NERGENSDORP' is onbekend"),
])
def test_a_build_meeting_a_bad_file_names_file_line_and_column(tmp_path, line, old, new, message):
    edited_copy(STUDENTS, tmp_path / "raw" / duo_mbo_students.DATASET.raw_subdir, old, new, line)
    error = build_refusal(tmp_path / "raw")
    assert message in str(error) and STUDENTS.name in str(error)


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
