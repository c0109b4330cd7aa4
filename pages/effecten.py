"""Page 'Effecten': did a subproject make a difference beyond what would have happened anyway?"""

from datetime import date

import pandas as pd
import streamlit as st

from ui import charts, draw
from ui import format as fmt
from ui.access import guard
from ui.data import citation, db_version, effect_analysis, has_plan, subprojects
from ui.layout import CHOOSE_ONE, demo_banner, show_table, warehouse_ready
from warehouse.catalog import CATALOGUE
from warehouse.effects.subproject import CAVEATS, first_school_year
from warehouse.effects.verdict import verdict

guard("effecten")  # the role may open this page, else a Dutch refusal

OUTCOMES = ["vmbo_tech_share", "havo_vwo_nt_share"]
FLEVOLAND = {"GM0034": "Almere", "GM0995": "Lelystad", "GM0303": "Dronten", "GM0171": "Noordoostpolder",
             "GM0184": "Urk", "GM0050": "Zeewolde"}

st.title("Effecten")
st.caption("Een schatting van het effect van een deelproject op een publieke indicator, tegen vergelijkbare "
           "gemeenten buiten Flevoland. Twee methoden: verschil-in-verschillen en synthetische controle.")
if not warehouse_ready():
    st.stop()
demo_banner()
version = db_version()

starts, projects = {}, {}
if has_plan(version):
    for project in subprojects(version).itertuples(index=False):
        if project.municipality_code not in FLEVOLAND:
            continue
        projects[project.municipality_code] = project.name
        if pd.notna(project.start_date):
            starts[project.municipality_code] = first_school_year(pd.Timestamp(project.start_date).date())
# The outcome on a row of its own: in a third of the page its long name was cut off.
indicator_id = st.selectbox("Uitkomst", [i for i in OUTCOMES if i in CATALOGUE],
                            format_func=lambda i: CATALOGUE[i].name, key="effecten_outcome", **CHOOSE_ONE)
middle, right = st.columns(2)
unit = middle.selectbox("Gemeente van het deelproject", list(FLEVOLAND), key="effecten_unit", **CHOOSE_ONE,
                        format_func=lambda c: f"{FLEVOLAND[c]} — {projects[c]}" if c in projects else FLEVOLAND[c])
start = right.number_input("Eerste schooljaar met het project (beginjaar)", min_value=2000, max_value=date.today().year,
                           value=starts.get(unit, 2021), step=1, key="effecten_start",
                           help="Uit het plan van aanpak waar bekend; pas aan om een andere start te toetsen.")
k = st.slider("Aantal vergelijkingsgemeenten", 20, 80, 40, step=5, key="effecten_k",
              help="De dichtstbijzijnde gemeenten buiten Flevoland naar niveau, trend vóór de start en grootte.")

result, names, error = effect_analysis(version, indicator_id, unit, int(start), k)
if error:
    st.warning(error)
    st.stop()

st.subheader("Uitkomst")
for key, title in (("did", "Verschil-in-verschillen"), ("synth", "Synthetische controle")):
    estimate = result.get(key)
    if estimate and estimate["ci"] is not None:
        st.markdown(f"**{title}.** " + verdict(estimate["estimate"], estimate["ci"][0], estimate["ci"][1],
                                               estimate["placebo_p"]))
rows = []
for key, title in (("did", "Verschil-in-verschillen"), ("synth", "Synthetische controle")):
    estimate = result.get(key)
    if estimate:
        ci = estimate["ci"] or (None, None)
        rows.append({"Methode": title, "Schatting": f"{fmt.number(estimate['estimate'] * 100, 1)} %-punt",
                     "95%-interval": f"{fmt.number(ci[0] * 100, 1)} tot {fmt.number(ci[1] * 100, 1)} %-punt"
                     if ci[0] is not None else "–",
                     "Placebo-p": fmt.number(estimate["placebo_p"], 2) if estimate["placebo_p"] is not None else "–",
                     "Pre-trend-p": fmt.number(estimate["pretrend_p"], 2) if estimate["pretrend_p"] is not None
                     else "–"})
show_table(pd.DataFrame(rows))

synthetic = result.get("synth")
if synthetic and synthetic.get("series"):
    st.subheader("Waargenomen tegen wat zonder project te verwachten was")
    draw.chart(charts.counterfactual, synthetic["series"], int(start), FLEVOLAND[unit])
    cited = citation(version, CATALOGUE[indicator_id].source_id)
    st.caption(f"Bron: {cited}; synthetische controle = gewogen gemiddelde van "
               f"vergelijkingsgemeenten dat vóór de start zo goed mogelijk aansluit (fout vóór de start: "
               f"{fmt.number(synthetic['pre_rmspe'] * 100, 2)} %-punt).")
did_result = result.get("did")
if did_result and did_result.get("event_time"):
    st.subheader("Verschil per jaar rond de start (pre-trend)")
    draw.chart(charts.event_time, did_result["event_time"])
    st.caption("Vóór de start hoort het verschil rond 0 te liggen; anders liep de gemeente al anders dan de "
               "vergelijkingsgroep en is de schatting minder betrouwbaar.")

with st.expander("Vergelijkingsgroep en donorgewichten"):
    if synthetic and synthetic.get("weights"):
        weights = sorted(synthetic["weights"].items(), key=lambda item: -item[1])[:10]
        show_table(pd.DataFrame({"Gemeente": [names.get(u, u) for u, _ in weights],
                                 "Gewicht": [fmt.percent(w) for _, w in weights]}))
    st.markdown(", ".join(f"{names.get(c['unit'], c['unit'])} ({fmt.number(c['distance'], 2)})"
                          for c in result["comparison"]))
    st.caption("Tussen haakjes: de afstand tot de gemeente van het deelproject (gestandaardiseerd niveau, trend "
               "en grootte vóór de start). Zie docs/effects.md voor de methode.")

st.subheader("Kanttekeningen")
for caveat in CAVEATS:
    st.caption(f"• {caveat}")
