"""Effect estimators for subprojects: panel, comparison group, DiD, synthetic control, placebo inference, verdict.

Read layer only (no streamlit). Entry points: `load_indicator_panel`, `panel_from_frame`, `analyse`, `verdict`.
See docs/effects.md for the methods and their choices.
"""

from warehouse.effects.analysis import Analysis, analyse
from warehouse.effects.comparison import Candidate, select_comparison
from warehouse.effects.panel import Panel, PanelError, load_indicator_panel, panel_from_frame
from warehouse.effects.verdict import verdict

__all__ = ["Analysis", "Candidate", "Panel", "PanelError", "analyse", "load_indicator_panel", "panel_from_frame",
           "select_comparison", "verdict"]
