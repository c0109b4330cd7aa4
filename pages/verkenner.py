"""Page 'Verkenner' (analysts): any indicator or table, filtered, grouped, charted and downloaded; a SQL box."""

import pandas as pd
import streamlit as st

from ui import charts, draw, export
from ui import format as fmt
from ui.access import guard
from ui.data import (
    db_path,
    db_version,
    has_plan,
    indicator_series,
    region_options,
    subprojects,
    table_rows,
    table_shapes,
)
from ui.filters import sidebar_filters
from ui.layout import CHOOSE_MANY, CHOOSE_ONE, demo_banner, series_caption, warehouse_ready
from warehouse.catalog import CATALOGUE
from warehouse.explore import ExploreError
from warehouse.sql_box import (
    DEFAULT_BYTE_CAP,
    DEFAULT_ROW_CAP,
    DEFAULT_TIMEOUT_S,
    DUCKDB_MEMORY,
    EXAMPLE_QUERY,
    QueryRefusedError,
    run_query,
)

grant = guard("verkenner")  # the role may open this page, else a Dutch refusal

OPENING_TABLE = "fact_vo_exam"

st.title("Verkenner")
st.caption("Voor analisten: elke indicator en elke tabel, gefilterd en gegroepeerd, als grafiek en als download.")
if not warehouse_ready():
    st.stop()
demo_banner()
filters = sidebar_filters()
version = db_version()
options = region_options(version)
by_indicator, by_table, *by_sql = st.tabs(["Indicator", "Tabel", *(["SQL"] if grant.may_use_sql() else [])])

