"""Refusing unsafe or wrong files before anything is read: only a plain .xlsx within the limits gets through."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, fields
from pathlib import Path
from xml.sax.handler import ContentHandler

import defusedxml.sax
from defusedxml import DefusedXmlException


@dataclass(frozen=True)
class Setting:
    """One configurable limit: name, default and the help text shown by the CLI."""

    name: str
    default: int
    help: str


SETTINGS = (
    Setting("max_bytes", 10 * 1024 * 1024, "grootste toegestane bestandsgrootte in bytes (standaard 10 MB)"),
    Setting("max_uncompressed_bytes", 300 * 1024 * 1024,
            "grootste totale uitgepakte grootte van de onderdelen van het .xlsx-bestand in bytes"),
    Setting("max_ratio", 200, "grootste compressieverhouding van één onderdeel (zipbom-bescherming)"),
    Setting("max_entries", 2000, "grootste aantal onderdelen in het .xlsx-bestand"),
    Setting("max_rows", 200_000, "grootste aantal rijen per werkblad"),
)
_RATIO_MIN_BYTES = 1024 * 1024  # small parts compress well (repeated XML); the ratio limit applies above this size
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The limits in force; defaults from SETTINGS."""

    max_bytes: int = SETTINGS[0].default
    max_uncompressed_bytes: int = SETTINGS[1].default
    max_ratio: int = SETTINGS[2].default
    max_entries: int = SETTINGS[3].default
    max_rows: int = SETTINGS[4].default


assert [f.name for f in fields(Limits)] == [s.name for s in SETTINGS]


class UnsafeWorkbookError(Exception):
    """The file is refused as a whole; nothing was read from it."""


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
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise UnsafeWorkbookError(f"{name} is beschadigd (geen geldig zip-archief). Sla het opnieuw op als .xlsx.") \
            from None
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
            raise UnsafeWorkbookError(f"{name} is een OpenDocument-rekenblad (.ods), geen .xlsx. {_SAVE_AS}")
        if len(infos) > limits.max_entries:
            raise UnsafeWorkbookError(
                f"{name} is geweigerd: {len(infos)} onderdelen in het archief, de grens is {limits.max_entries}."
            )
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UnsafeWorkbookError(f"{name} is een zip-bestand maar geen Excel-werkmap (.xlsx). {_SAVE_AS}")
        content_types = archive.read("[Content_Types].xml")
        if b"macroEnabled" in content_types or any(n.lower().endswith("vbaproject.bin") for n in names):
            raise UnsafeWorkbookError(
                f"{name} bevat macro's (.xlsm). Macro's worden niet geaccepteerd: kies in Excel 'Opslaan als' → "
                f"'Excel-werkmap (*.xlsx)' (zonder macro's) en upload dat bestand."
            )
        total = 0
        for info in infos:  # count the true uncompressed size: headers can lie
            part = 0
            with archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    part += len(chunk)
                    total += len(chunk)
                    if total > limits.max_uncompressed_bytes:
                        raise UnsafeWorkbookError(
                            f"{name} is geweigerd: uitgepakt meer dan {limits.max_uncompressed_bytes // 1_048_576} MB "
                            f"(mogelijk een zipbom). Controleer het bestand of splits het."
                        )
                    if part > _RATIO_MIN_BYTES and part > limits.max_ratio * max(info.compress_size, 1):
                        raise UnsafeWorkbookError(
                            f"{name} is geweigerd: het onderdeel {info.filename} is meer dan {limits.max_ratio} keer "
                            f"gecomprimeerd (mogelijk een zipbom). Sla de gegevens op in een nieuw sjabloon."
                        )
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                _check_prolog(archive, info, name)
