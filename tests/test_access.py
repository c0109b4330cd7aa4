"""Login, roles and demo mode (issue 11 parts 1–3): the access file, the page guards, the Upload page's scope, the
CLI's demo safety, the audit log, and Chromium logging in through a real OpenID Connect provider on localhost."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.workbooks.demomark import is_marked, mark
from etl.workbooks.store import events, kept
from tests.conftest import ROOT
from tests.test_browser import ARTIFACTS, EXCEPTION, _open, browser, start_app  # noqa: F401 (shared fixtures)
from ui.data import DB_ENV
from warehouse import audit
from warehouse.access import (
    ACCESS_ENV,
    PAGE_ROLES,
    ROLES,
    AccessFileError,
    Grant,
    load,
    parse,
)

UPLOADS_ENV = "TECHNIEKMONITOR_UPLOADS"
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))
ALL_PAGES = set(PAGES)
EXPECTED_PAGES = {
    "beheerder": ALL_PAGES,
    "analist": ALL_PAGES - {"logboek"},
    "projectleider": {"overzicht", "aanbod", "behoud", "arbeidsmarkt", "aansluiting", "deelprojecten", "effecten",
                      "upload"},
    "stuurgroep": ALL_PAGES - {"upload", "logboek"},
}
ACCESS_FILE = """\
contact = "techniekmonitor@example.org"

[personen]
"beheerder@example.org" = "beheerder"
"analist@example.org" = "analist"
"lead.almere@example.org" = { rol = "projectleider", deelprojecten = ["ALM"] }
"stuurgroep@example.org" = "stuurgroep"

