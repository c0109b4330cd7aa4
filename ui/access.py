"""Login, roles and demo mode in the app: who is visiting, which pages they get, and the Dutch pages for 'log in',
'ingelogd, maar geen toegang' and 'demo mode refused'. The rules themselves are in warehouse/access.py.

Two modes, decided by the secrets (docs/access.md):
- login: `[auth]` is configured. Streamlit's st.login signs the visitor in with the organisation's OpenID Connect
  provider; the access file gives their email address (or one of their groups) a role.
- demo: no `[auth]`, as with `make run`. The visitor picks a role in the sidebar to try it. Refused, for everyone, as
  soon as the warehouse holds a real (non-demo) upload; and the Upload page then writes demo uploads only
  (`python -m etl upload --demo`), so no real report is ever written without a login.

Every page is checked on the server twice: app.py's navigation replaces a page the role may not open by a hidden
refusal under the same URL (the page's own code never runs), and each page's first statement is `guard(<page>)`.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.errors import StreamlitAPIException
from streamlit.logger import get_logger
from streamlit.navigation.page import StreamlitPage

from ui.data import db_version, has_plan, real_uploads, subprojects
from ui.etl_runner import uploads_path
from ui.layout import CHOOSE_ONE
from warehouse import audit
from warehouse.access import (
    PROJECTLEIDER,
    ROLE_SUMMARY,
    ROLES,
    AccessFileError,
    AccessRules,
    Grant,
    access_path,
    load,
)
from warehouse.programme import reports_label

# The server's own warm-up sessions (ui/warmup.py) send this header with a secret that exists only in this process.
WARMUP_HEADER = "X-Techniekmonitor-Warmup"
WARMUP_TOKEN = secrets.token_urlsafe(32)
WARMUP = Grant("beheerder", name="opwarmen (server)")
DEMO_ROLE = "toegang_demo_rol"  # session state keys of the demo role switch
DEMO_SUBPROJECT = "toegang_demo_deelproject"
CONTACT_FALLBACK = "de beheerder van de Techniekmonitor"
_LOG = get_logger(__name__)


@dataclass(frozen=True)
class Blocked:
    """Why this visitor sees no page: login, no_access, no_email, unverified, access_file or demo_refused."""

    kind: str
    detail: str = ""
    name: str = ""
    email: str | None = None


def login_configured() -> bool:
    """True when the secrets have an [auth] section: login mode; otherwise demo mode."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all (StreamlitSecretNotFoundError)
        return False


_RULES_LOCK = threading.Lock()
_RULES: dict[Path, tuple[tuple[float, int], AccessRules | AccessFileError]] = {}


def rules() -> AccessRules:
    """The access file in use, read again whenever it changes on disk; raises AccessFileError."""
    path = access_path()
    try:
        info = path.stat()
        stamp = (info.st_mtime, info.st_size)
    except OSError:
        stamp = (0.0, -1)
    with _RULES_LOCK:
        cached = _RULES.get(path)
        if cached is None or cached[0] != stamp:
            try:
                parsed: AccessRules | AccessFileError = load(path)
            except AccessFileError as exc:
                parsed = exc
            cached = _RULES[path] = (stamp, parsed)
    if isinstance(cached[1], AccessFileError):
        raise cached[1]
    return cached[1]


def _contact() -> str:
    try:
        return rules().contact or CONTACT_FALLBACK
    except AccessFileError:
        return CONTACT_FALLBACK


def _is_warmup() -> bool:
    sent = st.context.headers.get(WARMUP_HEADER)
    return bool(sent) and hmac.compare_digest(sent, WARMUP_TOKEN)