with by_indicator:
    indicator_id = st.selectbox("Indicator", list(CATALOGUE), format_func=lambda i: CATALOGUE[i].name,
                                key="verkenner_indicator", **CHOOSE_ONE)
    indicator = CATALOGUE[indicator_id]
    regions = st.multiselect("Regio's", list(options), default=list(dict.fromkeys([filters.region, "PV24", "NL"])),
                             format_func=options.get, key="verkenner_regions", **CHOOSE_MANY)
    frames = [indicator_series(version, indicator_id, code, filters.from_year, filters.to_year)
              .assign(reeks=options[code]) for code in regions]
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if data.empty:
        st.info("Geen gegevens voor deze keuze. Kies een andere indicator, regio of periode.")
    else:
        draw.chart(charts.trend, data, indicator.unit, indicator.name, series="reeks")
        st.caption(series_caption(data))
        shown = pd.DataFrame({
            "Regio": data["reeks"], "Periode": data["period"].map(fmt.period_label),
            "Waarde": [fmt.indicator_value(indicator.unit, v, lo, hi)
                       for v, lo, hi in zip(data["value"], data["lower"], data["upper"], strict=True)],
            "Status": data["status"]})
        st.dataframe(shown, hide_index=True, width="stretch")
        about = [("Indicator", f"{indicator.name} ({indicator.id})"), ("Definitie", indicator.definition),
                 ("Formule", indicator.formula), ("Bron", "; ".join(sorted(data["source"].unique()))),
                 ("Regio's", ", ".join(options[c] for c in regions)),
                 *(("Kanttekening", caveat) for caveat in indicator.caveats)]
        left, right = st.columns(2)
        left.download_button("Download CSV", export.csv_bytes(data.drop(columns=["reeks"])),
                             file_name=f"{indicator_id}.csv", mime="text/csv", key="verkenner_indicator_csv")
        right.download_button("Download Excel", export.excel_bytes(data.drop(columns=["reeks"]), about),
                              file_name=f"{indicator_id}.xlsx", key="verkenner_indicator_xlsx",
                              mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

with by_table:
    shapes = table_shapes(version)
    # The tables of facts first (the one on exam candidates opens): metadata such as build_info is rarely wanted.
    names = sorted(shapes, key=lambda t: (not t.startswith("fact_"), t != OPENING_TABLE, t))
    # The Dutch title to choose by; the table's name (what the SQL box and the downloads use) comes second.
    table = st.selectbox("Tabel", names, format_func=lambda t: f"{shapes[t].title} ({t})", key="verkenner_table",
                         **CHOOSE_ONE)
    shape = shapes[table]
    st.caption("Eén" + shape.grain.removeprefix("één"))  # every Dutch grain reads 'één rij per …'
    group_by = st.multiselect("Groeperen op", shape.dimensions, key="verkenner_group", format_func=fmt.column_label,
                              **CHOOSE_MANY)
    measures = st.multiselect("Optellen", shape.measures, disabled=not group_by, key="verkenner_measures",
                              format_func=fmt.column_label, **CHOOSE_MANY,
                              help="Bij onderdrukte aantallen: tel ook de ondergrens en de bovengrens op voor de "
                                   "marge.")
    levels: list[str] = []
    if shape.has_level:
        levels = st.multiselect("Onderwijsniveau", ["vmbo", "havo", "vwo", "mbo", "hbo", "wo"], key="verkenner_levels",
                                **CHOOSE_MANY)
    sex = None
    if "sex" in shape.dimensions and "sex" not in group_by:
        sex = st.selectbox("Geslacht", ["totaal", "man", "vrouw"], key="verkenner_sex", **CHOOSE_ONE,
                           help="'totaal' is DUO's eigen totaal; optellen over alle waarden telt dubbel.")
    scope = [f"regio {options[filters.region]}" if shape.has_region else "alle regio's (tabel zonder gemeente)",
             f"beginjaar {filters.from_year} t/m {filters.to_year}" if shape.period_column else "alle perioden"]
    st.caption("Filters uit de zijbalk: " + "; ".join(scope) + ".")
    try:
        rows = table_rows(version, table, tuple(group_by), tuple(measures), filters.region, filters.from_year,
                          filters.to_year, tuple(levels), sex)
    except ExploreError as exc:
        st.error(str(exc))
        rows = pd.DataFrame()
    if not rows.empty:
        pivot = None
        if len(group_by) >= 2 and measures:
            pivot = st.selectbox("Draaien: kolommen uit", ["(niet draaien)", *group_by], key="verkenner_pivot",
                                 format_func=lambda c: c if c == "(niet draaien)" else fmt.column_label(c),
                                 **CHOOSE_ONE)
        if pivot and pivot != "(niet draaien)":
            rows = rows.pivot_table(index=[g for g in group_by if g != pivot], columns=pivot,
                                    values=measures[0], aggfunc="sum").reset_index()
        if "subproject_code" in rows and has_plan(version):  # a code such as 'ALM' says nothing by itself
            names_by_code = subprojects(version).set_index("subproject_code")["name"]
            rows.insert(rows.columns.get_loc("subproject_code") + 1, "subproject",
                        rows["subproject_code"].map(names_by_code))
        rows = export.dutch_columns(rows)
        st.dataframe(rows, hide_index=True, width="stretch")
        st.caption(f"{fmt.number(len(rows))} rijen. Eén rij in {table}: {shape.grain}")
        about = [("Tabel", f"{shape.title} ({table}): {shape.grain}"),
                 ("Groepering", ", ".join(map(fmt.column_label, group_by)) or "geen"),
                 ("Opgeteld", ", ".join(map(fmt.column_label, measures)) or "geen"), ("Filters", "; ".join(scope))]
        left, right = st.columns(2)
        left.download_button("Download CSV", export.csv_bytes(rows), file_name=f"{table}.csv", mime="text/csv",
                             key="verkenner_table_csv")
        right.download_button("Download Excel", export.excel_bytes(rows, about), file_name=f"{table}.xlsx",
                              key="verkenner_table_xlsx",
                              mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        st.info("Geen rijen voor deze keuze.")

if not by_sql:  # no SQL box for this role (stuurgroep); nothing below runs
    st.stop()
with by_sql[0]:
    st.caption(f"Eén leesopdracht (SELECT, PIVOT, DESCRIBE) op het datawarehouse; hoogstens "
               f"{fmt.number(DEFAULT_ROW_CAP)} rijen, {fmt.number(DEFAULT_BYTE_CAP // 1024 ** 2)} MB, "
               f"{DUCKDB_MEMORY.removesuffix('GB')} GB werkgeheugen en {fmt.number(DEFAULT_TIMEOUT_S)} seconden. "
               f"Bestanden, internet en extensies zijn niet bereikbaar.")
    sql = st.text_area("SQL", value=EXAMPLE_QUERY, key="verkenner_sql", height=120)
    if st.button("Uitvoeren", key="verkenner_sql_run"):
        try:
            result = run_query(db_path(), sql)
        except QueryRefusedError as exc:
            st.error(str(exc))
        else:
            st.dataframe(result.frame, hide_index=True, width="stretch")
            if result.truncated:
                st.warning(f"Alleen de eerste {fmt.number(DEFAULT_ROW_CAP)} rijen worden getoond.")
