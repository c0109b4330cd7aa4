"""The indicator catalogue: every indicator defined under warehouse/measures/, by id."""

from __future__ import annotations

from warehouse.indicator import KINDS, Indicator
from warehouse.measures import discover


def _catalogue(indicators: list[Indicator]) -> dict[str, Indicator]:
    catalogue: dict[str, Indicator] = {}
    for indicator in indicators:
        if indicator.id in catalogue:
            raise ValueError(f"indicator id {indicator.id!r} is defined twice")
        if indicator.kind not in KINDS:
            raise ValueError(f"indicator {indicator.id!r} has kind {indicator.kind!r}, not one of {KINDS}")
        catalogue[indicator.id] = indicator
    return catalogue


CATALOGUE: dict[str, Indicator] = _catalogue(discover())


class UnknownIndicatorError(LookupError):
    """The indicator id is not in the catalogue."""


def get_indicator(indicator_id: str) -> Indicator:
    """The catalogue entry for an id, or a Dutch error listing the ids that exist."""
    try:
        return CATALOGUE[indicator_id]
    except KeyError:
        raise UnknownIndicatorError(
            f"Indicator '{indicator_id}' bestaat niet. Beschikbaar: {', '.join(sorted(CATALOGUE))}."
        ) from None
