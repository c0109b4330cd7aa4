"""Located Dutch errors for raw text files that a decoder or parser refuses: not UTF-8, a wrong field count, a quote
that never closes, broken JSON.

Only the error path comes here. DuckDB's messages are English and their positions are not what a user sees (a
parser counts records, not lines; a decoder counts bytes of a chunk), so the file is read again, streamed in
bounded chunks, to find the line as a text editor counts it (header = line 1) and, in a delimited file, the column.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from etl.errors import RawFileError

CHUNK = 1 << 20
SAVE_AS_UTF8 = "sla het bestand op als 'CSV UTF-8' of download het opnieuw"
_CONTINUATION = bytes(range(0x80, 0xC0))  # UTF-8 bytes that do not start a character
_UNTERMINATED = ("EOF inside string", "unterminated quote")  # the csv module's, DuckDB's
# Python's json messages, in Dutch; any other goes after "technische details:".
_JSON_REASONS = {
    "Expecting value": "hier wordt een waarde verwacht",
    "Expecting ',' delimiter": "hier wordt een ',' verwacht",
    "Expecting ':' delimiter": "hier wordt een ':' verwacht",
    "Expecting property name enclosed in double quotes": "hier wordt een naam tussen dubbele aanhalingstekens "
                                                         "verwacht",
    "Unterminated string": "een tekst tussen aanhalingstekens wordt niet afgesloten",
    "Extra data": "na het einde van de JSON staat nog tekst",
    "Invalid control character": "een stuurteken (zoals een tab of regeleinde) binnen een tekst",
    "Invalid \\escape": "een ongeldige escape (\\) binnen een tekst",
    "Invalid \\uXXXX escape": "een ongeldige escape (\\u) binnen een tekst",
    "Unexpected UTF-8 BOM": "het bestand begint met een byte order mark (BOM)",
}


class _Spot(NamedTuple):
    """Where the first byte that is not UTF-8 is."""

    line: int
    character: int  # 1-based position on the line, in characters
    field: int  # 0-based index of its field on the line, counting separators outside quotes
    byte: int


def not_utf8(path: Path, sep: str | None = None, advice: str = SAVE_AS_UTF8) -> RawFileError:
    """The error for a file that does not decode as UTF-8: its first bad byte's line, and column when `sep` names
    the separator of a delimited file (else the character position on the line)."""
    spot = _first_invalid_byte(path, sep)
    if spot is None:  # the caller's decoder said otherwise; still say what to do
        return RawFileError(path, f"het bestand is geen UTF-8; {advice}")
    return _not_utf8(path, spot, sep, advice)


def _not_utf8(path: Path, spot: _Spot, sep: str | None, advice: str) -> RawFileError:
    """not_utf8 for a spot already found."""
    header = _header(path, sep) if sep and spot.line > 1 else []
    column = header[spot.field] if spot.field < len(header) else f"teken {spot.character}"
    ansi = bytes([spot.byte]).decode("cp1252", errors="replace")
    guess = f", in Windows-1252 '{ansi}'" if ansi.isprintable() and not ansi.isspace() and ansi != "\ufffd" else ""
    return RawFileError(path, f"hier staat een teken dat geen UTF-8 is (byte 0x{spot.byte:02X}{guess}); {advice}",
                        spot.line, column)


def _first_invalid_byte(path: Path, sep: str | None) -> _Spot | None:
    """Stream the file through an incremental decoder (CHUNK bytes at a time) to its first byte that is not UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = lines = line_start = 0
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(CHUNK)
            pending = decoder.getstate()[0]  # the start of a character split over two chunks
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                before = exc.object[: exc.start]  # the pending bytes and this chunk, up to the bad byte
                at = offset - len(pending) + exc.start
                if (newline := before.rfind(b"\n")) >= 0:
                    line_start = offset - len(pending) + newline + 1
                character, field = _position(handle, line_start, at, sep)
                return _Spot(lines + before.count(b"\n") + 1, character, field, exc.object[exc.start])
            if not chunk:
                return None
            lines += chunk.count(b"\n")
            if (newline := chunk.rfind(b"\n")) >= 0:
                line_start = offset + newline + 1
            offset += len(chunk)