[groepen]
"stuurgroep-flevoland" = "stuurgroep"
"""
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-cookie-secret-0123456789",
        "client_id": "techniekmonitor", "client_secret": "geheim",
        "server_metadata_url": "http://localhost:9/.well-known/openid-configuration"}


# ---------------------------------------------------------------------------------------------------------------
# The access file and the permission model


def test_the_example_file_is_valid_and_holds_no_real_addresses():
    rules = load(ROOT / "config" / "access.example.toml")
    assert {r.role for r in rules.people.values()} == set(ROLES)
    assert all(email.endswith("@example.org") for email in rules.people)
    assert rules.contact == "techniekmonitor@example.org"


def test_each_role_opens_exactly_its_pages_and_every_page_is_listed():
    assert set(PAGE_ROLES) == ALL_PAGES  # a page missing from the table would be open to nobody
    for role in ROLES:
        assert {p for p in PAGES if Grant(role).may_open(p)} == EXPECTED_PAGES[role], role
    assert not Grant("beheerder").may_open("onbekend")  # an unknown page is closed
    assert [r for r in ROLES if Grant(r).may_use_sql()] == ["beheerder", "analist"]


def test_a_lead_writes_only_monthly_reports_of_their_own_subprojects():
    lead = Grant("projectleider", frozenset({"ALM", "DRO"}))
    assert lead.may_write("monthly", "ALM") and lead.may_write("monthly", "DRO")
    assert not lead.may_write("monthly", "URK") and not lead.may_write("plan", None)
    assert not lead.may_write(None, None) and not lead.sees_upload("plan", None)
    assert Grant("analist").may_write("plan", None) and Grant("analist").may_write("monthly", "URK")
    assert not Grant("stuurgroep").may_write("monthly", "ALM")


def test_a_persons_line_decides_and_otherwise_the_widest_group_role_wins(tmp_path):
    rules = parse(ACCESS_FILE + '"leads-noord" = { rol = "projectleider", deelprojecten = ["NOP", "URK"] }\n'
                  '"leads-zuid" = { rol = "projectleider", deelprojecten = ["ZEE"] }\n', tmp_path / "a.toml")
    assert rules.grant("Analist@Example.org ", ["stuurgroep-flevoland"]).role == "analist"
    assert rules.grant("iemand@example.org", ["Stuurgroep-Flevoland"]).role == "stuurgroep"
    both = rules.grant("iemand@example.org", ["leads-noord", "leads-zuid", "stuurgroep-flevoland"])
    assert both.role == "projectleider" and both.subprojects == {"NOP", "URK", "ZEE"}
    assert rules.grant("iemand@example.org", ["andere-groep"]) is None
    assert rules.grant(None, ["stuurgroep-flevoland"]) is None  # no email address, no access


@pytest.mark.parametrize(("text", "line", "fragment"), [
    ('[personen]\n"a@example.org" = "analist"\n"b@example.org" = analist\n', 3, "geen geldige TOML"),
    ('[personen]\n"a@example.org" = "analist"\n"b@example.org" = "admin"\n', 3, "onbekende rol 'admin'"),
    ('[personen]\n\n"lead@example.org" = "projectleider"\n', 3, "geen deelprojecten"),
    ('[personen]\n"lead@example.org" = { rol = "projectleider", deelprojecten = [] }\n', 2, "geen deelprojecten"),
    ('[personen]\n"a@example.org" = { rol = "analist", deelprojecten = ["ALM"] }\n', 2, "alleen bij de rol"),
    ('[personen]\n"a@example.org" = "analist"\n"A@Example.org" = "stuurgroep"\n', 3, "staat twee keer"),
    ('[personen]\n"Jan de Vries" = "analist"\n', 2, "geen e-mailadres"),
    ('contact = "x@example.org"\n\n[mensen]\n"a@example.org" = "analist"\n', 3, "onbekend onderdeel 'mensen'"),
    ('[personen]\n"a@example.org" = { rol = "analist", team = "x" }\n', 2, "onbekende sleutel team"),
    ('[groepen]\n"g1" = 3\n', 2, "hoort een rol"),
    ('contact = 7\n', 1, "contact is tekst"),
], ids=["toml", "role", "lead", "lead-empty", "codes-on-analist", "twice", "not-email", "section", "key", "value",
        "contact"])
def test_a_malformed_access_file_names_its_line(tmp_path, text, line, fragment):
    path = tmp_path / "access.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AccessFileError) as error:
        load(path)
    assert error.value.line == line, str(error.value)
    assert fragment in error.value.message and str(error.value).startswith(f"{path}, regel {line}: ")


def test_a_missing_access_file_says_how_to_make_one(tmp_path):
    with pytest.raises(AccessFileError, match=r"bestaat niet.*access\.example\.toml.*TECHNIEKMONITOR_ACCESS"):
        load(tmp_path / "geen.toml")


def test_the_server_refuses_to_start_on_a_malformed_access_file(tmp_path):
    bad = tmp_path / "access.toml"
    bad.write_text('[personen]\n"a@example.org" = "analist"\n"b@example.org" = "supergebruiker"\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "ui.serve", "--server.port", "1"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, ACCESS_ENV: str(bad)})
    assert done.returncode == 2
    assert f"{bad}, regel 3: onbekende rol 'supergebruiker'" in done.stderr
    assert "De Techniekmonitor start niet" in done.stderr


def test_the_start_check_knows_the_plans_subprojects(tmp_path, demo_db, monkeypatch):
    from ui.serve import access_problem

    path = tmp_path / "access.toml"
    monkeypatch.setenv(ACCESS_ENV, str(path))
    monkeypatch.setenv(DB_ENV, str(demo_db))
    path.write_text(ACCESS_FILE, encoding="utf-8")
    assert access_problem() is None
    path.write_text(ACCESS_FILE + '"leads-x" = { rol = "projectleider", deelprojecten = ["XYZ"] }\n', encoding="utf-8")
    problem = access_problem()
    assert problem.startswith(f"{path}, regel 11: groep leads-x heeft deelproject XYZ") and "ALM" in problem
    path.unlink()
    assert access_problem() is None  # no file: demo mode may run; login mode then refuses everyone


def test_every_page_starts_with_its_guard():
    for name in PAGES:
        tree = ast.parse((ROOT / "pages" / f"{name}.py").read_text(encoding="utf-8"))
        body = [n for n in tree.body[1:] if not isinstance(n, (ast.Import, ast.ImportFrom))]  # after the docstring
        first = body[0]
        call = first.value if isinstance(first, (ast.Expr, ast.Assign)) else None
        assert isinstance(call, ast.Call) and getattr(call.func, "id", None) == "guard", name
        assert [a.value for a in call.args] == [name], name


# ---------------------------------------------------------------------------------------------------------------
# The audit log


def test_the_audit_log_appends_whole_lines_and_ignores_a_cut_off_tail(tmp_path):
    audit.record(tmp_path, "login", "a@example.org", "ingelogd als analist", role="analist")
    with (tmp_path / audit.AUDIT).open("a", encoding="utf-8") as log:
        log.write('{"event": "half')  # a crash in the middle of an append
    assert [e["event"] for e in audit.entries(tmp_path)] == ["login"]
    audit.record(tmp_path, "refused", "a@example.org", "pagina upload", page="upload")
    lines = (tmp_path / audit.AUDIT).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["event"] for line in lines] == ["login", "refused"]
    assert audit.entries(tmp_path)[1]["page"] == "upload" and audit.entries(tmp_path)[1]["source"] == "app"


# ---------------------------------------------------------------------------------------------------------------
# The command line the app writes through: demo mode writes demo uploads only


def _etl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)


def test_upload_demo_keeps_only_marked_workbooks_as_demo_uploads(tmp_path, demo_db):
    from tests.test_workbook_support import plan_file

    db, uploads = tmp_path / "warehouse.duckdb", tmp_path / "uploads"
    shutil.copy(demo_db, db)
    plan = plan_file(tmp_path)
    check = _etl("upload", str(plan), "--dry-run", "--json", "--demo", "--db", str(db), "--uploads", str(uploads))
    report = json.loads(check.stdout)
    assert check.returncode == 1 and not report["ok"] and report["kind"] == "plan"
    assert "plan.xlsx is geen demowerkboek" in report["errors"][-1]["message"]
    refused = _etl("upload", str(plan), "--json", "--demo", "--db", str(db), "--uploads", str(uploads))
    assert refused.returncode == 1 and "geen demowerkboek" in refused.stderr and not uploads.exists()
    assert not is_marked(plan)
    mark(plan)
    assert is_marked(plan)
    done = _etl("upload", str(plan), "--json", "--demo", "--uploader", "Demo analist", "--db", str(db),
                "--uploads", str(uploads))
    assert done.returncode == 0, done.stderr
    assert [(u.demo, u.uploaded_by) for u in kept(uploads)] == [(True, "Demo analist")]
    assert events(uploads)[0]["by"] == "Demo analist"


def test_upload_demo_refuses_a_folder_with_real_uploads_and_withdraw_demo_a_real_upload(tmp_path, demo_db):
    from tests.test_workbook_support import monthly_file, plan_file

    db, uploads = tmp_path / "warehouse.duckdb", tmp_path / "uploads"
    shutil.copy(demo_db, db)
    real = _etl("upload", str(plan_file(tmp_path)), "--json", "--uploader", "Anna (analist@example.org)",
                "--db", str(db), "--uploads", str(uploads))
    assert real.returncode == 0, real.stderr
    upload_id = json.loads(real.stdout)["upload_id"]
    refused = _etl("upload", str(mark(monthly_file(tmp_path))), "--json", "--demo", "--db", str(db),
                   "--uploads", str(uploads))
    assert refused.returncode == 1 and "bevat echte uploads" in refused.stderr
    withdraw = _etl("withdraw", upload_id, "--demo", "--by", "Demo beheerder", "--db", str(db),
                    "--uploads", str(uploads))
    assert withdraw.returncode == 1 and "is een echte upload" in withdraw.stderr
    assert [e["event"] for e in events(uploads)] == ["commit"]


def test_template_demo_is_marked_and_the_demo_generator_marks_its_workbooks(tmp_path, demo_uploads):
    target = tmp_path / "plan.xlsx"
    assert _etl("template", "plan", "-o", str(target), "--demo").returncode == 0 and is_marked(target)
    assert _etl("template", "plan", "-o", str(tmp_path / "echt.xlsx")).returncode == 0
    assert not is_marked(tmp_path / "echt.xlsx")
    assert all(is_marked(demo_uploads / u.upload_id / u.file_name) for u in kept(demo_uploads))


# ---------------------------------------------------------------------------------------------------------------
# The pages under AppTest: login mode (st.user and st.secrets set by the test) and demo mode


@pytest.fixture
def access_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "access.toml"
    path.write_text(ACCESS_FILE, encoding="utf-8")
    monkeypatch.setenv(ACCESS_ENV, str(path))
    return path


@pytest.fixture
def store(tmp_path, demo_db, demo_uploads, monkeypatch) -> Path:
    """A writable copy of the demo warehouse and uploads; returns the uploads folder."""
    db, uploads = tmp_path / "warehouse.duckdb", tmp_path / "uploads"
    shutil.copy(demo_db, db)
    shutil.copytree(demo_uploads, uploads)
    monkeypatch.setenv(DB_ENV, str(db))
    monkeypatch.setenv(UPLOADS_ENV, str(uploads))
    return uploads


def _as(script: Path, user: dict | None) -> AppTest:
    """AppTest of a script in login mode as `user` (None: not logged in)."""
    at = AppTest.from_file(str(script), default_timeout=120)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False} if user is None else {"is_logged_in": True, "iat": id(at), **user}
    return at


LEAD = {"email": "lead.almere@example.org", "name": "Lea Leider"}
STUURGROEP = {"email": "stuurgroep@example.org", "name": "Stijn Stuur"}


def _refused(uploads: Path) -> list[dict]:
    return [e for e in audit.entries(uploads) if e["event"] == "refused"]


def test_not_logged_in_gives_the_dutch_login_page_and_nothing_else(access_file, store):
    at = _as(ROOT / "app.py", None).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Techniekmonitor Flevoland"]
    assert [b.label for b in at.button] == ["Inloggen"]
    assert "Log in met uw werkaccount" in at.markdown[0].value
    assert any("techniekmonitor@example.org" in c.value for c in at.caption)  # whom to ask, from the access file
    assert not at.warning  # no page ran: not even the demo banner


def test_an_email_missing_from_the_access_file_gets_no_access(access_file, store):
    at = _as(ROOT / "app.py", {"email": "onbekend@example.org", "name": "Olga Onbekend"}).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Ingelogd, maar geen toegang"]
    assert "**Olga Onbekend** (onbekend@example.org)" in at.warning[0].value
    assert [b.label for b in at.button] == ["Uitloggen"]
    assert [(e["event"], e["by"]) for e in audit.entries(store)] == [("no_access", "onbekend@example.org")]


def test_a_token_without_an_email_claim_gets_no_access(access_file, store):
    at = _as(ROOT / "app.py", {"name": "Zonder Adres", "sub": "x1", "groups": ["stuurgroep-flevoland"]}).run()
    assert [t.value for t in at.title] == ["Ingelogd, maar geen toegang"]
    assert "gaf geen e-mailadres door" in at.warning[0].value
    assert audit.entries(store)[0]["event"] == "no_access"


def test_an_access_file_broken_while_the_app_runs_closes_it_naming_the_line(access_file, store):
    assert [t.value for t in _as(ROOT / "app.py", STUURGROEP).run().title] == ["Overzicht"]
    access_file.write_text(ACCESS_FILE.replace('"stuurgroep"\n\n', '"stuurgroepp"\n\n'), encoding="utf-8")
    at = _as(ROOT / "app.py", STUURGROEP).run()
    assert [t.value for t in at.title] == ["Toegang niet ingesteld"]
    assert at.code[0].value == f"{access_file}, regel 7: onbekende rol 'stuurgroepp' bij stuurgroep@example.org. " \
                               "Kies uit: beheerder, analist, projectleider, stuurgroep."


def test_login_mode_without_an_access_file_lets_nobody_in(tmp_path, store, monkeypatch):
    monkeypatch.setenv(ACCESS_ENV, str(tmp_path / "geen.toml"))
    at = _as(ROOT / "app.py", {"email": "beheerder@example.org"}).run()
    assert [t.value for t in at.title] == ["Toegang niet ingesteld"] and "bestaat niet" in at.code[0].value


def test_the_page_guard_refuses_a_page_the_role_may_not_open_and_records_it(access_file, store):
    at = _as(ROOT / "pages" / "upload.py", STUURGROEP).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Geen toegang tot deze pagina"]
    assert "**Stijn Stuur (stuurgroep@example.org)** met de rol **stuurgroep**" in at.error[0].value
    assert not at.get("file_uploader")  # the page's own code did not run
    refused = _refused(store)
    assert [(e["by"], e["role"], e["page"]) for e in refused] == [("stuurgroep@example.org", "stuurgroep", "upload")]


def test_a_group_member_gets_the_groups_role(access_file, store):
    at = _as(ROOT / "pages" / "verkenner.py", {"email": "nieuw@example.org", "groups": ["stuurgroep-flevoland"]})
    at.run()
    assert not at.exception and [t.value for t in at.title] == ["Verkenner"]
    assert [t.label for t in at.tabs] == ["Indicator", "Tabel"]  # stuurgroep: no SQL box


def test_the_analist_has_the_sql_box(access_file, store):
    at = _as(ROOT / "pages" / "verkenner.py", {"email": "analist@example.org"}).run()
    assert [t.label for t in at.tabs] == ["Indicator", "Tabel", "SQL"]
    assert at.text_area(key="verkenner_sql")


def _demo_report(uploads: Path, subproject: str) -> Path:
    """The latest kept demo report of a subproject (a valid workbook against the demo plan)."""
    upload = [u for u in kept(uploads) if u.subproject == subproject][-1]
    return uploads / upload.upload_id / upload.file_name


def test_a_lead_cannot_upload_another_subprojects_report(access_file, store):
    before = events(store)
    at = _as(ROOT / "pages" / "upload.py", LEAD).run()
    workbook = _demo_report(store, "DRO")
    at.get("file_uploader")[0].upload(workbook.name, workbook.read_bytes()).run()
    assert not at.exception
    assert any(f"{workbook.name} is een maandrapportage van DRO. Als projectleider legt u alleen maandrapportages vast"
               " van uw eigen deelproject (ALM)" in e.value for e in at.error)
    assert "upload_commit" not in [b.key for b in at.button]
    assert events(store) == before  # nothing written
    refused = _refused(store)
    assert [(e["by"], e["subproject"], e["kind"]) for e in refused] == [("lead.almere@example.org", "DRO", "monthly")]


def test_a_leads_history_and_templates_cover_their_own_subproject_only(access_file, store):
    at = _as(ROOT / "pages" / "upload.py", LEAD).run()
    assert not at.exception
    options = at.selectbox(key="upload_history_kind").options  # as shown: the subproject's name and code
    assert len(options) == 2 and options[0] == "alle" and options[1].endswith("(ALM)")
    assert set(at.table[-1].value["Soort"].str.split().str[1]) == {"ALM"}
    [template] = at.selectbox(key="upload_template_subproject").options  # the lead's one subproject, by name
    assert template.endswith("(ALM)") and len(template) > len("(ALM)")
    assert "Sjabloon plan van aanpak" not in [b.proto.label for b in at.get("download_button")]


def test_a_withdrawal_outside_the_leads_scope_is_refused_even_if_it_were_listed(access_file, store, monkeypatch):
    monkeypatch.setattr(Grant, "sees_upload", lambda self, kind, subproject: True)  # as if the history leaked
    at = _as(ROOT / "pages" / "upload.py", LEAD).run()
    at.selectbox(key="upload_history_kind").set_value("DRO").run()
    chosen = at.selectbox(key="upload_history_choice").value
    at.checkbox(key=f"upload_sure_{chosen}").check().run()
    before = events(store)
    at.button(key=f"upload_withdraw_{chosen}").click().run()
    assert not at.exception
    chosen_file = next(u.file_name for u in kept(store) if u.upload_id == chosen)
    assert any(f"U kunt {chosen_file} (maandrapportage DRO" in e.value and "niet intrekken" in e.value
               for e in at.error)
    assert events(store) == before
    assert _refused(store)[-1]["upload_id"] == chosen


def test_a_logged_in_analist_commits_under_the_name_from_the_login(access_file, store):
    workbook = _demo_report(store, "URK")
    changed = store.parent / "urk-gecorrigeerd.xlsx"
    _change_a_value(workbook, changed)
    at = _as(ROOT / "pages" / "upload.py", {"email": "analist@example.org", "name": "Anna Analist"}).run()
    assert "upload_name" not in [t.key for t in at.text_input]  # the name box is gone
    at.get("file_uploader")[0].upload(changed.name, changed.read_bytes()).run()
    assert any("Wordt vastgelegd op naam van **Anna Analist (analist@example.org)**" in c.value for c in at.caption)
    at.button(key="upload_commit").click().run()
    assert not at.exception and any("Vastgelegd als upload" in s.value for s in at.success)
    newest = kept(store)[-1]
    assert (newest.uploaded_by, newest.demo, newest.subproject) == ("Anna Analist (analist@example.org)", False, "URK")


def _change_a_value(source: Path, target: Path) -> Path:
    """A copy of a monthly report with one KPI value raised (a correction: a new file for the same month)."""
    import openpyxl

    book = openpyxl.load_workbook(source)
    sheet = book["KPI-waarden"]
    for row in sheet.iter_rows(min_row=2):
        if isinstance(row[1].value, (int, float)):
            row[1].value += 1
            break
    book.save(target)
    return target


def test_demo_mode_says_so_and_switches_roles(store, monkeypatch):
    monkeypatch.setenv(ACCESS_ENV, str(store.parent / "geen.toml"))  # demo mode needs no access file
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception and [t.value for t in at.title] == ["Overzicht"]
    assert "**Demomodus: geen inlog**" in at.sidebar.markdown[0].value
    assert at.selectbox(key="toegang_demo_rol").value == "beheerder"  # in the popover above the page
    lead = AppTest.from_file(str(ROOT / "pages" / "upload.py"), default_timeout=120)
    lead.session_state["toegang_demo_rol"] = "projectleider"
    lead.session_state["toegang_demo_deelproject"] = "URK"
    lead.run()
    assert not lead.exception and set(lead.table[-1].value["Soort"].str.split().str[1]) == {"URK"}
    reader = AppTest.from_file(str(ROOT / "pages" / "upload.py"), default_timeout=120)
    reader.session_state["toegang_demo_rol"] = "stuurgroep"
    reader.run()
    assert [t.value for t in reader.title] == ["Geen toegang tot deze pagina"]
    assert "Kies links een andere rol" in reader.warning[0].value
    assert not (store / audit.AUDIT).exists()  # demo mode identifies nobody and records nothing


def test_demo_mode_is_refused_once_the_data_holds_a_real_upload(tmp_path, demo_db, monkeypatch):
    from etl.workbooks.commit import commit_upload
    from tests.test_workbook_support import plan_file

    db = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_db, db)
    assert commit_upload(plan_file(tmp_path), "Anna Analist", tmp_path / "uploads", db).outcome == "committed"
    monkeypatch.setenv(DB_ENV, str(db))
    monkeypatch.setenv(UPLOADS_ENV, str(tmp_path / "uploads"))
    for script in (ROOT / "app.py", ROOT / "pages" / "overzicht.py", ROOT / "pages" / "upload.py"):
        at = AppTest.from_file(str(script), default_timeout=120).run()
        assert not at.exception
        assert [t.value for t in at.title] == ["Demomodus uitgeschakeld"], script.name
        assert "bevat echte uploads (1)" in at.error[0].value
        assert "secrets.toml" in at.markdown[-1].value and "config/access.example.toml" in at.markdown[-1].value


# ---------------------------------------------------------------------------------------------------------------
# In Chromium, through a real OpenID Connect provider on localhost (oidc-provider-mock, started in this process)

TITLES = {"overzicht": "Overzicht", "aanbod": "Aanbod technici", "behoud": "Behoud in de regio",
          "arbeidsmarkt": "Arbeidsmarkt", "aansluiting": "Aansluiting onderwijs–arbeidsmarkt",
          "deelprojecten": "Deelprojecten", "effecten": "Effecten", "verkenner": "Verkenner", "upload": "Upload",
          "bronnen": "Bronnen & definities", "inhoud": "Inhoud van het datawarehouse", "logboek": "Logboek"}
PEOPLE = {  # the provider's predefined users (their 'sub' is the button to press) → their claims
    "beheerder": {"email": "beheerder@example.org", "name": "Bert Beheer"},
    "analist": {"email": "analist@example.org", "name": "Anna Analist"},
    "projectleider": {"email": "lead.almere@example.org", "name": "Lea Leider"},
    "stuurgroep": {"email": "stuurgroep@example.org", "name": "Stijn Stuur"},
    "groepslid": {"email": "nieuw.lid@example.org", "name": "Gijs Groep", "groups": ["stuurgroep-flevoland"]},
    "onbekend": {"email": "onbekend@example.org", "name": "Olga Onbekend"},
    "zonder-email": {"name": "Zonder Adres"},
}
PHONE = {"width": 390, "height": 844}
NAV = '[data-testid="stSidebarNav"] [data-testid="stSidebarNavLink"]'


@pytest.fixture(scope="module")
def oidc() -> Iterator[str]:
    """A real OpenID Connect provider on localhost with one predefined user per case (no email claim included)."""
    from oidc_provider_mock import User, run_server_in_thread

    users = [User(sub=sub, claims=claims) for sub, claims in PEOPLE.items()]
    with run_server_in_thread(user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def login_app(start_app, oidc, demo_db, demo_uploads, tmp_path_factory) -> tuple[str, Path]:  # noqa: F811
    """The app on a copy of the demo data with login through `oidc`; (base URL, uploads folder)."""
    tmp = tmp_path_factory.mktemp("login_app")
    db, uploads = tmp / "warehouse.duckdb", tmp / "uploads"
    shutil.copy(demo_db, db)
    shutil.copytree(demo_uploads, uploads)
    (tmp / "access.toml").write_text(ACCESS_FILE, encoding="utf-8")
    secrets = tmp / "secrets.toml"  # Streamlit's --secrets.files: the checkout's .streamlit/ is not involved
    secrets.write_text(
        '[auth]\nredirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{AUTH["cookie_secret"]}"\nclient_id = "techniekmonitor"\nclient_secret = "geheim"\n'
        f'server_metadata_url = "{oidc}/.well-known/openid-configuration"\n', encoding="utf-8")
    base = start_app(db, uploads, env={ACCESS_ENV: str(tmp / "access.toml")}, args=("--secrets.files", str(secrets)))
    return base, uploads


def _login(launched, base: str, who: str, heading: str, viewport: dict | None = None):
    """A new browser (no cookies) logs in as `who` on the provider's page; returns the page once `heading` shows."""
    context = launched.new_context(viewport=viewport or {"width": 1280, "height": 800}, locale="nl-NL")
    page = context.new_page()
    page.goto(base)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("button", name=who, exact=True).click()  # the provider's "Authenticate predefined users"
    _open(page, page.url, heading)
    return page


