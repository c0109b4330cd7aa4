"""The onderwijsdata.duo.nl CSV dialect of the current mbo files, for their demo writers."""

from __future__ import annotations

import csv
import io
from pathlib import Path


def write_csv(target: Path, header: list[str], rows: list[list[str]]) -> Path:
    """Write header and rows as the portal does: ',' with minimal quoting, UTF-8, CRLF."""
    target.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=",", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    target.write_bytes(buffer.getvalue().encode("utf-8"))
    return target
