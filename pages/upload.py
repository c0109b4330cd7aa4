"""Page 'Upload': templates, checking and committing the plan of action and monthly reports, their review, their
history, and the period locks."""

import re
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from ui import format as fmt
from ui.access import audit_context, guard, refuse, refused_upload
from ui.data import db_version, has_plan, period_locks, subprojects
from ui.etl_runner import run_etl, uploads_history, uploads_path, uploads_stamp
from ui.layout import CHOOSE_ONE, demo_banner, show_table, warehouse_ready
from warehouse.uploads import MAX_UPLOAD_BYTES, original_path

grant = guard("upload")  # the role may open this page, else a Dutch refusal

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
HISTORY_ROWS = 25  # the history grows by six reports a month; older ones are found with the filters
QUARTER = re.compile(r"\d{4}-Q[1-4]")
STATUS_NL = {"active": "actief", "superseded": "vervangen", "withdrawn": "ingetrokken", "rejected": "afgewezen"}
# Streamlit's file uploader speaks English ("Upload", "200MB per file") and cannot be translated: its texts are
# replaced here with Dutch ones, with the limit the checks apply (warehouse/uploads.py); the caption under it says it
# again for screen readers.
LIMIT_MB = MAX_UPLOAD_BYTES // (1024 * 1024)
UPLOADER_CSS = f"""<style>
.st-key-upload_file [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{
  font-size: 0; }}
.st-key-upload_file [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
  content: "Bestand kiezen"; font-size: 0.875rem; }}
.st-key-upload_file [data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
.st-key-upload_file [data-testid="stFileUploaderDropzoneInstructions"] span::after {{
  content: "of sleep het hierheen · Excel (.xlsx), hoogstens {LIMIT_MB} MB"; font-size: 0.875rem; }}
</style>"""
TABLE_NL = {"subproject": "deelprojecten", "action": "acties", "milestone": "mijlpalen", "kpi": "KPI's",
            "kpi_target": "doelen", "kpi_value": "KPI-waarden", "report_narrative": "toelichting",
            "milestone_update": "mijlpaal-updates", "action_update": "actie-updates",
            "field_signal": "signalen"}

st.title("Upload")
st.caption("Het plan van aanpak en de maandrapportages van de deelprojecten: sjabloon downloaden, controleren, "
           "vastleggen, en elke eerdere upload terugvinden of intrekken.")
if not warehouse_ready():
    st.stop()
demo_banner()
version = db_version()
demo = ["--demo"] if grant.demo else []  # demo mode: demo workbooks and demo uploads only (docs/access.md)
acting = audit_context(grant)  # who is acting, for the audit line each command writes
records = [r for r in uploads_history(uploads_stamp()) if grant.sees_upload(r["kind"], r["subproject"])]
names = dict(zip(subprojects(version)["subproject_code"], subprojects(version)["name"], strict=True)) \
    if has_plan(version) else {}


def label(record: dict) -> str:
    """What a person calls an upload: 'maandrapportage ALM (Almere Techniek) mrt 2026' or 'plan van aanpak'."""
    if record["kind"] == "plan":
        return "plan van aanpak"
    code = record["subproject"]
    name = f" ({names[code]})" if code in names else ""
    return f"maandrapportage {code}{name} {fmt.period_label(record['month'])}"


def described(record: dict) -> str:
    """An upload in a list to choose from: file, what it is, and when it came in."""
    return f"{record['file_name']} · {label(record)} · {fmt.moment(record['uploaded_at'])}"


def operator_id(record: dict) -> None:
    """The upload's id in small print, for whoever works with the command line."""
    st.caption(f"Voor de beheerder (opdrachtregel): upload-id `{record['upload_id']}`")


def run(*args: str) -> bool:
    """Run a command that writes; show its Dutch outcome; True when it succeeded."""
    done = run_etl(*args, *demo, audit=acting)
    if done.code == 0:
        st.success(done.out.strip())
        if done.err.strip():
            st.warning(done.err.strip())
        st.cache_data.clear()
        return True
    st.error(done.err.strip().removeprefix("FOUT: ") or "Het is niet gelukt; er is niets veranderd.")
    return False


