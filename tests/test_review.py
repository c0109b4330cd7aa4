"""Review of monthly reports, period locks and the audit trail (issue 11 parts 4–6): the CLI's review, lock and
unlock with their Dutch refusals, the approval flow and a lock on the Upload page, the figures the steering group
sees, and the page Logboek."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from etl.cli import main
from etl.workbooks.store import events, file_of, kept, statuses
from tests.conftest import ROOT
from tests.crash_harness import correction
from tests.test_access import ACCESS_FILE, LEAD, STUURGROEP, UPLOADS_ENV, _as
from ui.data import DB_ENV
from warehouse import audit
from warehouse.access import ACCESS_ENV, Grant

ANALIST = {"email": "analist@example.org", "name": "Anna Analist"}
BEHEERDER = {"email": "beheerder@example.org", "name": "Bert Beheer"}


@pytest.fixture
def store(programme, tmp_path, monkeypatch) -> tuple[Path, Path]:
    """conftest's writable demo programme, the app's settings and an access file pointing at it: (db, uploads)."""
    db, uploads = programme
    (tmp_path / "access.toml").write_text(ACCESS_FILE, encoding="utf-8")
    monkeypatch.setenv(ACCESS_ENV, str(tmp_path / "access.toml"))
    monkeypatch.setenv(DB_ENV, str(db))
    monkeypatch.setenv(UPLOADS_ENV, str(uploads))
    monkeypatch.delenv(audit.CONTEXT_ENV, raising=False)
    return db, uploads


def _cli(store: tuple[Path, Path], *args: str) -> int:
    db, uploads = store
    return main([*args, "--db", str(db), "--uploads", str(uploads)])


def _active(uploads: Path, subproject: str) -> list:
    log = events(uploads)
    status = statuses(kept(uploads, log), log)
    return [u for u in kept(uploads, log) if u.subproject == subproject and status[u.upload_id] == "active"]


def _page(script: str, user: dict) -> AppTest:
    return _as(ROOT / "pages" / script, user)


# ---------------------------------------------------------------------------------------------------------------
# The command line


def test_review_refuses_bad_input_in_dutch_and_writes_nothing(store, capsys):
    _, uploads = store
    plan = next(u for u in kept(uploads) if u.kind == "plan")
    report = _active(uploads, "NOP")[-2]
    before = events(uploads)
    for args, says in (
            (("bestaat-niet", "--approve"), "Upload 'bestaat-niet' bestaat niet; zie 'python -m etl uploads'"),
            ((plan.upload_id, "--approve"), "is een plan van aanpak; alleen maandrapportages worden beoordeeld"),
            ((report.upload_id, "--return", "  "), "Terugsturen kan alleen met een reden"),
    ):
        assert _cli(store, "review", *args, "--by", "Anna") == 1
        assert says in capsys.readouterr().err
    assert events(uploads) == before
    assert [e["event"] for e in audit.entries(uploads)] == ["refused"] * 3
    assert {e["source"] for e in audit.entries(uploads)} == {"cli"}


def test_review_approves_returns_and_refuses_a_second_approval_or_a_superseded_report(store, capsys, tmp_path):
    _, uploads = store
    report = _active(uploads, "NOP")[-2]
    assert _cli(store, "review", report.upload_id, "--return", "KPI K2 ontbreekt", "--by", "Anna") == 0
    assert "is teruggestuurd" in capsys.readouterr().out
    assert _cli(store, "review", report.upload_id, "--approve", "--by", "Anna") == 0
    assert _cli(store, "review", report.upload_id, "--approve", "--by", "Anna") == 1
    assert "is al goedgekeurd, door Anna op" in capsys.readouterr().err
    assert _cli(store, "uploads", "--json") == 0
    listed = {r["upload_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert (listed[report.upload_id]["review"], listed[report.upload_id]["reviewed_by"]) == ("goedgekeurd", "Anna")
    lines = [e for e in audit.entries(uploads) if e["event"] == "review"]
    assert [(e["verdict"], e["by"], e["source"]) for e in lines] == [("teruggestuurd", "Anna", "cli"),
                                                                     ("goedgekeurd", "Anna", "cli")]
    assert "KPI K2 ontbreekt" in lines[0]["what"]
    # a correction supersedes the approved report: that one can no longer be reviewed
    assert _cli(store, "upload", str(correction(uploads, tmp_path, 1)), "--uploader", "Lea") == 0
    capsys.readouterr()
    latest_alm = max((u for u in kept(uploads) if u.subproject == "ALM" and u.uploaded_by != "Lea"),
                     key=lambda u: u.month)
    assert _cli(store, "review", latest_alm.upload_id, "--approve") == 1
    assert "een latere upload heeft hem vervangen" in capsys.readouterr().err


def test_lock_and_unlock_refuse_bad_periods_double_locks_and_unlocked_periods(store, capsys):
    _, uploads = store
    for args, says in (
            (("lock", "2026-Q5", "--reason", "x"), "'2026-Q5' is geen kwartaal. Schrijf het als JJJJ-Qn"),
            (("lock", "Q3-2026", "--reason", "x"), "'Q3-2026' is geen kwartaal"),
            (("lock", "2026-Q3", "--reason", " "), "Bij vergrendelen hoort een reden"),
            (("unlock", "2026-Q2", "--reason", "x"), "Kwartaal 2026-Q2 is niet vergrendeld; er is niets te "
                                                     "ontgrendelen"),
    ):
        assert _cli(store, *args) == 1
        assert says in capsys.readouterr().err
    assert _cli(store, "lock", "2026-Q3", "--reason", "stuurgroep 3 oktober", "--by", "Bert") == 0
    assert capsys.readouterr().out.strip() == "Kwartaal 2026-Q3 is vergrendeld."
    assert _cli(store, "lock", "2026-Q3", "--reason", "nog eens", "--by", "Bert") == 1
    assert 'Kwartaal 2026-Q3 is al vergrendeld, door Bert op ' in capsys.readouterr().err
    assert _cli(store, "locks") == 0
    assert "2026-Q3  vergrendeld door Bert op" in capsys.readouterr().out
    assert _cli(store, "unlock", "2026-Q3", "--reason", "correctie", "--by", "Bert") == 0
    assert _cli(store, "locks", "--json") == 0
    capsys.readouterr()
    kinds = [(e["event"], e.get("period")) for e in audit.entries(uploads)]
    assert kinds[-3:] == [("lock", "2026-Q3"), ("refused", "2026-Q3"), ("unlock", "2026-Q3")]


def test_a_locked_month_refuses_upload_correction_withdrawal_and_review_and_writes_nothing(store, capsys, tmp_path):
    db, uploads = store
    report = max(_active(uploads, "ALM"), key=lambda u: u.month)
    period = f"{report.month[:4]}-Q{(int(report.month[5:]) - 1) // 3 + 1}"
    assert _cli(store, "lock", period, "--reason", "vastgesteld door de stuurgroep", "--by", "Bert") == 0
    capsys.readouterr()
    before, folders, warehouse = events(uploads), sorted(p.name for p in uploads.iterdir()), db.read_bytes()
    workbook = correction(uploads, tmp_path, 1)
    assert _cli(store, "upload", str(workbook), "--dry-run") == 1  # the check already says so
    assert f"kwartaal {period} is vergrendeld door Bert" in capsys.readouterr().out
    for args in (("upload", str(workbook)), ("withdraw", report.upload_id),
                 ("review", report.upload_id, "--approve")):
        assert _cli(store, *args) == 1
        err = capsys.readouterr().err
        assert f"kwartaal {period} is vergrendeld door Bert op " in err and '"vastgesteld door de stuurgroep"' in err
        assert f"python -m etl unlock {period}" in err
    assert events(uploads) == before and sorted(p.name for p in uploads.iterdir()) == folders
    assert db.read_bytes() == warehouse
    refusals = [e["event"] for e in audit.entries(uploads)][1:]
    assert refusals == ["upload_refused", "refused", "refused"]
    assert _cli(store, "unlock", period, "--reason", "correctie toegestaan", "--by", "Bert") == 0
    assert _cli(store, "upload", str(workbook), "--uploader", "Lea") == 0
    assert kept(uploads)[-1].uploaded_by == "Lea"


def test_a_plan_that_changes_a_locked_quarters_target_is_refused_until_the_quarter_is_unlocked(store, capsys,
                                                                                                 tmp_path):
    db, uploads = store
    log = events(uploads)
    plan = next(u for u in reversed(kept(uploads, log)) if u.kind == "plan" and statuses(kept(uploads, log), log)[
        u.upload_id] == "active")
    book = openpyxl.load_workbook(file_of(uploads, plan))
    sheet = book["Doelen"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("Periode")].value)
    period = str(row[header.index("Periode")].value)
    quarter = f"{period}-Q1" if len(period) == 4 else period if "-Q" in period else (
        f"{period[:4]}-Q{(int(period[5:7]) - 1) // 3 + 1}")
    kpi, subproject = row[header.index("KPI")].value, row[header.index("Deelproject")].value
    old = row[header.index("Doelwaarde")].value
    row[header.index("Doelwaarde")].value = old + 7
    changed = tmp_path / "plan-nieuw.xlsx"
    book.save(changed)
    assert _cli(store, "lock", quarter, "--reason", "vastgesteld door de stuurgroep", "--by", "Bert") == 0
    capsys.readouterr()
    before, warehouse = events(uploads), db.read_bytes()
    assert _cli(store, "upload", str(changed), "--dry-run") == 1  # the dry run says so already
    out = capsys.readouterr().out
    assert f"doel {kpi} van {subproject} voor {period}: {old:g} → {old + 7:g}" in out
    assert _cli(store, "upload", str(changed), "--uploader", "Anna") == 1
    err = capsys.readouterr().err
    assert "verandert waar een vergrendeld kwartaal aan werd getoetst" in err
    assert f"{quarter} door Bert op " in err and f"python -m etl unlock {quarter}" in err
    assert events(uploads) == before and db.read_bytes() == warehouse
    # the plan as it was (only the unlocked future changed) still goes in under the lock
    row[header.index("Doelwaarde")].value = old
    same = tmp_path / "plan-zelfde.xlsx"
    book.save(same)
    assert _cli(store, "upload", str(same), "--uploader", "Anna") == 0
    assert _cli(store, "unlock", quarter, "--reason", "doelen herzien", "--by", "Bert") == 0
    assert _cli(store, "upload", str(changed), "--uploader", "Anna") == 0
    capsys.readouterr()


def test_a_command_the_app_runs_records_the_login_not_the_cli(store, monkeypatch, tmp_path, capsys):
    _, uploads = store
    monkeypatch.setenv(audit.CONTEXT_ENV, json.dumps({"source": "app", "by": "lead.almere@example.org",
                                                      "role": "projectleider", "address": "10.0.0.7"}))
    assert _cli(store, "upload", str(correction(uploads, tmp_path, 2)), "--uploader", "Lea Leider (lead…)") == 0
    line = audit.entries(uploads)[-1]
    assert (line["event"], line["by"], line["role"], line["source"], line["address"]) == (
        "upload", "lead.almere@example.org", "projectleider", "app", "10.0.0.7")
    assert line["subproject"] == "ALM" and line["upload_id"] == kept(uploads)[-1].upload_id
    monkeypatch.setenv(audit.CONTEXT_ENV, "off")  # demo mode: nobody is identified, nothing is recorded
    assert _cli(store, "withdraw", kept(uploads)[-1].upload_id) == 0
    assert audit.entries(uploads)[-1] == line
    capsys.readouterr()


def test_the_same_file_uploaded_again_is_recorded_as_already_kept_not_as_a_new_upload(store, tmp_path, capsys):
    _, uploads = store
    path = correction(uploads, tmp_path, 2)
    assert _cli(store, "upload", str(path), "--uploader", "Lea Leider") == 0
    first, kept_before = audit.entries(uploads)[-1], kept(uploads)
    assert _cli(store, "upload", str(path), "--uploader", "Lea Leider") == 0
    again = audit.entries(uploads)[-1]
    assert kept(uploads) == kept_before  # nothing new was kept
    assert "duplicate" not in first and "vastgelegd (" in first["what"]
    assert again["event"] == "upload" and again["duplicate"] is True and again["upload_id"] == first["upload_id"]
    assert f"was al vastgelegd als upload {first['upload_id']}; niets veranderd" in again["what"]
    capsys.readouterr()


# ---------------------------------------------------------------------------------------------------------------
# Which reports count


def test_the_steering_group_counts_approved_reports_a_lead_also_their_own_an_analyst_may_choose_all():
    assert Grant("stuurgroep").reports(True) == ()
    assert Grant("projectleider", frozenset({"ALM", "DRO"})).reports(True) == ("ALM", "DRO")
    assert Grant("analist").reports() == () and Grant("analist").reports(True) is None
    assert Grant("beheerder").reports(True) is None
    assert [r for r in ("beheerder", "analist", "projectleider", "stuurgroep") if Grant(r).may_review()] == [
        "beheerder", "analist"]
    assert [r for r in ("beheerder", "analist", "projectleider", "stuurgroep") if Grant(r).may_lock()] == [
        "beheerder"]


def _narratives(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_the_approval_flow_changes_the_steering_groups_figures_only_on_approval(store, tmp_path):
    _, uploads = store

    def steering_group_sees() -> str:
        at = _page("deelprojecten.py", STUURGROEP).run()
        at.selectbox(key="deelprojecten_subproject").set_value("ALM").run()
        assert not at.exception
        assert any("alleen goedgekeurde maandrapportages" in c.value for c in at.sidebar.caption)
        return _narratives(at)

    # the lead uploads a correction of ALM's latest report: ingediend, not yet for the steering group
    lead = _page("upload.py", LEAD).run()
    first = correction(uploads, tmp_path, 1)
    lead.get("file_uploader")[0].upload(first.name, first.read_bytes()).run()
    lead.button(key="upload_commit").click().run()
    assert not lead.exception and any("Status: ingediend" in s.value for s in lead.success)
    assert "Gecorrigeerde versie 1" not in steering_group_sees()

    # the analyst sends it back with a reason; the lead sees it on the Upload page
    analyst = _page("upload.py", ANALIST).run()
    pending = kept(uploads)[-1].upload_id
    analyst.selectbox(key="upload_review_choice").set_value(pending).run()
    analyst.button(key=f"upload_return_{pending}").click().run()
    assert any("Schrijf bij terugsturen de reden op" in e.value for e in analyst.error)  # no reason: nothing sent
    analyst.text_area(key=f"upload_review_reason_{pending}").input("Vul KPI K2 in voor november").run()
    analyst.button(key=f"upload_return_{pending}").click().run()
    assert not analyst.exception and any("is teruggestuurd" in s.value for s in analyst.success)
    lead = _page("upload.py", LEAD).run()
    returned = [w.value for w in lead.warning if "Teruggestuurd" in w.value]
    assert returned and "Vul KPI K2 in voor november" in returned[0] and "Anna Analist" in returned[0]
    assert "Gecorrigeerde versie 1" not in steering_group_sees()

    # the lead corrects; the analyst approves; only now does the steering group see it
    second = correction(uploads, tmp_path, 2)
    lead.get("file_uploader")[0].upload(second.name, second.read_bytes()).run()
    lead.button(key="upload_commit").click().run()
    assert not [w for w in _page("upload.py", LEAD).run().warning if "Teruggestuurd" in w.value]
    assert "Gecorrigeerde versie 2" not in steering_group_sees()
    analyst = _page("upload.py", ANALIST).run()
    corrected = kept(uploads)[-1].upload_id
    analyst.selectbox(key="upload_review_choice").set_value(corrected).run()
    analyst.button(key=f"upload_approve_{corrected}").click().run()
    assert not analyst.exception and any("is goedgekeurd" in s.value for s in analyst.success)
    assert "Gecorrigeerde versie 2" in steering_group_sees()

    # the analyst may include reports not yet approved; the lead sees their own
    assert [(e["event"], e["by"], e["source"]) for e in audit.entries(uploads)
            if e["event"] in ("upload", "review")] == [
        ("upload", LEAD["email"], "app"), ("review", ANALIST["email"], "app"), ("upload", LEAD["email"], "app"),
        ("review", ANALIST["email"], "app")]


def test_a_lead_sees_their_own_unapproved_report_and_an_analyst_may_include_all(store, tmp_path):
    from etl.workbooks.commit import commit_upload

    db, uploads = store
    assert commit_upload(correction(uploads, tmp_path, 3), "Lea", uploads, db).outcome == "committed"
    lead = _page("deelprojecten.py", LEAD).run()
    lead.selectbox(key="deelprojecten_subproject").set_value("ALM").run()
    assert "Gecorrigeerde versie 3" in _narratives(lead)
    analyst = _page("deelprojecten.py", ANALIST).run()
    analyst.selectbox(key="deelprojecten_subproject").set_value("ALM").run()
    assert "Gecorrigeerde versie 3" not in _narratives(analyst)
    analyst.toggle(key="toegang_alle_rapportages_knop").set_value(True).run()
    assert "Gecorrigeerde versie 3" in _narratives(analyst)
    assert any("ook nog niet goedgekeurde" in c.value for c in analyst.sidebar.caption)


# ---------------------------------------------------------------------------------------------------------------
# Locks on the Upload page


def test_a_beheerder_locks_a_quarter_in_the_app_and_a_leads_upload_into_it_is_refused(store, tmp_path):
    db, uploads = store
    month = max(u.month for u in kept(uploads) if u.subproject == "ALM")
    period = f"{month[:4]}-Q{(int(month[5:]) - 1) // 3 + 1}"
    admin = _page("upload.py", BEHEERDER).run()
    admin.text_input(key="upload_lock_period").input(period)
    admin.text_input(key="upload_lock_why").input("stuurgroep van 3 december")
    admin.button(key="FormSubmitter:upload_lock-Vergrendelen").click().run()
    assert not admin.exception and any(f"Kwartaal {period} is vergrendeld." in s.value for s in admin.success)
    assert admin.table[-1].value["Reden"].tolist() == ["stuurgroep van 3 december"]

    before, warehouse = events(uploads), db.read_bytes()
    lead = _page("upload.py", LEAD).run()
    workbook = correction(uploads, tmp_path, 4)
    lead.get("file_uploader")[0].upload(workbook.name, workbook.read_bytes()).run()
    assert not lead.exception and "upload_commit" not in [b.key for b in lead.button]
    reasons = lead.table[0].value["Wat te doen"].tolist()
    assert any(f"kwartaal {period} is vergrendeld door Bert Beheer (beheerder@example.org)" in r for r in reasons)
    assert events(uploads) == before and db.read_bytes() == warehouse
    assert audit.entries(uploads)[-1]["event"] == "upload_refused"

    admin = _page("upload.py", BEHEERDER).run()
    admin.selectbox(key="upload_unlock_period").set_value(period)
    admin.text_input(key="upload_unlock_why").input("correctie toegestaan")
    admin.button(key="FormSubmitter:upload_unlock-Ontgrendelen").click().run()
    assert any(f"Kwartaal {period} is ontgrendeld." in s.value for s in admin.success)
    assert [(e["event"], e["by"]) for e in audit.entries(uploads) if e["event"] in ("lock", "unlock")] == [
        ("lock", BEHEERDER["email"]), ("unlock", BEHEERDER["email"])]
    assert not [b for b in _page("upload.py", ANALIST).run().button if b.key and "upload_lock" in b.key]


# ---------------------------------------------------------------------------------------------------------------
# The page Logboek


@pytest.fixture
def served(monkeypatch) -> list[tuple[bytes, str]]:
    """The (data, mimetype) of every file the pages hand to a download button."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    found: list = []
    original = MediaFileManager.add

    def spy(self, data, mimetype, *args, **kwargs):
        found.append((data, mimetype))
        return original(self, data, mimetype, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", spy)
    return found


def test_logboek_filters_and_exports_a_dutch_csv(store, served):
    _, uploads = store
    audit.record(uploads, "login", "analist@example.org", "ingelogd als analist", role="analist")
    audit.record(uploads, "refused", "lead.almere@example.org", "pagina verkenner geopend zonder toegang",
                 role="projectleider", page="verkenner")
    audit.record(uploads, "lock", "Bert", "kwartaal 2026-Q3 vergrendeld: stuurgroep", source="cli", period="2026-Q3")
    at = _page("logboek.py", BEHEERDER).run()
    assert not at.exception and [t.value for t in at.title] == ["Logboek"]
    table = at.table[0].value
    # newest first: the beheerder's own sign-in on opening the page, then the three above
    assert table["Soort"].tolist() == ["inloggen", "vergrendeling", "geweigerd", "inloggen"]
    assert table["Bron"].tolist() == ["app", "opdrachtregel", "app", "app"]
    at.multiselect(key="logboek_soort").select("geweigerd").run()
    assert at.table[0].value["Wie"].tolist() == ["lead.almere@example.org"]
    assert "pagina: verkenner" in at.table[0].value["Details"].iloc[0]
    at.multiselect(key="logboek_soort").unselect("geweigerd").run()
    at.multiselect(key="logboek_wie").select("Bert").run()
    assert at.table[0].value["Soort"].tolist() == ["vergrendeling"]
    assert [b.proto.label for b in at.get("download_button")] == ["Download als CSV (Excel)"]
    csv = next(data for data, mimetype in reversed(served) if mimetype == "text/csv").decode("utf-8")
    assert csv.startswith("\ufeff")  # a BOM: Excel reads UTF-8
    frame = pd.read_csv(io.StringIO(csv.lstrip("\ufeff")), sep=";")
    assert list(frame.columns) == ["Wanneer", "Wie", "Rol", "Soort", "Wat", "Bron", "Adres", "Details"]
    assert frame["Wat"].tolist() == ["kwartaal 2026-Q3 vergrendeld: stuurgroep"]


@pytest.mark.parametrize("who", [ANALIST, LEAD, STUURGROEP], ids=lambda w: w["email"].split("@")[0])
def test_logboek_is_refused_to_every_other_role_and_recorded(store, who):
    _, uploads = store
    at = _page("logboek.py", who).run()
    assert not at.exception and [t.value for t in at.title] == ["Geen toegang tot deze pagina"]
    assert not at.table
    assert [(e["event"], e["by"], e.get("page")) for e in audit.entries(uploads)] == [
        ("login", who["email"], None), ("refused", who["email"], "logboek")]


def test_the_audit_trail_survives_a_rebuild(store, demo_raw):
    from etl.build import build

    db, uploads = store
    assert _cli(store, "lock", "2020-Q1", "--reason", "oud", "--by", "Bert") == 0
    trail = (uploads / audit.AUDIT).read_bytes()
    build(demo_raw, db, progress=False, uploads_dir=uploads)
    assert (uploads / audit.AUDIT).read_bytes() == trail


def test_the_withdrawal_confirmation_belongs_to_the_upload_it_was_ticked_for(store):
    _, uploads = store
    at = _page("upload.py", ANALIST).run()
    first, second = at.selectbox(key="upload_history_choice").options[:2]
    ids = [r.upload_id for r in sorted(kept(uploads), key=lambda u: (u.uploaded_at, u.upload_id), reverse=True)]
    at.checkbox(key=f"upload_sure_{ids[0]}").check().run()
    assert not at.button(key=f"upload_withdraw_{ids[0]}").disabled
    # what a live update does when a new upload arrives: the choice above the ticked box changes
    at.selectbox(key="upload_history_choice").set_value(ids[1]).run()
    assert not at.checkbox(key=f"upload_sure_{ids[1]}").value
    assert at.button(key=f"upload_withdraw_{ids[1]}").disabled
    assert "upload_sure_" + ids[0] not in [c.key for c in at.checkbox]
    assert first != second and ids[1] not in first + second  # people choose by file, subproject, month and day
    assert any(f"upload-id `{ids[1]}`" in c.value for c in at.caption)  # the id in small print, for the operator
