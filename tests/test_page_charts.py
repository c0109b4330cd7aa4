"""Every chart every page draws, as the browser receives it: period axes in time order, in their sort and their data."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from ui import format as fmt
from ui.data import DB_ENV

PAGES = sorted((ROOT / "pages").glob("*.py"))
SCHOOL_YEAR = re.compile(r"(\d{4})/\d{2}")
QUARTER = re.compile(r"(\d)e kw\. (\d{4})")
MONTH = re.compile(rf"({'|'.join(fmt.MONTHS)}) (\d{{4}})")
YEAR = re.compile(r"\d{4}")
ISO_DAY = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?(?:T.*)?")


def period_key(label: object) -> tuple[int, int, int] | None:
    """Where a Dutch period label ('2019/20', '4e kw. 2023', 'nov 2023', '2023', '2023-11-01') lies in time."""
    text = str(label)
    if match := SCHOOL_YEAR.fullmatch(text):
        return int(match[1]), 8, 0  # a school year starts in August
    if match := QUARTER.fullmatch(text):
        return int(match[2]), 3 * int(match[1]) - 2, 0
    if match := MONTH.fullmatch(text):
        return int(match[2]), fmt.MONTHS.index(match[1]) + 1, 0
    if YEAR.fullmatch(text):
        return int(text), 1, 0
    if match := ISO_DAY.fullmatch(text):
        return int(match[1]), int(match[2]), int(match[3] or 1)
    return None


def test_period_key_orders_every_label_kind():
    labels = ["2015/16", "2016", "1e kw. 2017", "4e kw. 2017", "jan 2018", "dec 2018", "2019-03-01"]
    assert [period_key(label) for label in labels] == sorted(period_key(label) for label in labels)
    assert period_key("-3") is None and period_key("Almere") is None


def _views(spec: dict) -> Iterator[dict]:
    """Every single view of a (layered or concatenated) Vega-Lite spec, with the data it inherits."""
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for child in spec.get(key, []):
            yield from _views({"data": spec.get("data"), **child})
    if "mark" in spec:
        yield spec


def _charts(page: Path, db: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[dict, dict[str, pd.DataFrame]]]:
    """(spec, datasets by name) of every chart the page draws on a first visit."""
    monkeypatch.setenv(DB_ENV, str(db))
    at = AppTest.from_file(str(page), default_timeout=120).run()
    assert not at.exception, at.exception
    found = []
    for chart in at.get("vega_lite_chart"):
        datasets = {d.name: pa.ipc.open_stream(d.data.data).read_pandas() for d in chart.proto.datasets}
        found.append((json.loads(chart.proto.spec), datasets))
    return found


def _period_axes(view: dict, datasets: dict[str, pd.DataFrame]) -> Iterator[tuple[str, dict, pd.DataFrame]]:
    """(channel, encoding, data) of the view's x or y channel whose values are all periods."""
    data = datasets.get((view.get("data") or {}).get("name"))
    for channel in ("x", "y"):
        encoding = view.get("encoding", {}).get(channel)
        if (not encoding or encoding.get("type") == "quantitative" or "field" not in encoding or data is None
                or encoding["field"] not in data):
            continue  # a count of 2021 students is no year
        values = data[encoding["field"]].dropna()
        if len(values) and all(period_key(v) is not None for v in values):
            yield channel, encoding, data


def _series(data: pd.DataFrame, view: dict) -> list[pd.DataFrame]:
    """The data split by the series a line is drawn per (its colour field), or whole."""
    field = (view.get("encoding", {}).get("color") or {}).get("field")
    return [part for _, part in data.groupby(field, sort=False)] if field in data else [data]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_every_period_axis_runs_forward_in_time(page, demo_db, monkeypatch):
    axes = 0
    for spec, datasets in _charts(page, demo_db, monkeypatch):
        for view in _views(spec):
            for channel, encoding, data in _period_axes(view, datasets):
                axes += 1
                field = encoding["field"]
                if encoding["type"] in ("ordinal", "nominal"):
                    # A discrete axis follows its sort list; without one, Vega sorts labels as text.
                    order = encoding.get("sort")
                    assert isinstance(order, list), (page.stem, channel, field, order)
                    keys = [period_key(label) for label in order]
                    assert keys == sorted(keys) and len(set(order)) == len(order), (page.stem, field, order)
                    assert set(data[field]) <= set(order), (page.stem, field, set(data[field]) - set(order))
                for part in _series(data, view):
                    keys = [period_key(v) for v in part[field]]
                    assert keys == sorted(keys), (page.stem, field, list(part[field]))
    if page.stem in ("overzicht", "aanbod", "behoud", "arbeidsmarkt", "deelprojecten", "effecten", "verkenner"):
        assert axes, f"{page.stem}: no chart with a period axis found"
