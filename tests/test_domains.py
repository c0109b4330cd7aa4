"""Technical domains and crosswalks: valid reference files, every technical programme and occupation placed (demo and
real files), the build check that names what is not, and the refusal of a malformed crosswalk line."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from etl import domains
from etl.checks import run_checks
from etl.errors import RawFileError
from etl.reference import REFERENCE_DIR
from etl.sources import duo_mbo_students_old, duo_vo_exams
from etl.sources.duo_ho_oldlayout import FIRST_YEARS_OLD as duo_ho_first_years_old
from etl.sources.duo_ho_oldlayout import GRADUATES_OLD as duo_ho_graduates_old
from tests.staged import staged_facts

REAL_FILES = [
    (duo_ho_graduates_old, "duo_ho_mbo_2019_oldlayout/hbo_gediplomeerden_2019.csv"),
    (duo_ho_graduates_old, "duo_ho_mbo_2019_oldlayout/wo_gediplomeerden_2019.csv"),
    (duo_ho_first_years_old, "duo_ho_mbo_2019_oldlayout/hbo_inscriptions_2019.csv"),
    (duo_ho_first_years_old, "duo_ho_mbo_2019_oldlayout/wo_inscriptions_2019.csv"),
    (duo_mbo_students_old, "duo_ho_mbo_2019_oldlayout/mbo_inscriptions_2019.csv"),
    (duo_vo_exams, "duo_vo_examenkandidaten/examenkandidaten-en-geslaagden-2019-2024.csv"),
]


def _rules(reference_dir: Path = REFERENCE_DIR) -> dict[str, list[domains.Rule]]:
    known = {d[0] for d in domains.read_domains(reference_dir)}
    return {level: domains.read_rules(name, known, reference_dir) for level, name in domains.EDUCATION_FILES.items()}


def test_reference_files_are_valid_and_cite_a_source():
    known = {d[0] for d in domains.read_domains()}
    assert len(known) == len(domains.read_domains()) >= 5
    occupations = domains.read_occupations(known)
    # Every BRC 2014 beroepsgroep of the technical classes 07 and 08 is in the crosswalk, placed or with a reason.
    codes = {row[0] for row in occupations}
    assert {"0711", "0723", "0741", "0761", "0781", "0811", "0812", "0821", "0822"} <= codes
    assert all((row[3] is None) != (row[4] is None) for row in occupations)
    assert all(rule.domain_id in known or rule.unmapped_reason for rules in _rules().values() for rule in rules)


@pytest.mark.parametrize(("line", "column", "words"), [
    (",techniek,,x,ict,ook een reden,bron", "domain_id", "precies één"),
    (",techniek,,x,,,bron", "domain_id", "precies één"),
    (",techniek,,x,ruimtevaart,,bron", "domain_id", "onbekend domein 'ruimtevaart'"),
    (",techniek,,(open,ict,,bron", "name_pattern", "ongeldig patroon"),
    (",techniek,,x,ict,,", "source", "bron"),
])
def test_a_malformed_crosswalk_line_is_refused_naming_file_line_and_column(tmp_path, line, column, words):
    for name in ("technical_domains.csv", "crosswalk_brc.csv", "crosswalk_mbo.csv", "crosswalk_vo.csv"):
        shutil.copy(REFERENCE_DIR / name, tmp_path / name)
    (tmp_path / "crosswalk_ho.csv").write_text(",".join(domains.RULE_COLUMNS) + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(RawFileError) as refused:
        _rules(tmp_path)
    message = str(refused.value)
    assert "crosswalk_ho.csv" in message and "regel 2" in message and column in message and words in message


def test_a_duplicate_domain_is_refused(tmp_path):
    lines = (REFERENCE_DIR / "technical_domains.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "technical_domains.csv").write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(RawFileError) as refused:
        domains.read_domains(tmp_path)
    assert f"regel {len(lines) + 1}" in str(refused.value) and "domain_id" in str(refused.value)


def test_first_matching_rule_decides():
    rules = _rules()
    programmes = [("hbo:techniek/n.v.t. (techniek):34280", "hbo", "techniek", "B Werktuigbouwkunde"),
                  ("hbo:techniek/n.v.t. (techniek):34213", "hbo", "techniek", "B Bouwkunde"),
                  ("hbo:techniek/n.v.t. (techniek):1", "hbo", "techniek", "B Technische Bedrijfskunde"),
                  ("hbo:techniek/n.v.t. (techniek)", "hbo", "techniek", "techniek / n.v.t. (techniek)"),
                  ("mbo:25303 BBL | techniek en gebouwde omgeving | Techniek en procesindustrie", "mbo",
                   "techniek en gebouwde omgeving", "Monteur elektrotechnische installaties (25303)"),
                  ("mbo:25303 BOL | techniek en gebouwde omgeving | ", "mbo", "techniek en gebouwde omgeving",
                   "Monteur elektrotechnische installaties (25303)")]
    placed = {row[0]: row[1] or "niet" for row in domains.assign(programmes, rules)}
    # Werktuigbouwkunde holds 'bouw' but is mechanical engineering; the students file's row without a group takes
    # the group its crebo has elsewhere.
    assert [placed[p[0]] for p in programmes] == ["mechatronica_maak", "bouw_infra", "niet", "niet",
                                                  "installatie_energie", "installatie_energie"]


def test_every_technical_programme_and_occupation_of_the_demo_is_placed(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    unplaced = con.execute("select count(*) from education where is_technical and education_id not in "
                           "(select education_id from education_domain)").fetchone()[0]
    placed = con.execute("select count(*) from education_domain where domain_id is not null").fetchone()[0]
    occupations = con.execute("select count(*) from (select distinct occupation_code from fact_uwv_match where "
                              "is_technical) where occupation_code not in (select occupation_code from "
                              "occupation_domain)").fetchone()[0]
    domains_with_demand = con.execute("select count(distinct domain_id) from mismatch_demand").fetchone()[0]
    domains_with_supply = con.execute("select count(distinct domain_id) from mismatch_supply").fetchone()[0]
    total = con.execute("select count(*) from technical_domain").fetchone()[0]
    assert (unplaced, occupations) == (0, 0) and placed > 0
    assert domains_with_demand == domains_with_supply == total  # the demo feeds every domain on both sides


def test_every_technical_programme_in_the_real_files_is_placed(real_data, resolver):
    rules, programmes = _rules(), {}
    for module, name in REAL_FILES:
        path = real_data / name
        _, education, _ = staged_facts(module, path, name, resolver)
        for row in education:
            if row.is_technical:
                programmes[row.education_id] = (row.education_id, row.level, row.track, row.source_label)
    placed = {row[0]: row for row in domains.assign(list(programmes.values()), rules)}
    assert set(programmes) - set(placed) == set()
    levels = {programmes[e][1] for e, row in placed.items() if row[1] is not None}
    assert levels == {"mbo", "hbo", "wo"}  # vmbo, havo and vwo are listed as unmapped, with their reason


def test_the_build_check_names_an_unplaced_programme_and_occupation(demo_db, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copyfile(demo_db, db)
    con = duckdb.connect(str(db))
    victim = con.execute("select education_id from education_domain order by education_id limit 1").fetchone()[0]
    con.execute("delete from education_domain where education_id = ?", [victim])
    con.execute("delete from occupation_domain where occupation_code = '0761'")
    failures = run_checks(con, domains.CHECKS)
    assert len(failures) == 2
    assert "crosswalk_mbo.csv" in failures[0] and victim in failures[0]
    assert "crosswalk_brc.csv" in failures[1] and "uwv/open_match/" in failures[1] and "'0761'" in failures[1]
