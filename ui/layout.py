"""Page elements every page shares: the demo banner and the message for a missing warehouse."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import format as fmt
from ui.data import build_facts, db_path, db_version, programme_provenance


def warehouse_ready() -> bool:
    """Show a Dutch how-to and return False when the warehouse has not been built yet."""
    if db_path().exists():
        return True
    st.warning(
        f"Er is nog geen datawarehouse ({db_path()}). Bouw het met `python -m etl build`, of start de app met "
        "`make run`: die maakt demodata aan als er nog geen ruwe bestanden zijn."
    )
    return False


_PROGRAMME_DEMO = ("Het plan van aanpak en de maandrapportages van de deelprojecten zijn ook gegenereerd "
                   "(demo-uploads, geen echte voortgang).")


def demo_banner() -> None:
    """A visible banner whenever the warehouse holds demo data: public sources, programme uploads, or both."""
    facts = build_facts(db_version())
    programme_demo = bool(programme_provenance(db_version())["is_demo"])
    if facts.get("is_demo") == "true":
        scale = facts.get("demo_scale") or "onbekend"
        st.warning(
            f"**Demodata** — deze cijfers zijn gegenereerd (schaal: {scale}, seed {facts.get('demo_seed')}) en "
            "zijn geen echte DUO-, CBS- of UWV-cijfers. Haal echte data op met `python -m etl fetch`."
            + (" Bij deze schaal bestaat 'Nederland' alleen uit Flevoland en een groep vergelijkingsgemeenten."
               if scale == "flevoland" else "")
            + (f" {_PROGRAMME_DEMO}" if programme_demo else ""),
            icon=":material/warning:",
        )
    elif programme_demo:
        st.warning(f"**Demodata** — {_PROGRAMME_DEMO} Trek de demo-uploads in op de pagina Upload zodra echte "
                   "rapportages binnenkomen.", icon=":material/warning:")


def programme_caption() -> str:
    """'Bron: plan van aanpak (geüpload 20 okt 2024) en 139 maandrapportages t/m okt 2026 …' for programme figures."""
    source = programme_provenance(db_version())
    plan = f" (geüpload {fmt.day(source['plan_uploaded'])})" if source["plan_uploaded"] else ""
    reports = (f" en {source['reports']} maandrapportages t/m {fmt.period_label(source['last_month'])}"
               if source["reports"] else ", nog geen maandrapportages")
    return (f"Bron: plan van aanpak{plan}{reports}, Toptechniek in bedrijf Flevoland"
            + (" (demodata)" if source["is_demo"] else "") + ". Status: zoals gemeld door de projectleiders.")


def show_table(frame: pd.DataFrame, numeric: list[str] | None = None) -> None:
    """A static table (wraps long text, prints well) without index; numeric columns right-aligned."""
    styler = frame.style.hide(axis="index")
    if numeric:
        styler = styler.set_properties(subset=numeric, **{"text-align": "right"})
    st.table(styler)


def series_caption(frame: pd.DataFrame) -> str:
    """'Bron: …. Periode: 2019/20 t/m 2023/24. Status: definitief.' for the rows a chart shows."""
    periods = sorted(frame["period"].unique())
    span = fmt.period_label(periods[0]) + (f" t/m {fmt.period_label(periods[-1])}" if len(periods) > 1 else "")
    return (f"Bron: {'; '.join(sorted(frame['source'].unique()))}. Periode: {span}. "
            f"Status: {', '.join(sorted(frame['status'].unique()))}.")
