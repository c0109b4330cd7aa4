"""Page 'Aansluiting onderwijs–arbeidsmarkt': per technical domain the graduates against the open vacancies, and the
signals from the field that the subprojects' monthly reports carry."""

import pandas as pd
import streamlit as st

from ui import charts, draw, mismatch
from ui import format as fmt
from ui.access import guard, reports_filter, reports_label
from ui.data import db_version
from ui.filters import sidebar_filters
from ui.layout import CHOOSE_ONE, demo_banner, series_caption, show_table, warehouse_ready
from ui.sections import FLEVOLAND_MUNICIPALITIES, caveats

grant = guard("aansluiting")  # the role may open this page, else a Dutch refusal

SUPPLY = "Gediplomeerden"
DEMAND = "Openstaande vacatures, gemiddelde stand"
MISSING = {
    "aanbod": "gediplomeerden van DUO (mbo, hbo en wo): haal ze op met `python -m etl fetch --source duo`",
    "vraag": "vacatures van UWV Open Match Data: haal ze op met `python -m etl fetch --source uwv`",
}


SIGNAL_SOURCE = "maandrapportages van de deelprojecten"
MAX_TEXTS = 25  # signal texts listed at once; the search box finds the others


def show_signals(version: tuple[str, float], region: str, region_label: str, reports: tuple[str, ...] | None) -> None:
    """Signals from the field about the region: counts per domain and municipality, the texts (searchable), and per
    domain the plan's actions the signals link to it."""
    st.subheader(f"Signalen uit het veld — {region_label}")
    st.caption("Wat TechNet-kringen, scholen en bedrijven melden over de aansluiting van het onderwijs op de "
               "arbeidsmarkt, uit het blad Signalen van de maandrapportages van de deelprojecten.")
    every = mismatch.signals(version, region, reports, "")
    if every.empty:
        st.info(f"Voor {region_label} is nog geen signaal gemeld in de maandrapportages die meetellen. Een "
                "deelproject meldt signalen in het blad Signalen van zijn maandrapportage (sjabloon op de pagina "
                "Upload).", icon=":material/info:")
        return
    dates = pd.to_datetime(every["signal_date"])
    span = f"{fmt.day(dates.min().date())} t/m {fmt.day(dates.max().date())}"
    status = reports_label(reports).removeprefix("Deelprojecten: ")
    source = f"{SIGNAL_SOURCE}{' (demodata)' if every['is_demo'].any() else ''}"
    credit = f"Bron: {source}. Periode: {span}. Status: {status}"

    domains = mismatch.signals_per_domain(version, region, reports)
    bars = pd.DataFrame({"domein": domains["domein"], "period": span, "value": domains["signals"],
                         "lower": domains["signals"], "upper": domains["signals"], "unit": "count",
                         "source": source, "status": status})
    draw.chart(charts.bars, bars, "count", "Aantal signalen", category="domein")
    st.caption(f"{credit} Eén signaal is één rij in het blad Signalen van een maandrapportage.")

    counts = mismatch.signal_counts(version, region, reports)
    places = sorted(counts["gemeente"].dropna().unique())
    table = counts.pivot_table(index="domain_id", columns="gemeente", values="signals", aggfunc="sum", fill_value=0)
    table = table.reindex(index=domains["domain_id"], columns=places, fill_value=0)
    most = counts.groupby(["domain_id", "kind"])["signals"].sum().reset_index().sort_values(
        ["domain_id", "signals", "kind"], ascending=[True, False, True]).drop_duplicates("domain_id")
    rows = pd.DataFrame({"Domein": domains["domein"].to_numpy(),
                         **{place: table[place].map(fmt.number).to_numpy() for place in places},
                         "Totaal": domains["signals"].map(fmt.number).to_numpy(),
                         "Meest gemeld": domains["domain_id"].map(dict(zip(most["domain_id"], most["kind"],
                                                                          strict=True))).fillna("–").to_numpy()})
    st.markdown(f"**Signalen per domein en gemeente, {region_label}**")
    show_table(rows, numeric=[*places, "Totaal"])
    st.caption(f"{credit} Meest gemeld: de soort signaal die in het domein het vaakst voorkomt.")

    st.markdown("**De signalen**")
    search = st.text_input("Zoeken in de signalen", key="aansluiting_zoek",
                           placeholder="Bijvoorbeeld: stage, BBL, Almere of docent",
                           help="Zoekt in omschrijving, soort, domein, gemeente, TechNet-kring, deelproject en actie.")
    found = mismatch.signals(version, region, reports, search) if search.strip() else every
    if found.empty:
        st.info(f"Geen signaal bevat '{search.strip()}'. Probeer een ander woord of maak het zoekveld leeg.",
                icon=":material/search_off:")
    else:
        actions = ["–" if pd.isna(code) else f"{code}: {name}" if isinstance(name, str) else code
                   for code, name in zip(found["action_code"], found["action"], strict=True)]
        shown = found.assign(actie=actions).head(MAX_TEXTS)  # a long table hides the rest of the page on a phone
        show_table(pd.DataFrame({
            "Datum": pd.to_datetime(shown["signal_date"]).dt.date.map(fmt.day), "Gemeente": shown["gemeente"],
            "Domein": shown["domein"], "Soort": shown["kind"], "Omschrijving": shown["description"],
            "Actie in het plan": shown["actie"], "Gemeld via": shown["circle"].fillna(shown["subproject"])}))
        which = f" met '{search.strip()}'" if search.strip() else ""
        if len(found) > MAX_TEXTS:
            counted = (f"De nieuwste {MAX_TEXTS} van {fmt.number(len(found))} signalen{which}; zoek op een woord "
                       "om de andere te vinden.")
        elif which:
            counted = f"{fmt.number(len(found))} van {fmt.number(len(every))} signalen{which}, nieuwste eerst."
        else:
            counted = f"{fmt.counted(len(found), 'signaal', 'signalen')}, nieuwste eerst."
        st.caption(f"{counted} Gemeld via: de TechNet-kring (of het deelproject) die het signaal doorgaf. {credit}")

    st.markdown("**Acties in het plan van aanpak per domein**")
    linked = mismatch.domain_actions(version, region, reports)
    if linked.empty:
        st.info("Geen signaal noemt een actie uit het plan van aanpak. Een deelproject koppelt een signaal aan een "
                "actie in de kolom Actie van het blad Signalen.", icon=":material/info:")
        return
    show_table(pd.DataFrame({
        "Domein": linked["domein"], "Deelproject": linked["subproject"].fillna(linked["subproject_code"]),
        "Actie": linked["action_code"] + ": " + linked["action"].fillna(""), "Status": linked["status"].fillna("–"),
        "Signalen": linked["signals"].map(fmt.number),
        "Laatste signaal": pd.to_datetime(linked["latest"]).dt.date.map(fmt.day)}), numeric=["Signalen"])
    st.caption("De acties die de signalen van een domein noemen (kolom Actie van het blad Signalen), met hun laatst "
               f"gerapporteerde status. {credit}")


