"""Generators of hostile and malformed workbooks, one class of attack or damage at a time (no tests here).

Used by tests/test_workbook_hostile.py (a fixed sample, in CI) and bench/bench_hostile_workbooks.py (the full
campaign). Every case starts from a real monthly report in the template layout (`base_workbook`) and breaks one
thing: the zip container (corrupt deflate, encryption flags, truncation), the size of a part (bombs), the extent of
a sheet (far-apart cells, a lying <dimension>, wide or long sheets), its values (inf, NaN, huge numbers), its sheet
list (very hidden duplicates) or its XML (DTD, entities). Zips are written by hand where zipfile cannot (a deflate
stream repeated to gigabytes, flags, a wrong CRC), so the bytes are exactly what the case says.
"""

from __future__ import annotations

import random
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from etl.workbooks.layout import MONTHLY
from etl.workbooks.reader import column_letters, workbook_sheets
from etl.workbooks.templates import filled_workbook
from tests.test_workbook_support import MONTHLY_SHEETS

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
GIB = 1024 ** 3
MIB = 1024 ** 2


@dataclass(frozen=True)
class Case:
    """One generated file: its class, how to write it, and what the upload must do (refused, accepted or either)."""

    name: str
    kind: str
    make: Callable[[Path], Path]
    expect: str = "refused"


@dataclass
class Member:
    """A zip member as written: compressed bytes, method, flags, CRC and the sizes the headers claim."""

    name: str
    raw: bytes
    method: int
    crc: int
    size: int
    flags: int = 0


def base_workbook(folder: Path, name: str = "maand.xlsx") -> Path:
    """A valid monthly report (subproject ALM, 2026-03) in the real template layout, as a user sends it back."""
    rows = {sheet: table[1:] for sheet, table in MONTHLY_SHEETS.items()}
    return filled_workbook(folder / name, MONTHLY, rows, {"kpis": ["LLN", "BZK"], "milestones": ["M1"],
                                                          "actions": ["A1", "A2"]})


def members_of(path: Path) -> list[Member]:
    """The members of a zip with their compressed bytes as stored (no recompression)."""
    out = []
    with zipfile.ZipFile(path) as archive, path.open("rb") as handle:
        for info in archive.infolist():
            handle.seek(info.header_offset)
            header = handle.read(30)
            name_len, extra_len = struct.unpack("<HH", header[26:30])
            handle.seek(info.header_offset + 30 + name_len + extra_len)
            out.append(Member(info.filename, handle.read(info.compress_size), info.compress_type, info.CRC,
                              info.file_size, info.flag_bits & ~0x08))
    return out