def _nav(page) -> set[str]:
    return {link.inner_text().strip().splitlines()[-1] for link in page.locator(NAV).all()}  # after the icon


@pytest.mark.browser
@pytest.mark.parametrize("who", ["beheerder", "analist", "projectleider", "stuurgroep", "groepslid"])
def test_each_role_logs_in_and_sees_exactly_its_pages(browser, login_app, who):  # noqa: F811
    from playwright.sync_api import expect

    base, uploads = login_app
    page = _login(browser, base, who, "Overzicht")
    try:
        role = "stuurgroep" if who == "groepslid" else who
        assert _nav(page) == {TITLES[p] for p in EXPECTED_PAGES[role]}
        sidebar = page.locator('[data-testid="stSidebar"]')
        expect(sidebar.get_by_text(PEOPLE[who]["name"], exact=True)).to_be_visible()
        expect(sidebar.get_by_role("button", name="Uitloggen")).to_be_visible()
        expect(page.locator(EXCEPTION)).to_have_count(0)
        logins = [e for e in audit.entries(uploads) if e["event"] == "login" and e["by"] == PEOPLE[who]["email"]]
        assert logins and logins[-1]["role"] == role and logins[-1]["source"] == "app"
    finally:
        page.context.close()


@pytest.mark.browser
def test_a_forbidden_page_opened_by_its_url_is_refused_and_recorded(browser, login_app):  # noqa: F811
    from playwright.sync_api import expect

    base, uploads = login_app
    for who, path, other in (("stuurgroep", "upload", "verkenner"), ("projectleider", "verkenner", "upload")):
        page = _login(browser, base, who, "Overzicht")
        try:
            _open(page, f"{base}/{path}", "Geen toegang tot deze pagina")
            expect(page.get_by_text(f"Met die rol kunt u de pagina '{TITLES[path]}' niet openen",
                                    exact=False)).to_be_visible()
            expect(page.locator('[data-testid="stFileUploader"]')).to_have_count(0)
            assert TITLES[path] not in _nav(page)
            _open(page, f"{base}/{other}", TITLES[other])  # the pages of the role open as usual
            if who == "stuurgroep":  # read only: the Verkenner without its SQL box
                expect(page.get_by_role("tab", name="Tabel")).to_be_visible()
                expect(page.get_by_role("tab", name="SQL")).to_have_count(0)
        finally:
            page.context.close()
        refused = [e for e in audit.entries(uploads) if e["event"] == "refused" and e["by"] == PEOPLE[who]["email"]]
        assert refused and refused[-1]["page"] == path


