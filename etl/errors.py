"""Exceptions the ETL raises, each naming the file, line and rule so a user can act on it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

POSITION = "teken "  # a column given as 'teken N': the N-th character of the line


@dataclass
class RawFileError(Exception):
    """A raw file cannot be read or does not have the expected layout."""

    path: Path | str
    message: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}"
        if self.line is not None:
            where += f", regel {self.line}"
        if self.column and self.column.startswith(POSITION):  # a line without columns (JSON, a header): no 'kolom'
            where += f", {self.column}"
        elif self.column:
            where += f", kolom '{self.column}'"
        return f"{where}: {self.message}"


class CheckFailedError(Exception):
    """One or more data checks on a freshly built warehouse returned violations."""

    def __init__(self, failures: list[str]):
        self.failures = failures
        super().__init__(
            "Het nieuwe datawarehouse is niet in gebruik genomen; het bestaande blijft ongewijzigd.\n"
            + "\n".join(failures)
        )


class FetchError(Exception):
    """A remote source could not be downloaded."""
