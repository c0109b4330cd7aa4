"""Education programmes as sources name them; one module per level group holds its documented technical rule."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only the pandas paths build a frame
    import pandas as pd


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

    def as_row(self) -> dict[str, object]:
        """The row for the education table."""
        return asdict(self)


def first_per_id(programmes: Iterable[Education]) -> list[Education]:
    """One row per education_id, the first met, as the pandas paths' drop_duplicates("education_id") keeps it."""
    rows: dict[str, Education] = {}
    for programme in programmes:
        rows.setdefault(programme.education_id, programme)
    return list(rows.values())


def education_frame(programmes: Iterable[Education]) -> pd.DataFrame:
    """A pandas path's education rows: one per education_id, the first met."""
    import pandas as pd

    return pd.DataFrame([e.as_row() for e in first_per_id(programmes)], columns=list(Education.__dataclass_fields__))