def show_caveats() -> None:
    """The caveats of supply against demand, on every state of the page."""
    st.subheader("Kanttekeningen")
    caveats("mismatch_ratio")


def months_text(rows: pd.DataFrame) -> str:
    """'gemiddelde van 5 maandstanden, jan 2023 t/m mei 2023' for the demand of one year."""
    known = rows.dropna(subset=["months"])
    if known.empty:
        return "geen vacaturegegevens in dit jaar"
    first, last = fmt.period_label(known["first_month"].min()), fmt.period_label(known["last_month"].max())
    months = int(known["months"].max())
    return f"gemiddelde van {fmt.counted(months, 'maandstand', 'maandstanden')}, {first} t/m {last}"


def figures(rows: pd.DataFrame, columns: tuple[str, str, str], label: str, source: str) -> pd.DataFrame:
    """Rows in the chart builders' columns (period, value, lower, upper, unit, source, status) for one series."""
    low, mid, high = columns
    return pd.DataFrame({"domein": rows["domein"], "reeks": label, "period": rows["year"].astype(str),
                         "value": rows[mid], "lower": rows[low], "upper": rows[high], "unit": "count",
                         "source": source, "status": rows["status"]}).dropna(subset=["value"])


def trend_word(change: float, before: int) -> str:
    """'▲ 0,12 hoger dan in 2022', '▼ 0,30 lager dan in 2022' or 'gelijk aan 2022' for a change in the ratio."""
    if round(change, 2) == 0:
        return f"gelijk aan {before}"
    arrow, word = ("▲", "hoger") if change > 0 else ("▼", "lager")
    return f"{arrow} {fmt.number(abs(change), 2)} {word} dan in {before}"


st.title("Aansluiting onderwijs–arbeidsmarkt")
st.caption("Leidt de regio genoeg technici op voor de vraag? Per technisch domein het aantal gediplomeerden van een "
           "jaar tegenover de openstaande vacatures in de beroepen van dat domein, hun verhouding en hoe die zich "
           "ontwikkelt.")
