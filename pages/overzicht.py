"""Page 'Overzicht': the programme's headline indicators and the six subprojects on one screen and one A4 page."""

from datetime import UTC, date, datetime

import pandas as pd
import streamlit as st

from report import buttons
from ui import charts, draw
from ui import format as fmt
from ui.access import guard, reports_filter, reports_label
from ui.data import (
    db_path,
    db_version,
    has_plan,
    indicator_series,
    report_months,
    sources,
    subproject_detail,
    subprojects,
    years,
)
from ui.filters import sidebar_filters
from ui.layout import compact_caption, compact_overview_style, demo_banner, source_count, warehouse_ready
from warehouse.catalog import CATALOGUE
from warehouse.headline import HEADLINE, MEANING

grant = guard("overzicht")  # the role may open this page, else a Dutch refusal

# Different icon shapes as well as colours, and the status in words: never colour alone.
LIGHTS = {"op koers": ":green[:material/check_circle:]", "let op": ":orange[:material/error:]",
          "achter": ":red[:material/cancel:]", "onbekend": ":gray[:material/help:]"}
CARDS_PER_ROW = 3
ATTENTION_LINES = 2  # KPIs named on a card; the rest are counted

st.title("Overzicht")
st.caption("Toptechniek in bedrijf Flevoland: kiezen jongeren voor techniek, en blijven ze in de regio?")
if not warehouse_ready():
    st.stop()
compact_overview_style()
demo_banner(compact=True)
filters = sidebar_filters()
reports = reports_filter(grant)  # approved reports only, unless the analyst includes the others
version = db_version()
pdf = buttons.voortgang(db_path(), filters.region, filters.region_label, filters.from_year, filters.to_year,
                        (years(version) or [None])[-1], reports=reports)
st.sidebar.download_button(pdf.label, pdf.data, file_name=pdf.file_name, mime=buttons.PDF, help=pdf.help,
                           on_click="ignore", icon=":material/picture_as_pdf:", key="overzicht_pdf")
files = sources(version).drop_duplicates("source_id").set_index("source_id")


def headline_tile(indicator_id: str, label: str) -> None:
    """One headline indicator: latest value, change, margin, Nederland, sparkline, and source/period/status."""
    indicator = CATALOGUE[indicator_id]
    st.markdown(f"**{label}**", help=f"{indicator.name}. {indicator.definition} Formule: {indicator.formula}.")
    series = indicator_series(version, indicator_id, filters.region, filters.from_year, filters.to_year)
    if series.empty:
        st.metric(indicator.name, "geen gegevens", label_visibility="collapsed")
        st.caption("Deze bron zit nog niet in het datawarehouse of heeft geen cijfers voor deze regio.")
        return
    latest = series.iloc[-1]
    delta = None
    if len(series) > 1:
        change = latest["value"] - series.iloc[-2]["value"]
        delta = (f"{fmt.number(change * 100, 1)} %-punt" if indicator.unit == "share"
                 else fmt.number(change, 2 if indicator.unit == "ratio" else 0))
        delta = f"+{delta}" if change > 0 else delta
    point = (fmt.percent(latest["value"]) if indicator.unit == "share"
             else fmt.indicator_value(indicator.unit, latest["value"], latest["value"], latest["value"]))
    st.metric(indicator.name, point, delta=delta, delta_color="off", label_visibility="collapsed")
    if latest["lower"] != latest["upper"]:
        low, high = (fmt.indicator_value(indicator.unit, latest[b], latest[b], latest[b]) for b in ("lower", "upper"))
        st.caption(f"Marge: {low}–{high}", help="Door onderdrukte kleine aantallen ('<5') ligt de waarde binnen "
                                                 "deze marge.")
    national = indicator_series(version, indicator_id, "NL", filters.from_year, filters.to_year)
    national = national[national["period"] == latest["period"]]
    # Nederland's point value: its margin is a fraction of a percent and the line must fit a narrow tile (the theme
    # pages and the report show it).
    nl_value = national.iloc[0]["value"] if len(national) else None
    nl_text = fmt.indicator_value(indicator.unit, nl_value, nl_value, nl_value)
    # In words what the number means, and Nederland; a ratio per 100 ('1,11' → '111 … per 100').
    words = MEANING[indicator_id].format(fmt.number(latest["value"] * 100) if indicator.unit == "ratio" else point)
    st.caption(f"{words} in {fmt.period_label(latest['period'])}. Nederland: **{nl_text}**.")
    if len(series) > 1:
        draw.chart(charts.sparkline, series, indicator.unit, height=34)
    known = [s for s in indicator.sources if s in files.index]
    publishers = list(dict.fromkeys(files.loc[known, "publisher"])) or [indicator.source_id]
    st.caption(compact_caption(series, publishers, bool(files.loc[known, "is_demo"].any())),
               help="; ".join(sorted(series["source"].unique())))
    cited.update(series["source"])


