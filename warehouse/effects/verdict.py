"""A plain Dutch verdict from an estimate and its interval, careful not to overclaim."""

from __future__ import annotations


def dutch_number(value: float, decimals: int = 1, sign: bool = False) -> str:
    """1.234 → '1,2' (Dutch decimal comma); with sign '+1,2' / '−1,2'."""
    text = f"{abs(value):,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    if text.strip("0,.") == "":
        return text
    if value < 0:
        return "−" + text
    return "+" + text if sign else text


def verdict(estimate: float, lower: float, upper: float, placebo_p: float | None = None,
            scale: float = 100.0, unit: str = "procentpunt") -> str:
    """The Dutch sentence for an effect on a share (fraction 0..1; scale 100 → percentage points).

    'Geen aantoonbaar effect' when the interval contains 0; otherwise direction and size with the interval.
    """
    est, low, high = estimate * scale, lower * scale, upper * scale
    interval = f"95%-interval {dutch_number(low, sign=True)} tot {dutch_number(high, sign=True)} {unit}"
    placebo = ""
    if placebo_p is not None:
        placebo = (f" Placebotoets: p = {dutch_number(placebo_p, 2)} (het aandeel vergelijkingsgemeenten dat, "
                   f"behandeld alsof het een deelproject had, een minstens zo groot verschil laat zien).")
    caution = (" Dit is een schatting ten opzichte van vergelijkbare gemeenten, geen bewijs dat het deelproject "
               "de oorzaak is: gelijktijdige ontwikkelingen en andere programma's kunnen meespelen.")
    if low <= 0 <= high:
        return (f"Geen aantoonbaar effect: het geschatte verschil is {dutch_number(est, sign=True)} {unit}, maar "
                f"het {interval} bevat 0. Dat betekent niet dat er zeker geen effect is; de gegevens kunnen het "
                f"niet onderscheiden van toeval.{placebo}")
    direction, word = ("positief", "hoger") if est > 0 else ("negatief", "lager")
    return (f"Aanwijzing voor een {direction} effect: de uitkomst ligt naar schatting "
            f"{dutch_number(abs(est))} {unit} {word} dan zonder het deelproject te verwachten was "
            f"({interval}).{placebo}{caution}")
