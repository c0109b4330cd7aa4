"""Region reference: the CBS classification, Flevoland, and DUO's names mapped to CBS codes."""

import csv
import json

from etl.reference import MunicipalityResolver, load_regions, normalise_name, read_regions, region_membership

FLEVOLAND = {"GM0034", "GM0995", "GM0303", "GM0171", "GM0184", "GM0050"}


def test_current_classification_has_342_municipalities_and_six_in_flevoland():
    regions = load_regions()
    current = regions[(regions["level"] == "gemeente") & regions["valid_to"].isna()]
    assert len(current) == 342
    assert set(current.loc[current["parent_code"] == "PV24", "code"]) == FLEVOLAND
    assert set(regions.loc[regions["is_flevoland"], "code"]) == FLEVOLAND | {"PV24"}
    assert regions["code"].is_unique
    assert len(regions[regions["level"] == "provincie"]) == 12
    assert regions["valid_to"].dtype == "Int64"
    assert regions.loc[regions["code"] == "NL", "parent_code"].item() is None


def test_membership_walks_up_to_nl():
    membership = region_membership(read_regions())
    assert membership == sorted(set(membership))
    urk = {region for region, municipality in membership if municipality == "GM0184"}
    assert urk == {"GM0184", "PV24", "LD02", "NL"}
    assert {municipality for region, municipality in membership if region == "PV24"} == FLEVOLAND


def test_resolver_handles_aliases_mergers_and_accents():
    resolver = MunicipalityResolver()
    assert resolver.resolve("HENGELO", 2023) == "GM0164"
    assert resolver.resolve("NUENEN C.A.", 2023) == "GM0820"
    assert resolver.resolve("'S-GRAVENHAGE", 2023) == "GM0518"
    assert resolver.resolve("SÚDWEST-FRYSLÂN", 2023) == "GM1900"
    assert resolver.resolve("Haren", 2018) == "GM0017"  # before the 2019 merger into Groningen
    assert resolver.resolve("Haren", 2020) == "GM0014"  # after: its successor
    assert resolver.resolve("DIJK EN WAARD", 2019) == "GM1980"  # DUO restates old years in today's names
    assert resolver.resolve("ATLANTIS", 2023) is None
    assert normalise_name("  Súdwest-Fryslân ") == "SUDWEST-FRYSLAN"


def test_every_duo_name_in_the_real_file_resolves(real_vo_file):
    resolver = MunicipalityResolver()
    with real_vo_file.open(encoding="utf-8", newline="") as handle:
        names = {row["GEMEENTENAAM"] for row in csv.DictReader(handle, delimiter=";")}
    assert len(names) == 283
    assert {n for n in names if resolver.resolve(n, 2023) is None} == set()


def test_codes_and_names_match_the_real_2025_boundaries(real_data):
    features = json.loads((real_data / "geo_gemeenten_cartomap" / "gemeente_2025.geojson").read_text())["features"]
    published = {f["properties"]["statcode"]: f["properties"]["statnaam"] for f in features}
    regions = load_regions()
    current = regions[(regions["level"] == "gemeente") & regions["valid_to"].isna()]
    assert dict(zip(current["code"], current["name"], strict=True)) == published
