"""The app's write side: it runs the ETL's public command line (`python -m etl ...`) rather than importing it.

Keeping the direction pages → ui → warehouse ← etl: the upload page validates, commits and withdraws through the
same stable CLI and JSON that analysts use, and the ETL's file lock serialises it with any other commit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from ui.data import db_path
from warehouse.audit import CONTEXT_ENV
from warehouse.paths import DEFAULT_UPLOADS, PROJECT_ROOT
from warehouse.uploads import events_path

UPLOADS_ENV = "TECHNIEKMONITOR_UPLOADS"
TIMEOUT_S = 300
EXIT_TIMEOUT = 124  # as timeout(1): the command was stopped, so it printed no report


def uploads_path() -> Path:
    """The folder of kept uploads the app works with."""
    return Path(os.environ.get(UPLOADS_ENV, DEFAULT_UPLOADS))


@dataclass(frozen=True)
class EtlResult:
    """Exit code, standard output and the Dutch messages on standard error."""

    code: int
    out: str
    err: str

    def json(self) -> object:
        """The JSON the command printed."""
        return json.loads(self.out)


def run_etl(*args: str, uploads: bool = True, audit: str | None = None) -> EtlResult:
    """Run `python -m etl <args> --db <the app's warehouse> [--uploads <folder>]`; `audit`: who is acting, for the
    audit line the command writes (ui.access.audit_context; without it the command records itself as the CLI)."""
    extra = ["--db", str(db_path())] + (["--uploads", str(uploads_path())] if uploads else [])
    env = {**os.environ, CONTEXT_ENV: audit} if audit is not None else None
    try:
        done = subprocess.run([sys.executable, "-m", "etl", *args, *extra], cwd=PROJECT_ROOT, capture_output=True,
                              text=True, timeout=TIMEOUT_S, check=False, env=env)
    except subprocess.TimeoutExpired:
        # subprocess.run has killed the command. A commit or withdrawal is wholly done or not at all (the next
        # command finishes or undoes it, etl/workbooks/recovery.py), but which one depends on the instant.
        return EtlResult(EXIT_TIMEOUT, "", f"De opdracht duurde langer dan {TIMEOUT_S // 60} minuten en is "
                         "afgebroken. Een upload of intrekking is altijd helemaal of helemaal niet doorgevoerd: kijk "
                         "in de geschiedenis hieronder of hij erbij staat, en probeer het anders opnieuw. Controleer "
                         "of dit het juiste bestand is (een plan van aanpak of maandrapportage uit het sjabloon); "
                         "meld het bij de beheerder als het opnieuw gebeurt.")
    return EtlResult(done.returncode, done.stdout, done.stderr)


def uploads_stamp() -> tuple[str, float]:
    """(folder, time of the last commit or withdrawal): changes whenever the history does."""
    events = events_path(uploads_path())
    return str(uploads_path()), events.stat().st_mtime if events.exists() else 0.0


@st.cache_data(show_spinner=False)
def uploads_history(stamp: tuple[str, float]) -> list[dict]:
    """Every kept upload with its status (`python -m etl uploads --json`), cached until the history changes."""
    result = run_etl("uploads", "--json")
    return result.json() if result.code == 0 and result.out.strip() else []
