"""Page elements every page shares: the demo banner and the message for a missing warehouse."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import format as fmt
from ui.data import build_facts, db_path, db_version


def warehouse_ready() -> bool:
    """Show a Dutch how-to and return False when the warehouse has not been built yet."""
    if db_path().exists():
        return True
    st.warning(
        f"Er is nog geen datawarehouse ({db_path()}). Bouw het met `python -m etl build`, of start de app met "
        "`make run`: die maakt demodata aan als er nog geen ruwe bestanden zijn."
    )
    return False


def demo_banner() -> None:
    """A visible banner whenever the warehouse was built from demo data."""
    facts = build_facts(db_version())
    if facts.get("is_demo") == "true":
        scale = facts.get("demo_scale") or "onbekend"
        st.warning(
            f"**Demodata** — deze cijfers zijn gegenereerd (schaal: {scale}, seed {facts.get('demo_seed')}) en "
            "zijn geen echte DUO-, CBS- of UWV-cijfers. Haal echte data op met `python -m etl fetch`."
            + (" Bij deze schaal bestaat 'Nederland' alleen uit Flevoland en een groep vergelijkingsgemeenten."
               if scale == "flevoland" else ""),
            icon=":material/warning:",
        )


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
