"""The quarter a progress report covers: '2026-Q3' parsed, checked and named in Dutch."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from report.errors import ReportError

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]\s*([1-4])\s*$")
ORDINALS = {1: "1e", 2: "2e", 3: "3e", 4: "4e"}


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter, e.g. Quarter(2026, 3) = 1 July to 30 September 2026."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """'2026-Q3' (also '2026Q3', '2026-q3') → Quarter(2026, 3); a Dutch ReportError for anything else."""
        match = _QUARTER.match(text or "")
        if not match:
            raise ReportError(f"Periode '{text}' is geen kwartaal. Schrijf JAAR-Qn, bijvoorbeeld 2026-Q3.")
        year = int(match.group(1))
        if not 2000 <= year <= 2100:
            raise ReportError(f"Periode '{text}': jaar {year} ligt buiten 2000–2100.")
        return cls(year, int(match.group(2)))

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        """'3e kwartaal 2026'."""
        return f"{ORDINALS[self.number]} kwartaal {self.year}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    @property
    def months(self) -> list[str]:
        """The three months as 'YYYY-MM'."""
        return [f"{self.year}-{3 * self.number - 2 + i:02d}" for i in range(3)]

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)


def last_complete(today: date, to_year: int | None = None) -> Quarter:
    """The last quarter that has ended before `today`; with `to_year` (a filter's last year) at most its 4th."""
    quarter = Quarter.containing(today).previous()
    if to_year is not None and quarter.year > to_year:
        quarter = Quarter(to_year, 4)
    return quarter


def check_not_future(quarter: Quarter, today: date) -> None:
    """A report on a quarter that has not begun yet has nothing to report: a Dutch ReportError."""
    if quarter.start > today:
        raise ReportError(f"Het {quarter.label} ({quarter.code}) is nog niet begonnen; kies een kwartaal tot en met "
                          f"{Quarter.containing(today).code}.")