def _position(handle, start: int, end: int, sep: str | None) -> tuple[int, int]:
    """(1-based character, 0-based field) of byte `end` on the line that starts at byte `start`, read in chunks."""
    handle.seek(start)
    if start == 0 and handle.read(3) == codecs.BOM_UTF8:  # a byte order mark is no character an editor shows
        start = 3
    handle.seek(start)
    characters, fields, quoted = 1, 0, False
    separator = sep.encode() if sep else b"\n"  # no separator: no fields to count (the line holds no newline)
    while start < end:
        chunk = handle.read(min(CHUNK, end - start))
        start += len(chunk)
        characters += len(chunk.translate(None, _CONTINUATION))
        for i, part in enumerate(chunk.split(b'"')):  # every quote toggles; a doubled one toggles twice
            if i:
                quoted = not quoted
            if not quoted:
                fields += part.count(separator)
    return characters, fields


def _header(path: Path, sep: str) -> list[str]:
    """The header line's names (stripped), as the csv module splits them."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        return [name.strip() for name in next(csv.reader(handle, delimiter=sep), [])]


def csv_error(path: Path, sep: str, exc: Exception, advice: str = SAVE_AS_UTF8) -> RawFileError:
    """The located Dutch error for a delimited file that DuckDB or a decoder refused with `exc`.

    The file itself is looked at (not the parser's counts): its first byte that is not UTF-8, else its first
    record with more fields than the header or a quote that never closes; anything else goes after
    "technische details:", so that the message itself stays Dutch.
    """
    text = str(exc).strip()
    if (spot := _first_invalid_byte(path, sep)) is not None:
        return _not_utf8(path, spot, sep, advice)
    header, wide, last = _scan(path, sep)
    if wide is not None:
        line, fields = wide
        return too_many_fields(path, sep, header, line, len(fields))
    if last is not None and (last[1] is None or any(marker in text for marker in _UNTERMINATED)):
        line, fields = last
        return RawFileError(path, "een waarde begint met een aanhalingsteken (\") dat niet wordt gesloten; is het "
                                  "bestand afgebroken, of hoort het teken verdubbeld (\"\") in de waarde? Download "
                                  "het bestand opnieuw.", line, _name(header, len(fields) - 1) if fields else None)
    return RawFileError(path, f"het bestand is geen geldige CSV met '{sep}' als scheidingsteken; download het "
                              f"opnieuw (technische details: {' '.join(text.split())})")


def too_many_fields(path: Path, sep: str, header: list[str], line: int, seen: int) -> RawFileError:
    """The error for a record with more fields than the header (named at the header's last column)."""
    return RawFileError(path, f"de regel heeft {seen} velden, de kopregel {len(header)}; staat er een '{sep}' in een "
                              "waarde zonder aanhalingstekens? Zet die waarde tussen aanhalingstekens of download "
                              "het bestand opnieuw.", line, _name(header, len(header) - 1))


_Record = tuple[int, list[str] | None]


def _scan(path: Path, sep: str) -> tuple[list[str], _Record | None, _Record | None]:
    """(header, first record with more fields than the header, last record), records as _records gives them."""
    records = _records(path, sep)
    header = next(records, (1, []))[1] or []
    last = None
    for line, fields in records:
        if fields is None:
            return header, None, (line, None)
        if len(fields) > len(header):
            return header, (line, fields), None
        last = line, fields
    return header, None, last


def _records(path: Path, sep: str) -> Iterator[_Record]:
    """(line the record starts on, fields) of every record, the header first (names stripped), streamed by the csv
    module; the last has fields None when a field outgrows the csv module's limit (a quote that runs on)."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=sep)
        end = 0
        try:
            for fields in reader:
                yield end + 1, [field.strip() for field in fields] if end == 0 else fields
                end = reader.line_num
        except csv.Error:
            yield end + 1, None


def _name(header: list[str], index: int) -> str | None:
    """The header's name at `index`, or None when there is none."""
    return header[index] if 0 <= index < len(header) else None


def parse_json(path: Path, raw: bytes, what: str, advice: str, encoding: str = "utf-8-sig") -> object:
    """json.loads of a file's bytes; RawFileError naming line and character (as 'teken N') when it is not UTF-8 or
    not valid JSON. `what` names the format ('JSON', 'GeoJSON'), `advice` what to do."""
    try:
        return json.loads(raw.decode(encoding))
    except UnicodeDecodeError as exc:
        raise not_utf8(path, None, advice) from exc
    except json.JSONDecodeError as exc:
        reason = next((dutch for english, dutch in _JSON_REASONS.items() if exc.msg.startswith(english)),
                      f"technische details: {exc.msg}")
        if exc.pos >= len(exc.doc.rstrip()):
            reason = "het bestand houdt midden in de JSON op (afgebroken download?)"
        raise RawFileError(path, f"geen geldige {what}: {reason}; {advice}", exc.lineno,
                           f"teken {exc.colno}") from exc