@pytest.mark.browser
def test_a_lead_cannot_upload_or_withdraw_for_another_subproject(browser, login_app, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    base, uploads = login_app
    page = _login(browser, base, "projectleider", "Overzicht")
    try:
        _open(page, f"{base}/upload", "Upload")
        history = page.locator('[data-testid="stTable"]').last
        expect(history.get_by_text("maandrapportage ALM", exact=False).first).to_be_visible()
        for code in ("DRO", "URK", "LEL", "NOP", "ZEE"):  # no other subproject: nothing to withdraw there
            expect(history.get_by_text(f"maandrapportage {code}", exact=False)).to_have_count(0)
        before = events(uploads)
        other = shutil.copy(_demo_report(uploads, "DRO"), tmp_path / "dronten.xlsx")
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(other))
        expect(page.get_by_text("dronten.xlsx is een maandrapportage van DRO", exact=False)).to_be_visible(
            timeout=60_000)
        expect(page.get_by_role("button", name="Vastleggen")).to_have_count(0)
        assert events(uploads) == before
        assert _refused(uploads)[-1]["subproject"] == "DRO"
        own = _change_a_value(_demo_report(uploads, "ALM"), tmp_path / "almere-gecorrigeerd.xlsx")
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(own))
        expect(page.get_by_text("is goedgekeurd", exact=False)).to_be_visible(timeout=60_000)
        page.get_by_role("button", name="Vastleggen").click()
        expect(page.get_by_text("Vastgelegd als upload", exact=False)).to_be_visible(timeout=60_000)
        expect(page.get_by_role("cell", name="Lea Leider (lead.almere@example.org)").first).to_be_visible(
            timeout=30_000)
        expect(page.locator(EXCEPTION)).to_have_count(0)
        assert kept(uploads)[-1].uploaded_by == "Lea Leider (lead.almere@example.org)"
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.parametrize(("who", "says"), [("onbekend", "dit account heeft geen toegang"),
                                           ("zonder-email", "gaf geen e-mailadres door")])
