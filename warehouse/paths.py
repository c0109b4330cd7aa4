"""Default locations of the data folder: raw files, kept uploads and the warehouse file.

One setting moves them all: TECHNIEKMONITOR_DATA names the data folder (default `data/` in the checkout), so that a
server keeps its data outside the code and an upgrade replaces the checkout only. TECHNIEKMONITOR_DB and
TECHNIEKMONITOR_UPLOADS still point the app at another warehouse or uploads folder (tests use them).
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_ENV = "TECHNIEKMONITOR_DATA"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get(DATA_ENV) or PROJECT_ROOT / "data")
DEFAULT_RAW = DATA_DIR / "raw"
DEFAULT_DB = DATA_DIR / "warehouse.duckdb"
DEFAULT_UPLOADS = DATA_DIR / "uploads"
