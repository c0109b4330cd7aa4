"""Education programmes as sources name them; one module per level group holds its documented technical rule."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Education:
    """One programme: level, leerweg, track (sector or profile) and whether it counts as technical."""

    education_id: str
    level: str
    leerweg: str | None
    track: str | None
    source_label: str
    is_technical: bool
    technical_rule: str


def first_per_id(programmes: Iterable[Education]) -> list[Education]:
    """One row per education_id, the first met (a source may name one programme in several ways)."""
    rows: dict[str, Education] = {}
    for programme in programmes:
        rows.setdefault(programme.education_id, programme)
    return list(rows.values())
