"""The warehouse schema file and the grain sentence each table declares in it."""

from __future__ import annotations

import re
from pathlib import Path

WAREHOUSE_SCHEMA = Path(__file__).resolve().parent / "schema.sql"
_GRAIN = re.compile(r"^-- (\w+): (one row per .+)$")
_GRAIN_NL = re.compile(r"^-- (\w+) \(nl\): (één rij per .+)$")


def table_grains(schema: Path = WAREHOUSE_SCHEMA, dutch: bool = False) -> dict[str, str]:
    """Table name → its grain sentence (English, or the Dutch line for the app), from the schema comments."""
    pattern = _GRAIN_NL if dutch else _GRAIN
    grains = {}
    for line in schema.read_text(encoding="utf-8").splitlines():
        if match := pattern.match(line.strip()):
            grains[match.group(1)] = match.group(2)
    return grains
