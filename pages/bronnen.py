"""Page 'Bronnen & definities': every indicator and source with definition, formula, period, status, freshness."""

import streamlit as st

from ui.data import db_version, sources
from ui.layout import demo_banner, show_table, warehouse_ready
from warehouse.catalog import CATALOGUE

st.title("Bronnen & definities")
st.caption("Wat elke indicator meet, hoe hij berekend wordt en uit welke bron hij komt.")
if not warehouse_ready():
    st.stop()
demo_banner()
files = sources(db_version())
loaded = set(files["source_id"])

st.subheader("Indicatoren")
for indicator in CATALOGUE.values():
    state = "in het datawarehouse" if loaded & set(indicator.sources) else "bron nog niet geladen"
    with st.expander(f"{indicator.name} (`{indicator.id}`) — {state}"):
        st.markdown(f"**Definitie.** {indicator.definition}\n\n**Formule.** {indicator.formula}\n\n"
                    f"**Eenheid.** {indicator.unit} · **Korrel.** {indicator.grain} · "
                    f"**Periode.** {indicator.period_type}")
        for caveat in indicator.caveats:
            st.markdown(f"- {caveat}")

st.subheader("Bronnen")
for _, group in files.groupby("source_id", sort=True):
    first = group.iloc[0]
    label = "Demodata" if first["is_demo"] else "Echte data"
    st.markdown(f"**{first['publisher']} — {first['title']}** · {label} · licentie {first['licence']} · "
                f"[bronpagina]({first['url']})")
    show_table(group.assign(opgehaald=group["retrieved_at"].fillna("gegenereerd (demo)" if first["is_demo"]
                                                                   else "onbekend"))
               [["path", "opgehaald"]].rename(columns={"path": "Bestand", "opgehaald": "Opgehaald"}))
