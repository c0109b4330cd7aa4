"""Data checks run on a freshly built warehouse; any violation stops the swap into place.

Each check is a query that returns the offending rows (none = pass), in the spirit of dbt's schema tests.
Table and column names come from the constants below, never from input; values are bound parameters.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import duckdb

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
SAMPLE = 3


def _ident(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return name


@dataclass(frozen=True)
class Check:
    """One rule on one table; `where` selects the violating rows, `params` are bound to its placeholders."""

    name: str
    table: str
    where: str
    params: tuple[object, ...] = ()
    columns: tuple[str, ...] = field(default_factory=tuple)

    def query(self, has_lineage: bool) -> str:
        """SQL returning count, and a sample of violating rows with their raw file and line."""
        shown = ", ".join(_ident(c) for c in self.columns) or "1"
        lineage = "source_file, source_line" if has_lineage else "null, null"
        return (
            f"select {lineage}, {shown} from {_ident(self.table)} where {self.where}"  # noqa: S608 (constants)
        )


def not_null(table: str, *columns: str) -> list[Check]:
    """Each column must be filled."""
    return [Check(f"{c} niet leeg", table, f"{_ident(c)} is null", columns=(c,)) for c in columns]


def unique(table: str, *columns: str) -> Check:
    """The columns together identify a row (the table's grain)."""
    cols = ", ".join(_ident(c) for c in columns)
    where = f"true qualify count(*) over (partition by {cols}) > 1"
    return Check(f"uniek per {' × '.join(columns)}", table, where, columns=columns)


def accepted_values(table: str, column: str, values: list[object]) -> Check:
    """The column only holds the listed values (nulls are the not-null check's business)."""
    placeholders = ", ".join("?" for _ in values)
    return Check(
        f"{column} in ({', '.join(map(str, values))})",
        table,
        f"{_ident(column)} is not null and {_ident(column)} not in ({placeholders})",
        tuple(values),
        (column,),
    )


def relationship(table: str, column: str, ref_table: str, ref_column: str) -> Check:
    """Every value of the column exists in the referenced table."""
    # Identifiers only, each checked by _ident; no values are formatted in.
    where = f"{_ident(column)} is not null and {_ident(column)} not in (select {_ident(ref_column)} from {_ident(ref_table)})"  # noqa: S608, E501
    return Check(f"{column} bestaat in {ref_table}.{ref_column}", table, where, columns=(column,))


def rule(table: str, name: str, where: str, *columns: str) -> Check:
    """A table-specific rule; `where` (a constant) selects the rows that break it."""
    return Check(name, table, where, columns=columns)


def count_columns(table: str, prefix: str) -> list[Check]:
    """A count stored with bounds: suppressed means null with bounds 1..4; otherwise low = value = high."""
    v, lo, hi, sup = prefix, f"{prefix}_low", f"{prefix}_high", f"{prefix}_suppressed"
    return [
        *not_null(table, lo, hi, sup),
        rule(table, f"{v}: onderdrukt is leeg met grenzen 1..4", f"{sup} and ({v} is not null or {lo} <> 1 or "
             f"{hi} <> 4)", v, lo, hi),
        rule(table, f"{v}: niet onderdrukt heeft grenzen gelijk aan de waarde", f"not {sup} and ({v} is null or "
             f"{lo} <> {v} or {hi} <> {v})", v, lo, hi),
        rule(table, f"{v} is niet negatief", f"{lo} < 0", v),
    ]


# Checks on the core tables; each source module adds CHECKS for its own fact tables.
CHECKS: list[Check] = [
    *not_null("build_info", "key", "value"),
    unique("build_info", "key"),
    *not_null("source", "source_id", "publisher", "title", "period_type", "is_demo"),
    unique("source", "source_id"),
    accepted_values("source", "period_type", ["school_year", "calendar_year", "quarter", "month"]),
    *not_null("raw_file", "path", "source_id", "sha256", "is_demo"),
    unique("raw_file", "path"),
    relationship("raw_file", "source_id", "source", "source_id"),
    rule("raw_file", "een bestand bevat gegevensregels", "data_rows = 0", "path"),
    *not_null("region", "code", "name", "level", "is_flevoland"),
    unique("region", "code"),
    accepted_values("region", "level", ["gemeente", "provincie", "landsdeel", "land"]),
    relationship("region", "parent_code", "region", "code"),
    relationship("region", "successor_code", "region", "code"),
    rule("region", "alleen NL heeft geen bovenliggende regio", "parent_code is null and code <> 'NL'", "code"),
    rule("region", "Flevoland heeft precies zes gemeenten",
         "code = 'PV24' and (select count(*) from region where parent_code = 'PV24' and valid_to is null) <> 6",
         "code"),
    *not_null("region_membership", "region_code", "municipality_code"),
    unique("region_membership", "region_code", "municipality_code"),
    relationship("region_membership", "region_code", "region", "code"),
    relationship("region_membership", "municipality_code", "region", "code"),
    *not_null("period", "period_id", "period_type", "start_year", "start_date", "end_date"),
    unique("period", "period_id"),
    accepted_values("period", "period_type", ["school_year", "calendar_year", "quarter", "month"]),
    *not_null("education", "education_id", "level", "source_label", "is_technical", "technical_rule"),
    unique("education", "education_id"),
    accepted_values("education", "level", ["vmbo", "havo", "vwo", "mbo", "hbo", "wo"]),
]


def run_checks(con: duckdb.DuckDBPyConnection, checks: list[Check]) -> list[str]:
    """Run every check; return one Dutch message per failed check (empty list = all pass).

    All checks are counted in one statement (one scan per table for the row-level rules); only a check that
    finds violations runs its own query again, to fetch the sample rows its message shows.
    """
    if not checks:
        return []
    lineage = _lineage_tables(con, {check.table for check in checks})
    counts = _count_violations(con, checks, lineage)
    return [_describe(check, con.execute(check.query(check.table in lineage), list(check.params)).fetchall())
            for check, count in zip(checks, counts, strict=True) if count]


def _lineage_tables(con: duckdb.DuckDBPyConnection, tables: set[str]) -> set[str]:
    """The tables that have both source_file and source_line (so a violation can name its raw file and line)."""
    rows = con.execute(
        "select table_name from information_schema.columns where table_name in (select unnest(?)) "
        "and column_name in ('source_file', 'source_line') group by table_name having count(distinct column_name) = 2",
        [sorted(tables)]).fetchall()
    return {row[0] for row in rows}


def _count_violations(con: duckdb.DuckDBPyConnection, checks: list[Check], lineage: set[str]) -> list[int]:
    """The number of rows each check selects, in the order of `checks`, from a single query.

    Row-level rules become `count(*) filter (where ...)` over one scan of their table; a rule with a subquery or
    a window (`unique`) is counted as a scalar subquery of its own query, so every count equals len(rows) of
    the check's own query. Placeholders are numbered in text order, so params follow the same order.
    """
    by_table: dict[str, list[int]] = {}
    for index, check in enumerate(checks):
        by_table.setdefault(check.table, []).append(index)
    groups: list[list[int]] = []
    selects: list[tuple[str, list[object]]] = []
    for table, indexes in by_table.items():
        row_rules = [i for i in indexes if _is_row_rule(checks[i])]
        if row_rules:
            items = ", ".join(f"count(*) filter (where {checks[i].where})" for i in row_rules)
            selects.append((f"select {len(groups)}, [{items}] from {_ident(table)}",  # noqa: S608 (constants)
                            [p for i in row_rules for p in checks[i].params]))
            groups.append(row_rules)
        for i in indexes:
            if i not in row_rules:
                query = checks[i].query(table in lineage)
                selects.append((f"select {len(groups)}, [(select count(*) from ({query}))]",  # noqa: S608
                                list(checks[i].params)))
                groups.append([i])
    # Two statements on two connections, every other query each: DuckDB runs the parts of one statement largely
    # one after another, so two halves side by side finish sooner on two cores.
    halves = [selects[start::2] for start in (0, 1) if selects[start::2]]
    with ThreadPoolExecutor(max_workers=len(halves)) as pool:
        results = pool.map(lambda half: _fetch_counts(con.cursor(), half), halves)
        found = {position: counts for result in results for position, counts in result}
    counts = [0] * len(checks)
    for position, indexes in enumerate(groups):
        for index, count in zip(indexes, found[position], strict=True):
            counts[index] = count
    return counts


def _fetch_counts(cursor: duckdb.DuckDBPyConnection, selects: list[tuple[str, list[object]]]) -> list[tuple]:
    """Run the count queries as one statement on their own connection, which is closed afterwards."""
    try:
        return cursor.execute(" union all ".join(sql for sql, _ in selects),
                              [p for _, params in selects for p in params]).fetchall()
    finally:
        cursor.close()


def _is_row_rule(check: Check) -> bool:
    """A rule that looks at one row at a time (no subquery, no window), so it can share a scan of its table."""
    lowered = check.where.lower()
    return "select" not in lowered and "qualify" not in lowered and " over " not in lowered


def _describe(check: Check, rows: list[tuple[object, ...]]) -> str:
    lines = [f"Controle '{check.name}' op tabel {check.table}: {len(rows)} rij(en) voldoen niet."]
    for row in rows[:SAMPLE]:
        source_file, source_line, *values = row
        where = f"{source_file}, regel {source_line}: " if source_file else ""
        shown = ", ".join(f"{c}={v!r}" for c, v in zip(check.columns, values, strict=False))
        lines.append(f"  - {where}{shown}")
    return "\n".join(lines)
