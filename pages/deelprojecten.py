"""Page 'Deelprojecten': per subproject its actions, milestones, KPIs against targets, reports and narrative."""

from datetime import date

import pandas as pd
import streamlit as st

from ui import charts, draw
from ui import format as fmt
from ui.access import guard, reports_filter, reports_label
from ui.data import db_version, effect_analysis, has_plan, report_months, subproject_detail, subprojects
from ui.layout import CHOOSE_ONE, demo_banner, programme_caption, show_table, warehouse_ready
from warehouse.catalog import CATALOGUE
from warehouse.effects.subproject import first_school_year
from warehouse.effects.verdict import verdict
from warehouse.programme import period_totals

grant = guard("deelprojecten")  # the role may open this page, else a Dutch refusal

st.title("Deelprojecten")
st.caption("Voortgang van de zes deelprojecten: acties, mijlpalen, KPI's tegen hun doelen en de maandrapportages.")
if not warehouse_ready():
    st.stop()
demo_banner()
version = db_version()
reports = reports_filter(grant)  # approved reports only, unless the analyst includes the others
if not has_plan(version):
    st.info("Er is nog geen plan van aanpak geüpload. Download het sjabloon en upload het plan op de pagina "
            "Upload, of met `python -m etl upload PLAN.xlsx`.")
    st.stop()

projects = subprojects(version)
labels = dict(zip(projects["subproject_code"], projects["name"] + " (" + projects["municipality"].fillna("") + ")",
                  strict=True))
code = st.selectbox("Deelproject", list(labels), format_func=labels.get, key="deelprojecten_subproject",
                    **CHOOSE_ONE)
project = projects.set_index("subproject_code").loc[code]
today = date.today()
detail = subproject_detail(version, code, today, reports)
st.markdown(f"**{project['name']}** · gemeente {project['municipality']} · TechNet-kring "
            f"{project['technet_circle'] or '–'} · penvoerder {project['lead_organisation'] or '–'} · looptijd "
            f"{fmt.month(project['start_date'])} t/m {fmt.month(project['end_date'])}")

st.subheader("KPI's tegen hun doel")
progress = detail["progress"]
if progress.empty:
    st.info("Dit deelproject heeft nog geen KPI-doelen in het plan van aanpak.")
else:
    # Status right after the name: on a phone the table is cut off on the right, and the status must stay in view.
    show_table(pd.DataFrame({
        "KPI": progress["name"], "Status": progress["status"], "Voortgang": progress["ratio"].map(fmt.percent),
        "Doelperiode": progress["target_period"].map(fmt.period_label),
        **{column: [fmt.kpi_value(v, u) for v, u in zip(progress[field], progress["unit"], strict=True)]
           for column, field in (("Doel", "target"), ("Verwacht nu", "expected"), ("Gerealiseerd", "actual"))}}),
        numeric=["Voortgang", "Doel", "Verwacht nu", "Gerealiseerd"])
    st.caption("Status: 'op koers' vanaf 90% van wat volgens het doelpad nu bereikt moet zijn, 'let op' vanaf 70%, "
               "anders 'achter'. Het doelpad loopt recht van de nulmeting (bij een lopend totaal: het vorige doel) "
               "naar het doel aan het eind van de periode; 'nu' is het eind van de vorige maand. Een KPI die per "
               "periode telt (zoals bezoeken per kwartaal) telt de maanden van de lopende periode op.")
    values, targets = detail["values"], detail["targets"]
    for kpi in progress.itertuples(index=False):
        kpi_values = values[values["kpi_code"] == kpi.kpi_code]
        kpi_targets = targets[targets["kpi_code"] == kpi.kpi_code]
        if kpi_values.empty:
            continue
        if kpi_values["accumulation"].iloc[0] == "cumulatief":
            draw.chart(charts.kpi_path, kpi_values, kpi_targets, kpi.unit, kpi.name)
        else:  # counted per period: the period's sum against its target, as the status compares them
            totals = period_totals(kpi_values, kpi_targets, today)
            draw.chart(charts.kpi_periods, totals, kpi.unit, kpi.name, kpi.expected, kpi.target_period)
    st.caption(programme_caption())

