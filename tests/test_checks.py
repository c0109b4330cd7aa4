"""The data checks find what they promise to find."""

from __future__ import annotations

import duckdb

from etl.checks import accepted_values, count_columns, not_null, relationship, run_checks, unique
from etl.sources.duo_vo_exams import CHECKS as VO_CHECKS
from warehouse.schema import schema_sql, table_grains


def _db() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(schema_sql())
    return con


def _fact(con, **values) -> None:
    row = {"school_year": "2023-2024", "brin": "10AA", "vestiging": "10AA00", "municipality_code": "GM0034",
           "education_id": "vo:VMBO K - techniek", "sex": "totaal", "candidates": 7, "candidates_low": 7,
           "candidates_high": 7, "candidates_suppressed": False, "passed": 7, "passed_low": 7, "passed_high": 7,
           "passed_suppressed": False, "source_file": "f.csv", "source_line": 9, **values}
    columns = ", ".join(row)
    con.execute(f"insert into fact_vo_exam ({columns}) values ({', '.join('?' for _ in row)})",  # noqa: S608
                list(row.values()))


def test_suppressed_count_stored_as_five_is_caught_with_its_line():
    con = _db()
    _fact(con, candidates=5, candidates_low=1, candidates_high=4, candidates_suppressed=True)
    failures = run_checks(con, count_columns("fact_vo_exam", "candidates"))
    assert len(failures) == 1
    assert "onderdrukt is leeg met grenzen 1..4" in failures[0] and "f.csv, regel 9" in failures[0]


def test_generic_checks_fire():
    con = _db()
    _fact(con, sex="onbekend", municipality_code=None)
    _fact(con, sex="onbekend", municipality_code=None)
    checks = [*not_null("fact_vo_exam", "municipality_code"), accepted_values("fact_vo_exam", "sex", ["man"]),
              unique("fact_vo_exam", "vestiging", "sex"), relationship("fact_vo_exam", "brin", "region", "code")]
    failures = run_checks(con, checks)
    assert len(failures) == 4
    assert "2 rij(en)" in failures[0]


def test_a_clean_row_passes_its_checks():
    con = _db()
    _fact(con)
    own = [c for c in VO_CHECKS if "bestaat in" not in c.name
           and c.name.split()[0] not in ("source_id", "peildatum", "status")]
    assert run_checks(con, own) == []


def test_every_table_documents_its_grain():
    con = _db()
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    assert set(table_grains()) == tables == set(table_grains(dutch=True))


def test_checks_counted_together_report_each_failure_in_order_with_its_own_rows():
    con = _db()
    _fact(con, sex="onbekend")
    _fact(con, sex="onbekend", candidates=-1, candidates_low=-1, candidates_high=-1)
    _fact(con, brin="11BB", vestiging="11BB00", sex="vrouw")
    con.execute("insert into source (source_id, publisher, title, period_type, is_demo) values "
                "('a', 'DUO', 't', 'maand', false), ('b', 'CBS', 't', 'quarter', false)")
    checks = [
        accepted_values("source", "period_type", ["quarter", "month"]),  # 1 row: 'maand'
        accepted_values("fact_vo_exam", "sex", ["man", "vrouw"]),  # 2 rows
        *not_null("fact_vo_exam", "municipality_code"),  # passes
        unique("fact_vo_exam", "vestiging", "sex"),  # 2 rows
        accepted_values("fact_vo_exam", "sex", ["onbekend", "vrouw"]),  # passes: params must not shift
        *count_columns("fact_vo_exam", "candidates"),  # only 'is niet negatief' fails, 1 row
        relationship("fact_vo_exam", "brin", "region", "code"),  # 3 rows (region is empty)
        accepted_values("source", "publisher", ["DUO"]),  # 1 row: 'CBS'
    ]
    failures = run_checks(con, checks)
    assert [f.splitlines()[0] for f in failures] == [
        "Controle 'period_type in (quarter, month)' op tabel source: 1 rij(en) voldoen niet.",
        "Controle 'sex in (man, vrouw)' op tabel fact_vo_exam: 2 rij(en) voldoen niet.",
        "Controle 'uniek per vestiging × sex' op tabel fact_vo_exam: 2 rij(en) voldoen niet.",
        "Controle 'candidates is niet negatief' op tabel fact_vo_exam: 1 rij(en) voldoen niet.",
        "Controle 'brin bestaat in region.code' op tabel fact_vo_exam: 3 rij(en) voldoen niet.",
        "Controle 'publisher in (DUO)' op tabel source: 1 rij(en) voldoen niet.",
    ]
    assert failures[0].splitlines()[1] == "  - period_type='maand'"
    assert failures[3].splitlines()[1] == "  - f.csv, regel 9: candidates=-1"
