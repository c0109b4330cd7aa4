"""The indicator catalogue: what each indicator means, how it is computed and where it comes from."""

from __future__ import annotations

from dataclasses import dataclass

SUPPRESSION_CAVEAT = (
    "DUO publiceert aantallen van 1 tot en met 4 als '<5'. Zulke cellen tellen mee met ondergrens 1 en "
    "bovengrens 4; de puntwaarde gebruikt het midden (2,5). Ondergrens en bovengrens van de indicator "
    "zijn de uitersten die met de onderdrukte cellen mogelijk zijn."
)
LOCATION_CAVEAT = (
    "Gemeente = vestigingsplaats van de school, niet de woongemeente van de leerling."
)


@dataclass(frozen=True)
class Indicator:
    """One programme indicator with its definition and the facts it is computed from."""

    id: str
    name: str
    definition: str
    formula: str
    unit: str  # share (fraction 0..1) | count
    source_id: str
    grain: str
    caveats: tuple[str, ...]
    period_type: str
    levels: tuple[str, ...]  # education levels in the population
    measure: str  # share_technical | technical | all


def _vo(id: str, name: str, definition: str, formula: str, unit: str, levels: tuple[str, ...], measure: str,
        extra: tuple[str, ...] = ()) -> Indicator:
    return Indicator(
        id=id,
        name=name,
        definition=definition,
        formula=formula,
        unit=unit,
        source_id="duo_vo_examens",
        grain="regio × schooljaar",
        caveats=(SUPPRESSION_CAVEAT, LOCATION_CAVEAT, *extra),
        period_type="school_year",
        levels=levels,
        measure=measure,
    )


NT_CAVEAT = "Combinatieprofielen met N&T (N&T / N&G, N&T / E&M, N&T / C&M) tellen als N&T."

CATALOGUE: dict[str, Indicator] = {
    i.id: i
    for i in [
        _vo("vmbo_tech_share", "Aandeel vmbo-examenkandidaten in sector techniek",
            "Examenkandidaten vmbo in de sector techniek (alle leerwegen) als aandeel van alle "
            "examenkandidaten vmbo.",
            "examenkandidaten vmbo techniek / examenkandidaten vmbo", "share", ("vmbo",), "share_technical"),
        _vo("vmbo_tech_candidates", "Examenkandidaten vmbo techniek",
            "Aantal examenkandidaten vmbo in de sector techniek (alle leerwegen).",
            "som examenkandidaten vmbo techniek", "count", ("vmbo",), "technical"),
        _vo("vmbo_candidates", "Examenkandidaten vmbo",
            "Aantal examenkandidaten vmbo, alle sectoren en leerwegen.",
            "som examenkandidaten vmbo", "count", ("vmbo",), "all"),
        _vo("havo_vwo_nt_share", "Aandeel havo/vwo-examenkandidaten met profiel N&T",
            "Examenkandidaten havo en vwo met een profiel Natuur & Techniek, ook in combinatie met een ander "
            "profiel, als aandeel van alle examenkandidaten havo en vwo.",
            "examenkandidaten havo+vwo met N&T / examenkandidaten havo+vwo", "share", ("havo", "vwo"),
            "share_technical", (NT_CAVEAT,)),
        _vo("havo_vwo_nt_candidates", "Examenkandidaten havo/vwo met profiel N&T",
            "Aantal examenkandidaten havo en vwo met een profiel N&T, ook in combinatie met een ander profiel.",
            "som examenkandidaten havo+vwo met N&T", "count", ("havo", "vwo"), "technical", (NT_CAVEAT,)),
        _vo("havo_vwo_candidates", "Examenkandidaten havo/vwo",
            "Aantal examenkandidaten havo en vwo, alle profielen.",
            "som examenkandidaten havo+vwo", "count", ("havo", "vwo"), "all"),
    ]
}


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
