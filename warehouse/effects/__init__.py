"""Effect estimators for subprojects: panel, comparison group, DiD, synthetic control, placebo inference, verdict.

Read layer only (no streamlit). Entry points: `load_indicator_panel`, `panel_from_frame`, `analyse`, `verdict`.
See docs/effects.md for the methods and their choices.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# verdict is light (no pandas), and is imported here eagerly because the function shares its module's name: were
# it lazy, importing warehouse.effects.verdict first would leave the module, not the function, on the package.
from warehouse.effects.verdict import verdict

if TYPE_CHECKING:
    from warehouse.effects.analysis import Analysis, analyse
    from warehouse.effects.comparison import Candidate, select_comparison
    from warehouse.effects.panel import Panel, PanelError, load_indicator_panel, panel_from_frame

__all__ = ["Analysis", "Candidate", "Panel", "PanelError", "analyse", "load_indicator_panel", "panel_from_frame",
           "select_comparison", "verdict"]

# The other entry points are imported on first use, not with the package: the estimators import pandas and numpy,
# and importing any light submodule (warehouse.effects.verdict, say) would otherwise load them all through this file.
_HOME = {"Analysis": "analysis", "analyse": "analysis", "Candidate": "comparison", "select_comparison": "comparison",
         "Panel": "panel", "PanelError": "panel", "load_indicator_panel": "panel", "panel_from_frame": "panel"}


def __getattr__(name: str) -> object:
    """An entry point, imported from its submodule on first access (PEP 562)."""
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    globals()[name] = value
    return value
