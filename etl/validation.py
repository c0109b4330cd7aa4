"""Row checks on a raw file's DataFrame that stop with a Dutch message naming the first failing line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from etl.errors import RawFileError

if TYPE_CHECKING:  # a build of well-formed files never imports pandas
    import pandas as pd


def require(frame: pd.DataFrame, column: str, ok: pd.Series, message: str, path: Path,
            show_value: bool = False) -> None:
    """Raise for the first row where `ok` is False (frame needs `source_line`); count how many rows fail."""
    if ok.all():  # the common case: no row selection on the whole frame
        return
    bad = frame.loc[~ok, [column, "source_line"]]
    first = bad.iloc[0]
    value = str(first[column])
    found = (f"waarde '{value}'; " if value.strip() else "lege waarde; ") if show_value else ""
    raise RawFileError(path, f"{found}{message} ({len(bad)} regel(s))", int(first["source_line"]), column)