if not warehouse_ready():
    st.stop()
demo_banner()
filters = sidebar_filters()
version = db_version()
reports = reports_filter(grant)  # approved reports only, unless the analyst includes the others

present = mismatch.sources(version)
if not all(present.values()):
    lacking = "; ".join(text for side, text in MISSING.items() if not present[side])
    st.info(f"Aanbod en vraag per domein zijn nog niet te vergelijken: in het datawarehouse ontbreken {lacking}. "
            "Bouw daarna opnieuw met `python -m etl build`.", icon=":material/info:")
    show_signals(version, filters.region, filters.region_label, reports)
    show_caveats()
    st.stop()

source = mismatch.citation(version)
frame = mismatch.overview(version, filters.region, filters.from_year, filters.to_year)
year = mismatch.latest_common_year(frame) if not frame.empty else None
if year is None:
    supply_years = sorted(frame.loc[frame["mid"].notna(), "year"].unique())
    demand_years = sorted(frame.loc[frame["vacancies"].notna(), "year"].unique())
    st.info(f"Voor {filters.region_label} is er in de gekozen periode geen jaar met zowel gediplomeerden als "
            f"vacatures (gediplomeerden: {', '.join(map(str, supply_years)) or 'geen'}; vacatures: "
            f"{', '.join(map(str, demand_years)) or 'geen'}). Kies een andere periode of regio.",
            icon=":material/info:")
    show_signals(version, filters.region, filters.region_label, reports)
    show_caveats()
    st.stop()

now = frame[frame["year"] == year]
st.subheader(f"Aanbod tegen vraag per domein — {filters.region_label}, {year}")
bars = pd.concat([figures(now, ("low", "mid", "high"), f"{SUPPLY} in {year}", source),
                  figures(now, ("vacancies", "vacancies", "vacancies"), f"{DEMAND} in {year}", source)],
                 ignore_index=True)
draw.chart(charts.grouped_bars, bars, "count", "Aantal personen", category="domein", series="reeks")
st.caption(f"{series_caption(bars)} Gediplomeerden: diploma's van {year} op mbo-niveau 2 tot en met 4, hbo en "
           f"wo-master van instellingen in de regio. Vacatures: openstaand bij UWV, {months_text(now)}. Zwarte lijn: "
           "marge door onderdrukte kleine aantallen ('<5').")

# The ratio and its change since the previous year with both sides.
rows = []
for domain in now.itertuples():
    history = frame[(frame["domain_id"] == domain.domain_id) & frame["ratio"].notna() & (frame["year"] < year)]
    previous = history.iloc[-1] if not history.empty else None
    rows.append({
        "Domein": domain.domein,
        f"Gediplomeerden per vacature, {year}": fmt.indicator_value("ratio", domain.ratio, domain.ratio_low,
                                                                     domain.ratio_high),
        "Ontwikkeling": (trend_word(domain.ratio - previous["ratio"], int(previous["year"]))
                         if previous is not None and not pd.isna(domain.ratio) else "–"),
        f"Vacatures per werkzoekende, {year}": fmt.number(domain.tension, 2),
    })
show_table(pd.DataFrame(rows), numeric=[c for c in rows[0] if c != "Domein"])
st.caption("Onder 1: minder nieuwe gediplomeerden in een jaar dan er gemiddeld vacatures openstaan (krap); ruim "
           "boven 1: meer gediplomeerden dan vacatures. Vacatures per werkzoekende: boven 1 zijn er meer vacatures "
           "dan werkzoekenden met een beroep in het domein. Tussen haakjes: de marge door onderdrukte aantallen. "
           f"Bron: {source}. Periode: {year}; vacatures: {months_text(now)}. "
           f"Status: {', '.join(sorted(now['status'].unique()))}.")

if filters.region != "NL":
    national = mismatch.overview(version, "NL", filters.from_year, filters.to_year)
    st.subheader(f"Gediplomeerden per vacature: {filters.region_label} tegen Nederland, {year}")
    compare = pd.concat([
        part.loc[part["ratio"].notna()].assign(
            reeks=label, period=str(year), value=part["ratio"], lower=part["ratio_low"], upper=part["ratio_high"],
            unit="ratio", source=source)
        for part, label in ((now, filters.region_label), (national[national["year"] == year], "Nederland"))],
        ignore_index=True)
    draw.chart(charts.grouped_bars, compare[["domein", "reeks", "period", "value", "lower", "upper", "unit",
                                             "source", "status"]],
               "ratio", "Gediplomeerden per openstaande vacature", category="domein", series="reeks",
               colours=(charts.PALETTE[0], "#8C8C8C"))
    st.caption(series_caption(compare) + f" Vacatures: {months_text(now)}.")

