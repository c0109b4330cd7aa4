"""One setting moves the data folder: the ETL's commands and the app's defaults follow TECHNIEKMONITOR_DATA."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from tests.conftest import ROOT


def test_the_commands_and_the_app_follow_the_data_folder_setting(demo_db, demo_uploads, tmp_path):
    data = tmp_path / "srv"
    data.mkdir()
    shutil.copyfile(demo_db, data / "warehouse.duckdb")
    shutil.copytree(demo_uploads, data / "uploads")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TECHNIEKMONITOR_")} | {
        "TECHNIEKMONITOR_DATA": str(data)}
    listed = subprocess.run([sys.executable, "-m", "etl", "uploads", "--json"], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True)
    assert len(json.loads(listed.stdout)) == len(list((data / "uploads").glob("*/upload.json")))
    defaults = subprocess.run(
        [sys.executable, "-c", "from ui.data import db_path; from ui.etl_runner import uploads_path; from "
                               "warehouse.paths import DEFAULT_RAW; print(db_path(), uploads_path(), DEFAULT_RAW)"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert defaults.stdout.split() == [str(data / "warehouse.duckdb"), str(data / "uploads"), str(data / "raw")]
