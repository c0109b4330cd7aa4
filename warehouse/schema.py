"""The warehouse schema: one SQL file per table, named after it (warehouse/sql/<table>.sql), with its grain.

Owned by the read layer, created by the ETL. Every table states its grain in the comment lines above its
`create table` ("-- name: one row per ...", "-- name (nl): één rij per ...", "-- name (titel): ..."); this module
reads those lines for the app. There are no constraints in the DDL: not null, unique grain, accepted values and
relationships are checked by etl/checks.py after loading, so that a violation is reported with the raw file and
line it came from (and the files can run in any order).
"""

from __future__ import annotations

import re
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent / "sql"
_GRAIN = re.compile(r"^-- (\w+): (one row per .+)$")
_GRAIN_NL = re.compile(r"^-- (\w+) \(nl\): (één rij per .+)$")
_TITLE = re.compile(r"^-- (\w+) \(titel\): (.+)$")


def schema_files(schema_dir: Path = SCHEMA_DIR) -> list[Path]:
    """The DDL files, one per table, in name order (so the build is the same every time)."""
    return sorted(schema_dir.glob("*.sql"))


def schema_sql(schema_dir: Path = SCHEMA_DIR) -> str:
    """All DDL, ready for one execute."""
    return "\n".join(path.read_text(encoding="utf-8") for path in schema_files(schema_dir))


def table_grains(schema_dir: Path = SCHEMA_DIR, dutch: bool = False) -> dict[str, str]:
    """Table name → its grain sentence (English, or the Dutch line for the app), from the schema comments."""
    pattern = _GRAIN_NL if dutch else _GRAIN
    grains = {}
    for line in schema_sql(schema_dir).splitlines():
        if match := pattern.match(line.strip()):
            grains[match.group(1)] = match.group(2)
    return grains


def table_titles(schema_dir: Path = SCHEMA_DIR) -> dict[str, str]:
    """Table name → its Dutch title for the app ('Examenkandidaten voortgezet onderwijs'), from the schema comments."""
    titles = {}
    for line in schema_sql(schema_dir).splitlines():
        if match := _TITLE.match(line.strip()):
            titles[match.group(1)] = match.group(2)
    return titles
