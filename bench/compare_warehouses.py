"""Compare two built warehouses table by table: same tables, same column types, same rows (as multisets)
and the same row order (rowid).

Used to prove that a change to the build (e.g. a speed-up) leaves the warehouse contents unchanged:
`.venv/bin/python bench/compare_warehouses.py before.duckdb after.duckdb` exits 1 and names every difference.
"""

from __future__ import annotations

import sys

import duckdb


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = ? order by table_name, ordinal_position", [catalog]).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        tables.setdefault(table, []).append((column, kind))
    return tables


def compare(before: str, after: str) -> list[str]:
    """Every difference between the two warehouse files, in English; empty when they hold the same data."""
    con = duckdb.connect()
    con.execute("attach ? as a (read_only)", [before])
    con.execute("attach ? as b (read_only)", [after])
    left, right = _tables(con, "a"), _tables(con, "b")
    problems = [f"table {t} only in {before}" for t in sorted(set(left) - set(right))]
    problems += [f"table {t} only in {after}" for t in sorted(set(right) - set(left))]
    for table in sorted(set(left) & set(right)):
        if left[table] != right[table]:
            problems.append(f"table {table}: columns differ: {left[table]} vs {right[table]}")
            continue
        # Table names come from the catalogue of files we built ourselves; rows compared as multisets.
        only_a = con.execute(f"select count(*) from (from a.{table} except all from b.{table})").fetchall()[0][0]  # noqa: S608
        only_b = con.execute(f"select count(*) from (from b.{table} except all from a.{table})").fetchall()[0][0]  # noqa: S608
        count = con.execute(f"select count(*) from a.{table}").fetchall()[0][0]  # noqa: S608
        if only_a or only_b:
            problems.append(f"table {table}: {only_a} row(s) only before, {only_b} only after (of {count})")
        elif con.execute(f"select count(*) from (select rowid, * from a.{table} except all "  # noqa: S608
                         f"select rowid, * from b.{table})").fetchall()[0][0]:
            problems.append(f"table {table}: same rows, different storage order")
        else:
            print(f"ok {table}: {count} rows")
    return problems


if __name__ == "__main__":
    found = compare(sys.argv[1], sys.argv[2])
    print("\n".join(found) or "identical")
    sys.exit(1 if found else 0)
