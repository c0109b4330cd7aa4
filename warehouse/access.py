"""Who may do what: the access file (email address or OIDC group → role, and a project lead's subprojects) and the
permission checks that every page and action asks.

No streamlit here: ui/access.py draws the login and refusal pages with these answers, ui/serve.py checks the file
before the server starts, and the tests call it directly. The roles (docs/access.md):

    beheerder      everything, plus period locks and the audit trail (page Logboek)
    analist        every page, the Verkenner's SQL box, uploads and withdrawals for any subproject, review of
                   monthly reports; may include not yet approved reports in the figures
    projectleider  Overzicht, the theme pages and Deelprojecten; on Upload the monthly reports of their own
                   subproject(s) only: template, upload, history and withdrawal; sees their own unapproved reports
                   in the figures
    stuurgroep     read only: no SQL box, no Upload; figures from approved reports only

The access file (TOML, config/access.toml or the file TECHNIEKMONITOR_ACCESS names) has one line per person or
group, so that an error can name its line:

    contact = "techniekmonitor@example.org"      # optional: shown to someone without access
    [personen]
    "a.analist@example.org" = "analist"
    "p.lead@example.org" = { rol = "projectleider", deelprojecten = ["ALM"] }
    [groepen]                                    # the token's 'groups' claim (Entra ID: the group's object id)
    "0f6c…" = "stuurgroep"

A person's own line decides; otherwise every group of theirs that is listed counts and the widest role wins (a
project lead in two lead groups gets both groups' subprojects).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from warehouse.paths import PROJECT_ROOT

ACCESS_ENV = "TECHNIEKMONITOR_ACCESS"
DEFAULT_ACCESS = PROJECT_ROOT / "config" / "access.toml"

BEHEERDER, ANALIST, PROJECTLEIDER, STUURGROEP = ROLES = ("beheerder", "analist", "projectleider", "stuurgroep")
ROLE_SUMMARY = {  # what a role may do, in the words the demo role switch and the refusals use
    BEHEERDER: "alles, ook periodes vergrendelen en het logboek",
    ANALIST: "alle pagina's, de SQL-box, uploads voor elk deelproject en rapportages beoordelen",
    PROJECTLEIDER: "Overzicht, de thema's en Deelprojecten, en uploads voor het eigen deelproject",
    STUURGROEP: "alleen lezen, en alleen goedgekeurde rapportages: geen SQL-box en geen uploads",
}
_EVERYONE = frozenset(ROLES)
_READERS = frozenset({BEHEERDER, ANALIST, STUURGROEP})
_WRITERS = frozenset({BEHEERDER, ANALIST})  # uploads and withdrawals for any subproject, the plan of action
PAGE_ROLES: dict[str, frozenset[str]] = {  # page (its file name in pages/) → the roles that may open it
    "overzicht": _EVERYONE, "aanbod": _EVERYONE, "behoud": _EVERYONE, "arbeidsmarkt": _EVERYONE,
    "aansluiting": _EVERYONE,
    "deelprojecten": _EVERYONE, "effecten": _EVERYONE,
    "verkenner": _READERS, "bronnen": _READERS, "inhoud": _READERS,
    "upload": frozenset({BEHEERDER, ANALIST, PROJECTLEIDER}),
    "logboek": frozenset({BEHEERDER}),
}
_SQL = frozenset({BEHEERDER, ANALIST})


def access_path() -> Path:
    """The access file in use: TECHNIEKMONITOR_ACCESS, else config/access.toml in the checkout."""
    return Path(os.environ.get(ACCESS_ENV) or DEFAULT_ACCESS)


@dataclass(frozen=True)
class Grant:
    """What one visitor may do: a role, a lead's subprojects, and who they are (for `--by` and the audit log)."""

    role: str
    subprojects: frozenset[str] = frozenset()
    name: str = ""
    email: str | None = None
    demo: bool = False  # demo mode: no login, the role chosen by the visitor

    @property
    def who(self) -> str:
        """The name recorded with an upload or withdrawal: 'Name (email)', or what the login gave."""
        if self.name and self.email and self.name.casefold() != self.email.casefold():
            return f"{self.name} ({self.email})"
        return self.name or self.email or self.role

    def may_open(self, page: str) -> bool:
        """True when this role may open the page (a page missing from PAGE_ROLES is open to nobody)."""
        return self.role in PAGE_ROLES.get(page, ())

    def may_use_sql(self) -> bool:
        return self.role in _SQL

    def covers(self, subproject: str | None) -> bool:
        """True when the visitor's uploads may concern this subproject (analists and beheerders: every one)."""
        return self.role in _WRITERS or (self.role == PROJECTLEIDER and subproject in self.subprojects)

    def may_write(self, kind: str | None, subproject: str | None) -> bool:
        """May upload (or withdraw) a workbook of this kind ('plan' or 'monthly') for this subproject."""
        if self.role in _WRITERS:
            return True
        return self.role == PROJECTLEIDER and kind == "monthly" and subproject in self.subprojects

    def sees_upload(self, kind: str | None, subproject: str | None) -> bool:
        """Whether an upload appears in this visitor's history (a lead sees their own subprojects' reports)."""
        return self.may_write(kind, subproject)

    def may_review(self) -> bool:
        """May mark monthly reports goedgekeurd or teruggestuurd."""
        return self.role in _WRITERS

    def may_lock(self) -> bool:
        """May lock and unlock quarters."""
        return self.role == BEHEERDER

    def may_include_unreviewed(self) -> bool:
        """May choose to see figures including reports not yet approved."""
        return self.role in _WRITERS

    def reports(self, include_unreviewed: bool = False) -> tuple[str, ...] | None:
        """Which monthly reports count in the figures this visitor sees (warehouse.programme.Reports): approved
        ones, plus a lead's own not yet approved ones; every report when an analyst or beheerder asks for it."""
        if include_unreviewed and self.may_include_unreviewed():
            return None
        return tuple(sorted(self.subprojects)) if self.role == PROJECTLEIDER else ()


