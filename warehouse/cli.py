"""Command line of the read layer: `python -m warehouse indicator|indicators` (a stable public interface)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from warehouse.catalog import CATALOGUE, UnknownIndicatorError
from warehouse.catalog_doc import render_markdown
from warehouse.connection import WarehouseMissingError, connect
from warehouse.indicators import RECORD_FIELDS, compute
from warehouse.paths import DEFAULT_DB
from warehouse.regions import UnknownRegionError

# Commands whose parser is built without the `effect` subcommand. Registering `effect` imports
# warehouse.effects.cli, and with it pandas, pyarrow, numpy and the estimators: most of an `indicator` run
# (0.76 s → 0.23 s on the national demo, bench/bench_indicator_cli.py), paid on every call by a script that loops
# over the municipalities. Everything else (--help, an unknown or misspelt command, `effect` itself) gets the
# full parser, so help and error texts stay the same.
_WITHOUT_EFFECT = ("indicator", "indicators")


def _parser(with_effect: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m warehouse", description="Techniekmonitor: read layer.")
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("indicator", help="één indicator per periode voor een regio")
    one.add_argument("indicator_id")
    one.add_argument("--region", required=True, help="CBS-code (GM0034, PV24, NL) of gemeentenaam")
    one.add_argument("--from", dest="from_year", type=int, help="eerste (begin)jaar van de periode")
    one.add_argument("--to", dest="to_year", type=int, help="laatste (begin)jaar van de periode")
    one.add_argument("--db", type=Path, default=DEFAULT_DB)
    one.add_argument("--format", choices=("json", "csv"), default="json")
    listing = commands.add_parser("indicators", help="de indicatorcatalogus")
    listing.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    if with_effect:
        from warehouse.effects import cli as effect_cli  # heavy: see _WITHOUT_EFFECT

        effect_cli.add_parser(commands)
    return parser


def _print_catalogue(fmt: str) -> None:
    if fmt == "markdown":
        print(render_markdown(), end="")
        return
    if fmt == "json":
        entries = [
            {"id": i.id, "name": i.name, "definition": i.definition, "formula": i.formula, "unit": i.unit,
             "kind": i.kind, "source": i.source_id, "grain": i.grain, "period_type": i.period_type,
             "caveats": list(i.caveats)}
            for i in CATALOGUE.values()
        ]
        print(json.dumps(entries, ensure_ascii=False, indent=2))
        return
    width = max(len(i) for i in CATALOGUE)
    for indicator in CATALOGUE.values():
        print(f"{indicator.id:<{width}}  {indicator.unit:<5}  {indicator.source_id:<15}  {indicator.name}")


def main(argv: list[str] | None = None) -> int:
    """Run one command; exit 0 on success, 2 on an unknown indicator/region or missing warehouse."""
    argv = sys.argv[1:] if argv is None else argv
    args = _parser(with_effect=not (argv and argv[0] in _WITHOUT_EFFECT)).parse_args(argv)
    if args.command == "indicators":
        _print_catalogue(args.format)
        return 0
    if args.command == "effect":
        from warehouse.effects import cli as effect_cli  # heavy: see _WITHOUT_EFFECT

        return effect_cli.run(args)
    try:
        con = connect(args.db)
        try:
            values = compute(con, args.indicator_id, args.region, args.from_year, args.to_year)
        finally:
            con.close()
    except (UnknownIndicatorError, UnknownRegionError, WarehouseMissingError) as exc:
        print(f"FOUT: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    records = [v.as_record() for v in values]
    if args.format == "json":
        print(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        writer = csv.DictWriter(sys.stdout, fieldnames=RECORD_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    if not records:
        print("Geen gegevens voor deze indicator, regio en periode.", file=sys.stderr)
    return 0