def subproject_card(project, today: date, last_month: str) -> None:
    """One subproject: KPI statuses counted, the KPIs that need attention, milestones and last month's report.

    A plan may have many KPIs per subproject; listing them all would push the cards off the screen, so the card
    names only those behind or to watch (worst first) and counts the rest.
    """
    detail = subproject_detail(version, project.subproject_code, today, reports)
    st.markdown(f"**{project.name}** · {project.municipality}")
    progress = detail["progress"]
    if progress.empty:
        st.caption("Nog geen KPI's met een doel.")
    else:
        counts = progress["status"].value_counts()
        st.markdown(" · ".join(f"{LIGHTS[s]} {counts[s]} **{s}**" for s in LIGHTS if s in counts))
        attention = progress[progress["status"].isin(["achter", "let op"])].sort_values("ratio")
        for kpi in attention.head(ATTENTION_LINES).itertuples(index=False):
            st.markdown(f"{LIGHTS[kpi.status]} {kpi.name}: **{kpi.status}** ({fmt.percent(kpi.ratio, 0)})")
        if len(attention) > ATTENTION_LINES:
            more = fmt.counted(len(attention) - ATTENTION_LINES, "KPI", "KPI's")
            st.caption(f"En nog {more} achter of let op: zie Deelprojecten.")
        elif attention.empty and counts.get("op koers", 0) == len(progress):
            st.caption("Alle KPI's op koers.")
    summary = detail["milestone_summary"]
    st.caption(f"Mijlpalen: {summary['behaald']} behaald, {summary['te laat']} te laat, "
               f"{summary['binnenkort']} binnen drie maanden.")
    month = report_months(version, project.subproject_code, last_month, last_month).iloc[0]
    if month["status"] == "ontbreekt":
        st.markdown(f":red[:material/warning:] Maandrapportage {fmt.period_label(last_month)} **ontbreekt**")
    else:
        review = f", {month['review']}" if month["review"] and month["review"] != month["status"] else ""
        st.caption(f"Maandrapportage {fmt.period_label(last_month)}: {month['status']}{review}.")


st.subheader(f"Kernindicatoren — {filters.region_label}")
shown = [i for i in HEADLINE if i in CATALOGUE]
cited: set[str] = set()
with st.container(key="kernindicatoren"):
    for column, indicator_id in zip(st.columns(len(shown)), shown, strict=True):
        with column.container(border=True, height="stretch"):
            headline_tile(indicator_id, HEADLINE[indicator_id])
missing = [i for i in HEADLINE if i not in CATALOGUE]
if missing:
    st.caption("Nog niet in de monitor (bron volgt): " + ", ".join(missing) + ".")

st.subheader("Deelprojecten")
if not has_plan(version):
    st.info("Nog geen plan van aanpak geüpload: de voortgang van de deelprojecten verschijnt hier na de eerste upload "
            "(pagina Upload).")
else:
    today = date.today()
    last_month = (pd.Timestamp(today) - pd.DateOffset(months=1)).strftime("%Y-%m")
    projects = list(subprojects(version).itertuples(index=False))
    with st.container(key="deelprojecten"):
        # A row of columns per row of cards, so the cards of one row line up at the top and bottom.
        for first in range(0, len(projects), CARDS_PER_ROW):
            row = projects[first:first + CARDS_PER_ROW]
            for column, project in zip(st.columns(CARDS_PER_ROW), row, strict=False):
                with column.container(border=True, height="stretch"):
                    subproject_card(project, today, last_month)
    st.caption("Verkeerslicht per KPI: op koers vanaf 90% van het doelpad tot nu, let op vanaf 70%, anders achter; "
               "de status staat er altijd in woorden bij. " + reports_label(reports))



def freshness(row) -> str:
    """How one source got into the warehouse: demo, retrieved on a date, or added by hand."""
    if row.is_demo:
        return "demodata (gegenereerd)"
    return f"opgehaald {fmt.day(row.retrieved_at)}" if row.retrieved_at else "handmatig toegevoegd"


# One line on screen; the list per source behind it (and on the page Bronnen & definities).
real = files[~files["is_demo"].astype(bool)]
fetched = sorted(str(r)[:10] for r in real["retrieved_at"] if r)
parts = [f"{len(files) - len(real)} demodata (gegenereerd)"] if len(real) < len(files) else []
if fetched:
    first, last = fmt.day(fetched[0]), fmt.day(fetched[-1])
    parts.append(f"{len(fetched)} opgehaald op {first}" if first == last else
                 f"{len(fetched)} opgehaald tussen {first} en {last}")
if len(real) > len(fetched):
    parts.append(f"{len(real) - len(fetched)} handmatig toegevoegd")
count = fmt.counted(source_count(sources(version)), "bron", "bronnen")
summary = f"Actualiteit van de bronnen: {count} — {', '.join(parts)}"
with st.expander(summary):  # not printed: a closed expander printed as an empty row
    for row in files.itertuples():
        st.markdown(f"- **{row.publisher}, {row.title}** — {freshness(row)}")
# Paper has no tooltips and no expanders: there the tiles' full source names, the sources' freshness and the day of
# the print follow instead (hidden on screen, ui.layout.OVERVIEW_CSS).
with st.container(key="alleen_op_papier"):
    cited_line = f"Bronnen van de kernindicatoren: {'; '.join(sorted(cited))}. " if cited else ""
    st.caption(f"{cited_line}{summary}. Afgedrukt uit de Techniekmonitor Flevoland, stand van "
               f"{fmt.moment(datetime.now(UTC).isoformat())}: {filters.region_label}"
               + (f", beginjaren {filters.from_year}–{filters.to_year}" if filters.from_year else "") + ".")
