"""Unsafe or wrong files are refused as a whole, with a Dutch message that says what to do; nothing is read."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from etl.workbooks.safety import OLE_MAGIC, Limits, UnsafeWorkbookError, check_workbook
from etl.workbooks.validate import validate_workbook
from tests.test_workbook_support import PLAN_SHEETS, TODAY, issues, plan_file, write_workbook


def _rezip(source: Path, target: Path, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None,
           compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """Copy an .xlsx part by part, replacing or adding parts."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", compression) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info.filename)))
        for name, data in add.items():
            new.writestr(name, data)
    return target


def _refused(path: Path, limits: Limits | None = None, where: tuple = (None, None, None)) -> str:
    result = validate_workbook(path, today=TODAY, limits=limits)
    assert not result.ok and result.kind is None and result.rows == {}
    assert len(result.errors) == 1 and issues(result) == [where]
    return result.errors[0].message


def test_a_good_workbook_passes(tmp_path):
    check_workbook(plan_file(tmp_path))


def test_old_xls_is_refused(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(OLE_MAGIC + b"\x00" * 4000)
    message = _refused(path)
    assert "oud Excel-bestand (.xls)" in message and "Opslaan als" in message and "plan.xlsx" in message


def test_password_protected_xlsx_is_refused(tmp_path):
    path = tmp_path / "geheim.xlsx"
    path.write_bytes(OLE_MAGIC + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 100)
    message = _refused(path)
    assert "wachtwoord" in message and "geheim.xlsx" in message


def test_csv_renamed_to_xlsx_is_refused(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_text("Code;Naam\nALM;Almere\n", encoding="utf-8")
    message = _refused(path)
    assert "CSV" in message and "sla op als .xlsx" in message


def test_other_non_zip_is_refused(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"\x00\x01\x02\x03" * 100)
    assert "geen Excel-werkmap (.xlsx)" in _refused(path)


def test_ods_is_refused(tmp_path):
    path = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    assert ".ods" in _refused(path)


def test_other_zip_is_refused(tmp_path):
    path = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hallo")
    assert "zip-bestand maar geen Excel-werkmap" in _refused(path)


def test_xlsm_by_content_type_is_refused(tmp_path):
    good = plan_file(tmp_path)
    with zipfile.ZipFile(good) as archive:
        types = archive.read("[Content_Types].xml").replace(
            b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
    path = _rezip(good, tmp_path / "macro.xlsx", replace={"[Content_Types].xml": types})
    assert "macro's (.xlsm)" in _refused(path)


def test_vba_project_is_refused(tmp_path):
    path = _rezip(plan_file(tmp_path), tmp_path / "macro.xlsx", add={"xl/vbaProject.bin": b"\x00" * 64})
    assert "macro's" in _refused(path)


def test_file_over_the_size_limit_is_refused(tmp_path):
    message = _refused(plan_file(tmp_path), Limits(max_bytes=1000))
    assert "te groot" in message and "MB" in message


def test_default_size_limit_is_ten_megabytes():
    assert Limits().max_bytes == 10 * 1024 * 1024


def test_zip_bomb_by_ratio_is_refused(tmp_path):
    bomb = b"<x>" + b" " * (20 * 1024 * 1024) + b"</x>"
    path = _rezip(plan_file(tmp_path), tmp_path / "bom.xlsx", add={"xl/media/bom.xml": bomb})
    assert "zipbom" in _refused(path)


def test_zip_bomb_by_total_size_is_refused(tmp_path):
    path = _rezip(plan_file(tmp_path), tmp_path / "groot.xlsx", compression=zipfile.ZIP_STORED,
                  add={"xl/media/a.bin": b"x" * 200_000})
    assert "uitgepakt meer dan" in _refused(path, Limits(max_uncompressed_bytes=100_000))


def test_too_many_entries_is_refused(tmp_path):
    path = _rezip(plan_file(tmp_path), tmp_path / "veel.xlsx", add={f"xl/media/{i}.bin": b"x" for i in range(30)})
    assert "onderdelen" in _refused(path, Limits(max_entries=20))


def test_xml_entity_declaration_is_refused(tmp_path):
    good = plan_file(tmp_path)
    with zipfile.ZipFile(good) as archive:
        sheet = archive.read("xl/worksheets/sheet2.xml")
    evil = (b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
            + (sheet.split(b"?>", 1)[1] if sheet.startswith(b"<?xml") else sheet))
    path = _rezip(good, tmp_path / "entiteit.xlsx", replace={"xl/worksheets/sheet2.xml": evil})
    message = _refused(path)
    assert "entiteitsdeclaratie" in message and "sheet2.xml" in message


def test_more_rows_than_the_limit_is_refused(tmp_path):
    sheets = dict(PLAN_SHEETS)
    sheets["Acties"] = [PLAN_SHEETS["Acties"][0]] + [["ALM", f"A{i}", "x", None, None, None, "loopt"]
                                                     for i in range(60)]
    path = write_workbook(tmp_path / "plan.xlsx", sheets)
    message = _refused(path, Limits(max_rows=50), ("Acties", 51, "A"))
    assert "'Acties'" in message and "rij 51 (cel A51)" in message and "de grens is 50 rijen" in message


@pytest.mark.parametrize("name", ["", "leeg.xlsx"])
def test_empty_file_is_refused(tmp_path, name):
    path = tmp_path / (name or "x.xlsx")
    path.write_bytes(b"")
    with pytest.raises(UnsafeWorkbookError, match="geen Excel-werkmap"):
        check_workbook(path)


def test_damaged_workbook_gives_a_message_not_a_traceback(tmp_path):
    path = tmp_path / "kapot.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert "kan niet gelezen worden" in _refused(path)