def test_logged_in_but_no_access_and_logging_out(browser, login_app, who, says):  # noqa: F811
    from playwright.sync_api import expect

    base, uploads = login_app
    page = _login(browser, base, who, "Ingelogd, maar geen toegang")
    try:
        expect(page.get_by_text(says, exact=False)).to_be_visible()
        expect(page.locator(NAV)).to_have_count(0)
        _open(page, f"{base}/verkenner", "Ingelogd, maar geen toegang")  # no page by its URL either
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"geen-toegang-{who}-1280x800.png"))
        page.set_viewport_size(PHONE)
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / f"geen-toegang-{who}-390x844.png"))
        page.get_by_role("button", name="Uitloggen").click()
        page.get_by_role("button", name="End session").click()  # the provider's own logout page
        _open(page, page.url, "Techniekmonitor Flevoland")
        expect(page.get_by_role("button", name="Inloggen")).to_be_visible()
    finally:
        page.context.close()
    assert any(e["event"] == "no_access" and e.get("name") == PEOPLE[who]["name"] for e in audit.entries(uploads))


@pytest.mark.browser
def test_a_tampered_or_expired_session_cookie_leads_back_to_the_login_page(browser, login_app):  # noqa: F811
    from unittest import mock

    from itsdangerous import URLSafeTimedSerializer
    from playwright.sync_api import expect
    from streamlit.web.server.starlette.starlette_app_utils import decode_signed_value
    from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME

    base, _ = login_app
    page = _login(browser, base, "analist", "Overzicht")
    try:
        [cookie] = [c for c in page.context.cookies() if c["name"] == USER_COOKIE_NAME]
    finally:
        page.context.close()
    claims = decode_signed_value(AUTH["cookie_secret"], USER_COOKIE_NAME, cookie["value"])
    assert claims and b"analist@example.org" in claims  # the session the provider's login made
    # Streamlit signs the session with a timestamp and refuses it after 30 days (+1 day grace): sign one 40 days ago
    serializer = URLSafeTimedSerializer(AUTH["cookie_secret"], salt=USER_COOKIE_NAME)
    with mock.patch("time.time", return_value=time.time() - 40 * 86400):
        expired = serializer.dumps(claims.decode())
    tampered = cookie["value"][:-2] + ("BB" if cookie["value"].endswith("AA") else "AA")  # the signature no longer fits
    for value in (tampered, expired, cookie["value"]):
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
        try:
            context.add_cookies([{**cookie, "value": value}])
            page = context.new_page()
            if value == cookie["value"]:  # the untouched cookie still logs in: the refusals above are the changes
                _open(page, base, "Overzicht")
                continue
            _open(page, base, "Techniekmonitor Flevoland")
            expect(page.get_by_role("button", name="Inloggen")).to_be_visible()
            expect(page.locator(NAV)).to_have_count(0)
        finally:
            context.close()