class AccessFileError(Exception):
    """The access file is missing or wrong; the Dutch message names the file and, where it can, the line."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        super().__init__(f"{path}{f', regel {line}' if line else ''}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass(frozen=True)
class Entry:
    """One line of the access file."""

    role: str
    subprojects: frozenset[str]
    line: int


@dataclass(frozen=True)
class AccessRules:
    """The parsed access file."""

    path: Path
    people: dict[str, Entry] = field(default_factory=dict)  # email, case-folded → entry
    groups: dict[str, Entry] = field(default_factory=dict)  # group id or name, case-folded → entry
    contact: str | None = None

    def grant(self, email: str | None, groups: list[str] | tuple[str, ...] = (), name: str = "") -> Grant | None:
        """The visitor's grant, or None when neither their email address nor any of their groups is listed."""
        if not email:
            return None
        entry = self.people.get(email.strip().casefold())
        if entry is None:
            matched = [self.groups[g.casefold()] for g in groups if isinstance(g, str) and g.casefold() in self.groups]
            if not matched:
                return None
            role = min((e.role for e in matched), key=ROLES.index)  # the widest role
            leads = frozenset().union(*(e.subprojects for e in matched if e.role == role))
            entry = Entry(role, leads, 0)
        return Grant(entry.role, entry.subprojects, name, email.strip())

    def unknown_subprojects(self, known: set[str]) -> AccessFileError | None:
        """The first line naming a subproject that is not in `known` (the plan of action's codes)."""
        for label, entries in (("", self.people), ("groep ", self.groups)):
            for key, entry in entries.items():
                unknown = sorted(entry.subprojects - known)
                if unknown:
                    return AccessFileError(
                        self.path, f"{label}{key} heeft deelproject {', '.join(unknown)}, maar dat staat niet in het "
                        f"plan van aanpak (bekend: {', '.join(sorted(known))}). Verbeter de code of verwijder hem.",
                        entry.line)
        return None


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_KEY = re.compile(r"""\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_.@+-]+))\s*=""")
_TABLE = re.compile(r"\s*\[\s*([A-Za-z0-9_-]+)\s*\]")
_SECTIONS = {"personen": "e-mailadres", "groepen": "groep"}
_ENTRY_KEYS = {"rol", "deelprojecten"}
_EXAMPLE = '"naam@example.org" = { rol = "projectleider", deelprojecten = ["ALM"] }'


def _lines(text: str) -> dict[tuple[str, str], int]:
    """(table, key) → the line it is written on, for the error messages (one entry per line in this format)."""
    where, table = {}, ""
    for number, raw in enumerate(text.splitlines(), start=1):
        header = _TABLE.match(raw)
        if header:
            table = header.group(1)
            where.setdefault(("[]", table), number)
            continue
        key = _KEY.match(raw)
        if key:
            name = next(g for g in key.groups() if g is not None)
            where.setdefault((table, name), number)
    return where


