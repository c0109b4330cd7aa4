"""Registry of the public source datasets: every module in this package that declares a DATASET.

A source module exposes DATASET, CHECKS (its fact tables' data checks), recognises(header), periods(header, path)
and stage(con, path, relative_path, resolver): its one read path (issue 15), which reads the file into relations
raw_<what> and makes temp view `staged` from its staging SQL (etl/sql/staging/, through etl/transforms.py) with the
fact table's columns, and returns (data rows, education rows), or raises a RawFileError naming file, line, column
and what to do. Optionally STAGE_COST, its work per byte relative to a CSV file's, which the build uses
to start costly files first; FETCH_TARGETS (static files to download), or fetch(http, raw_dir, since, force,
progress) -> list[Path] with FETCH_GROUP (API sources); explain(header) -> (column, Dutch message) | None, for a
reader of an assumed layout to say which column of a look-alike file it does not recognise.
Its demo writer is etl/demo/<same module name>.py, its staging SQL etl/sql/staging/<same name>.sql (a definition's
entries may share one per fact table); its fact table's DDL is warehouse/sql/<fact table>.sql, its mart
etl/sql/marts/<fact table>.sql.

Datasets that differ only in constants are one definition with several entries: a module may export ENTRIES, a list
of objects with the attributes above and a module-like `__name__` ("etl.sources.<name>", the name their demo
writers and docs go by). SOURCES lists modules and entries alike.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def _discover() -> list[ModuleType]:
    sources = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "DATASET"):
            sources.append(module)
        sources.extend(getattr(module, "ENTRIES", []))
    return sorted(sources, key=lambda source: source.__name__)


# Sorted by (module) name, so the load order (and so the built tables) never depends on the file system.
# An entry of ENTRIES is no module, but has every attribute the users of SOURCES read.
SOURCES: list[ModuleType] = _discover()


def by_id(dataset_id: str) -> ModuleType:
    """The source module for a dataset id."""
    for module in SOURCES:
        if module.DATASET.dataset_id == dataset_id:
            return module
    raise KeyError(dataset_id)
