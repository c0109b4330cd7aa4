"""Discovery: which reader takes each raw file, and which periods a file keeps when editions overlap."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from etl.build import build
from etl.errors import RawFileError
from etl.rawfiles import discover, recognise
from etl.reference import MunicipalityResolver
from tests.staged import staged_facts


def _data_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".manifest.json")
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def test_a_file_alone_in_its_dataset_keeps_every_period(demo_raw):
    files = discover(demo_raw)
    datasets = [f.source.DATASET.dataset_id for f in files]
    alone = [f for f in files if datasets.count(f.source.DATASET.dataset_id) == 1]
    assert alone and all(f.periods is None for f in alone)
    assert all(f.periods for f in files if f not in alone)  # hbo and wo files share a dataset: periods known


def test_a_files_periods_are_exactly_the_periods_of_its_facts(demo_raw):
    """What makes periods None ("all") safe for a lone file: periods() never leaves out a period of the facts."""
    resolver = MunicipalityResolver()
    for path in _data_files(demo_raw):
        module, header = recognise(path)
        facts, _, _ = staged_facts(module, path, "x", resolver)
        assert sorted(set(facts[module.DATASET.period_column])) == sorted(module.periods(header, path)), path.name


def test_a_copy_of_a_lone_file_under_another_name_is_refused_not_silently_dropped(demo_raw, tmp_path):
    vo = next(p for p in _data_files(demo_raw) if "vo_examenkandidaten" in p.as_posix())
    raw = tmp_path / "raw"
    for name in ("a-2019-2024.csv", "b-2019-2024.csv"):
        (raw / "duo").mkdir(parents=True, exist_ok=True)
        shutil.copy(vo, raw / "duo" / name)
    refusal = "duo/a-2019-2024.csv en duo/b-2019-2024.csv bevatten allebei 5 perioden"
    files = discover(raw)  # same reach: neither is a newer edition, and the later name no longer wins without a word
    assert all(f.refusal and f.refusal.startswith(refusal) for f in files)
    with pytest.raises(RawFileError, match=re.escape(refusal)):
        build(raw, tmp_path / "w.duckdb", progress=False)


def test_the_hbo_and_wo_files_of_one_dataset_do_not_compete(demo_raw):
    files = [f for f in discover(demo_raw) if f.periods]
    # edition_key keeps them apart: nothing refused or replaced
    assert files and all(f.note is None and f.refusal is None for f in files)


@pytest.mark.parametrize("name", ["README.md", ".gitkeep"])
def test_notes_beside_the_data_are_ignored(demo_raw, tmp_path, name):
    raw = tmp_path / "raw"
    shutil.copytree(demo_raw, raw)
    (raw / name).write_text("notitie", encoding="utf-8")
    assert [f.relative for f in discover(raw)] == [f.relative for f in discover(demo_raw)]
