"""Page 'Bronnen & definities': every indicator and source with definition, formula, period, status, freshness."""

from datetime import datetime

import streamlit as st

from ui import format as fmt
from ui.access import guard
from ui.data import db_version, last_refresh, source_ages, sources
from ui.layout import demo_banner, show_table, warehouse_ready
from warehouse.catalog import CATALOGUE

guard("bronnen")  # the role may open this page, else a Dutch refusal

st.title("Bronnen & definities")
st.caption("Wat elke indicator meet, hoe hij berekend wordt en uit welke bron hij komt.")
if not warehouse_ready():
    st.stop()
demo_banner()
files = sources(db_version())
loaded = set(files["source_id"])

# Each outcome has an icon of its own shape and always its words, so it never rests on colour alone.
OUTCOMES = {
    "ok": (st.success, ":material/check_circle:", "Gelukt: elke bron is nagekeken en het datawarehouse is opnieuw "
                                                  "gebouwd"),
    "partial": (st.warning, ":material/warning:", "Gedeeltelijk gelukt: niet elke bron kon worden opgehaald; het "
                                                  "datawarehouse is bijgewerkt met wat er wel was"),
    "failed": (st.error, ":material/cancel:", "Mislukt: het datawarehouse is niet bijgewerkt; het vorige blijft in "
                                              "gebruik"),
}
GROUPS = {"duo": "DUO", "cbs": "CBS", "uwv": "UWV", "geo": "Gemeentegrenzen"}


def plain(text: str) -> str:
    """A message as literal text in Markdown (URLs and file names hold '_', '*' and the like)."""
    return "".join(f"\\{c}" if c in "\\`*_[]<>#|~$" else c for c in text).replace("\n", "  \n")


def age(row, today) -> str:
    """How long ago a source's newest file was retrieved, in days, or why there is no date."""
    if isinstance(row.retrieved_at, str):  # pandas gives NaN, not None, for a source without a date
        fetched = datetime.fromisoformat(row.retrieved_at).astimezone(fmt.AMSTERDAM).date()
        days = (today - fetched).days
        ago = "vandaag" if days <= 0 else "gisteren" if days == 1 else f"{fmt.number(days)} dagen geleden"
        return f"opgehaald {ago} ({fmt.day(fetched)})"
    return "demodata (gegenereerd, niet opgehaald)" if row.is_demo else "handmatig toegevoegd (geen ophaaldatum)"


st.subheader("Laatste verversing")
with st.container(border=True, key="laatste_verversing"):
    refresh = last_refresh()
    if refresh is None:
        st.info("Er is nog geen verversing geweest. `python -m etl refresh` haalt op wat nieuw is, bouwt het "
                "datawarehouse opnieuw en houdt een logboek bij; plan het bijvoorbeeld elke nacht in met een "
                "systemd-timer of cron (zie docs/deploy.md).", icon=":material/schedule:")
    else:
        show, icon, words = OUTCOMES[refresh["outcome"]]
        show(f"**Verversing van {fmt.moment(refresh['finished_at'])}** — {words}.", icon=icon)
        for group in refresh["sources"]:
            for error in group["errors"]:
                st.markdown(f"**{GROUPS.get(group['group'], group['group'])} niet opgehaald:** {plain(error)}")
        if refresh.get("build_error"):
            st.markdown(f"**Bouwen mislukt:** {plain(refresh['build_error'])}")
        new = [f"{group['titles'].get(source, source)}: {', '.join(fmt.period_label(p) for p in periods)}"
               for group in refresh["sources"] for source, periods in group["new_periods"].items()]
        if refresh["outcome"] != "failed":
            st.markdown("**Nieuwe perioden:** " + (plain("; ".join(new)) if new else "geen") + ".")
    ages = source_ages(db_version())
    if ages["is_demo"].any():
        st.caption("Let op: " + ("alle bronnen hieronder zijn" if ages["is_demo"].all() else "een deel van de "
                                 "bronnen hieronder is") + " demodata, gegenereerd en niet opgehaald bij DUO, CBS "
                   "of UWV.")
    today = datetime.now(fmt.AMSTERDAM).date()
    show_table(ages.assign(**{
        "Bron": ages["publisher"] + ", " + ages["title"],
        "Laatste periode": [fmt.period_label(p) if isinstance(p, str) and p else "–" for p in ages["latest_period"]],
        "Actualiteit": [age(row, today) for row in ages.itertuples()],
    })[["Bron", "Laatste periode", "Actualiteit"]])

st.subheader("Indicatoren")
for indicator in CATALOGUE.values():
    state = "in het datawarehouse" if loaded & set(indicator.sources) else "bron nog niet geladen"
    with st.expander(f"{indicator.name} (`{indicator.id}`) — {state}"):
        st.markdown(f"**Definitie.** {indicator.definition}\n\n**Formule.** {indicator.formula}\n\n"
                    f"**Eenheid.** {fmt.UNIT_WORDS.get(indicator.unit, indicator.unit)} · "
                    f"**Korrel.** {indicator.grain} · "
                    f"**Periode.** {fmt.PERIOD_TYPE_WORDS.get(indicator.period_type, indicator.period_type)}")
        for caveat in indicator.caveats:
            st.markdown(f"- {caveat}")

st.subheader("Bronnen")
for _, group in files.groupby("source_id", sort=True):
    first = group.iloc[0]
    label = "Demodata" if first["is_demo"] else "Echte data"
    st.markdown(f"**{first['publisher']} — {first['title']}** · {label} · licentie {first['licence']} · "
                f"[bronpagina]({first['url']})")
    # A file whose periods a newer edition took over says so here, as the build did.
    shown = ["path", "opgehaald", *(["note"] if group["note"].notna().any() else [])]
    show_table(group.assign(opgehaald=group["retrieved_at"].fillna("gegenereerd (demo)" if first["is_demo"]
                                                                   else "onbekend"))
               [shown].rename(columns={"path": "Bestand", "opgehaald": "Opgehaald", "note": "Opmerking"}))
