"""Looking up regions by code or name."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


class UnknownRegionError(LookupError):
    """No region, or more than one, matches what the user typed."""


@dataclass(frozen=True)
class Region:
    """A region as stored in the warehouse."""

    code: str
    name: str
    level: str


def find_region(con: duckdb.DuckDBPyConnection, text: str) -> Region:
    """The region whose code (any case) or name matches; 'NL01' is accepted for Nederland as in StatLine."""
    wanted = text.strip()
    if wanted.upper() == "NL01":
        wanted = "NL"
    rows = con.execute(
        "select code, name, level from region where upper(code) = upper(?) "
        "or (lower(name) = lower(?) and valid_to is null) order by level = 'gemeente' desc, code",
        [wanted, wanted],
    ).fetchall()
    by_code = [r for r in rows if r[0].upper() == wanted.upper()]
    if by_code:
        return Region(*by_code[0])
    if len(rows) == 1:
        return Region(*rows[0])
    if len(rows) > 1:
        options = ", ".join(f"{code} ({name}, {level})" for code, name, level in rows)
        raise UnknownRegionError(f"'{text}' is meerdere regio's: {options}. Gebruik de code.")
    raise UnknownRegionError(
        f"Regio '{text}' bestaat niet. Gebruik een CBS-code (GM0034, PV24, LD02, NL) of een gemeentenaam."
    )


def list_regions(con: duckdb.DuckDBPyConnection, levels: tuple[str, ...] = ("gemeente", "provincie", "land"),
                 current_only: bool = True) -> list[Region]:
    """Regions of the given levels, Flevoland first, then by level and name."""
    rows = con.execute(
        "select code, name, level from region where list_contains(?, level) and (not ? or valid_to is null) "
        "order by is_flevoland desc, level = 'land', level, name",
        [list(levels), current_only],
    ).fetchall()
    return [Region(*row) for row in rows]