st.subheader(f"Ontwikkeling: gediplomeerden per vacature — {filters.region_label}")
history = frame[frame["ratio"].notna()].sort_values(["year", "sort_order"])
series = history.assign(reeks=history["domein"], period=history["year"].astype(str), value=history["ratio"],
                        lower=history["ratio_low"], upper=history["ratio_high"], unit="ratio", source=source)
if series["period"].nunique() < 2:
    st.info(f"Alleen {year} heeft zowel gediplomeerden als vacatures: nog geen ontwikkeling te tonen. UWV Open "
            "Match Data loopt van november 2019 tot en met mei 2023.", icon=":material/info:")
else:
    draw.chart(charts.trend, series[["reeks", "period", "value", "lower", "upper", "unit", "source", "status"]],
               "ratio", "Gediplomeerden per openstaande vacature, per domein", series="reeks", legend_columns=1)
    st.caption(series_caption(series) + " Alleen jaren met zowel gediplomeerden als vacatures.")

st.subheader("Inzoomen op een domein")
names = dict(zip(now["domain_id"], now["domein"], strict=True))
left, right = st.columns(2)
domain_id = left.selectbox("Domein", list(names), format_func=names.get, key="aansluiting_domein",
                         **CHOOSE_ONE)
years = sorted(frame.loc[(frame["domain_id"] == domain_id) & frame["mid"].notna(), "year"].unique(), reverse=True)
chosen = right.selectbox("Diplomajaar", years or [year], index=(years.index(year) if year in years else 0),
                         key="aansluiting_jaar", format_func=str, **CHOOSE_ONE)

levels = mismatch.by_level(version, filters.region, domain_id, int(chosen))
per_level = levels.assign(niveau=levels["level"], period=str(chosen), value=levels["mid"], lower=levels["low"],
                          upper=levels["high"], unit="count", source=source,
                          status=levels["provisional"].map({True: "voorlopig", False: "definitief"}))
st.markdown(f"**{names[domain_id]}: gediplomeerden per niveau, {filters.region_label}, {chosen}**")
draw.chart(charts.bars, per_level, "count", f"Gediplomeerden in {chosen}", category="niveau")
st.caption(series_caption(per_level) + " Niveau: mbo 2, 3 en 4; hbo (associate degree, bachelor en master); wo "
           "(alleen master). Hbo en wo tellen alleen in jaren waarin DUO de opleiding noemt (tot en met 2019).")

places = mismatch.by_municipality(version, tuple(FLEVOLAND_MUNICIPALITIES), domain_id, int(chosen))
local = pd.concat([
    places.assign(reeks=f"{SUPPLY} in {chosen}", value=places["mid"],
                  lower=places["low"], upper=places["high"]),
    places.assign(reeks=f"{DEMAND} in {chosen}", value=places["vacancies"], lower=places["vacancies"],
                  upper=places["vacancies"])], ignore_index=True).assign(
    period=str(chosen), unit="count", source=source,
    status=lambda f: f["provisional"].map({True: "voorlopig", False: "definitief"}))
st.markdown(f"**{names[domain_id]}: gediplomeerden en vacatures per Flevolandse gemeente, {chosen}**")
draw.chart(charts.grouped_bars, local[["gemeente", "reeks", "period", "value", "lower", "upper", "unit", "source",
                                       "status"]],
           "count", "Aantal personen", category="gemeente", series="reeks")
st.caption(series_caption(local) + " Gediplomeerden tellen bij de gemeente van de instelling: een gemeente zonder "
           f"mbo-, hbo- of wo-instelling in dit domein heeft er geen. Vacatures: "
           f"{months_text(frame[frame['year'] == int(chosen)])}.")

show_signals(version, filters.region, filters.region_label, reports)
show_caveats()
outside, total = mismatch.unplaced(version, filters.region, year)
if total:
    st.caption(f"Let op: {fmt.percent(outside / total)} van de technisch gediplomeerden van {year} in "
               f"{filters.region_label} ({fmt.number(outside)} van {fmt.number(total)}) valt in geen domein en telt "
               "hierboven niet mee (zie de indeling in etl/reference/crosswalk_*.csv en docs/mismatch.md).")
