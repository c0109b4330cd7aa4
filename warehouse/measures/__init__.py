"""Indicator definitions, one module per source: each module declares INDICATORS (see warehouse/indicator.py)."""

from __future__ import annotations

import importlib
import pkgutil

from warehouse.indicator import Indicator


def discover() -> list[Indicator]:
    """Every indicator of every module in this package, in module-name order, then declaration order."""
    found: list[Indicator] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            found += importlib.import_module(f"{__name__}.{info.name}").INDICATORS
    return found
