"""What an indicator is: its definition, and the sums its query returns per period."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

KINDS = ("share", "ratio", "count", "rate")


@dataclass(frozen=True)
class Bounds:
    """A quantity with the range suppressed cells allow: low ≤ mid ≤ high (all equal when nothing is hidden)."""

    low: float
    mid: float
    high: float


@dataclass(frozen=True)
class Sums:
    """What an indicator's query returns for one period.

    share: `part` of `part + other` (other = the rest of the population); ratio: `part / other` of two
    independent quantities; count: `part`; rate: a published value in `part`.
    """

    period: str
    part: Bounds
    other: Bounds | None
    provisional: bool


# query(con, region_code, from_year, to_year) → one Sums per period, in period order
Query = Callable[[duckdb.DuckDBPyConnection, str, int, int], list[Sums]]


@dataclass(frozen=True)
class Indicator:
    """One programme indicator: meaning, source, and the query that computes it for a region."""

    id: str
    name: str
    definition: str
    formula: str
    kind: str  # share | ratio | count | rate
    unit: str  # share (fraction 0..1) | count | ratio
    source_id: str
    grain: str
    caveats: tuple[str, ...]
    period_type: str
    query: Query
    extra_sources: tuple[str, ...] = ()  # an indicator combining datasets names the others here

    @property
    def sources(self) -> tuple[str, ...]:
        """Every dataset the indicator draws on, the main one first."""
        return (self.source_id, *self.extra_sources)
