"""DUO's old open-data CSV files (duo.nl/open_onderwijsdata/images/...): `;`-separated, unquoted, and with stray
lines holding only `""` between records, which are skipped while every other line keeps its true line number."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from etl.errors import RawFileError
from etl.rawtext import not_utf8

if TYPE_CHECKING:  # a build of well-formed files never imports pandas
    import pandas as pd

STRAY_LINES = {"", '""'}


def text_lines(path: Path) -> list[str]:
    """The file's lines without line endings; a file that is not UTF-8 is a named error."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise not_utf8(path, ";") from exc
    return [line.rstrip("\r") for line in text.split("\n")]


def first_record(lines: list[str]) -> str | None:
    """The first data line after the header, skipping stray lines."""
    return next((line for line in lines[1:] if line not in STRAY_LINES), None)


def records(path: Path, lines: list[str], header: list[str]) -> pd.DataFrame:
    """Every data line split into the header's columns, as text, with `source_line`; checks the field count."""
    rows, numbers = [], []
    for number, line in enumerate(lines[1:], start=2):
        if line in STRAY_LINES:
            continue
        fields = line.split(";")
        if len(fields) != len(header):
            column = header[min(len(fields), len(header) - 1)]
            raise RawFileError(path, f"de regel heeft {len(fields)} velden, de kopregel {len(header)}; is de regel "
                                     "afgebroken of staat er een ';' in een waarde? Download het bestand opnieuw.",
                               number, column)
        rows.append(fields)
        numbers.append(number)
    if not rows:
        raise RawFileError(path, "het bestand bevat geen gegevensregels; download het opnieuw", 2)
    import pandas as pd  # only the pandas path reads this way

    frame = pd.DataFrame(rows, columns=header)
    frame["source_line"] = numbers
    return frame
