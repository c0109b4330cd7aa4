"""Demo files in DUO's old hbo/wo layout: shared by the first-years and graduates demo writers.

The layout is the real one byte for byte: `;`, unquoted, CRLF, UTF-8 without BOM, a 4-digit GEMEENTENUMMER,
lower-case CROHO ONDERDEEL, and a few stray lines holding only `""` between records.

Magnitudes are calibrated on DUO's 2019 editions (national totals in the latest year): hbo ~110k first-years
(21% techniek, 77% of them men), wo ~107k (13% techniek), hbo ~76k graduates (17% techniek), wo ~79k (12%);
hbo institutions in ~46 municipalities, wo in ~21; in Flevoland only Almere and Dronten (~1.950 hbo
first-years together), no university.
"""

from __future__ import annotations

import string
from pathlib import Path

import numpy as np

from etl.demo.world import Municipality
from etl.reference import load_regions
from etl.sources.duo_ho_portal import WO_INSTITUTIONS

# Per level: (code, name, onderdeel, subonderdeel, TYPE HOGER ONDERWIJS, SOORT DIPLOMA, weight).
PROGRAMMES = {
    "hbo": [
        ("34267", "B Elektrotechniek", "techniek", "n.v.t. (techniek)", "bachelor", "hbo bachelor", 0.04),
        ("34280", "B Werktuigbouwkunde", "techniek", "n.v.t. (techniek)", "bachelor", "hbo bachelor", 0.05),
        ("34479", "B HBO-ICT", "techniek", "n.v.t. (techniek)", "bachelor", "hbo bachelor", 0.09),
        ("34213", "B Bouwkunde", "techniek", "n.v.t. (techniek)", "bachelor", "hbo bachelor", 0.03),
        ("80072", "Ad Engineering", "techniek", "n.v.t. (techniek)", "associate degree", "hbo associate degree",
         0.01),
        ("34035", "B Commerciële Economie", "economie", "n.v.t. (economie)", "bachelor", "hbo bachelor", 0.18),
        ("34139", "B Pedagogiek", "gedrag en maatschappij", "n.v.t. (gedrag en maatschappij)", "bachelor",
         "hbo bachelor", 0.12),
        ("34560", "B Verpleegkunde", "gezondheidszorg", "n.v.t. (gezondheidszorg)", "bachelor", "hbo bachelor",
         0.14),
        ("34808", "B Opleiding tot leraar Basisonderwijs", "onderwijs", "leraar basisonderwijs", "bachelor",
         "hbo bachelor", 0.13),
        ("34397", "B Communicatie", "taal en cultuur", "n.v.t. (taal en cultuur)", "bachelor", "hbo bachelor", 0.11),
        ("34860", "B Dier- en Veehouderij", "landbouw en natuurlijke omgeving",
         "n.v.t. (landbouw en natuurlijke omgeving)", "bachelor", "hbo bachelor", 0.04),
        ("49224", "M Business Administration", "economie", "n.v.t. (economie)", "master", "hbo master", 0.06),
    ],
    "wo": [
        ("56226", "B Werktuigbouwkunde", "techniek", "n.v.t. (techniek)", "bachelor", "wo bachelor", 0.05),
        ("56538", "B Technische Informatica", "techniek", "n.v.t. (techniek)", "bachelor", "wo bachelor", 0.04),
        ("66226", "M Mechanical Engineering", "techniek", "n.v.t. (techniek)", "master", "wo master", 0.04),
        ("56984", "B Natuurkunde", "natuur", "n.v.t. (natuur)", "bachelor", "wo bachelor", 0.06),
        ("50645", "B Economie en Bedrijfseconomie", "economie", "n.v.t. (economie)", "bachelor", "wo bachelor",
         0.14),
        ("50700", "B Rechtsgeleerdheid", "recht", "n.v.t. (recht)", "bachelor", "wo bachelor", 0.13),
        ("56604", "B Psychologie", "gedrag en maatschappij", "n.v.t. (gedrag en maatschappij)", "bachelor",
         "wo bachelor", 0.12),
        ("56551", "B Geneeskunde", "gezondheidszorg", "n.v.t. (gezondheidszorg)", "bachelor", "wo bachelor", 0.09),
        ("56800", "B Geschiedenis", "taal en cultuur", "n.v.t. (taal en cultuur)", "bachelor", "wo bachelor", 0.11),
        ("60090", "M Business Administration", "economie", "n.v.t. (economie)", "master", "wo master", 0.22),
    ],
}
# Students (first-years or graduates) per inhabitant of the whole demo country and year (DUO 2019 editions:
# hbo ~110k first-years, wo ~107k, hbo ~76k graduates, wo ~79k, on ~17.3 million inhabitants).
PER_CAPITA = {("hbo", "first_years"): 0.0064, ("wo", "first_years"): 0.0062,
              ("hbo", "graduates"): 0.0044, ("wo", "graduates"): 0.0046}
