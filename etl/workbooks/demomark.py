"""The demo mark of a workbook: a fixed text in its document properties (Excel: File > Info > Properties > Category).

Before this mark, a demo workbook was recognisable only once kept (`demo: true` in its upload.json, written by
`python -m etl demo`). The app without login (demo mode, docs/access.md) may write demo uploads only, so it must know
before a commit whether a workbook is one: the demo generator, and `python -m etl template --demo` for the templates
the app offers in demo mode, mark theirs, and `python -m etl upload --demo` refuses any workbook without the mark.
A person can of course copy the mark into a real report; the upload is then kept, and shown everywhere, as demo data.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from defusedxml import ElementTree

CATEGORY = "Techniekmonitor demo - geen echte rapportage"
CORE = "docProps/core.xml"
_CORE_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_MAX_CORE_BYTES = 65_536  # a core.xml is a few hundred bytes; a larger one is not read


def mark(path: Path) -> Path:
    """Give an .xlsx file (as openpyxl writes it) the demo mark; entries keep their order and times."""
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            if info.filename == CORE:
                text = re.sub(r"<cp:category>[^<]*</cp:category>", "", data.decode("utf-8"))
                data = text.replace("</cp:coreProperties>",
                                    f"<cp:category>{CATEGORY}</cp:category></cp:coreProperties>").encode("utf-8")
            archive.writestr(info, data)
    return path


def is_marked(path: Path) -> bool:
    """True when the workbook carries the demo mark; False for anything else, an unreadable file included."""
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo(CORE)
            if info.file_size > _MAX_CORE_BYTES:
                return False
            root = ElementTree.fromstring(archive.read(info))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError, ValueError):
        return False
    category = root.find(f"{{{_CORE_NS}}}category")
    return category is not None and (category.text or "").strip() == CATEGORY