def visitor(user: dict | None = None) -> Grant | Blocked:
    """Who is visiting and what they may do, or why they may see nothing (nothing is drawn here). `user`: st.user's
    claims, read once (every read of st.user looks for the secrets file again)."""
    if _is_warmup():
        return WARMUP
    if not login_configured():
        return _demo_visitor()
    user = st.user.to_dict() if user is None else user
    if not user.get("is_logged_in"):
        return Blocked("login")
    name = str(user.get("name") or user.get("preferred_username") or "")
    email = user.get("email")
    email = email.strip() if isinstance(email, str) and email.strip() else None
    try:
        found = rules()
    except AccessFileError as exc:
        return Blocked("access_file", str(exc), name, email)
    if email is None:
        return Blocked("no_email", "", name)
    if user.get("email_verified") is False:
        return Blocked("unverified", "", name, email)
    groups = user.get("groups") or []
    grant = found.grant(email, groups if isinstance(groups, list) else [groups], name)
    return grant or Blocked("no_access", "", name, email)


def _demo_visitor() -> Grant | Blocked:
    version = db_version()
    real = real_uploads(version)
    if real:
        return Blocked("demo_refused", str(real))
    role = st.session_state.get(DEMO_ROLE, ROLES[0])
    role = role if role in ROLES else ROLES[0]
    leads: frozenset[str] = frozenset()
    if role == PROJECTLEIDER:
        codes = _demo_codes()
        chosen = st.session_state.get(DEMO_SUBPROJECT)
        leads = frozenset([chosen if chosen in codes else codes[0]]) if codes else frozenset()
    return Grant(role, leads, name=f"Demo {role}", demo=True)


def _demo_codes() -> list[str]:
    version = db_version()
    if not Path(version[0]).exists() or not has_plan(version):
        return []
    return list(subprojects(version)["subproject_code"])


# ---------------------------------------------------------------------------------------------------------------
# The audit log (warehouse/audit.py): logins and refusals. Demo mode records nothing: nobody is identified.

_SEEN_LOCK = threading.Lock()
_SEEN: set[tuple[str, str, object]] = set()  # (event, email, token issue time): a sign-in is recorded once
_REFUSALS = "_toegang_geweigerd"  # session state: the refusals this session has recorded


def _address() -> dict[str, str | None]:
    forwarded = st.context.headers.get("X-Forwarded-For")
    return {"address": st.context.ip_address, **({"forwarded_for": forwarded} if forwarded else {})}


def record(grant: Grant | None, event: str, what: str, *, by: str | None = None, **details: object) -> None:
    """Add an event to the audit log, unless in demo mode or a warm-up; a failing write never breaks the page."""
    if grant is not None and (grant.demo or grant is WARMUP):
        return
    by = by or (grant.email if grant else None)
    try:
        audit.record(uploads_path(), event, by, what, role=grant.role if grant else None, **_address(), **details)
    except OSError as exc:
        _LOG.error("Auditlog niet bijgewerkt (%s, %s): %s", event, by, exc)


def _refused(grant: Grant, what: str, event: str = "refused", **details: object) -> None:
    """Record a refusal once per session: a rerun that draws the same refusal again is not a new attempt."""
    seen = st.session_state.setdefault(_REFUSALS, set())
    if (event, what) not in seen:
        seen.add((event, what))
        record(grant, event, what, **details)


def refused_upload(grant: Grant, what: str, **details: object) -> None:
    """Record a workbook the checks refused (once per session and file: the page checks it again on every rerun)."""
    _refused(grant, what, "upload_refused", **details)


def _once(event: str, email: str | None, what: str, grant: Grant | None, user: dict | None = None,
          **details: object) -> None:
    """Record a sign-in (or a refused sign-in) once per identity token and server process, not on every rerun."""
    user = st.user.to_dict() if user is None else user
    key = (event, (email or "").casefold(), user.get("iat") or user.get("sub"))
    with _SEEN_LOCK:
        if key in _SEEN:
            return
        _SEEN.add(key)
    record(grant, event, what, by=email, **details)


# ---------------------------------------------------------------------------------------------------------------
# Drawing


