"""Page 'Upload': templates, checking and committing the plan of action and monthly reports, and their history."""

import re
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from ui import format as fmt
from ui.access import guard, refuse
from ui.data import db_version, has_plan, subprojects
from ui.etl_runner import run_etl, uploads_history, uploads_path, uploads_stamp
from ui.layout import demo_banner, show_table, warehouse_ready

grant = guard("upload")  # the role may open this page, else a Dutch refusal

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
HISTORY_ROWS = 25  # the history grows by six reports a month; older ones are found with the filters
TABLE_NL = {"subproject": "deelprojecten", "action": "acties", "milestone": "mijlpalen", "kpi": "KPI's",
            "kpi_target": "doelen", "kpi_value": "KPI-waarden", "report_narrative": "toelichting",
            "milestone_update": "mijlpaal-updates", "action_update": "actie-updates"}

st.title("Upload")
st.caption("Het plan van aanpak en de maandrapportages van de deelprojecten: sjabloon downloaden, controleren, "
           "vastleggen, en elke eerdere upload terugvinden of intrekken.")
if not warehouse_ready():
    st.stop()
demo_banner()
version = db_version()
demo = ["--demo"] if grant.demo else []  # demo mode: demo workbooks and demo uploads only (docs/access.md)


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
        code = st.selectbox("Deelproject", own, key="upload_template_subproject")
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
uploaded = st.file_uploader("Plan van aanpak of maandrapportage (.xlsx)", key="upload_file")
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
        show_table(pd.DataFrame([{"Soort": label, "Blad": i["sheet"] or "–", "Rij": i["row"] or "–",
                                  "Kolom": i["column"] or "–", "Waarde": "–" if i["value"] is None else i["value"],
                                  "Wat te doen": i["message"]} for label, i in issues]))
    if report["changes"]:
        show_table(pd.DataFrame([{"Tabel": TABLE_NL.get(t, t), "Nieuw": c["new"], "Gewijzigd": c["changed"],
                                  "Ongewijzigd": c["unchanged"]} for t, c in report["changes"].items()]),
                   numeric=["Nieuw", "Gewijzigd", "Ongewijzigd"])
    if not report["ok"]:
        errors = fmt.counted(len(report["errors"]), "fout", "fouten")
        st.error(f"{uploaded.name} ({kind}) is afgekeurd met {errors}; er is niets vastgelegd. Verbeter de cellen "
                 "hierboven en upload opnieuw.")
    elif not grant.may_write(report["kind"], report.get("subproject")):  # a lead's scope, known after the check
        scope = ", ".join(sorted(grant.subprojects)) or "geen deelproject"
        what = ("een plan van aanpak" if report["kind"] == "plan"
                else f"een maandrapportage van {report.get('subproject') or 'een onbekend deelproject'}")
        refuse(grant, f"{uploaded.name} is {what}. Als projectleider legt u alleen maandrapportages vast van uw eigen "
               f"deelproject ({scope}); er is niets vastgelegd. Stuur het bestand naar de projectleider van dat "
               "deelproject of naar een analist.", f"upload van {what} ({uploaded.name}) geweigerd", file=uploaded.name,
               kind=report["kind"], subproject=report.get("subproject"), month=report.get("month"))
    else:
        st.success(f"{uploaded.name} ({kind}) is goedgekeurd. Hierboven staat wat er verandert.")
        st.caption(f"Wordt vastgelegd op naam van **{grant.who}**" + (" (demo-upload)." if grant.demo else "."))
        if st.button("Vastleggen", type="primary", key="upload_commit"):
            done = run_etl("upload", str(path), "--json", "--uploader", grant.who, *demo)
            if done.code == 0:
                upload_id = done.json().get("upload_id")
                st.success(f"Vastgelegd als upload {upload_id}. {done.err.strip()}".strip())
                st.cache_data.clear()
            else:
                st.error(done.err.strip() or "Vastleggen is niet gelukt; er is niets veranderd.")

st.subheader("3. Geschiedenis")
# A lead's history holds their own subprojects' reports only.
records = [r for r in uploads_history(uploads_stamp()) if grant.sees_upload(r["kind"], r["subproject"])]
if not records:
    st.info("Er zijn nog geen uploads." if grant.covers(None) else
            f"Er zijn nog geen uploads voor {', '.join(sorted(grant.subprojects)) or 'uw deelproject'}.")
else:
    status_nl = {"active": "actief", "superseded": "vervangen", "withdrawn": "ingetrokken", "rejected": "afgewezen"}
    newest_first = list(reversed(records))
    kinds = ["alle", *(["plan van aanpak"] if grant.sees_upload("plan", None) else []),
             *sorted({r["subproject"] for r in records if r["subproject"]})]
    left, right = st.columns(2)
    kind = left.selectbox("Soort of deelproject", kinds, key="upload_history_kind")
    status = right.selectbox("Status", ["alle", *status_nl.values()], key="upload_history_status")
    shown = [r for r in newest_first
             if (kind == "alle" or (kind == "plan van aanpak" and r["kind"] == "plan") or r["subproject"] == kind)
             and (status == "alle" or status_nl.get(r["status"], r["status"]) == status)]
    if not shown:
        st.info("Geen uploads met deze soort en status.")
        st.stop()
    show_table(pd.DataFrame([{
        "Upload": r["upload_id"], "Wanneer": fmt.moment(r["uploaded_at"]),
        "Door": r["uploaded_by"],
        "Soort": "plan van aanpak" if r["kind"] == "plan"
        else f"maandrapportage {r['subproject']} {fmt.period_label(r['month'])}",
        "Bestand": r["file_name"], "Status": status_nl.get(r["status"], r["status"]),
        "Rijen": sum(r["rows"].values())} for r in shown[:HISTORY_ROWS]]), numeric=["Rijen"])
    if len(shown) > HISTORY_ROWS:
        st.caption(f"De nieuwste {HISTORY_ROWS} van {len(shown)} uploads; kies een soort of status om verder terug "
                   "te zoeken.")
    else:
        st.caption(f"{fmt.counted(len(shown), 'upload', 'uploads')}.")
    chosen = st.selectbox("Upload", [r["upload_id"] for r in shown], key="upload_history_choice",
                          format_func=lambda i: next(f"{r['file_name']} ({i})" for r in shown if r["upload_id"] == i))
    record = next(r for r in records if r["upload_id"] == chosen)
    original = uploads_path() / record["upload_id"] / record["file_name"]
    if original.exists():
        st.download_button("Download het origineel", original.read_bytes(), record["file_name"], XLSX,
                           key="upload_download_original")
    if record["status"] != "withdrawn":
        sure = st.checkbox("Ik wil deze upload intrekken; de cijfers worden weer zoals ervoor.", key="upload_sure")
        if st.button("Intrekken", disabled=not sure, key="upload_withdraw"):
            if not grant.may_write(record["kind"], record["subproject"]):  # checked again: never only hidden
                refuse(grant, f"U kunt upload {chosen} niet intrekken: als projectleider trekt u alleen "
                       "maandrapportages van uw eigen deelproject in; er is niets veranderd.",
                       f"intrekken van upload {chosen} geweigerd", upload_id=chosen, subproject=record["subproject"])
                st.stop()
            done = run_etl("withdraw", chosen, "--by", grant.who, *demo)
            if done.code == 0:
                st.success(done.out.strip())
                st.cache_data.clear()
            else:
                st.error(done.err.strip())
