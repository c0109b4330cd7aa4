"""The reference lists a monthly report's signals are checked against: technical domains and Flevoland's
municipalities, read from etl/reference/ (the same files the build loads).

Read here with the csv module, not through etl.domains or etl.reference: validation depends only on etl/workbooks and
these files, so that store.validation_version can hash all of it (a changed domain list re-validates every kept
report instead of reusing a cached result). The build checks the files' layout (etl/domains.py, etl/reference.py).
"""

from __future__ import annotations

import csv
import unicodedata
from functools import cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"
DOMAINS_FILE, REGIONS_FILE = "technical_domains.csv", "regions.csv"
REFERENCE_FILES = (DOMAINS_FILE, REGIONS_FILE)
PROVINCE = "PV24"  # Flevoland: the programme's municipalities are its current ones


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def domain_names() -> dict[str, str]:
    """Technical domain id → Dutch name, in the order of technical_domains.csv (the order on every page)."""
    return {row["domain_id"]: row["name"] for row in _rows(DOMAINS_FILE)}


@cache
def flevoland_municipalities() -> dict[str, str]:
    """CBS code → name of the current Flevoland municipalities, sorted by name."""
    found = sorted((row["name"], row["code"]) for row in _rows(REGIONS_FILE)
                   if row["level"] == "gemeente" and row["parent_code"] == PROVINCE and not row["valid_to"])
    return {code: name for name, code in found}


def match_key(text: str) -> str:
    """How a typed name or code is compared: case, accents, repeated spaces and '_' ignored."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(plain.replace("_", " ").casefold().split())