def parse(text: str, path: Path) -> AccessRules:
    """Read and check an access file's text; raises AccessFileError naming the line of the first problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        position = _TOML_POSITION.search(str(exc))
        detail = _TOML_POSITION.sub("", str(exc)).strip()
        raise AccessFileError(path, "dit is geen geldige TOML. Controleer aanhalingstekens, '=' en haakjes op deze "
                              f"regel; voorbeeld: {_EXAMPLE} ({detail}).",
                              int(position.group(1)) if position else None) from None
    lines = _lines(text)
    people: dict[str, Entry] = {}
    groups: dict[str, Entry] = {}
    contact = None
    for name, value in data.items():
        if name == "contact":
            if not isinstance(value, str):
                raise AccessFileError(path, 'contact is tekst tussen aanhalingstekens, bijvoorbeeld contact = '
                                      '"techniekmonitor@example.org".', lines.get(("", name)))
            contact = value.strip() or None
            continue
        if name not in _SECTIONS or not isinstance(value, dict):
            raise AccessFileError(path, f"onbekend onderdeel '{name}'. Het bestand kent alleen 'contact = \"…\"' en "
                                  "de onderdelen [personen] en [groepen].", lines.get(("", name))
                                  or lines.get(("[]", name)))
        target = people if name == "personen" else groups
        for key, item in value.items():
            line = lines.get((name, key)) or lines.get(("[]", name))
            entry = _entry(path, name, key, item, line)
            folded = key.strip().casefold()
            if folded in target:
                raise AccessFileError(path, f"{key} staat twee keer in [{name}] (ook op regel {target[folded].line}); "
                                      "laat één regel staan.", line)
            target[folded] = entry
    return AccessRules(path, people, groups, contact)


def _entry(path: Path, section: str, key: str, item: object, line: int | None) -> Entry:
    """One person's or group's line: "rol" or { rol = "…", deelprojecten = […] }."""
    what = _SECTIONS[section]
    if section == "personen" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", key.strip()):
        raise AccessFileError(path, f"'{key}' is geen e-mailadres. Zet onder [personen] één regel per persoon: "
                              f'"naam@example.org" = "analist".', line)
    if isinstance(item, str):
        role, codes = item, None
    elif isinstance(item, dict):
        extra = sorted(set(item) - _ENTRY_KEYS)
        if extra:
            raise AccessFileError(path, f"onbekende sleutel {', '.join(extra)} bij {key}; alleen 'rol' en "
                                  f"'deelprojecten' zijn toegestaan. Voorbeeld: {_EXAMPLE}", line)
        role, codes = item.get("rol"), item.get("deelprojecten")
    else:
        raise AccessFileError(path, f"bij {what} {key} hoort een rol tussen aanhalingstekens of {{ rol = …, "
                              f"deelprojecten = […] }}. Voorbeeld: {_EXAMPLE}", line)
    if role not in ROLES:
        raise AccessFileError(path, f"onbekende rol '{role}' bij {key}. Kies uit: {', '.join(ROLES)}.", line)
    if role == PROJECTLEIDER:
        if not codes or not isinstance(codes, list) or not all(isinstance(c, str) and c.strip() for c in codes):
            raise AccessFileError(path, f"projectleider {key} heeft geen deelprojecten. Schrijf de code(s) erbij, "
                                  f"bijvoorbeeld: {_EXAMPLE}", line)
        return Entry(role, frozenset(c.strip() for c in codes), line or 0)
    if codes is not None:
        raise AccessFileError(path, f"{key} heeft de rol {role} en deelprojecten; deelprojecten horen alleen bij "
                              f"de rol projectleider ({role}: {ROLE_SUMMARY[role]}).", line)
    return Entry(role, frozenset(), line or 0)


def load(path: Path | None = None) -> AccessRules:
    """Read and check the access file (by default the one in use); raises AccessFileError."""
    path = path or access_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AccessFileError(path, "het toegangsbestand bestaat niet. Maak het aan naar het voorbeeld "
                              "config/access.example.toml (docs/access.md) of wijs het aan met "
                              f"{ACCESS_ENV}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AccessFileError(path, f"het toegangsbestand is niet te lezen ({exc}).") from None
    return parse(text, path)
