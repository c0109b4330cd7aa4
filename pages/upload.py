"""Page 'Upload': templates, checking and committing the plan of action and monthly reports, and their history."""

import re
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from ui import format as fmt
from ui.data import db_version, has_plan, subprojects
from ui.etl_runner import run_etl, uploads_history, uploads_path, uploads_stamp
from ui.layout import demo_banner, show_table, warehouse_ready

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


@st.cache_data(show_spinner="Sjabloon maken…")
def template(kind: str, subproject: str | None, month: str | None, _version: tuple[str, float]) -> bytes | None:
    """The Excel template's bytes, made by `python -m etl template` (cached per warehouse version)."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"{kind}.xlsx"
        args = ["template", kind, "-o", str(target)]
        if subproject and month:
            args += ["--subproject", subproject, "--month", month]
        result = run_etl(*args, uploads=False)
        return target.read_bytes() if result.code == 0 else None


st.subheader("1. Sjabloon")
# The templates are made when a button is clicked, not on every page load: each one is a `python -m etl template`.
left, right = st.columns(2)
with left:
    st.download_button("Sjabloon plan van aanpak", lambda: template("plan", None, None, version) or b"",
                       "plan-van-aanpak.xlsx", XLSX, key="upload_template_plan")
with right:
    if has_plan(version):
        projects = subprojects(version)
        code = st.selectbox("Deelproject", projects["subproject_code"], key="upload_template_subproject")
        last_month = (pd.Timestamp(date.today()) - pd.DateOffset(months=1)).strftime("%Y-%m")
        month = st.text_input("Verslagmaand (JJJJ-MM)", value=last_month, key="upload_template_month").strip()
        if MONTH.fullmatch(month):
            st.download_button("Sjabloon maandrapportage", lambda: template("monthly", code, month, version) or b"",
                               f"maandrapportage-{code}-{month}.xlsx", XLSX, key="upload_template_monthly")
        else:
            st.warning("Geen sjabloon: vul de verslagmaand in als JJJJ-MM, bijvoorbeeld 2026-10.")
    else:
        st.info("Het sjabloon voor een maandrapportage komt beschikbaar zodra het plan van aanpak is geüpload.")

st.subheader("2. Controleren en vastleggen")
uploaded = st.file_uploader("Plan van aanpak of maandrapportage (.xlsx)", key="upload_file")
if uploaded is not None:
    folder = Path(tempfile.mkdtemp(prefix="upload-"))
    path = folder / Path(uploaded.name).name
    path.write_bytes(uploaded.getvalue())
    check = run_etl("upload", str(path), "--dry-run", "--json")
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
    else:
        st.success(f"{uploaded.name} ({kind}) is goedgekeurd. Hierboven staat wat er verandert.")
        name = st.text_input("Uw naam", key="upload_name")
        if st.button("Vastleggen", type="primary", disabled=not name.strip(), key="upload_commit"):
            done = run_etl("upload", str(path), "--json", "--uploader", name.strip())
            if done.code == 0:
                upload_id = done.json().get("upload_id")
                st.success(f"Vastgelegd als upload {upload_id}. {done.err.strip()}".strip())
                st.cache_data.clear()
            else:
                st.error(done.err.strip() or "Vastleggen is niet gelukt; er is niets veranderd.")

st.subheader("3. Geschiedenis")
records = uploads_history(uploads_stamp())
if not records:
    st.info("Er zijn nog geen uploads.")
else:
    status_nl = {"active": "actief", "superseded": "vervangen", "withdrawn": "ingetrokken", "rejected": "afgewezen"}
    newest_first = list(reversed(records))
    kinds = ["alle", "plan van aanpak", *sorted({r["subproject"] for r in records if r["subproject"]})]
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
            done = run_etl("withdraw", chosen)
            if done.code == 0:
                st.success(done.out.strip())
                st.cache_data.clear()
            else:
                st.error(done.err.strip())
