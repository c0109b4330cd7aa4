"""docs/indicators.md, generated from the catalogue so that the documentation cannot drift from the code."""

from __future__ import annotations

from warehouse.catalog import CATALOGUE

METHOD = """\
# Indicators

Generated from the catalogue (`warehouse/measures/`) by `make docs`
(`python -m warehouse indicators --format markdown`); do not edit by hand.

## Computation

`warehouse/indicators.py` computes an indicator for any region (municipality, province, landsdeel, NL) and
period by summing the facts of the municipalities in `region_membership`. Each record, also the CLI's, is
`indicator, region, period, period_type, value, lower, upper, numerator, denominator, unit, source, status`:

- `period` as the source gives it: school years `2023-2024`, calendar years `2023`, quarters `2023-Q4`;
- `unit`: `share` (a fraction 0..1), `ratio`, or `count`;
- `source` cites publisher and dataset, with ` (demodata)` when the warehouse was built from demo data;
- `status` is `voorlopig` when any contributing fact is provisional, else `definitief`.

Kinds: a **share** is a part of a population (`part / (part + other)`); a **ratio** divides two independent
quantities; a **count** sums; a **rate** is a value the source publishes as such.

### Suppressed cells

DUO publishes counts from 1 to 4 as `<5`. A suppressed cell counts as 1 for the lower and 4 for the upper
bound, and as 2,5 (the middle) for the point value, so `numerator` and `denominator` can end in ,5. A share's
lower bound is `part_low / (part_low + other_high)`, its upper bound `part_high / (part_high + other_low)`: the
extremes the suppressed cells allow. A ratio's bounds are `part_low / other_high` and `part_high / other_low`.
Where nothing is suppressed, `value = lower = upper`. The app shows such a count as `397 (391–403)` and a single
suppressed cell as `<5`, never as 0 or 5.

### Zero versus no data

One rule (`warehouse/coverage.py`): a count is 0, with its source, where the source publishes a zero, and "no
record" only where the source says nothing about the region. DUO's vo, mbo and hbo/wo files list every school or
institution location in the area they cover, so a municipality with no location (or none with a technical
programme) in a period the file covers counts 0. The area a file covers in a period is the provinces in which it
has at least one row that period; a municipality that did not exist in the period's first year has no record.
Lelystad, where DUO lists no hbo institution, thus gets 0 hbo techniek first-years, as Dronten does, whose
institution has no techniek programme. A share needs a population: where there is none (no school, no first-year)
it has no record, not 0 %. The effect estimates' panels follow the same rule. CBS and UWV figures are taken as
published: a region or period the source does not publish has no record.

## Catalogue
"""


def render_markdown() -> str:
    """The whole of docs/indicators.md."""
    parts = [METHOD]
    for indicator in CATALOGUE.values():
        parts.append(
            f"\n### `{indicator.id}` — {indicator.name}\n\n"
            f"{indicator.definition}\n\n"
            f"- Formula: {indicator.formula}\n"
            f"- Kind: {indicator.kind}; unit: {indicator.unit}; grain: {indicator.grain}; "
            f"period: {indicator.period_type}\n"
            + (f"- Source: `{indicator.source_id}`\n" if not indicator.extra_sources else
               f"- Sources: {', '.join(f'`{source}`' for source in indicator.sources)}\n")
            + "".join(f"- Caveat: {caveat}\n" for caveat in indicator.caveats)
        )
    return "".join(parts)
