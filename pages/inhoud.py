"""Page 'Inhoud van de warehouse': which data the warehouse holds, from which source, for which period."""

import pandas as pd
import streamlit as st

from ui import format as fmt
from ui.access import guard
from ui.data import db_version, indicator_overview, sources, table_inventory
from ui.layout import demo_banner, show_table, source_count, warehouse_ready

guard("inhoud")  # the role may open this page, else a Dutch refusal

st.title("Inhoud van het datawarehouse")
st.caption(
    "Welke gegevens de monitor nu bevat: per tabel wat één rij is, hoeveel rijen er zijn, uit welke bron, "
    "over welke periode, en of het echte of demodata zijn."
)
if not warehouse_ready():
    st.stop()
demo_banner()
version = db_version()

tables = table_inventory(version)
facts = tables[tables["name"].str.startswith("fact_")]
left, middle, right = st.columns(3)
left.metric("Tabellen", fmt.number(len(tables)))
middle.metric("Rijen met feiten", fmt.number(int(facts["rows"].sum())))
files = sources(version)
right.metric("Bronnen", fmt.number(source_count(files)),
             help="Eén bron is één dataset van een uitgever (zoals DUO, Examenkandidaten en geslaagden vo), net als "
                  "bij 'Actualiteit van de bronnen' op Overzicht; de lijst staat onder 'Bronnen en bestanden'.")

st.subheader("Tabellen")
shown = pd.DataFrame(
    {
        "Tabel": tables["name"],
        "Eén rij is": tables["grain"].str.removeprefix("één rij per ").str.rstrip("."),
        "Rijen": tables["rows"].map(fmt.number),
        "Bron": tables["sources"].replace("", "referentie / metadata"),
        "Periode": [
            f"{a} t/m {b}" if pd.notna(a) else "–"
            for a, b in zip(tables["period_from"], tables["period_to"], strict=True)
        ],
        "Gegevens": tables["is_demo"].map({True: "Demodata", False: "Echt"}).fillna("–"),
    }
)
show_table(shown, numeric=["Rijen"])

st.subheader("Bronnen en bestanden")
for _, group in files.groupby("source_id", sort=True):
    first = group.iloc[0]
    label = "Demodata" if first["is_demo"] else "Echte data"
    st.markdown(f"**{first['publisher']} — {first['title']}** · {label} · licentie {first['licence']} · "
                f"[bronpagina]({first['url']})")
    show_table(
        pd.DataFrame(
            {
                "Bestand": group["path"],
                "Opgehaald": group["retrieved_at"].fillna("gegenereerd (demo)" if first["is_demo"] else "onbekend"),
                "Regels": group["data_rows"].map(fmt.number),
                "sha256": group["sha256"].str[:12] + "…",
            }
        ),
        numeric=["Regels"],
    )

st.subheader("Indicatoren, laatste periode")
overview = indicator_overview(version)
if overview.empty:
    st.info("Er zijn nog geen indicatoren te berekenen: laad eerst bronnen met `python -m etl fetch` of maak demodata.")
else:
    show_table(overview)
    st.caption("Aantallen met onderdrukte cellen ('<5') staan met hun marge; aandelen met hun onder- en bovengrens.")