def gate() -> Grant:
    """The visitor's grant; for someone who may see nothing, draw why (login, no access, …) and stop the run."""
    user = st.user.to_dict() if login_configured() else {}
    found = visitor(user)
    if isinstance(found, Grant):
        if not found.demo and found is not WARMUP:
            _once("login", found.email, f"ingelogd als {found.role}", found, user, name=found.name)
        return found
    {"login": _login_page, "access_file": _access_file_page, "demo_refused": _demo_refused_page}.get(
        found.kind, _no_access_page)(found)
    st.stop()
    raise AssertionError("st.stop() returned")  # pragma: no cover


def guard(page: str) -> Grant:
    """A page's first statement: the visitor's grant, or a Dutch refusal (recorded) and the end of the run."""
    grant = gate()
    if not grant.may_open(page):
        refuse_page(grant, page)
        st.stop()
    return grant


def refuse_page(grant: Grant, page: str, title: str | None = None) -> None:
    """The Dutch refusal of a page the role may not open (opened by its URL, or the demo role was switched)."""
    label = f"de pagina '{title}'" if title else "deze pagina"
    st.title("Geen toegang tot deze pagina")
    if grant.demo:
        st.warning(f"In de demomodus heeft u nu de rol **{grant.role}** ({ROLE_SUMMARY[grant.role]}). Met die rol "
                   f"kunt u {label} niet openen. Kies links een andere rol om deze pagina te zien.",
                   icon=":material/lock:")
        return
    st.error(f"U bent ingelogd als **{grant.who}** met de rol **{grant.role}** ({ROLE_SUMMARY[grant.role]}). Met "
             f"die rol kunt u {label} niet openen. Kies een pagina in het menu, of vraag {_contact()} om een andere "
             "rol als u deze pagina nodig heeft.", icon=":material/lock:")
    _refused(grant, f"pagina {title or page} geopend zonder toegang", page=page)


def refuse(grant: Grant, message: str, what: str, **details: object) -> None:
    """Refuse an action with a Dutch message and record it (the caller stops or skips the action)."""
    st.error(message, icon=":material/block:")
    _refused(grant, what, **details)


def page_for(grant: Grant) -> Callable[..., StreamlitPage]:
    """st.Page for a page the role may open, else a hidden refusal under the same URL (its code never runs)."""
    def page(name: str, title: str, icon: str, default: bool = False) -> StreamlitPage:
        if grant.may_open(name):
            return st.Page(f"pages/{name}.py", title=title, icon=icon, default=default)
        return st.Page(lambda: refuse_page(grant, name, title), title=title, icon=icon, url_path=name,
                       default=default, visibility="hidden")
    return page


def sidebar(grant: Grant) -> None:
    """Who is logged in, with a logout button; in demo mode the role being tried."""
    if grant is WARMUP:
        return
    scope = f" voor {', '.join(sorted(grant.subprojects))}" if grant.role == PROJECTLEIDER else ""
    with st.sidebar:
        if grant.demo:
            st.markdown(f":material/science: **Demomodus: geen inlog**  \nU probeert de rol **{grant.role}**{scope}; "
                        "wissel met de knop boven aan de pagina.")
            return
        st.markdown(f"**{grant.name or grant.email}**  \n{grant.role}{scope}")
        if grant.name and grant.email:
            st.caption(grant.email)
        if st.button("Uitloggen", icon=":material/logout:", key="toegang_uitloggen"):
            st.logout()


