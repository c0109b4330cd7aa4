"""Technical domains and the crosswalks that place programmes and occupations in them (etl/reference/*.csv).

Each education crosswalk is an ordered list of rules (level, group, code, name pattern): the first rule whose filled
fields all match a programme decides its domain, or names the reason it is not placed in one. The occupation
crosswalk maps each BRC 2014 beroepsgroep code to a domain or a reason. The build fills the domain tables from these
files and stops (see CHECKS) when a technical programme or occupation matches no rule, naming it and the file to
edit. After that the mismatch tables are filled from the fact tables by their marts (etl/sql/marts/mismatch_*.sql).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl import transforms
from etl.checks import Check, rule
from etl.errors import RawFileError
from etl.reference import REFERENCE_DIR

DOMAINS_FILE = "technical_domains.csv"
OCCUPATIONS_FILE = "crosswalk_brc.csv"
# Which crosswalk places the programmes of each education level.
EDUCATION_FILES = {"mbo": "crosswalk_mbo.csv", "hbo": "crosswalk_ho.csv", "wo": "crosswalk_ho.csv",
                   "vmbo": "crosswalk_vo.csv", "havo": "crosswalk_vo.csv", "vwo": "crosswalk_vo.csv"}
RULE_COLUMNS = ["level", "group", "code", "name_pattern", "domain_id", "unmapped_reason", "source"]
OCCUPATION_COLUMNS = ["occupation_code", "occupation_name", "isco08", "domain_id", "unmapped_reason", "source"]


@dataclass(frozen=True)
class Rule:
    """One line of an education crosswalk; empty fields match anything."""

    crosswalk: str
    line: int
    level: str
    group: str
    code: str
    pattern: re.Pattern[str] | None
    domain_id: str | None
    unmapped_reason: str | None

    def matches(self, level: str, group: str, code: str, name: str) -> bool:
        """True when every filled field of the rule fits the programme."""
        return ((not self.level or self.level == level)
                and (not self.group or self.group.casefold() == group.casefold())
                and (not self.code or self.code == code)
                and (self.pattern is None or self.pattern.search(name) is not None))


def _rows(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) of a reference CSV whose header must be exactly `columns`."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != columns:
            raise RawFileError(path, f"kolommen {reader.fieldnames} wijken af; verwacht precies "
                                     f"{', '.join(columns)}", 1)
        return [(reader.line_num, {k: (v or "").strip() for k, v in row.items()}) for row in reader]


def read_domains(reference_dir: Path = REFERENCE_DIR) -> list[tuple[str, str, str, int]]:
    """(domain_id, name, description, sort_order) per technical domain, in the file's order."""
    path = reference_dir / DOMAINS_FILE
    rows, seen = _rows(path, ["domain_id", "name", "description"]), set()
    for line, row in rows:
        if not re.fullmatch(r"[a-z_]+", row["domain_id"]) or row["domain_id"] in seen or not row["name"]:
            raise RawFileError(path, f"domein '{row['domain_id']}' moet een nieuwe code van kleine letters en '_' "
                                     "zijn, met een naam", line, "domain_id")
        seen.add(row["domain_id"])
    return [(row["domain_id"], row["name"], row["description"], order) for order, (_, row) in enumerate(rows, 1)]


def _target(path: Path, line: int, row: dict[str, str], domains: set[str]) -> tuple[str | None, str | None]:
    """(domain_id, unmapped_reason) of a crosswalk line: exactly one of the two, and a known domain."""
    domain, reason = row["domain_id"] or None, row["unmapped_reason"] or None
    if (domain is None) == (reason is None):
        raise RawFileError(path, "vul precies één van domain_id en unmapped_reason in (een domein, of de reden "
                                 "waarom het niet in een domein valt)", line, "domain_id")
    if domain is not None and domain not in domains:
        raise RawFileError(path, f"onbekend domein '{domain}'; kies uit {', '.join(sorted(domains))} "
                                 f"({DOMAINS_FILE})", line, "domain_id")
    if not row["source"]:
        raise RawFileError(path, "de bron (source) ontbreekt: noem de gepubliceerde indeling", line, "source")
    return domain, reason


def read_rules(name: str, domains: set[str], reference_dir: Path = REFERENCE_DIR) -> list[Rule]:
    """The rules of one education crosswalk, in file order, each checked."""
    path = reference_dir / name
    rules = []
    for line, row in _rows(path, RULE_COLUMNS):
        domain, reason = _target(path, line, row, domains)
        try:
            pattern = re.compile(row["name_pattern"], re.IGNORECASE) if row["name_pattern"] else None
        except re.error as error:
            raise RawFileError(path, f"ongeldig patroon ({error})", line, "name_pattern") from None
        rules.append(Rule(name, line, row["level"], row["group"], row["code"], pattern, domain, reason))
    return rules