def deflated(data: bytes) -> Member:
    """A member body compressed as zipfile would (raw deflate), name left empty."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Member("", packer.compress(data) + packer.flush(), zipfile.ZIP_DEFLATED, zlib.crc32(data), len(data))


def repeated_deflate(segments: list[tuple[bytes, int]]) -> Member:
    """Raw deflate of each (unit, times) in turn, built without ever holding the output: a unit compressed once
    with a full flush (no reference to earlier data) is valid repeated, so 4 GB of spaces cost a few MB."""
    raw, crc, size = [], 0, 0
    for unit, times in segments:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        block = packer.compress(unit) + packer.flush(zlib.Z_FULL_FLUSH)
        raw.append(block * times)
        size += len(unit) * times
        if size <= 64 * MIB:  # an honest CRC where it is cheap; a bomb is refused long before its end anyway
            for _ in range(times):
                crc = zlib.crc32(unit, crc)
    raw.append(zlib.compressobj(9, zlib.DEFLATED, -15).flush())  # the final (empty) block
    return Member("", b"".join(raw), zipfile.ZIP_DEFLATED, crc, min(size, 0xFFFFFFFF))


def write_zip(path: Path, members: list[Member]) -> Path:
    """Write the members as they are: local headers, data, central directory (no zip64)."""
    body, central = bytearray(), bytearray()
    for m in members:
        name = m.name.encode()
        offset = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, m.flags, m.method, 0, 0x21, m.crc & 0xFFFFFFFF,
                            len(m.raw), m.size & 0xFFFFFFFF, len(name), 0) + name + m.raw
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, m.flags, m.method, 0, 0x21,
                               m.crc & 0xFFFFFFFF, len(m.raw), m.size & 0xFFFFFFFF, len(name), 0, 0, 0, 0, 0,
                               offset) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(body), 0)
    path.write_bytes(bytes(body + central + end))
    return path


def replaced(base: Path, target: Path, parts: dict[str, Member | bytes], add: dict[str, Member | bytes] | None = None,
             drop: tuple[str, ...] = ()) -> Path:
    """The base zip with some members replaced or added (bytes are deflated; a Member is written as it is)."""
    def member(name: str, value: Member | bytes) -> Member:
        m = deflated(value) if isinstance(value, bytes) else value
        return Member(name, m.raw, m.method, m.crc, m.size, m.flags)
    out = [member(m.name, parts[m.name]) if m.name in parts else m for m in members_of(base) if m.name not in drop]
    out += [member(name, value) for name, value in (add or {}).items()]
    return write_zip(target, out)


def sheet_part(path: Path, sheet: str) -> str:
    """The archive part of a sheet, as the reader resolves it."""
    with zipfile.ZipFile(path) as archive:
        info = next(s for s in workbook_sheets(archive, path.name) if s.name == sheet)
        return next(p for p in info.parts if p in archive.NameToInfo)


def _cell(ref: str, value: object) -> str:
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, str):
        text = value.replace("&", "&amp;").replace("<", "&lt;")
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def sheet_xml(rows: list[list[object]], dimension: str | None = None, tail: str = "") -> bytes:
    """A worksheet with these rows from A1 (str: inline text, numbers as written, bytes: the cell's XML as is)."""
    body = "".join(f'<row r="{r}">' + "".join(_cell(f"{column_letters(c)}{r}", v) for c, v in enumerate(row)) + "</row>"
                   for r, row in enumerate(rows, start=1))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<worksheet xmlns="{MAIN_NS}">{dim}<sheetData>{body}{tail}</sheetData></worksheet>'.encode()


KPI_HEADER = ["KPI", "Waarde", "Opmerking"]
KPI_ROWS = [["LLN", 350, ""], ["BZK", 4, "twee afgezegd"]]


def with_kpi_sheet(xml: bytes) -> Callable[[Path], Path]:
    """A case writer: the base report with the KPI-waarden sheet's XML replaced."""
    def make(folder: Path) -> Path:
        base = base_workbook(folder, "basis.xlsx")
        return replaced(base, folder / "geval.xlsx", {sheet_part(base, "KPI-waarden"): xml})
    return make


def with_kpi_values(*values: object) -> Callable[[Path], Path]:
    """A case writer: the KPI-waarden sheet holding LLN with each value in turn (row 2 onwards)."""
    rows = [KPI_HEADER] + [[f"K{i}" if i else "LLN", v, ""] for i, v in enumerate(values)]
    return with_kpi_sheet(sheet_xml(rows))


def with_part(part: str, value: Member | bytes | Callable[[bytes], Member | bytes]) -> Callable[[Path], Path]:
    """A case writer: the base report with one part replaced (a callable gets the original bytes)."""
    def make(folder: Path) -> Path:
        base = base_workbook(folder, "basis.xlsx")
        with zipfile.ZipFile(base) as archive:
            original = archive.read(part) if part in archive.NameToInfo else b""
        new = value(original) if callable(value) else value
        return replaced(base, folder / "geval.xlsx", {part: new} if original else {}, {} if original else {part: new})
    return make


def _bomb(prefix: bytes, filler: bytes, size: int, suffix: bytes = b"") -> Member:
    unit = filler * (MIB // len(filler))
    return repeated_deflate([(prefix, 1), (unit, max(size // len(unit), 1)), (suffix, 1)])


def _xml_bomb(size: int) -> Callable[[bytes], Member]:
    """The part's own XML with `size` bytes of spaces before its closing tag: well-formed, and gigabytes."""
    def bomb(original: bytes) -> Member:
        cut = original.rstrip().rfind(b"</")
        return _bomb(original[:cut], b" ", size, original[cut:])
    return bomb


def _lying_size(bomb: Callable[[bytes], Member]) -> Callable[[bytes], Member]:
    """The bomb with headers that claim 900 bytes."""
    def lie(original: bytes) -> Member:
        m = bomb(original)
        return Member(m.name, m.raw, m.method, m.crc, 900, m.flags)
    return lie


def _corrupt(part: str, how: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        base = base_workbook(folder, "basis.xlsx")
        members = members_of(base)
        m = next(m for m in members if m.name == part)
        raw = bytearray(m.raw)
        if how == "flip":
            for i in range(3, len(raw), max(len(raw) // 7, 1)):
                raw[i] ^= 0x5A
        elif how == "reserved-block":
            raw[0] = (raw[0] & ~0x06) | 0x06  # BTYPE 11: reserved, never valid
        elif how == "cut":
            raw = raw[: len(raw) // 2]
        elif how == "crc":
            m.crc ^= 0xDEADBEEF
        elif how == "stored-lie":  # stored, but the header claims ten times the size
            data = zlib.decompress(bytes(raw), -15)
            raw, m.method, m.size = bytearray(data), zipfile.ZIP_STORED, len(data) * 10
        m.raw = bytes(raw)
        return write_zip(folder / "geval.xlsx", members)
    return make


def _flags(parts: str, flags: int = 0x01, method: int | None = None) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        base = base_workbook(folder, "basis.xlsx")
        members = members_of(base)
        for m in members:
            if parts == "*" or m.name == parts:
                m.flags |= flags
                if method is not None:
                    m.method = method
        return write_zip(folder / "geval.xlsx", members)
    return make


class _ZipCrypto:
    """Traditional PKWARE encryption (what 'zip -P' writes): enough to make a real password-protected member."""

    def __init__(self, password: bytes) -> None:
        self.keys = [0x12345678, 0x23456789, 0x34567890]
        for byte in password:
            self._update(byte)

    def _update(self, byte: int) -> None:
        k0, k1, k2 = self.keys
        k0 = (zlib.crc32(bytes([byte]), k0 ^ 0xFFFFFFFF) ^ 0xFFFFFFFF) & 0xFFFFFFFF
        k1 = ((k1 + (k0 & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        k2 = (zlib.crc32(bytes([k1 >> 24]), k2 ^ 0xFFFFFFFF) ^ 0xFFFFFFFF) & 0xFFFFFFFF
        self.keys = [k0, k1, k2]

    def encrypt(self, data: bytes) -> bytes:
        out = bytearray()
        for byte in data:
            temp = (self.keys[2] | 2) & 0xFFFF
            out.append(byte ^ (((temp * (temp ^ 1)) >> 8) & 0xFF))
            self._update(byte)
        return bytes(out)


def _password(parts: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        base = base_workbook(folder, "basis.xlsx")
        members = members_of(base)
        for m in members:
            if parts == "*" or m.name == parts:
                header = bytes(random.Random(m.name).randrange(256) for _ in range(11)) + bytes([m.crc >> 24])
                m.raw = _ZipCrypto(b"geheim").encrypt(header + m.raw)
                m.flags |= 0x01
        return write_zip(folder / "geval.xlsx", members)
    return make


def _hidden_duplicate(state: str, name: str = "kpi-waarden ", sheet: str = "KPI-waarden",
                      rows: list | None = None) -> Callable[[Path], Path]:
    """A second sheet whose name normalises to `sheet`'s, with the given state and its own values (999)."""
    def make(folder: Path) -> Path:
        base = base_workbook(folder, "basis.xlsx")
        with zipfile.ZipFile(base) as archive:
            workbook = archive.read("xl/workbook.xml")
            rels = archive.read("xl/_rels/workbook.xml.rels")
            types = archive.read("[Content_Types].xml")
        xml = sheet_xml(rows or [KPI_HEADER, ["LLN", 999, ""], ["BZK", 999, ""]])
        workbook = workbook.replace(b"</sheets>", f'<sheet name="{name}" sheetId="99" state="{state}" '
                                                  f'r:id="rId99"/></sheets>'.encode())
        rels = rels.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
                            b'officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet99.xml"/>'
                            b"</Relationships>")
        types = types.replace(b"</Types>", b'<Override PartName="/xl/worksheets/sheet99.xml" ContentType="application/'
                              b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        return replaced(base, folder / "geval.xlsx",
                        {"xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": rels, "[Content_Types].xml": types},
                        {"xl/worksheets/sheet99.xml": xml})
    return make


def _state_of_sheet(sheet: str, state: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        base = base_workbook(folder, "basis.xlsx")
        with zipfile.ZipFile(base) as archive:
            workbook = archive.read("xl/workbook.xml")
        workbook = re.sub(rb'(<sheet name="' + sheet.encode() + rb'"[^>]*?state=")visible"', rb'\1' + state.encode()
                          + b'"', workbook)
        return replaced(base, folder / "geval.xlsx", {"xl/workbook.xml": workbook})
    return make


_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)) + "]>")


def _dtd(part: str, doctype: str) -> Callable[[Path], Path]:
    def inject(original: bytes) -> bytes:
        body = original.split(b"?>", 1)[1] if original.startswith(b"<?xml") else original
        return b'<?xml version="1.0" encoding="UTF-8"?>' + doctype.encode() + body
    return with_part(part, inject)


def _truncated(keep: float | int) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        data = base_workbook(folder, "basis.xlsx").read_bytes()
        size = int(len(data) * keep) if isinstance(keep, float) else len(data) + keep
        return _write(folder / "geval.xlsx", data[:size])
    return make


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _random_bytes(seed: int, size: int, head: bytes = b"") -> Callable[[Path], Path]:
    return lambda folder: _write(folder / "geval.xlsx", head + random.Random(seed).randbytes(size))


def _bit_flips(seed: int, flips: int) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        data = bytearray(base_workbook(folder, "basis.xlsx").read_bytes())
        rng = random.Random(seed)
        for _ in range(flips):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        return _write(folder / "geval.xlsx", bytes(data))
    return make


def _far_cells(last: str, dimension: str | None = None, raw_cell: str | None = None) -> Callable[[Path], Path]:
    cell = raw_cell or f'<c r="{last}"><v>1</v></c>'
    rows = [KPI_HEADER, *KPI_ROWS]
    return with_kpi_sheet(sheet_xml(rows, dimension, f"<row>{cell}</row>" if raw_cell is None else raw_cell))


def _wide(columns: int) -> Callable[[Path], Path]:
    return with_kpi_sheet(sheet_xml([KPI_HEADER + [f"extra {i}" for i in range(columns - 3)], *KPI_ROWS]))


def _long(rows: int, value: object = 1, distinct: bool = False) -> Callable[[Path], Path]:
    """KPI-waarden with `rows` data rows (codes K0, K1 … when distinct, otherwise the same code: duplicates)."""
    def make(folder: Path) -> Path:
        body = "".join(f'<row r="{r}">{_cell(f"A{r}", f"K{r}" if distinct else "LLN")}{_cell(f"B{r}", value)}</row>'
                       for r in range(2, rows + 2))
        header = "".join(_cell(f"{column_letters(i)}1", h) for i, h in enumerate(KPI_HEADER))
        xml = f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1">{header}</row>{body}</sheetData></worksheet>'
        return with_kpi_sheet(xml.encode())(folder)
    return make


def _shared_amplifier(cells: int, text: int) -> Callable[[Path], Path]:
    """One long shared string referred to by many cells: calamine copies it into every cell."""
    def make(folder: Path) -> Path:
        base = base_workbook(folder, "basis.xlsx")
        sst = f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>{"x" * text}</t></si></sst>'.encode()
        body = "".join(f'<row r="{r}">' + "".join(f'<c r="{column_letters(c)}{r}" t="s"><v>0</v></c>' for c in range(3))
                       + "</row>" for r in range(2, cells // 3 + 2))
        header = "".join(_cell(f"{column_letters(i)}1", h) for i, h in enumerate(KPI_HEADER))
        xml = f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1">{header}</row>{body}</sheetData></worksheet>'
        with zipfile.ZipFile(base) as archive:
            types = archive.read("[Content_Types].xml").replace(b"</Types>", (
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
        return replaced(base, folder / "geval.xlsx", {sheet_part(base, "KPI-waarden"): xml.encode(),
                                                      "[Content_Types].xml": types}, {"xl/sharedStrings.xml": sst})
    return make


def cases(scale: str = "ci") -> list[Case]:
    """Every case; scale 'ci' keeps bombs at a few hundred MB (quick to write), 'full' takes them to 4 GB."""
    big = 4 * GIB if scale == "full" else 256 * MIB
    sheet = "xl/worksheets/sheet3.xml"  # KPI-waarden in the template layout (checked in the tests)
    out = [
        Case("basis", "valid", base_workbook, "accepted"),
        # corrupt deflate, wrong CRC, lying stored sizes
        *[Case(f"deflate-{how}-{part.rsplit('/', 1)[-1]}", "corrupt-deflate", _corrupt(part, how),
               "either" if how == "stored-lie" else "refused")
          for how in ("flip", "reserved-block", "cut", "crc", "stored-lie")
          for part in (sheet, "xl/workbook.xml", "[Content_Types].xml")],
        # encryption: the flag alone, strong encryption, AES (method 99), an unknown method, a real password
        Case("encrypt-flag-sheet", "encryption", _flags(sheet)),
        Case("encrypt-flag-all", "encryption", _flags("*")),
        Case("encrypt-strong-flag", "encryption", _flags(sheet, 0x40)),
        Case("encrypt-aes-method", "encryption", _flags(sheet, 0x01, 99)),
        Case("method-bzip2", "encryption", _flags(sheet, 0, zipfile.ZIP_BZIP2)),
        Case("method-unknown", "encryption", _flags("xl/workbook.xml", 0, 77)),
        Case("password-sheet", "encryption", _password(sheet)),
        Case("password-all", "encryption", _password("*")),
        # bombs in parts read whole before (mimetype, content types, workbook, rels) and in calamine's parts
        Case("bomb-mimetype", "bomb", with_part("mimetype", _bomb(b"application/", b"x", big))),
        Case("bomb-mimetype-ods", "bomb", with_part("mimetype", _bomb(b"application/vnd.oasis.opendocument", b"\0",
                                                                      big))),
        *[Case(f"bomb-{part.rsplit('/', 1)[-1].lower()}", "bomb", with_part(part, _xml_bomb(big)))
          for part in ("[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
                       sheet, "xl/worksheets/sheet2.xml")],
        Case("bomb-sharedstrings", "bomb", with_part("xl/sharedStrings.xml", _bomb(
            f'<sst xmlns="{MAIN_NS}"><si><t>'.encode(), b"ab", big, b"</t></si></sst>"))),
        Case("bomb-under-ratio", "bomb", with_part(sheet, lambda original: _bomb(
            original[:-30], random.Random(1).randbytes(4096).hex().encode(), 400 * MIB, original[-30:]))),
        Case("bomb-lying-size", "bomb", with_part("xl/workbook.xml", _lying_size(_xml_bomb(big)))),
        # far-apart cells, lying dimension
        Case("far-xfd1048576", "far-cells", _far_cells("XFD1048576")),
        Case("far-lying-dimension", "far-cells", _far_cells("XFD1048576", "A1:C3")),
        Case("far-rows-only", "far-cells", _far_cells("A1048576")),
        Case("far-beyond-excel", "far-cells", _far_cells("A9999999")),
        Case("far-columns-only", "far-cells", _far_cells("XFD1")),
        Case("far-lowercase", "far-cells", _far_cells("xfd1048576")),
        Case("far-prefixed", "far-cells", _far_cells("", raw_cell=f'<row r="1048576"><x:c xmlns:x="{MAIN_NS}" '
                                                                   f'r="XFD1048576"><x:v>1</x:v></x:c></row>')),
        Case("far-quoted-gt", "far-cells", _far_cells("", raw_cell='<row r="1048576"><c foo=">" r="XFD1048576">'
                                                                   "<v>1</v></c></row>")),
        Case("far-single-quotes", "far-cells", _far_cells("", raw_cell="<row r='1048576'><c r='XFD1048576'><v>1"
                                                                       "</v></c></row>")),
        Case("far-inline-string", "far-cells", _far_cells("", raw_cell='<row r="1048576"><c r="XFD1048576" '
                                                                       't="inlineStr"><is/></c></row>')),
        Case("far-empty-value", "far-cells", _far_cells("", raw_cell='<row r="1048576"><c r="XFD1048576" t="str">'
                                                                     "<v></v></c></row>")),
        Case("far-formula", "far-cells", _far_cells("", raw_cell='<row r="1048576"><c r="XFD1048576"><f>1+1</f>'
                                                                 "</c></row>")),
        Case("far-unreferenced-cells", "far-cells", _far_cells("", raw_cell="<row>" + "<c><v>1</v></c>" * 300
                                                                            + "</row>")),
        Case("far-unreferenced-rows", "far-cells", _far_cells("", raw_cell='<row r="9990"/>' + "<row><c><v>1</v>"
                                                                          "</c></row>" * 20)),
        Case("far-unsorted", "far-cells", _far_cells("", raw_cell='<row r="1048576"><c r="XFD1048576"><v>1</v></c>'
                                                                  '</row><row r="2"><c r="A2"><v>2</v></c></row>')),
        Case("far-bad-reference", "far-cells", _far_cells("", raw_cell='<row r="5"><c r="&#88;FD5"><v>1</v></c>'
                                                                       "</row>")),
        Case("far-unclosed-tag", "far-cells", _far_cells("", raw_cell='<row r="5"><c r="A5' + " " * 5000)),
        Case("lying-dimension-huge", "lying-dimension", with_kpi_sheet(sheet_xml([KPI_HEADER, *KPI_ROWS],
                                                                                 "A1:XFD1048576")), "accepted"),
        Case("lying-dimension-small", "lying-dimension", with_kpi_sheet(sheet_xml([KPI_HEADER, *KPI_ROWS], "A1")),
             "accepted"),
        Case("styled-empty-cells-far", "lying-dimension", _far_cells("", raw_cell='<row r="9000"><c r="GR9000" s="1"/>'
                                                                                  "</row>"), "accepted"),
        # wide and long sheets, many errors
        Case("wide-201", "wide", _wide(201)),
        Case("wide-16384", "wide", _wide(16384)),
        Case("rows-10001", "many-rows", _long(10_001, distinct=True)),
        Case("rows-199999", "many-rows", _long(199_999, distinct=True)),
        Case("rows-9999-duplicates", "many-errors", _long(9_999)),
        Case("rows-9999-bad-values", "many-errors", _long(9_999, "veel", distinct=True)),
        Case("rows-9999-unknown-kpis", "many-errors", _long(9_999, 5, distinct=True)),
        Case("shared-string-amplifier", "many-rows", _shared_amplifier(27_000, 30_000)),
        Case("cells-over-budget", "many-rows", with_kpi_sheet(sheet_xml([KPI_HEADER], tail=(
            "<row>" + '<c s="1"/>' * 150 + "</row>") * 7_000))),
        # very hidden and hidden duplicates, a very hidden data sheet
        Case("very-hidden-duplicate", "hidden-sheets", _hidden_duplicate("veryHidden")),
        Case("very-hidden-duplicate-case", "hidden-sheets", _hidden_duplicate("veryHidden", "KPI-WAARDEN")),
        Case("hidden-duplicate", "hidden-sheets", _hidden_duplicate("hidden")),
        Case("visible-duplicate", "hidden-sheets", _hidden_duplicate("visible", " Kpi-Waarden")),
        Case("very-hidden-toelichting", "hidden-sheets", _hidden_duplicate(
            "veryHidden", "toelichting", rows=[["Deelproject", "Maand"], ["LEL", "2026-03"]])),
        Case("very-hidden-data-sheet", "hidden-sheets", _state_of_sheet("KPI-waarden", "veryHidden")),
        # values no KPI can have
        *[Case(f"value-{label}", "odd-numbers", with_kpi_values(value)) for label, value in (
            ("text-inf", "inf"), ("text-infinity", "Infinity"), ("text-1e309", "1e309"), ("text-nan", "NaN"),
            ("text-400-digits", "9" * 400), ("text-minus-inf", "-inf"), ("number-1e309", 1e309),
            ("number-nan", b'<c r="B2"><v>NaN</v></c>'), ("number-inf", b'<c r="B2"><v>inf</v></c>'),
            ("number-400-digits", b'<c r="B2"><v>' + b"9" * 400 + b"</v></c>"), ("number-1e16", 1e16),
            ("number-minus-1e300", b'<c r="B2"><v>-1e300</v></c>'))],
        Case("value-comment-inf", "odd-numbers", with_kpi_sheet(sheet_xml([KPI_HEADER, ["LLN", 5, b'<c r="C2"><v>'
                                                                                        b"1e309</v></c>"]]))),
        Case("value-date-inf", "odd-numbers", with_kpi_sheet(sheet_xml([KPI_HEADER, ["LLN", b'<c r="B2" s="1"><v>'
                                                                                     b"1e308</v></c>", ""]]))),
        # DTD, entities
        Case("dtd-laughs-sheet", "dtd", _dtd(sheet, _LAUGHS)),
        Case("dtd-laughs-workbook", "dtd", _dtd("xl/workbook.xml", _LAUGHS)),
        Case("dtd-laughs-content-types", "dtd", _dtd("[Content_Types].xml", _LAUGHS)),
        Case("dtd-external-entity", "dtd", _dtd("xl/workbook.xml", '<!DOCTYPE x [<!ENTITY e SYSTEM '
                                                                   '"file:///etc/passwd">]>')),
        Case("dtd-parameter-entity", "dtd", _dtd("xl/_rels/workbook.xml.rels", '<!DOCTYPE x [<!ENTITY % p SYSTEM '
                                                                               '"http://example.invalid/x">%p;]>')),
        Case("dtd-sharedstrings", "dtd", with_part("xl/sharedStrings.xml", (
            '<?xml version="1.0"?>' + _LAUGHS + f'<sst xmlns="{MAIN_NS}"><si><t>&lol9;</t></si></sst>').encode())),
        # truncated zips, empty and random files
        *[Case(f"truncated-{label}", "truncated", _truncated(keep))
          for label, keep in (("10pct", 0.1), ("50pct", 0.5), ("90pct", 0.9), ("minus-1", -1), ("minus-22", -22),
                              ("minus-100", -100))],
        Case("zero-bytes", "random", lambda folder: _write(folder / "geval.xlsx", b"")),
        Case("pk-header-only", "random", lambda folder: _write(folder / "geval.xlsx", b"PK\x03\x04")),
        *[Case(f"random-{seed}", "random", _random_bytes(seed, 5000 * seed)) for seed in (1, 2, 3)],
        *[Case(f"random-pk-{seed}", "random", _random_bytes(seed, 20_000, b"PK\x03\x04")) for seed in (1, 2, 3)],
        *[Case(f"bitflip-{seed}-{flips}", "bit-flips", _bit_flips(seed, flips), "either")
          for seed in range(1, 6) for flips in (1, 8, 64)],
    ]
    if scale == "full":
        out += [Case(f"bitflip-{seed}-{flips}", "bit-flips", _bit_flips(seed, flips), "either")
                for seed in range(6, 60) for flips in (1, 4, 16, 256)]
        out += [Case(f"random-pk-{seed}", "random", _random_bytes(seed, 50_000, b"PK\x03\x04"))
                for seed in range(4, 20)]
        out += [Case(f"truncated-{keep:.2f}", "truncated", _truncated(keep)) for keep in (0.2, 0.3, 0.6, 0.7, 0.99)]
        out += [Case("bomb-part-over-limit", "bomb", with_part(sheet, lambda original: _bomb(
            original[:-30], random.Random(2).randbytes(1 << 15).hex().encode(), 80 * MIB, original[-30:])))]
    return out