def demo_bar(grant: Grant) -> None:
    """Demo mode, at the top of every page (also on a phone, where the sidebar is folded away): what it is, and the
    role switch."""
    if not grant.demo:
        return
    scope = f" {', '.join(sorted(grant.subprojects))}" if grant.role == PROJECTLEIDER else ""
    with st.popover(f"Demomodus: geen inlog · rol: {grant.role}{scope}", icon=":material/science:",
                    key="toegang_demo"):
        st.markdown("**Demomodus: geen inlog.** Iedereen die deze app opent, kan hier een rol kiezen om te zien wat "
                    "die rol ziet en mag. Alleen demowerkboeken kunnen worden vastgelegd.")
        st.selectbox("Rol (demo)", ROLES, key=DEMO_ROLE, **CHOOSE_ONE)
        st.caption(f"{grant.role}: {ROLE_SUMMARY[grant.role]}.")
        if grant.role == PROJECTLEIDER:
            codes = _demo_codes()
            if codes:
                st.selectbox("Deelproject (demo)", codes, key=DEMO_SUBPROJECT, **CHOOSE_ONE)
            else:
                st.caption("Er is nog geen plan van aanpak, dus nog geen deelproject om te kiezen.")
        st.caption("Voor echt gebruik stelt de beheerder inloggen in (docs/access.md).")


# ---------------------------------------------------------------------------------------------------------------
# Which monthly reports count in the figures (Grant.reports): approved ones, a lead's own, or all for an analyst


_ALL_REPORTS = "toegang_alle_rapportages"  # session state: the analyst's choice, kept across pages
_ALL_REPORTS_WIDGET = "toegang_alle_rapportages_knop"


def reports_filter(grant: Grant) -> tuple[str, ...] | None:
    """The reports this visitor's figures count (warehouse.programme.Reports); draws, in the sidebar, the analyst's
    switch "inclusief nog niet goedgekeurd" and for everyone one line saying which reports count."""
    if grant.may_include_unreviewed():
        st.sidebar.toggle("Inclusief nog niet goedgekeurd", value=st.session_state.get(_ALL_REPORTS, False),
                          key=_ALL_REPORTS_WIDGET, on_change=_keep_all_reports,
                          help="Standaard tellen alleen goedgekeurde maandrapportages mee, zoals de stuurgroep ze "
                               "ziet. Zet dit aan om ook ingediende en teruggestuurde rapportages mee te tellen.")
    reports = counted_reports(grant)
    st.sidebar.caption(reports_label(reports))
    return reports


def counted_reports(grant: Grant) -> tuple[str, ...] | None:
    """The reports this visitor's figures count, as reports_filter chose them (for a page without the switch)."""
    return grant.reports(st.session_state.get(_ALL_REPORTS, False))


def _keep_all_reports() -> None:
    st.session_state[_ALL_REPORTS] = st.session_state[_ALL_REPORTS_WIDGET]


def audit_context(grant: Grant) -> str:
    """Who is acting, as the value of warehouse.audit.CONTEXT_ENV for a `python -m etl` command the app runs, so that
    its audit line names the login (source "app"); "off" in demo mode, which records nothing."""
    if grant.demo or grant is WARMUP:
        return "off"
    return json.dumps({"source": "app", "by": grant.email, "role": grant.role, "name": grant.name, **_address()},
                      ensure_ascii=False, default=str)


def _narrow() -> DeltaGenerator:
    """A centred card for the pages shown instead of the app (login, no access, …)."""
    return st.container(horizontal_alignment="center").container(width=560, border=True)


def _login_page(_: Blocked) -> None:
    with _narrow():
        st.title("Techniekmonitor Flevoland")
        st.caption("Toptechniek in bedrijf Flevoland — meet- en evaluatiesysteem")
        st.markdown("Log in met uw werkaccount om de monitor te openen. Daarna ziet u de pagina's die bij uw rol "
                    "horen.")
        if st.button("Inloggen", type="primary", icon=":material/login:", key="toegang_inloggen"):
            try:
                st.login()
            except StreamlitAPIException as exc:
                st.error(f"Inloggen is niet goed ingesteld op deze server; meld dit bij {_contact()}. ({exc})")
        st.caption(f"Heeft u nog geen toegang? Vraag die aan bij {_contact()}.")


