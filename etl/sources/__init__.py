"""Registry of the public source datasets the ETL can read; each module reads one dataset."""

from __future__ import annotations

from types import ModuleType

from etl.sources import duo_vo_exams

# Order is the load order. Each module exposes DATASET, recognises(header), read(path) and to_facts(...).
SOURCES: list[ModuleType] = [duo_vo_exams]


def by_id(dataset_id: str) -> ModuleType:
    """The source module for a dataset id."""
    for module in SOURCES:
        if module.DATASET.dataset_id == dataset_id:
            return module
    raise KeyError(dataset_id)