st.subheader("Mijlpalen")
summary = detail["milestone_summary"]
st.markdown(f"{summary['behaald']} behaald · {summary['te laat']} te laat · {summary['binnenkort']} binnen drie "
            "maanden")
if len(detail["milestones"]):
    draw.chart(charts.milestone_timeline, detail["milestones"], today.isoformat())
    st.caption("Stippellijn: vandaag. Een open mijlpaal na zijn deadline telt als 'te laat'. " + programme_caption())

st.subheader("Acties")
actions = detail["actions"]
show_table(pd.DataFrame({  # the status early: on a phone the right of a table is cut off
    "Code": actions["action_code"], "Actie": actions["description"], "Status": actions["status"],
    "Eigenaar": actions["owner"].fillna("–"),
    "Gepland": [f"{fmt.month(s)} – {fmt.month(e)}" if pd.notna(s) and pd.notna(e) else "–"
                for s, e in zip(actions["planned_start"], actions["planned_end"], strict=True)],
    "Laatst gemeld": actions["reported_in"].map(lambda m: fmt.period_label(m) if isinstance(m, str) else "–")}))

st.subheader("Maandrapportages")
first = f"{pd.Timestamp(project['start_date']):%Y-%m}"
last = f"{min(pd.Timestamp(today), pd.Timestamp(project['end_date'])) - pd.DateOffset(months=1):%Y-%m}"
months = report_months(version, code, first, last) if first <= last else pd.DataFrame()
if months.empty:
    st.info("Nog geen verslagmaanden voor dit deelproject.")
else:
    # The review decides what a handed-in month shows; a month without a report that counts shows why.
    strip = months.assign(status=[review if review in ("goedgekeurd", "teruggestuurd") else status
                                  for status, review in zip(months["status"], months["review"], strict=True)])
    draw.chart(charts.report_strip, strip.tail(24))
    missing = months[months["status"] == "ontbreekt"]["month"]
    if f"{pd.Timestamp(today) - pd.DateOffset(months=1):%Y-%m}" in set(missing):
        st.warning("De maandrapportage van vorige maand ontbreekt.")
    st.caption("● goedgekeurd · ■ ingediend, nog niet beoordeeld · ◆ gecorrigeerd (een latere upload verving de "
               "eerste; nog niet beoordeeld) · ▼ teruggestuurd naar de projectleider · — ingetrokken · ✕ ontbreekt. "
               "Laatste 24 maanden. " + reports_label(reports) + " " + programme_caption())

st.subheader("Van acties naar effect")
acts, outputs, outcome = st.columns(3)
with acts:
    st.markdown("**Acties**")
    for status, count in detail["actions"]["status"].value_counts().items():
        st.markdown(f"- {status}: {count}")
with outputs:
    st.markdown("**Output (KPI's)**")
    for kpi in detail["progress"].itertuples(index=False):
        st.markdown(f"- {kpi.name}: {kpi.status}")
with outcome:
    st.markdown("**Uitkomst (effect)**")
    linked = [i for i in detail["outcomes"] if i in CATALOGUE] or ["vmbo_tech_share"]
    first_year = first_school_year(pd.Timestamp(project["start_date"]).date())
    result, _, error = effect_analysis(version, linked[0], project["municipality_code"], first_year, 40)
    estimate = (result or {}).get("did")
    if error or not estimate:
        st.caption(error or "Nog geen effectschatting mogelijk.")
    else:
        st.markdown(f"{CATALOGUE[linked[0]].name}: "
                    + verdict(estimate["estimate"], estimate["ci"][0], estimate["ci"][1]).split(":")[0] + ".")
        st.caption(f"Verschil-in-verschillen vanaf schooljaar {first_year}/{(first_year + 1) % 100:02d}; "
                   "details en kanttekeningen op de pagina Effecten.")

with st.expander("Hoogtepunten en risico's per maand"):
    for _, row in detail["narratives"].iterrows():
        st.markdown(f"**{fmt.period_label(row['month'])}** — Hoogtepunten: {row['highlights'] or '–'}  \n"
                    f"Risico's: {row['risks'] or '–'}")
