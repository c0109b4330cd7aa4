"""Refusing unsafe or wrong files before anything is read: only a plain .xlsx within the limits gets through."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, fields
from pathlib import Path
from xml.sax.handler import ContentHandler

import defusedxml.sax
from defusedxml import DefusedXmlException

from warehouse.uploads import MAX_UPLOAD_BYTES


@dataclass(frozen=True)
class Setting:
    """One configurable limit: name, default and the help text shown by the CLI."""

    name: str
    default: int
    help: str


SETTINGS = (
    Setting("max_bytes", MAX_UPLOAD_BYTES, "grootste toegestane bestandsgrootte in bytes (standaard 10 MB)"),
    Setting("max_uncompressed_bytes", 300 * 1024 * 1024,
            "grootste totale uitgepakte grootte van de onderdelen van het .xlsx-bestand in bytes"),
    Setting("max_ratio", 200, "grootste compressieverhouding van één onderdeel (zipbom-bescherming)"),
    Setting("max_entries", 2000, "grootste aantal onderdelen in het .xlsx-bestand"),
    Setting("max_rows", 10_000, "grootste aantal rijen per werkblad (het sjabloon heeft 1.000 invulrijen)"),
    Setting("max_columns", 200, "grootste aantal kolommen per werkblad (het breedste blad heeft er 9)"),
    Setting("max_part_bytes", 50 * 1024 * 1024, "grootste uitgepakte grootte van één onderdeel in bytes"),
    Setting("max_cells", 1_000_000, "grootste aantal cellen (ingevuld of opgemaakt) in de gelezen werkbladen"),
    Setting("max_read_bytes", 64 * 1024 * 1024,
            "grootste hoeveelheid gelezen bladgegevens in bytes (blad-XML plus de gedeelde teksten waarnaar de "
            "cellen verwijzen)"),
)
_RATIO_MIN_BYTES = 1024 * 1024  # small parts compress well (repeated XML); the ratio limit applies above this size
_CHUNK = 1024 * 1024
_METADATA_BYTES = 4 * 1024 * 1024  # mimetype, [Content_Types].xml, workbook.xml and its rels: a few kB in practice
_ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # what Excel, LibreOffice and openpyxl write


@dataclass(frozen=True)
class Limits:
    """The limits in force; defaults from SETTINGS."""

    max_bytes: int = SETTINGS[0].default
    max_uncompressed_bytes: int = SETTINGS[1].default
    max_ratio: int = SETTINGS[2].default
    max_entries: int = SETTINGS[3].default
    max_rows: int = SETTINGS[4].default
    max_columns: int = SETTINGS[5].default
    max_part_bytes: int = SETTINGS[6].default
    max_cells: int = SETTINGS[7].default
    max_read_bytes: int = SETTINGS[8].default


assert [f.name for f in fields(Limits)] == [s.name for s in SETTINGS]


class UnsafeWorkbookError(Exception):
    """The file is refused as a whole (nothing was read from it), or one sheet is; the Dutch message says why.

    `sheet`, `row` and `column` locate the problem when it is one sheet's (an Excel row number, a column letter).
    """

    def __init__(self, message: str, sheet: str | None = None, row: int | None = None,
                 column: str | None = None) -> None:
        super().__init__(message)
        self.sheet, self.row, self.column = sheet, row, column


# English library texts people may see (zipfile, zlib, python-calamine, expat) → what they mean in Dutch.
_KNOWN_ERRORS = (
    ("is encrypted", "een onderdeel is met een wachtwoord versleuteld"),
    ("password", "een onderdeel is met een wachtwoord versleuteld"),
    ("bad crc-32", "een onderdeel is beschadigd (het controlegetal klopt niet)"),
    ("while decompressing", "een onderdeel kan niet worden uitgepakt (beschadigde compressie)"),
    ("invalid stored block", "een onderdeel kan niet worden uitgepakt (beschadigde compressie)"),
    ("compressed file ended", "het bestand is afgebroken (onvolledig opgeslagen of gedownload)"),
    ("truncated", "het bestand is afgebroken (onvolledig opgeslagen of gedownload)"),
    ("file is not a zip file", "het is geen geldig zip-archief"),
    ("bad magic number", "het zip-archief is beschadigd"),
    ("overlapped entries", "het zip-archief is beschadigd (overlappende onderdelen)"),
    ("there is no item named", "een onderdeel van de werkmap ontbreekt"),
    ("compression method", "een onderdeel gebruikt een onbekende compressiemethode"),
    ("cell string index not found", "een cel verwijst naar een tekst die niet in de werkmap staat"),
    ("parse float", "een getal in een werkblad is onleesbaar"),
    ("parse int", "een getal in een werkblad is onleesbaar"),
    ("worksheet not found", "een werkblad ontbreekt"),
    ("xml", "de XML van een onderdeel is ongeldig"),
    ("not well-formed", "de XML van een onderdeel is ongeldig"),
    ("memoryerror", "het bestand is te groot om te lezen"),
)


def technical(exc: BaseException) -> str:
    """A Dutch reading of a library error where it can be named, then its own (English) text as technical details."""
    text = f"{type(exc).__name__}: {exc}".strip()
    meaning = next((dutch for marker, dutch in _KNOWN_ERRORS if marker in text.casefold()), None)
    details = " ".join(text.split())[:300]
    return f"{meaning + '; ' if meaning else ''}technische details: {details}"


def damaged(name: str, exc: BaseException, part: str | None = None) -> UnsafeWorkbookError:
    """The refusal of a file some library could not read: Dutch, with what to do, the library text last."""
    where = f" (onderdeel {part})" if part else ""
    return UnsafeWorkbookError(
        f"{name} is beschadigd en kan niet gelezen worden{where}. Open het in Excel en sla het opnieuw op als "
        f".xlsx, of vul een nieuw sjabloon in (python -m etl template). {technical(exc)}."
    )


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS = "Open het bestand in Excel en kies 'Opslaan als' → 'Excel-werkmap (*.xlsx)'."


def _describe_non_zip(head: bytes, name: str) -> str:
    if head.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in head or b"EncryptedPackage" in head:
            return (f"{name} is beveiligd met een wachtwoord (versleuteld). Verwijder de "
                    f"wachtwoordbeveiliging (Bestand → Info → Werkmap beveiligen → Versleutelen met wachtwoord: leeg) "
                    f"en sla opnieuw op.")
        return f"{name} is een oud Excel-bestand (.xls) of ander OLE-bestand, geen .xlsx. {_SAVE_AS}"
    if head.startswith(b"%PDF"):
        return f"{name} is een PDF, geen Excel-werkmap. Gebruik het sjabloon (python -m etl template)."
    sample = head[:4096]
    try:
        text = sample.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is not None and any(sep in text for sep in (";", ",", "\t")) and "\x00" not in text:
        return (f"{name} is een tekstbestand (CSV) met de extensie .xlsx, geen echte Excel-werkmap. "
                f"Open het in Excel, plak de gegevens in het sjabloon en sla op als .xlsx.")
    return f"{name} is geen Excel-werkmap (.xlsx). Gebruik het sjabloon (python -m etl template) en sla op als .xlsx."


class _StopAtRoot(Exception):
    pass


class _RootHandler(ContentHandler):
    """Stops parsing at the root element: a DTD or entity declaration can only come before it."""

    def startElement(self, name, attrs):
        raise _StopAtRoot


def _check_prolog(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    with archive.open(info) as stream:
        try:
            defusedxml.sax.parse(stream, _RootHandler(), forbid_dtd=True, forbid_entities=True, forbid_external=True)
        except _StopAtRoot:
            return
        except DefusedXmlException:
            raise UnsafeWorkbookError(
                f"{name} is geweigerd: het onderdeel {info.filename} bevat een XML-DTD of entiteitsdeclaratie "
                f"(mogelijk een aanval). Sla de gegevens op in een nieuw sjabloon en probeer het opnieuw."
            ) from None
        except Exception:  # malformed XML: reported as a damaged file
            raise UnsafeWorkbookError(
                f"{name} is beschadigd: het onderdeel {info.filename} is geen geldige XML. "
                f"Open het bestand in Excel en sla het opnieuw op als .xlsx."
            ) from None


def read_part(archive: zipfile.ZipFile, member: str | zipfile.ZipInfo, cap: int, name: str) -> bytes:
    """A part's bytes, read in chunks and refused past `cap` bytes: its header's size can lie."""
    info = member if isinstance(member, zipfile.ZipInfo) else archive.getinfo(member)
    chunks, size = [], 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(min(_CHUNK, cap + 1 - size)):
                chunks.append(chunk)
                size += len(chunk)
                if size > cap:
                    raise UnsafeWorkbookError(
                        f"{name} is geweigerd: het onderdeel {info.filename} is uitgepakt groter dan "
                        f"{cap / 1_048_576:.0f} MB (mogelijk een zipbom). Sla de gegevens op in een nieuw sjabloon."
                    )
    except UnsafeWorkbookError:
        raise
    except Exception as exc:  # zlib.error, BadZipFile (CRC), EOFError, …: a damaged part
        raise damaged(name, exc, info.filename) from None
    return b"".join(chunks)


def _open_zip(path: Path, name: str, limits: Limits) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except Exception as exc:  # BadZipFile, a truncated central directory (EOFError, OSError), LargeZipFile …
        raise damaged(name, exc) from None
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        archive.close()
        raise UnsafeWorkbookError(
            f"{name} is geweigerd: {len(infos)} onderdelen in het archief, de grens is {limits.max_entries}."
        )
    for info in infos:
        # bit 0 of the flags: encrypted (ZipCrypto or AES); bit 6: strong encryption; method 99: AES
        if info.flag_bits & 0x41 or info.compress_type == 99:
            archive.close()
            raise UnsafeWorkbookError(
                f"{name} is beveiligd met een wachtwoord (het onderdeel {info.filename} is versleuteld). "
                f"Verwijder de wachtwoordbeveiliging in Excel (Bestand → Info → Werkmap beveiligen) en sla opnieuw "
                f"op als .xlsx."
            )
        if info.compress_type not in _ZIP_METHODS:
            archive.close()
            raise UnsafeWorkbookError(
                f"{name} is geweigerd: het onderdeel {info.filename} is gecomprimeerd op een manier die Excel niet "
                f"gebruikt (methode {info.compress_type}). Open het bestand in Excel en sla het opnieuw op als .xlsx."
            )
    return archive


def _check_sizes(archive: zipfile.ZipFile, name: str, limits: Limits) -> None:
    """Decompress every part in chunks and count its true size (headers can lie): nothing is kept."""
    total = 0
    for info in archive.infolist():
        part = 0
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    part += len(chunk)
                    total += len(chunk)
                    if total > limits.max_uncompressed_bytes:
                        raise UnsafeWorkbookError(
                            f"{name} is geweigerd: uitgepakt meer dan {limits.max_uncompressed_bytes // 1_048_576} "
                            f"MB (mogelijk een zipbom). Controleer het bestand of splits het."
                        )
                    if part > _RATIO_MIN_BYTES and part > limits.max_ratio * max(info.compress_size, 1):
                        raise UnsafeWorkbookError(
                            f"{name} is geweigerd: het onderdeel {info.filename} is meer dan {limits.max_ratio} keer "
                            f"gecomprimeerd (mogelijk een zipbom). Sla de gegevens op in een nieuw sjabloon."
                        )
                    if part > limits.max_part_bytes:
                        raise UnsafeWorkbookError(
                            f"{name} is geweigerd: het onderdeel {info.filename} is uitgepakt groter dan "
                            f"{limits.max_part_bytes / 1_048_576:.0f} MB. Verwijder overbodige gegevens, "
                            f"afbeeldingen of opmaak, of splits het bestand."
                        )
        except UnsafeWorkbookError:
            raise
        except Exception as exc:  # zlib.error, BadZipFile (Bad CRC-32), EOFError (truncated), …
            raise damaged(name, exc, info.filename) from None


def check_workbook(path: Path, limits: Limits | None = None) -> None:
    """Raise UnsafeWorkbookError with a Dutch message when the file must not be read."""
    limits = limits or Limits()
    path = Path(path)
    name = path.name
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise UnsafeWorkbookError(
            f"{name} is te groot: {size / 1_048_576:.1f} MB, de grens is {limits.max_bytes / 1_048_576:.1f} MB. "
            f"Verwijder overbodige bladen of afbeeldingen, of splits het bestand."
        )
    with path.open("rb") as handle:
        head = handle.read(65536)
    if not head.startswith(b"PK\x03\x04"):
        raise UnsafeWorkbookError(_describe_non_zip(head, name))
    with _open_zip(path, name, limits) as archive:
        # Sizes first: every later read of a part (mimetype, content types, prologs) is of a part known to be sane.
        _check_sizes(archive, name, limits)
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if "mimetype" in names and b"opendocument" in read_part(archive, "mimetype", _METADATA_BYTES, name):
            raise UnsafeWorkbookError(f"{name} is een OpenDocument-rekenblad (.ods), geen .xlsx. {_SAVE_AS}")
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UnsafeWorkbookError(f"{name} is een zip-bestand maar geen Excel-werkmap (.xlsx). {_SAVE_AS}")
        content_types = read_part(archive, "[Content_Types].xml", _METADATA_BYTES, name)
        if b"macroEnabled" in content_types or any(n.lower().endswith("vbaproject.bin") for n in names):
            raise UnsafeWorkbookError(
                f"{name} bevat macro's (.xlsm). Macro's worden niet geaccepteerd: kies in Excel 'Opslaan als' → "
                f"'Excel-werkmap (*.xlsx)' (zonder macro's) en upload dat bestand."
            )
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                _check_prolog(archive, info, name)
