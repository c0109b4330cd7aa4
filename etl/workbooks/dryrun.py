"""Dry run: compare validated rows with what the warehouse holds now (read-only) — nothing is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from etl.workbooks.layout import TABLE_KEYS
from etl.workbooks.validate import Issue, validate_workbook


@dataclass
class TableChanges:
    """Per table: rows that are new, changed (old → new) and the number unchanged."""

    new: list[dict] = field(default_factory=list)
    changed: list[tuple[dict, dict]] = field(default_factory=list)
    unchanged: int = 0

    def counts(self) -> dict[str, int]:
        return {"new": len(self.new), "changed": len(self.changed), "unchanged": self.unchanged}


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Values as text so warehouse types (date, double) and workbook types compare equal when they mean the same."""
    out = pd.DataFrame(index=frame.index)
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            text = column.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            text = column.astype("float64").round(9).map(lambda v: repr(float(v)))
        else:
            text = column.map(lambda v: v.isoformat()[:10] if hasattr(v, "isoformat") else
                              repr(round(float(v), 9)) if isinstance(v, (int, float, np.number)) else str(v))
        out[name] = text.where(column.notna(), None)
    return out


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if v is None or (isinstance(v, float) and np.isnan(v)) else v) for k, v in row.items()}
            for row in _comparable(frame).to_dict("records")]


def _existing(con: duckdb.DuckDBPyConnection | None, table: str, columns: list[str],
              incoming: pd.DataFrame, keys: list[str]) -> pd.DataFrame | None:
    """The table's rows that may share a key with an incoming row: on each text key column without empty incoming
    values, only rows holding one of the incoming values (a report for one subproject × month reads that month, not
    every month kept so far)."""
    if con is None:
        return None
    present = dict(con.execute(
        "select column_name, data_type from information_schema.columns where table_name = ?", [table]).fetchall())
    if not present:
        return None
    select = ", ".join(f'"{c}"' for c in columns if c in present)
    filters, values = [], []
    for key in keys:
        if present.get(key) == "VARCHAR" and incoming[key].notna().all():
            filters.append(f'"{key}" in (select unnest(?::varchar[]))')
            values.append(sorted(set(incoming[key])))
    where = f" where {' and '.join(filters)}" if filters else ""
    # table and columns come from layout.py
    return con.execute(f"select {select} from {table}{where}", values).df()  # noqa: S608


def dry_run(rows: dict[str, pd.DataFrame], con: duckdb.DuckDBPyConnection | None) -> dict[str, TableChanges]:
    """Per table the rows that would be new, changed or unchanged; `con` may be None (empty warehouse)."""
    changes = {}
    for table, frame in rows.items():
        keys = list(TABLE_KEYS[table])
        columns = list(frame.columns)
        result = TableChanges()
        incoming = _comparable(frame[columns]).reset_index(drop=True)
        old = _existing(con, table, columns, incoming, keys)
        if old is None or old.empty:
            result.new = _records(frame[columns])
            changes[table] = result
            continue
        old = _comparable(old.reindex(columns=columns))
        merged = incoming.merge(old, on=keys, how="left", suffixes=("", "__old"), indicator=True)
        values = [c for c in columns if c not in keys]
        is_new = merged["_merge"].eq("left_only")
        same = pd.Series(True, index=merged.index)
        for c in values:
            a, b = merged[c], merged[f"{c}__old"]
            same &= (a == b) | (a.isna() & b.isna())
        result.new = _records(incoming[is_new.to_numpy()])
        result.unchanged = int((~is_new & same).sum())
        for _, row in merged[~is_new & ~same].iterrows():
            new = {c: row[c] for c in columns}
            old_row = {c: row[c] if c in keys else row[f"{c}__old"] for c in columns}
            result.changed.append(({k: (None if pd.isna(v) else v) for k, v in old_row.items()},
                                   {k: (None if pd.isna(v) else v) for k, v in new.items()}))
        changes[table] = result
    return changes


def open_warehouse(db_path) -> duckdb.DuckDBPyConnection | None:
    """A read-only connection to the warehouse, or None when there is none yet."""
    if db_path is None or not Path(db_path).exists():
        return None
    return duckdb.connect(str(db_path), read_only=True)


def upload_report(path, db_path=None, plan_path=None, today=None, limits=None, locked=None) -> dict:
    """Validate a workbook and compare it with the warehouse: the stable JSON of `python -m etl upload --dry-run`.
    `locked`: the store's period locks, so that a plan changing a locked quarter's targets is refused here already."""
    from etl.workbooks.planlock import locked_plan_changes

    con = open_warehouse(db_path)
    try:
        validation = validate_workbook(path, con, plan_path, today, limits)
        changes = dry_run(validation.rows, con) if validation.kind else {}
        frozen = (locked_plan_changes(con, validation.rows, locked or {})
                  if validation.ok and validation.kind == "plan" else None)
        if frozen:  # the commit would be refused (etl/workbooks/commit.py) in the same words
            validation.errors.append(Issue(None, None, None, None, frozen))
    finally:
        if con is not None:
            con.close()
    return {
        "ok": validation.ok,
        "kind": validation.kind,
        "errors": [issue.as_dict() for issue in validation.errors],
        "warnings": [issue.as_dict() for issue in validation.warnings],
        "changes": {table: change.counts() for table, change in changes.items()},
        "subproject": validation.subproject,  # a monthly report's subproject and month (the app checks a lead's scope)
        "month": validation.month,
    }