@pytest.mark.browser
def test_the_login_page_on_a_desktop_and_a_phone(browser, login_app):  # noqa: F811
    from playwright.sync_api import expect

    base, _ = login_app
    for size, viewport in (("1280x800", {"width": 1280, "height": 800}), ("390x844", PHONE)):
        context = browser.new_context(viewport=viewport, locale="nl-NL")
        try:
            page = context.new_page()
            _open(page, base, "Techniekmonitor Flevoland")
            expect(page.get_by_role("button", name="Inloggen")).to_be_in_viewport()
            expect(page.get_by_text("Log in met uw werkaccount", exact=False)).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / f"inloggen-{size}.png"))
        finally:
            context.close()


@pytest.mark.browser
def test_demo_mode_offers_a_role_switch_and_is_refused_with_real_uploads(browser, start_app, demo_db,  # noqa: F811
                                                                         tmp_path):
    from playwright.sync_api import expect

    from etl.workbooks.commit import commit_upload
    from tests.test_workbook_support import plan_file

    base = start_app(demo_db, env={ACCESS_ENV: str(tmp_path / "geen.toml")})
    for size, viewport in (("1280x800", {"width": 1280, "height": 800}), ("390x844", PHONE)):
        context = browser.new_context(viewport=viewport, locale="nl-NL")
        try:
            page = context.new_page()
            _open(page, f"{base}/upload", "Upload")
            switch = page.get_by_role("button", name="Demomodus: geen inlog · rol: beheerder")
            expect(switch).to_be_in_viewport()  # above the page, also on a phone (its sidebar is folded away)
            switch.click()
            popover = page.get_by_test_id("stPopoverBody")
            popover.get_by_role("combobox", name="Rol (demo)").click()
            page.get_by_role("option", name="projectleider", exact=True).click()
            expect(popover.get_by_role("combobox", name="Deelproject (demo)")).to_be_visible(timeout=30_000)
            expect(page.get_by_text("U legt maandrapportages vast voor ALM", exact=False)).to_be_visible(
                timeout=30_000)
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / f"demomodus-{size}.png"))
            if size == "1280x800":
                assert "Verkenner" not in _nav(page) and "Upload" in _nav(page)
        finally:
            context.close()
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_db, db)
    assert commit_upload(plan_file(tmp_path), "Anna Analist", tmp_path / "uploads", db).outcome == "committed"
    refused = start_app(db, tmp_path / "uploads", env={ACCESS_ENV: str(tmp_path / "geen.toml")})
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    try:
        page = context.new_page()
        _open(page, f"{refused}/deelprojecten", "Demomodus uitgeschakeld")
        expect(page.get_by_text("bevat echte uploads (1)", exact=False)).to_be_visible()
        expect(page.locator(NAV)).to_have_count(0)
        page.screenshot(path=str(ARTIFACTS / "demomodus-uitgeschakeld-1280x800.png"))
    finally:
        context.close()