def read_occupations(domains: set[str], reference_dir: Path = REFERENCE_DIR) -> list[tuple]:
    """One row per BRC 2014 beroepsgroep: (code, name, isco08, domain_id, unmapped_reason, crosswalk line)."""
    path = reference_dir / OCCUPATIONS_FILE
    rows, seen = [], set()
    for line, row in _rows(path, OCCUPATION_COLUMNS):
        code = row["occupation_code"]
        if not re.fullmatch(r"\d{4}", code) or code in seen:
            raise RawFileError(path, f"beroepsgroep '{code}' is geen nieuwe code van 4 cijfers", line,
                               "occupation_code")
        seen.add(code)
        rows.append((code, row["occupation_name"], row["isco08"] or None, *_target(path, line, row, domains), line))
    return rows


def programme_keys(education_id: str, level: str, track: str | None, label: str) -> tuple[str, str, str]:
    """(group, code, name) of a programme as the crosswalks match it.

    mbo ids are 'mbo:<crebo> <leerweg> | <sectorunit> | <domein or hoofdgroep>' and labels '<name> (<crebo>)';
    hbo/wo ids end in ':<opleidingscode>' when the source names the programme; vo has only its sector/profile.
    """
    if level == "mbo":
        crebo = education_id.removeprefix("mbo:").split(" ", 1)[0]
        return education_id.rsplit(" | ", 1)[-1], crebo, label.removesuffix(f" ({crebo})")
    if level in ("hbo", "wo"):
        code = education_id.rsplit(":", 1)[-1] if education_id.count(":") == 2 else ""
        return track or "", code, label
    return track or "", "", label


def assign(programmes: list[tuple[str, str, str | None, str]], rules: dict[str, list[Rule]]) -> list[tuple]:
    """(education_id, domain_id, unmapped_reason, crosswalk, line) for each programme a rule matches.

    `programmes` are (education_id, level, track, source_label) of the technical programmes; one matching no rule
    gets no row, which the check on the education table reports.
    """
    keys = [(education_id, level, *programme_keys(education_id, level, track, label))
            for education_id, level, track, label in programmes]
    # DUO's current students file gives no hoofdgroep: a qualification (crebo) takes the group another file gives it.
    groups = {code: group for _, level, group, code, _ in keys if level == "mbo" and group}
    placed = []
    for education_id, level, group, code, name in keys:
        group = group or (groups.get(code, "") if level == "mbo" else "")
        found = next((r for r in rules.get(level, []) if r.matches(level, group, code, name)), None)
        if found is not None:
            placed.append((education_id, found.domain_id, found.unmapped_reason, found.crosswalk, found.line))
    return placed


def load(con: duckdb.DuckDBPyConnection, reference_dir: Path = REFERENCE_DIR) -> None:
    """Fill the domain tables from the crosswalks, then the mismatch tables from the facts (after education)."""
    domains = read_domains(reference_dir)
    known = {d[0] for d in domains}
    rules = {level: read_rules(name, known, reference_dir) for level, name in EDUCATION_FILES.items()}
    _insert(con, "technical_domain", domains)
    technical = con.execute("select education_id, level, track, source_label from education where is_technical "
                            "order by education_id").fetchall()
    _insert(con, "education_domain", assign(technical, rules))
    _insert(con, "occupation_domain", read_occupations(known, reference_dir))
    for table, mart in (("mismatch_supply", "mismatch_supply"), ("mismatch_demand", "mismatch_demand"),
                        ("period", "period_calendar_year")):  # in this order: the periods come from both
        con.execute(f"insert into {table} by name {transforms.mart(mart)}")


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Append rows in one statement with a VALUES list (executemany goes row by row, and each costs a round trip)."""
    if rows:
        values = ", ".join(["(" + ", ".join("?" * len(rows[0])) + ")"] * len(rows))
        con.execute(f"insert into {table} values {values}", [v for row in rows for v in row])  # noqa: S608 (constants)


# The reference files are checked as they are read (one domain or reason per line, known domains, unique codes), and
# the tables are filled by construction one row per grain; what can still go wrong is data the crosswalks miss.
CHECKS: list[Check] = [
    rule("education", "elke technische opleiding valt in een domein of staat met reden als niet ingedeeld "
         "(voeg een regel toe aan etl/reference/crosswalk_mbo.csv, crosswalk_ho.csv of crosswalk_vo.csv)",
         "is_technical and education_id not in (select education_id from education_domain)",
         "education_id", "source_label"),
    rule("fact_uwv_match", "elk technisch beroep staat in etl/reference/crosswalk_brc.csv (met een domein of "
         "een reden)", "is_technical and occupation_code not in (select occupation_code from occupation_domain)",
         "occupation_code", "occupation_name"),
]
