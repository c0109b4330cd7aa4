"""Run a source module's one read path (`stage`) on a file, as the build does, and hand back its rows for a test;
copy a fixture with one edit, and catch the located Dutch error that stage or a build raises for bad input."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import duckdb
import pandas as pd
import pytest

from etl.build import build
from etl.education import Education
from etl.errors import RawFileError
from etl.reference import MunicipalityResolver


def staged_facts(module: ModuleType, path: Path, relative_path: str | None = None,
                 resolver: MunicipalityResolver | None = None) -> tuple[pd.DataFrame, list[Education], int]:
    """(facts in grain order, education rows, data rows) that `module.stage` leaves for `path`.

    Raises what stage raises (a RawFileError with the Dutch message) for a file it refuses.
    """
    con = duckdb.connect()
    try:
        data_rows, education = module.stage(con, Path(path), relative_path or Path(path).name,
                                            resolver or MunicipalityResolver())
        grain = ", ".join(module.DATASET.grain)
        facts = con.execute(f"select * from staged order by {grain}").df()  # noqa: S608 (the dataset's constants)
    finally:
        con.close()
    return facts, education, data_rows


def refusal(module: ModuleType, path: Path, resolver: MunicipalityResolver | None = None) -> RawFileError:
    """The RawFileError `module.stage` raises for `path`, whose text starts with the file and (if any) its line."""
    with pytest.raises(RawFileError) as caught:
        staged_facts(module, path, resolver=resolver)
    error = caught.value
    where = f"{path}, regel {error.line}" if error.line is not None else f"{path}"
    assert str(error).startswith(where), str(error)
    return error


def assert_located(module: ModuleType, path: Path, line: int | None, column: str | None, phrase: str,
                   resolver: MunicipalityResolver | None = None) -> RawFileError:
    """Stage refuses `path` with a Dutch `phrase` at `line` and `column` of the file; the error for more checks."""
    error = refusal(module, path, resolver)
    assert (error.line, error.column) == (line, column), str(error)
    assert phrase in error.message, str(error)
    return error


def edited_copy(source: Path, folder: Path, old: str | bytes, new: str | bytes, line: int | None = None) -> Path:
    """A copy of `source` in `folder` (same name) with the first `old` (on `line`, if given) replaced by `new`."""
    old, new = (text.encode() if isinstance(text, str) else text for text in (old, new))
    data = source.read_bytes()
    start, end = 0, len(data)
    if line is not None:  # lines as an editor counts them; the line end stays part of the line
        lines = data.split(b"\n")
        start = sum(len(text) + 1 for text in lines[:line - 1])
        end = start + len(lines[line - 1])
    at = data.find(old, start, end)
    assert at >= 0, (source.name, line, old)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    target.write_bytes(data[:at] + new + data[at + len(old):])
    return target


def line_end_variants(source: Path, folder: Path) -> list[Path]:
    """Copies of a CRLF file `source` in `folder`: with a byte order mark, with LF line ends, without the last one."""
    data = source.read_bytes()
    variants = {"bom.csv": b"\xef\xbb\xbf" + data, "lf.csv": data.replace(b"\r\n", b"\n"),
                "end.csv": data.rstrip(b"\r\n")}
    for name, variant in variants.items():
        (folder / name).write_bytes(variant)
    return [folder / name for name in variants]


def build_refusal(raw: Path) -> RawFileError:
    """The RawFileError a build of `raw` raises; no warehouse is left beside `raw`."""
    warehouse = raw.parent / "warehouse.duckdb"
    with pytest.raises(RawFileError) as caught:
        build(raw, warehouse, progress=False)
    assert not warehouse.exists()
    return caught.value
