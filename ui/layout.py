"""Page elements every page shares: the demo banner and the message for a missing warehouse."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from ui import format as fmt
from ui.data import build_facts, db_path, db_version, programme_provenance

# Streamlit's own placeholders are English ('Choose an option', shown while typing to search; 'Choose options',
# 'No options to select') and so is a multiselect's bulk action ('Select all'): every choice passes these instead.
CHOOSE_ONE = {"placeholder": "Kies of typ om te zoeken"}
CHOOSE_MANY = {"placeholder": "Kies een of meer", "select_all": False}


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


def demo_banner(compact: bool = False) -> None:
    """A visible banner whenever the warehouse holds demo data: public sources, programme uploads, or both.

    Compact (Overzicht, one screen): one or two lines without the how-to.
    """
    facts = build_facts(db_version())
    programme_demo = bool(programme_provenance(db_version())["is_demo"])
    if facts.get("is_demo") == "true":
        scale = facts.get("demo_scale") or "onbekend"
        flevoland_only = scale == "flevoland"
        if compact:
            text = (f"**Demodata** — gegenereerde cijfers (schaal {scale}, seed {facts.get('demo_seed')}), geen "
                    "echte DUO-, CBS- of UWV-cijfers" + (", en een gegenereerd plan van aanpak met rapportages"
                                                        if programme_demo else "") + "."
                    + (" 'Nederland' is hier Flevoland plus vergelijkingsgemeenten." if flevoland_only else ""))
        else:
            text = (f"**Demodata** — deze cijfers zijn gegenereerd (schaal: {scale}, seed {facts.get('demo_seed')}) "
                    "en zijn geen echte DUO-, CBS- of UWV-cijfers. Haal echte data op met `python -m etl fetch`."
                    + (" Bij deze schaal bestaat 'Nederland' alleen uit Flevoland en een groep "
                       "vergelijkingsgemeenten." if flevoland_only else "")
                    + (f" {_PROGRAMME_DEMO}" if programme_demo else ""))
    elif programme_demo:
        text = f"**Demodata** — {_PROGRAMME_DEMO}" + ("" if compact else " Trek de demo-uploads in op de pagina "
                                                      "Upload zodra echte rapportages binnenkomen.")
    else:
        return
    st.warning(text, icon=":material/warning:")


def programme_caption() -> str:
    """'Bron: plan van aanpak (geüpload 20 okt 2024) en 139 maandrapportages t/m okt 2026 …' for programme figures."""
    source = programme_provenance(db_version())
    plan = f" (geüpload {fmt.day(source['plan_uploaded'])})" if source["plan_uploaded"] else ""
    reports = (f" en {source['reports']} maandrapportages t/m {fmt.period_label(source['last_month'])}"
               if source["reports"] else ", nog geen maandrapportages")
    return (f"Bron: plan van aanpak{plan}{reports}, Toptechniek in bedrijf Flevoland"
            + (" (demodata)" if source["is_demo"] else "") + ". Status: zoals gemeld door de projectleiders.")


def show_table(frame: pd.DataFrame, numeric: list[str] | None = None) -> None:
    """A static table (wraps long text, prints well) without index; numeric columns right-aligned.

    A column that mixes numbers and text (a refused workbook's cell values) is shown as text: Arrow cannot convert
    it and the server logged a traceback for it.
    """
    mixed = [c for c in frame.columns if frame[c].dtype == object and frame[c].dropna().map(type).nunique() > 1]
    if mixed:  # empty cells stay empty, not the text 'None'
        frame = frame.assign(**{c: frame[c].map(lambda v: v if pd.isna(v) else str(v)) for c in mixed})
    styler = frame.style.hide(axis="index")
    numeric = numeric_columns(frame) if numeric is None else numeric
    if numeric:
        styler = styler.set_properties(subset=numeric, **{"text-align": "right !important"})
    st.table(styler)


# A cell as the pages write numbers: 1.234,5 · −3 · 12% · <5 (DUO's suppressed count) · 5–9 (its bounds) · – (none).
_NUMBER_TEXT = re.compile(r"[<>≈]?\s?[−-]?\d[\d.]*(,\d+)?\s?(%|–\s?[−-]?\d[\d.]*(,\d+)?)?|–")


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    """Columns holding only numbers, or numbers written out in Dutch, so that their digits line up on the right."""
    found = []
    for column in frame.columns:
        values = frame[column].dropna()
        if pd.api.types.is_bool_dtype(values) or values.empty:
            continue
        written = pd.api.types.is_numeric_dtype(values) or all(
            isinstance(v, str) and _NUMBER_TEXT.fullmatch(v.strip()) for v in values)
        if written and not (values.astype(str).str.strip() == "–").all():  # dashes only say nothing
            found.append(column)
    return found


def source_count(files: pd.DataFrame) -> int:
    """How many sources the warehouse was built from: one per publisher's dataset (source_id), on every page."""
    return int(files["source_id"].nunique())


def series_caption(frame: pd.DataFrame) -> str:
    """'Bron: …. Periode: 2019/20 t/m 2023/24. Status: definitief.' for the rows a chart shows."""
    return (f"Bron: {'; '.join(sorted(frame['source'].unique()))}. Periode: {_periods_span(frame, ' t/m ')}. "
            f"Status: {', '.join(sorted(frame['status'].unique()))}.")


def _periods_span(frame: pd.DataFrame, joiner: str) -> str:
    periods = sorted(frame["period"].unique())
    return fmt.period_label(periods[0]) + (f"{joiner}{fmt.period_label(periods[-1])}" if len(periods) > 1 else "")


def compact_caption(frame: pd.DataFrame, publishers: list[str], demo: bool) -> str:
    """'Bron: DUO (demodata) · 2019/20–2023/24 · definitief': source, period and status for a narrow tile."""
    return (f"Bron: {', '.join(publishers)}{' (demodata)' if demo else ''} · {_periods_span(frame, '–')} · "
            f"{', '.join(sorted(frame['status'].unique()))}")


# The steering group's overview fits one 1280x800 screen: less padding and tighter spacing than the other pages,
# smaller figures inside the tiles. Scoped to the containers' keys (st-key-…) so other pages keep their spacing.
OVERVIEW_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 3.2rem; padding-bottom: 2rem;
  padding-left: 1.5rem; padding-right: 1.5rem; }
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] { gap: 0.55rem; }
[data-testid="stMainBlockContainer"] h1 { padding: 0; font-size: 2.1rem; }
[data-testid="stMainBlockContainer"] [data-testid="stAlertContainer"] { padding: 0.45rem 0.9rem; }
[data-testid="stMainBlockContainer"] [data-testid="stAlertContainer"] p { font-size: 0.9rem; }
[data-testid="stMainBlockContainer"] h3 { padding: 0.3rem 0 0.25rem 0; font-size: 1.3rem; }
.st-key-kernindicatoren [data-testid="stVerticalBlock"],
.st-key-deelprojecten [data-testid="stVerticalBlock"] { gap: 0.15rem; }
.st-key-kernindicatoren [data-testid="stHorizontalBlock"],
.st-key-deelprojecten [data-testid="stHorizontalBlock"] { gap: 0.5rem; }
.st-key-kernindicatoren [data-testid="stVerticalBlock"] [data-testid="stVerticalBlock"],
.st-key-deelprojecten [data-testid="stVerticalBlock"] [data-testid="stVerticalBlock"] { padding: 0.55rem 0.6rem; }
.st-key-kernindicatoren [data-testid="stMarkdownContainer"] p,
.st-key-deelprojecten [data-testid="stMarkdownContainer"] p { font-size: 0.84rem; line-height: 1.3; }
.st-key-kernindicatoren [data-testid="stCaptionContainer"],
.st-key-deelprojecten [data-testid="stCaptionContainer"],
.st-key-alleen_op_papier [data-testid="stCaptionContainer"] { font-size: 0.74rem; line-height: 1.2; }
.st-key-kernindicatoren [data-testid="stMetricValue"] { font-size: 1.45rem; line-height: 1.1; }
.st-key-kernindicatoren [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p { font-size: 1.45rem; }
.st-key-kernindicatoren [data-testid="stMetricDelta"] { font-size: 0.74rem; }
.st-key-alleen_op_papier, :has(> .st-key-alleen_op_papier) { display: none; }
/* Streamlit prints blocks as display: block with 1rem between elements (so long pages can break); the tiles and
   cards never break, so they keep their tight spacing, and the page is scaled to fit one A4 landscape sheet. */
@page { size: A4 landscape; margin: 1cm; }
@media print {
  [data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > * { margin-bottom: 0.55rem !important; }
  .st-key-kernindicatoren [data-testid="stVerticalBlock"], .st-key-kernindicatoren [data-testid="stLayoutWrapper"],
  .st-key-deelprojecten [data-testid="stVerticalBlock"], .st-key-deelprojecten [data-testid="stLayoutWrapper"] {
    display: flex !important; }
  .st-key-kernindicatoren [data-testid="stVerticalBlock"] > *,
  .st-key-deelprojecten [data-testid="stVerticalBlock"] > * { margin-bottom: 0 !important; }
  .st-key-alleen_op_papier, :has(> .st-key-alleen_op_papier) { display: block; }
  [data-testid="stExpander"] { display: none !important; }
  [data-testid="stMainBlockContainer"] { zoom: 0.8; }
}
</style>"""


def compact_overview_style() -> None:
    """Tighter spacing for the overview page (see OVERVIEW_CSS)."""
    st.html(OVERVIEW_CSS)
