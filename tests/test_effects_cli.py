"""`python -m warehouse effect` on a small CSV panel: JSON shape, methods and Dutch errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import ROOT
from warehouse.cli import main


@pytest.fixture
def panel_csv(tmp_path: Path) -> Path:
    """12 units × 6 years; unit A (in the middle of the others, so a synthetic control can match it) gains 0.05
    from 2021."""
    rng = np.random.default_rng(42)
    lines = ["gemeente;jaar;aandeel"]
    for i, unit in enumerate("ABCDEFGHIJKL"):
        for year in range(2017, 2023):
            value = 0.2 + 0.01 * ((i + 6) % 12) + 0.002 * (year - 2017) + rng.normal(0, 0.003)
            value += 0.05 if unit == "A" and year >= 2021 else 0.0
            lines.append(f"{unit};{year};{value:.5f}")
    path = tmp_path / "panel.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["effect", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_shape_both_methods(panel_csv, capsys):
    code, out, _ = _run(capsys, "--panel", str(panel_csv), "--unit", "gemeente", "--period", "jaar",
                        "--outcome", "aandeel", "--treated", "A:2021", "--format", "json")
    assert code == 0
    result = json.loads(out)
    assert set(result) == {"treated", "comparison", "did", "synth"}
    assert result["treated"] == {"A": 2021}
    assert len(result["comparison"]) == 11 and set(result["comparison"][0]) == {"unit", "distance"}
    for method in ("did", "synth"):
        block = result[method]
        assert {"estimate", "ci", "placebo_p", "pretrend_p"} <= set(block)
        assert len(block["ci"]) == 2 and block["ci"][0] <= block["estimate"] <= block["ci"][1]
        assert block["estimate"] == pytest.approx(0.05, abs=0.01)
        assert block["placebo_p"] == pytest.approx(1 / 12)  # the treated unit is the most extreme of 12
    assert pytest.approx(sum(result["synth"]["weights"].values()), abs=0.01) == 1.0
    assert all(isinstance(e["e"], int) for e in result["did"]["event_time"])


def test_single_method_and_k(panel_csv, capsys):
    code, out, _ = _run(capsys, "--panel", str(panel_csv), "--unit", "gemeente", "--period", "jaar",
                        "--outcome", "aandeel", "--treated", "A:2021,B:2020", "--method", "did", "--k", "5")
    assert code == 0
    result = json.loads(out)
    assert "synth" not in result and len(result["comparison"]) == 5
    assert result["treated"] == {"A": 2021, "B": 2020}


@pytest.mark.parametrize(("args", "message"), [
    (["--outcome", "bestaat_niet", "--treated", "A:2021"], "Kolom 'bestaat_niet' ontbreekt"),
    (["--outcome", "aandeel", "--treated", "Z:2021"], "'Z' komt niet voor"),
    (["--outcome", "aandeel", "--treated", "A2021"], "Ongeldige behandeling 'A2021'"),
    (["--outcome", "aandeel", "--treated", "A:2030"], "Startjaar 2030"),
])
def test_bad_input_gives_dutch_error(panel_csv, capsys, args, message):
    code, out, err = _run(capsys, "--panel", str(panel_csv), "--unit", "gemeente", "--period", "jaar", *args)
    assert code == 2 and out == ""
    assert err.startswith("FOUT: ") and message in err


def test_missing_file_and_non_numeric_outcome(tmp_path, capsys):
    code, _, err = _run(capsys, "--panel", str(tmp_path / "x.csv"), "--unit", "u", "--period", "t",
                        "--outcome", "y", "--treated", "A:2")
    assert code == 2 and "bestaat niet" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("u,t,y\nA,1,0.1\nA,2,veel\n", encoding="utf-8")
    code, _, err = _run(capsys, "--panel", str(bad), "--unit", "u", "--period", "t", "--outcome", "y",
                        "--treated", "A:2")
    assert code == 2 and "Kolom 'y' bevat geen getal in rij 3: 'veel'" in err


def test_module_entry_point(panel_csv):
    done = subprocess.run([sys.executable, "-m", "warehouse", "effect", "--panel", str(panel_csv), "--unit",
                           "gemeente", "--period", "jaar", "--outcome", "aandeel", "--treated", "A:2021",
                           "--method", "synth"], capture_output=True, text=True, cwd=ROOT, check=True)
    assert set(json.loads(done.stdout)) == {"treated", "comparison", "synth"}
