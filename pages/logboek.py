"""Page 'Logboek': the audit trail (warehouse/audit.py) for beheerders: who did what, when and from where."""

from datetime import date, datetime

import pandas as pd
import streamlit as st

from ui import format as fmt
from ui.access import guard
from ui.etl_runner import uploads_path
from ui.export import csv_bytes
from ui.layout import demo_banner, show_table, warehouse_ready
from warehouse import audit

guard("logboek")  # beheerders only, else a Dutch refusal

SHOWN = 200  # rows on screen; the CSV holds every row the filters keep
STANDARD = {"at", "event", "by", "role", "source", "address", "what"}  # the rest of a line goes under 'Details'
SOURCES = {"app": "app", "cli": "opdrachtregel"}
DETAILS = {"reason": "reden", "period": "kwartaal", "upload_id": "upload-id", "file": "bestand", "kind": "soort",
           "subproject": "deelproject", "month": "maand", "verdict": "oordeel", "page": "pagina", "errors": "fouten",
           "name": "naam", "forwarded_for": "doorgestuurd voor", "duplicate": "al eerder vastgelegd"}
KINDS = {"monthly": "maandrapportage", "plan": "plan van aanpak"}

st.title("Logboek")
st.caption("Wie deed wat, wanneer en waarvandaan: inloggen, uploads (vastgelegd of afgekeurd), beoordelingen, "
           "intrekkingen, vergrendelingen en geweigerde acties, uit de app en van de opdrachtregel. Het logboek wordt "
           "alleen aangevuld, nooit gewijzigd, en staat bij de bewaarde uploads (ook in elke reservekopie).")
if not warehouse_ready():
    st.stop()
demo_banner()  # the trail itself is never demo data: demo mode records nothing

entries = audit.entries(uploads_path())
if not entries:
    st.info("Het logboek is nog leeg: er is nog niemand ingelogd en er is nog niets vastgelegd.")
    st.stop()


def local_day(at: str) -> date:
    """The Dutch calendar day of a UTC time in the log."""
    return datetime.fromisoformat(at).astimezone(fmt.AMSTERDAM).date()


def details(entry: dict) -> str:
    """The line's own fields (file, upload, period, reason, …) as 'naam: waarde; …'."""
    return "; ".join(f"{DETAILS.get(k, k)}: {_word(k, v)}" for k, v in entry.items()
                     if k not in STANDARD and v not in (None, ""))


def _word(key: str, value: object) -> object:
    """A detail's value in Dutch: kinds by name, yes/no for flags."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return KINDS.get(value, value) if key == "kind" else value


rows = pd.DataFrame({
    "Wanneer": [fmt.moment(e["at"]) for e in entries], "dag": [local_day(e["at"]) for e in entries],
    "Wie": [e.get("by") or "onbekend" for e in entries], "Rol": [e.get("role") or "–" for e in entries],
    "Soort": [audit.EVENTS.get(e["event"], e["event"]) for e in entries], "Wat": [e.get("what", "") for e in entries],
    "Bron": [SOURCES.get(e.get("source"), e.get("source") or "–") for e in entries],
    "Adres": [e.get("address") or "–" for e in entries], "Details": [details(e) for e in entries],
}).iloc[::-1]  # newest first

who_col, kind_col, when_col = st.columns(3)
who = who_col.multiselect("Wie", sorted(rows["Wie"].unique()), key="logboek_wie", placeholder="iedereen",
                         select_all=False)
kinds = kind_col.multiselect("Soort", [k for k in audit.EVENTS.values() if k in set(rows["Soort"])],
                             key="logboek_soort", placeholder="alle soorten", select_all=False)
first, last = rows["dag"].min(), rows["dag"].max()
period = when_col.date_input("Periode", value=(first, last), min_value=first, max_value=last, format="DD-MM-YYYY",
                             key="logboek_periode")
start, end = (period[0], period[-1]) if period else (first, last)  # one day picked so far: that day
kept = rows[(rows["dag"] >= start) & (rows["dag"] <= end)
            & (rows["Wie"].isin(who) if who else True) & (rows["Soort"].isin(kinds) if kinds else True)]
kept = kept.drop(columns="dag")

if kept.empty:
    st.info("Geen regels met deze filters.")
    st.stop()
show_table(kept.head(SHOWN))
st.caption(f"{fmt.counted(len(kept), 'regel', 'regels')} van {fmt.number(len(rows))}"
           + (f"; hier de nieuwste {SHOWN}, het CSV-bestand heeft ze allemaal." if len(kept) > SHOWN else ".")
           + " Tijden in Nederlandse tijd.")
st.download_button("Download als CSV (Excel)", csv_bytes(kept),
                   f"logboek-{start:%Y%m%d}-{end:%Y%m%d}.csv", "text/csv", icon=":material/download:",
                   key="logboek_csv")
