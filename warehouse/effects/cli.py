"""`python -m warehouse effect`: the estimators on any panel an analyst brings (a stable public interface)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from warehouse.effects.analysis import METHODS, analyse
from warehouse.effects.comparison import DEFAULT_K
from warehouse.effects.panel import PanelError, panel_from_frame


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register the `effect` subcommand on the warehouse command line."""
    effect = commands.add_parser("effect", help="effect van een deelproject schatten (DiD en synthetische controle)")
    effect.add_argument("--panel", type=Path, required=True, help="CSV-bestand met één rij per eenheid × periode")
    effect.add_argument("--unit", required=True, help="kolom met de eenheid (bijvoorbeeld de gemeentecode)")
    effect.add_argument("--period", required=True, help="kolom met de periode als heel getal (beginjaar)")
    effect.add_argument("--outcome", required=True, help="kolom met de uitkomst")
    effect.add_argument("--treated", required=True, help="EENHEID:START[,EENHEID:START...]")
    effect.add_argument("--method", choices=("did", "synth", "both"), default="both")
    effect.add_argument("--k", type=int, default=DEFAULT_K,
                        help=f"aantal vergelijkingseenheden (dichtstbijzijnde; 0 = alle; standaard {DEFAULT_K})")
    effect.add_argument("--seed", type=int, default=0, help="seed voor de placebotrekkingen")
    effect.add_argument("--format", choices=("json",), default="json")


def parse_treated(text: str) -> dict[str, int]:
    """'GM0184:2021,GM0171:2022' → {'GM0184': 2021, 'GM0171': 2022}; PanelError (Dutch) on bad input."""
    treated: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        unit, sep, start = item.rpartition(":")
        if not sep or not unit or not start.strip().lstrip("-").isdigit():
            raise PanelError(f"Ongeldige behandeling '{item}': schrijf EENHEID:STARTJAAR, bijvoorbeeld GM0184:2021.")
        treated[unit.strip()] = int(start)
    if not treated:
        raise PanelError("Geef minstens één behandelde eenheid op (EENHEID:STARTJAAR).")
    return treated


def run(args: argparse.Namespace) -> int:
    """Run the `effect` command; exit 0 on success, 2 on unusable input (Dutch message on stderr)."""
    try:
        if not args.panel.exists():
            raise PanelError(f"Panelbestand {args.panel} bestaat niet.")
        try:
            frame = pd.read_csv(args.panel, dtype=str, keep_default_na=False, sep=None, engine="python")
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            raise PanelError(f"Panelbestand {args.panel} is geen leesbare CSV: {exc}.") from exc
        panel = panel_from_frame(frame, args.unit, args.period, args.outcome)
        methods = METHODS if args.method == "both" else (args.method,)
        result = analyse(panel, parse_treated(args.treated), methods, k=args.k or None, seed=args.seed)
    except PanelError as exc:
        print(f"FOUT: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    return 0