@pytest.mark.browser
def test_the_approval_flow_in_chromium_changes_the_steering_groups_view_only_on_approval(browser, login_app,  # noqa: F811
                                                                                        tmp_path):
    """Lead uploads, analyst returns it with a reason, lead sees the reason and corrects, analyst approves: only then
    does the steering group see the report (issue 11 part 4), each logged in through the OpenID Connect provider."""
    from playwright.sync_api import expect

    from tests.crash_harness import correction

    base, uploads = login_app
    pages = {who: _login(browser, base, who, "Overzicht") for who in ("projectleider", "analist", "stuurgroep")}
    lead, analyst, reader = pages["projectleider"], pages["analist"], pages["stuurgroep"]

    def upload(number: int) -> None:
        _open(lead, f"{base}/upload", "Upload")
        lead.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
            str(correction(uploads, tmp_path, number)))
        expect(lead.get_by_text("is goedgekeurd door de controles", exact=False)).to_be_visible(timeout=60_000)
        lead.get_by_role("button", name="Vastleggen").click()
        expect(lead.get_by_text("Status: ingediend, nog niet goedgekeurd", exact=False)).to_be_visible(
            timeout=60_000)

    def review(button: str, reason: str = "") -> None:
        _open(analyst, f"{base}/upload", "Upload")
        newest = kept(uploads)[-1]
        chosen = analyst.get_by_role("combobox", name="Maandrapportage").input_value()
        assert chosen.startswith(f"{newest.file_name} · maandrapportage ALM"), chosen  # the newest waiting first
        if reason:
            analyst.get_by_label("Opmerking (verplicht bij terugsturen", exact=False).fill(reason)
        analyst.get_by_role("button", name=button).click()
        verdict = "teruggestuurd" if button == "Terugsturen" else "goedgekeurd"
        expect(analyst.get_by_text(f"is {verdict}.", exact=False)).to_be_visible(timeout=60_000)

    def steering_group_sees(text: str):
        _open(reader, f"{base}/deelprojecten", "Deelprojecten")
        reader.get_by_text("Hoogtepunten en risico's per maand").click()
        return reader.get_by_text(text, exact=False)

    try:
        upload(71)
        expect(steering_group_sees("Gecorrigeerde versie 71")).to_have_count(0)
        review("Terugsturen", "Vul KPI K2 in voor de laatste maand")
        _open(lead, f"{base}/upload", "Upload")
        returned = lead.locator('[data-testid="stAlert"]').filter(has_text="Teruggestuurd")
        expect(returned.first).to_contain_text("Vul KPI K2 in voor de laatste maand")
        expect(returned.first).to_contain_text("Anna Analist")
        upload(72)
        expect(lead.locator('[data-testid="stAlert"]').filter(has_text="Teruggestuurd")).to_have_count(0,
                                                                                                       timeout=30_000)
        expect(steering_group_sees("Gecorrigeerde versie 72")).to_have_count(0)
        review("Goedkeuren")
        expect(steering_group_sees("Gecorrigeerde versie 72")).to_be_visible()
        for page in pages.values():
            expect(page.locator(EXCEPTION)).to_have_count(0)
    finally:
        for page in pages.values():
            page.context.close()
    trail = [(e["event"], e["by"], e.get("verdict")) for e in audit.entries(uploads) if e["event"] in ("upload",
                                                                                                       "review")]
    assert trail[-4:] == [("upload", PEOPLE["projectleider"]["email"], None),
                          ("review", PEOPLE["analist"]["email"], "teruggestuurd"),
                          ("upload", PEOPLE["projectleider"]["email"], None),
                          ("review", PEOPLE["analist"]["email"], "goedgekeurd")]