CATCHMENT = 2.5  # a host municipality draws students from its region
HOST_MINIMUM = {"hbo": 110_000, "wo": 180_000}
# Flevoland's real hosts and their size relative to a typical host (Almere small for its size).
FLEVOLAND_HOSTS = {"hbo": {"GM0034": 0.36, "GM0303": 1.0}, "wo": {}}
FLEVOLAND = {"GM0034", "GM0995", "GM0303", "GM0171", "GM0184", "GM0050"}
FORMS = {"voltijd onderwijs": 0.86, "deeltijd onderwijs": 0.11, "duaal onderwijs": 0.03}
MALE_SHARE = {"techniek": 0.77, "natuur": 0.6, "economie": 0.6, "recht": 0.35}
STRAY_LINES = 6


def province_names() -> dict[str, str]:
    regions = load_regions()
    names = dict(zip(regions["code"], regions["name"], strict=True))
    return {code: names[parent] for code, parent in zip(regions["code"], regions["parent_code"], strict=True)
            if parent and parent.startswith("PV")}


def hosts_of(level: str, world: list[Municipality]) -> list[tuple[Municipality, float]]:
    """Municipalities with an institution of this level, with their size factor."""
    result = []
    for municipality in world:
        if municipality.code in FLEVOLAND:
            factor = FLEVOLAND_HOSTS[level].get(municipality.code)
            if factor is not None:
                result.append((municipality, factor))
        elif municipality.population >= HOST_MINIMUM[level]:
            result.append((municipality, 1.0))
    if not any(m.code not in FLEVOLAND for m, _ in result):  # small demo worlds: the largest town hosts
        largest = max((m for m in world if m.code not in FLEVOLAND), key=lambda m: m.population)
        result.append((largest, 1.0))
    if level == "wo":  # the country has 18 universities (the BRIN codes DUO's portal reader knows as wo)
        result = sorted(result, key=lambda h: -h[0].population)[:len(WO_INSTITUTIONS)]
    return sorted(result, key=lambda h: h[0].code)


def new_brin(rng: np.random.Generator, used: set[str]) -> str:
    while True:
        code = f"{rng.integers(0, 100):02d}" + "".join(rng.choice(list(string.ascii_uppercase), 2))
        if code not in used:
            used.add(code)
            return code


def rows(level: str, kind: str, world: list[Municipality], years: list[int],
         rng: np.random.Generator) -> list[list[str]]:
    """Data rows in the old layout's column order for one level and kind (first_years | graduates)."""
    provinces = province_names()
    used: set[str] = set()
    result = []
    noun = "Hogeschool" if level == "hbo" else "Universiteit"
    hosts = hosts_of(level, world)
    rate = PER_CAPITA[(level, kind)]
    # Flevoland hosts get a fixed size; the other hosts share the rest of the country's total by population.
    fixed = {m.code: rate * m.population * CATCHMENT * f for m, f in hosts if m.code in FLEVOLAND}
    rest = rate * sum(m.population for m in world) - sum(fixed.values())
    others = sum(m.population for m, _ in hosts if m.code not in FLEVOLAND)
    for municipality, _ in hosts:
        brin = new_brin(rng, used)
        share_of_rest = rest * municipality.population / others
        size = fixed.get(municipality.code, share_of_rest) * rng.uniform(0.8, 1.2)
        offered = [p for p in PROGRAMMES[level] if rng.random() < 0.8] or PROGRAMMES[level][:1]
        weight = sum(p[-1] for p in offered)
        for code, name, onderdeel, sub, ho_type, diploma, share in offered:
            lean = municipality.tech_lean if onderdeel == "techniek" else 1.0
            for form, form_share in FORMS.items():
                if form != "voltijd onderwijs" and rng.random() < 0.5:
                    continue
                expected = size * share / weight * form_share * lean
                male = MALE_SHARE.get(onderdeel, 0.4)
                for sex, sex_share in (("man", male), ("vrouw", 1 - male)):
                    counts = [str(int(rng.poisson(expected * sex_share))) for _ in years]
                    middle = [ho_type] if kind == "first_years" else []
                    tail = [diploma] if kind == "graduates" else []
                    result.append([
                        provinces.get(municipality.code, ""), municipality.code[2:], municipality.name,
                        "reguliere inst.", *middle, brin, f"Demo {noun} {municipality.name}", onderdeel, sub,
                        code, name, form, *tail, sex, *counts,
                    ])
    return sorted(result, key=lambda r: (r[0], r[1]))  # DUO orders by province and municipality number


def write_file(target: Path, header: list[str], data: list[list[str]], rng: np.random.Generator) -> Path:
    """Write the rows as DUO did, with a few stray `""` lines between records."""
    target.parent.mkdir(parents=True, exist_ok=True)
    stray = set(rng.choice(len(data), size=min(STRAY_LINES, len(data)), replace=False).tolist()) if data else set()
    lines = [";".join(header)]
    for index, row in enumerate(data):
        if index in stray and index > 0:
            lines.append('""')
        lines.append(";".join(row))
    target.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return target
