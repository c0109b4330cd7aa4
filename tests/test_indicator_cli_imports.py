"""The indicator commands import only what they use: no pandas, pyarrow, numpy, statsmodels or scipy.

Scripts call `python -m warehouse indicator` once per municipality, so every import is paid hundreds of times;
the heavy libraries belong to the `effect` command and the app, and cost most of a run when they slip in.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from warehouse.cli import main as cli

HEAVY = ("pandas", "pyarrow", "numpy", "statsmodels", "scipy")
MARKER = "HEAVY-MODULES:"


def _heavy_modules_after(args: list[str]) -> list[str]:
    """Run `python -m warehouse ARGS` in a fresh interpreter; the heavy top-level packages it had imported."""
    probe = (
        "import json, runpy, sys\n"
        f"sys.argv = ['warehouse', *{args!r}]\n"
        "try:\n"
        "    runpy.run_module('warehouse', run_name='__main__', alter_sys=True)\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print({MARKER!r} + json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith(MARKER), done.stdout + done.stderr
    return json.loads(last.removeprefix(MARKER))


@pytest.mark.parametrize("extra", [[], ["--format", "csv"], ["--from", "2021", "--to", "2022"]])
def test_indicator_command_imports_no_heavy_library(small_db, extra):
    assert _heavy_modules_after(["indicator", "vmbo_tech_share", "--region", "PV24", "--db", str(small_db),
                                 *extra]) == []


@pytest.mark.parametrize("args", [["indicator", "vmbo_tech_share", "--region", "XX99"],
                                  ["indicator", "no_such_indicator", "--region", "PV24"]])
def test_indicator_errors_import_no_heavy_library(small_db, args):
    assert _heavy_modules_after([*args, "--db", str(small_db)]) == []


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_catalogue_listing_imports_no_heavy_library(fmt):
    assert _heavy_modules_after(["indicators", "--format", fmt]) == []


def test_help_still_lists_the_effect_command(capsys):
    # The indicator commands build their parser without `effect`; the top-level help must still show all three.
    with pytest.raises(SystemExit):
        cli(["--help"])
    assert "{indicator,indicators,effect}" in capsys.readouterr().out