def _logout_button() -> None:
    if st.button("Uitloggen", icon=":material/logout:", key="toegang_uitloggen"):
        st.logout()


def _no_access_page(found: Blocked) -> None:
    who = f"**{found.name}** ({found.email})" if found.name and found.email else f"**{found.email or found.name}**"
    with _narrow():
        st.title("Ingelogd, maar geen toegang")
        if found.kind == "no_email":
            st.warning(f"U bent ingelogd{' als **' + found.name + '**' if found.name else ''}, maar de inlogdienst "
                       "gaf geen e-mailadres door. Zonder e-mailadres kan de Techniekmonitor niet nagaan welke rol u "
                       "heeft.", icon=":material/no_accounts:")
            st.markdown(f"**Wat nu?** Meld dit bij {_contact()}.  \n*Voor de beheerder:* de inlogdienst moet het "
                        "e-mailadres meesturen (in Microsoft Entra ID de optionele claim *email*; docs/access.md).")
            _once("no_access", None, "ingelogd zonder e-mailadres in het token", None, name=found.name)
        elif found.kind == "unverified":
            st.warning(f"U bent ingelogd als {who}, maar de inlogdienst heeft dit e-mailadres niet bevestigd. Een "
                       "onbevestigd adres geeft geen toegang.", icon=":material/no_accounts:")
            st.markdown(f"**Wat nu?** Bevestig uw e-mailadres bij de inlogdienst, of meld dit bij {_contact()}.")
            _once("no_access", found.email, "ingelogd met een onbevestigd e-mailadres", None, name=found.name)
        else:
            st.warning(f"U bent ingelogd als {who}, maar dit account heeft geen toegang tot de Techniekmonitor "
                       "Flevoland.", icon=":material/no_accounts:")
            st.markdown(f"**Wat nu?**\n- Vraag toegang aan bij {_contact()}. Noem uw e-mailadres en wat u wilt doen "
                        "(cijfers bekijken, rapportages uploaden of analyseren).\n- Ingelogd met een ander account "
                        "dan uw werkaccount? Log uit en log opnieuw in.")
            _once("no_access", found.email, "ingelogd, maar niet in het toegangsbestand", None, name=found.name)
        _logout_button()


def _access_file_page(found: Blocked) -> None:
    with _narrow():
        st.title("Toegang niet ingesteld")
        st.error("De Techniekmonitor kan nu niemand toelaten: het toegangsbestand ontbreekt of bevat een fout. "
                 f"Meld dit bij {_contact()}.", icon=":material/error:")
        st.code(found.detail, language=None, wrap_lines=True)
        if found.email or found.name:
            _logout_button()


def _demo_refused_page(found: Blocked) -> None:
    with _narrow():
        st.title("Demomodus uitgeschakeld")
        st.error(f"Dit datawarehouse bevat echte uploads ({found.detail}). Zonder inlog laat de Techniekmonitor die "
                 "aan niemand zien, en kan niemand iets vastleggen.", icon=":material/lock:")
        st.markdown(f"**Voor gebruikers:** er is nog geen inlog ingesteld. Meld dit bij {_contact()}.")
        st.markdown(
            "**Voor de beheerder: stel inloggen in** (uitleg in `docs/access.md`):\n"
            "1. Registreer de app bij de inlogdienst van de organisatie (Microsoft Entra ID of een andere OpenID "
            "Connect-dienst), met als redirect-URI `https://<server>/oauth2callback`.\n"
            "2. Zet de gegevens in het geheimenbestand `.streamlit/secrets.toml`, onder `[auth]`: `redirect_uri`, "
            "`cookie_secret`, `client_id`, `client_secret` en `server_metadata_url`.\n"
            "3. Maak het toegangsbestand naar het voorbeeld `config/access.example.toml` (of wijs het aan met "
            "`TECHNIEKMONITOR_ACCESS`): wie welke rol heeft.\n"
            "4. Start de app opnieuw.")
