"""One effect analysis: comparison group, DiD and synthetic control on a panel, as a JSON-ready record."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from warehouse.effects import did, synth
from warehouse.effects.comparison import DEFAULT_K, Candidate, select_comparison
from warehouse.effects.panel import Panel, PanelError

METHODS = ("did", "synth")


@dataclass(frozen=True)
class Analysis:
    """The result of `analyse`: the comparison group and one result per method asked for."""

    treated: dict[str, int]
    comparison: list[Candidate]
    did: did.DidResult | None
    synth: synth.SynthResult | None

    def as_dict(self) -> dict[str, object]:
        """The stable JSON shape of `python -m warehouse effect` (see docs/effects.md)."""
        out: dict[str, object] = {
            "treated": self.treated,
            "comparison": [{"unit": c.unit, "distance": c.distance} for c in self.comparison],
        }
        if self.did is not None:
            d = self.did
            out["did"] = {"estimate": d.estimate, "ci": list(d.ci), "ci_kind": d.ci_kind,
                          "se_cluster": d.se_cluster, "ci_cluster": list(d.ci_cluster), "placebo_p": d.placebo_p,
                          "pretrend_p": d.pretrend_p, "n_placebos": d.n_placebos, "event_time": d.event_time}
        if self.synth is not None:
            s = asdict(self.synth)
            s["ci"] = list(s["ci"]) if s["ci"] is not None else None
            out["synth"] = s
        return out


def analyse(panel: Panel, treated: dict[str, int], methods: tuple[str, ...] = METHODS, k: int | None = DEFAULT_K,
            comparison: list[str] | None = None, seed: int = 0) -> Analysis:
    """Estimate the effect on the treated units (unit → first treated period) with the chosen methods.

    The comparison group is `comparison` if given (all of it), else the k nearest eligible units
    (select_comparison). Only units with a value in every period take part (a balanced panel).
    """
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise PanelError(f"Onbekende methode '{unknown[0]}'; kies uit: {', '.join(METHODS)}.")
    candidates = select_comparison(panel, treated, None if comparison is not None else k, comparison)
    controls = [c.unit for c in candidates]
    wide = panel.wide().loc[controls + list(treated)]  # select_comparison keeps complete units only
    return Analysis(
        treated=dict(treated),
        comparison=candidates,
        did=did.estimate(wide, treated, controls, seed) if "did" in methods else None,
        synth=synth.estimate(wide, treated, controls, seed) if "synth" in methods else None,
    )