# A lead sees at once which of their reports an analyst sent back, and why.
for r in records:
    if r["status"] == "active" and r["review"] == "teruggestuurd":
        st.warning(f"**Teruggestuurd:** {label(r)} ({r['file_name']}), door {r['reviewed_by']} op "
                   f"{fmt.moment(r['reviewed_at'])}: \u201c{r['review_comment']}\u201d  \nVerbeter de rapportage en "
                   "upload de gecorrigeerde versie hieronder; die vervangt deze.", icon=":material/undo:")


@st.cache_data(show_spinner="Sjabloon maken…")
def template(kind: str, subproject: str | None, month: str | None, _version: tuple[str, float],
             marked: bool = False) -> bytes | None:
    """The Excel template's bytes, made by `python -m etl template` (cached per warehouse version); `marked`: with the
    demo mark, for demo mode."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"{kind}.xlsx"
        args = ["template", kind, "-o", str(target), *(["--demo"] if marked else [])]
        if subproject and month:
            args += ["--subproject", subproject, "--month", month]
        result = run_etl(*args, uploads=False)
        return target.read_bytes() if result.code == 0 else None


st.subheader("1. Sjabloon")
# The templates are made when a button is clicked, not on every page load: each one is a `python -m etl template`.
left, right = st.columns(2)
with left:
    if grant.may_write("plan", None):
        st.download_button("Sjabloon plan van aanpak", lambda: template("plan", None, None, version, grant.demo) or b"",
                           "plan-van-aanpak.xlsx", XLSX, key="upload_template_plan")
    else:
        st.caption(f"U legt maandrapportages vast voor {', '.join(sorted(grant.subprojects)) or 'geen deelproject'}; "
                   "het plan van aanpak legt een analist vast.")
with right:
    own = [c for c in subprojects(version)["subproject_code"] if grant.covers(c)] if has_plan(version) else []
    if own:
        code = st.selectbox("Deelproject", own, key="upload_template_subproject",
                            format_func=lambda k: f"{names[k]} ({k})" if k in names else k, **CHOOSE_ONE)
        last_month = (pd.Timestamp(date.today()) - pd.DateOffset(months=1)).strftime("%Y-%m")
        month = st.text_input("Verslagmaand (JJJJ-MM)", value=last_month, key="upload_template_month").strip()
        if MONTH.fullmatch(month):
            st.download_button("Sjabloon maandrapportage",
                               lambda: template("monthly", code, month, version, grant.demo) or b"",
                               f"maandrapportage-{code}-{month}.xlsx", XLSX, key="upload_template_monthly")
        else:
            st.warning("Geen sjabloon: vul de verslagmaand in als JJJJ-MM, bijvoorbeeld 2026-10.")
    elif has_plan(version):
        st.info(f"Uw deelproject ({', '.join(sorted(grant.subprojects)) or 'geen'}) staat niet in het plan van aanpak; "
                "vraag een analist het plan bij te werken.")
    else:
        st.info("Het sjabloon voor een maandrapportage komt beschikbaar zodra het plan van aanpak is geüpload.")

st.subheader("2. Controleren en vastleggen")
st.html(UPLOADER_CSS)
uploaded = st.file_uploader("Plan van aanpak of maandrapportage (.xlsx)", key="upload_file")
st.caption(f"Kies het Excel-bestand (.xlsx) of sleep het hierheen. Eén bestand tegelijk, hoogstens {LIMIT_MB} MB (een "
           "groter bestand wordt bij de controle geweigerd); een ingevuld sjabloon is veel kleiner.")
if uploaded is not None:
    folder = Path(tempfile.mkdtemp(prefix="upload-"))
    path = folder / Path(uploaded.name).name
    path.write_bytes(uploaded.getvalue())
    check = run_etl("upload", str(path), "--dry-run", "--json", *demo)
    try:
        report = check.json()
    except ValueError:
        st.error(f"Het bestand kon niet worden gecontroleerd: {check.err.strip()}")
        st.stop()
    kind = {"plan": "plan van aanpak", "monthly": "maandrapportage"}.get(report["kind"], "onbekend bestand")
    issues = [("Fout", i) for i in report["errors"]] + [("Waarschuwing", i) for i in report["warnings"]]
    if issues:
        show_table(pd.DataFrame([{"Soort": level, "Blad": i["sheet"] or "–", "Rij": i["row"] or "–",
                                  "Kolom": i["column"] or "–", "Waarde": "–" if i["value"] is None else i["value"],
                                  "Wat te doen": i["message"]} for level, i in issues]))
    if report["changes"]:
        show_table(pd.DataFrame([{"Tabel": TABLE_NL.get(t, t), "Nieuw": c["new"], "Gewijzigd": c["changed"],
                                  "Ongewijzigd": c["unchanged"]} for t, c in report["changes"].items()]),
                   numeric=["Nieuw", "Gewijzigd", "Ongewijzigd"])
    if not report["ok"]:
        errors = fmt.counted(len(report["errors"]), "fout", "fouten")
        st.error(f"{uploaded.name} ({kind}) is afgekeurd met {errors}; er is niets vastgelegd. Verbeter wat hierboven "
                 "staat en upload opnieuw.")
        first = report["errors"][0]["message"] if report["errors"] else ""
        refused_upload(grant, f"{kind} {uploaded.name} afgekeurd: {first}", file=uploaded.name, kind=report["kind"],
                       subproject=report.get("subproject"), month=report.get("month"), errors=len(report["errors"]))
    elif not grant.may_write(report["kind"], report.get("subproject")):  # a lead's scope, known after the check
        scope = ", ".join(sorted(grant.subprojects)) or "geen deelproject"
        what = ("een plan van aanpak" if report["kind"] == "plan"
                else f"een maandrapportage van {report.get('subproject') or 'een onbekend deelproject'}")
        refuse(grant, f"{uploaded.name} is {what}. Als projectleider legt u alleen maandrapportages vast van uw eigen "
               f"deelproject ({scope}); er is niets vastgelegd. Stuur het bestand naar de projectleider van dat "
               "deelproject of naar een analist.", f"upload van {what} ({uploaded.name}) geweigerd", file=uploaded.name,
               kind=report["kind"], subproject=report.get("subproject"), month=report.get("month"))
    else:
        st.success(f"{uploaded.name} ({kind}) is goedgekeurd door de controles. Hierboven staat wat er verandert.")
        st.caption(f"Wordt vastgelegd op naam van **{grant.who}**" + (" (demo-upload)." if grant.demo else ".")
                   + (" Daarna beoordeelt een analist de maandrapportage; tot dan telt hij voor de stuurgroep niet mee."
                      if report["kind"] == "monthly" else ""))
        if st.button("Vastleggen", type="primary", key="upload_commit"):
            done = run_etl("upload", str(path), "--json", "--uploader", grant.who, *demo, audit=acting)
            if done.code == 0:
                result = done.json()
                scope = ("plan van aanpak" if result["kind"] == "plan" else
                         label({"kind": "monthly", "subproject": result["subproject"], "month": result["month"]}))
                st.success(f"Vastgelegd als upload: {uploaded.name} ({scope}). "
                           + ("Status: ingediend, nog niet goedgekeurd." if result["kind"] == "monthly" else ""))
                for note in done.err.strip().splitlines():
                    st.warning(note.removeprefix("LET OP: "))
                operator_id(result)
                st.cache_data.clear()
            else:
                st.error(done.err.strip().removeprefix("FOUT: ") or "Vastleggen is niet gelukt; er is niets veranderd.")

if grant.may_review():
    st.subheader("3. Beoordelen")
    waiting = [r for r in reversed(records) if r["kind"] == "monthly" and r["status"] == "active"
               and r["review"] != "goedgekeurd"]
    if not waiting:
        st.info("Alle maandrapportages die meetellen zijn goedgekeurd.")
    else:
        st.caption(f"{fmt.counted(len(waiting), 'maandrapportage wacht', 'maandrapportages wachten')} op een "
                   "beoordeling. Goedgekeurde rapportages tellen mee in het Overzicht en voor de stuurgroep; een "
                   "teruggestuurde rapportage ziet de projectleider met uw reden op deze pagina.")
        pick = st.selectbox("Maandrapportage", [r["upload_id"] for r in waiting], key="upload_review_choice",
                            format_func=lambda i: next(f"{described(r)} · {r['review']}" for r in waiting
                                                       if r["upload_id"] == i), **CHOOSE_ONE)
        target = next(r for r in waiting if r["upload_id"] == pick)
        original = original_path(uploads_path(), target["upload_id"], target["file_name"])
        if original.exists():
            st.download_button("Download om te beoordelen", original.read_bytes(), target["file_name"], XLSX,
                               key=f"upload_review_download_{pick}")
        reason = st.text_area("Opmerking (verplicht bij terugsturen: wat moet de projectleider verbeteren?)",
                              key=f"upload_review_reason_{pick}")
        approve, send_back = st.columns(2)
        if approve.button("Goedkeuren", type="primary", icon=":material/check_circle:", key=f"upload_approve_{pick}"):
            run("review", pick, "--approve", "--comment", reason, "--by", grant.who)
        if send_back.button("Terugsturen", icon=":material/undo:", key=f"upload_return_{pick}"):
            if not reason.strip():
                st.error("Schrijf bij terugsturen de reden op: de projectleider ziet die op deze pagina.")
            else:
                run("review", pick, "--return", reason, "--by", grant.who)
        operator_id(target)

st.subheader("4. Geschiedenis" if grant.may_review() else "3. Geschiedenis")
# A lead's history holds their own subprojects' reports only.
if not records:
    st.info("Er zijn nog geen uploads." if grant.covers(None) else
            f"Er zijn nog geen uploads voor {', '.join(sorted(grant.subprojects)) or 'uw deelproject'}.")
else:
    newest_first = list(reversed(records))
    kinds = ["alle", *(["plan van aanpak"] if grant.sees_upload("plan", None) else []),
             *sorted({r["subproject"] for r in records if r["subproject"]})]
    left, middle, right = st.columns(3)
    kind = left.selectbox("Soort of deelproject", kinds, key="upload_history_kind",
                          format_func=lambda k: f"{names[k]} ({k})" if k in names else k, **CHOOSE_ONE)
    status = middle.selectbox("Status", ["alle", *STATUS_NL.values()], key="upload_history_status", **CHOOSE_ONE)
    review = right.selectbox("Beoordeling", ["alle", "ingediend", "goedgekeurd", "teruggestuurd"],
                             key="upload_history_review", **CHOOSE_ONE)
    shown = [r for r in newest_first
             if (kind == "alle" or (kind == "plan van aanpak" and r["kind"] == "plan") or r["subproject"] == kind)
             and (status == "alle" or STATUS_NL.get(r["status"], r["status"]) == status)
             and (review == "alle" or r["review"] == review)]
    if not shown:
        st.info("Geen uploads met deze soort, status en beoordeling.")
    else:
        show_table(pd.DataFrame([{
            "Bestand": r["file_name"], "Soort": label(r), "Geüpload": fmt.moment(r["uploaded_at"]),
            "Door": r["uploaded_by"], "Status": STATUS_NL.get(r["status"], r["status"]),
            "Beoordeling": (r["review"] or "–") + (f" door {r['reviewed_by']}" if r["reviewed_by"] else ""),
            "Opmerking": r["review_comment"] or "–"} for r in shown[:HISTORY_ROWS]]))
        if len(shown) > HISTORY_ROWS:
            st.caption(f"De nieuwste {HISTORY_ROWS} van {len(shown)} uploads; kies een soort, status of beoordeling "
                       "om verder terug te zoeken.")
        else:
            st.caption(f"{fmt.counted(len(shown), 'upload', 'uploads')}.")
        chosen = st.selectbox("Upload", [r["upload_id"] for r in shown], key="upload_history_choice",
                              format_func=lambda i: next(described(r) for r in shown if r["upload_id"] == i),
                              **CHOOSE_ONE)
        record = next(r for r in records if r["upload_id"] == chosen)
        original = original_path(uploads_path(), record["upload_id"], record["file_name"])
        if original.exists():
            st.download_button("Download het origineel", original.read_bytes(), record["file_name"], XLSX,
                               key="upload_download_original")
        if record["status"] != "withdrawn":
            # The confirmation belongs to this one upload (its key names it): when a live update changes the choice
            # above, the box of the upload now shown is not ticked.
            sure = st.checkbox(f"Ik wil {record['file_name']} ({label(record)}) intrekken; de cijfers worden weer "
                               "zoals ervoor.", key=f"upload_sure_{chosen}")
            if st.button("Intrekken", disabled=not sure, key=f"upload_withdraw_{chosen}"):
                if not grant.may_write(record["kind"], record["subproject"]):  # checked again: never only hidden
                    refuse(grant, f"U kunt {record['file_name']} ({label(record)}) niet intrekken: als projectleider "
                           "trekt u alleen maandrapportages van uw eigen deelproject in; er is niets veranderd.",
                           f"intrekken van upload {chosen} geweigerd", upload_id=chosen,
                           subproject=record["subproject"])
                    st.stop()
                run("withdraw", chosen, "--by", grant.who)
        operator_id(record)

st.subheader("Vergrendelde kwartalen")
current = st.container()  # filled after the forms below, which may have just changed the locks
locks = period_locks(version)
if grant.may_lock():
    lock_tab, unlock_tab = st.tabs(["Vergrendelen", "Ontgrendelen"])
    with lock_tab, st.form("upload_lock", border=False):
        period = st.text_input("Kwartaal (JJJJ-Qn)", placeholder="2026-Q3", key="upload_lock_period").strip()
        why = st.text_input("Reden", placeholder="Vastgesteld door de stuurgroep op 3 oktober", key="upload_lock_why")
        if st.form_submit_button("Vergrendelen", icon=":material/lock:"):
            if not QUARTER.fullmatch(period):
                st.error("Vul het kwartaal in als JJJJ-Qn, bijvoorbeeld 2026-Q3.")
            else:
                run("lock", period, "--reason", why, "--by", grant.who)
    with unlock_tab:
        if locks.empty:
            st.caption("Er is niets te ontgrendelen.")
        else:
            with st.form("upload_unlock", border=False):
                period = st.selectbox("Kwartaal", list(locks["period"]), format_func=fmt.period_label,
                                      key="upload_unlock_period", **CHOOSE_ONE)
                why = st.text_input("Reden", key="upload_unlock_why")
                if st.form_submit_button("Ontgrendelen", icon=":material/lock_open:"):
                    run("unlock", period, "--reason", why, "--by", grant.who)
    locks = period_locks(db_version())  # a lock or unlock above replaced the warehouse
with current:
    if locks.empty:
        st.caption("Er is geen kwartaal vergrendeld.")
    else:
        show_table(pd.DataFrame({
            "Kwartaal": locks["period"].map(fmt.period_label), "Door": locks["locked_by"],
            "Sinds": locks["locked_at"].map(fmt.moment), "Reden": locks["reason"]}))
        st.caption("Uploads, correcties, intrekkingen en beoordelingen van maanden in een vergrendeld kwartaal "
                   "worden geweigerd." + ("" if grant.may_lock() else " Alleen een beheerder kan een kwartaal "
                                          "ontgrendelen."))
