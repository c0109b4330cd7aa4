"""`python -m report voortgang|factsheet`: the PDF reports from the command line (Dutch messages, exit 2 on bad input).

    python -m report voortgang --period 2026-Q3 [--region PV24] [--from 2019] [--db PATH] -o rapport.pdf
    python -m report factsheet --region GM0034 [--db PATH] -o almere.pdf
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from report.errors import ReportError
from warehouse.paths import DEFAULT_DB

# argparse's own messages, in Dutch (the command's users read Dutch; there is no Dutch gettext catalogue for it).
_MESSAGES = (
    (r"the following arguments are required: (.*)", "deze argumenten ontbreken: {0}"),
    (r"argument (\S+): expected one argument", "argument {0} heeft een waarde nodig"),
    (r"argument (\S+): invalid int value: '(.*)'", "argument {0}: '{1}' is geen heel getal"),
    (r"argument (\S+): invalid choice: '(.*)' \(choose from (.*)\)", "argument {0}: '{1}' bestaat niet (kies uit {2})"),
    (r"unrecognized arguments: (.*)", "onbekende argumenten: {0}"),
)


class _Parser(argparse.ArgumentParser):
    """An argument parser that reports in Dutch, as 'FOUT: …' with the usage, and exits with status 2."""

    def error(self, message: str) -> None:
        for pattern, dutch in _MESSAGES:
            match = re.fullmatch(pattern, message)
            if match:
                message = dutch.format(*match.groups())
                break
        self.print_usage(sys.stderr)
        print(f"FOUT: {message}", file=sys.stderr)
        raise SystemExit(2)


ALL_REPORTS = ("tel ook maandrapportages die nog niet zijn goedgekeurd (standaard alleen goedgekeurde, zoals de "
               "stuurgroep ze ziet)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m report", description="Techniekmonitor: rapporten als PDF.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMANDO")
    progress = commands.add_parser("voortgang", help="voortgangsrapportage van een kwartaal voor de stuurgroep")
    progress.add_argument("--period", required=True, help="kwartaal, bijvoorbeeld 2026-Q3")
    progress.add_argument("--region", default="PV24", help="CBS-code of naam (standaard PV24, Flevoland)")
    progress.add_argument("--from", dest="from_year", type=int, help="eerste (begin)jaar van de reeksen")
    progress.add_argument("--db", type=Path, default=DEFAULT_DB, help="het datawarehouse")
    progress.add_argument("--all-reports", action="store_true", help=ALL_REPORTS)
    progress.add_argument("-o", "--output", type=Path, required=True, help="het PDF-bestand dat gemaakt wordt")
    sheet = commands.add_parser("factsheet", help="factsheet van één A4 voor een gemeente")
    sheet.add_argument("--region", required=True, help="gemeente: CBS-code (GM0034) of naam (Almere)")
    sheet.add_argument("--db", type=Path, default=DEFAULT_DB, help="het datawarehouse")
    sheet.add_argument("--all-reports", action="store_true", help=ALL_REPORTS)
    sheet.add_argument("-o", "--output", type=Path, required=True, help="het PDF-bestand dat gemaakt wordt")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Make one report; exit 0 when written, 2 on unusable arguments or data (a Dutch message on stderr)."""
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    # The chart and print workers start first: their start-up runs on the other core while this process imports its
    # own modules and reads the figures.
    from report import render

    render.warm_up()
    render.start_printer()
    try:
        return _make(args)
    finally:
        render.stop_printer()


def _make(args: argparse.Namespace) -> int:
    from report import make
    from warehouse.connection import WarehouseMissingError

    reports = None if args.all_reports else ()  # warehouse.programme.Reports: every report, or approved ones only

    try:
        if not args.output.parent.is_dir():
            raise ReportError(f"De map {args.output.parent} bestaat niet; maak haar eerst of kies een andere plek.")
        if args.output.suffix.lower() != ".pdf":
            raise ReportError(f"Het uitvoerbestand {args.output} moet op .pdf eindigen.")
        if args.command == "voortgang":
            pdf = make.voortgang_pdf(args.db, args.period, args.region, args.from_year, reports=reports)
        else:
            pdf = make.factsheet_pdf(args.db, args.region, reports=reports)
    except (ReportError, WarehouseMissingError) as exc:
        print(f"FOUT: {exc}", file=sys.stderr)
        return 2
    try:
        args.output.write_bytes(pdf.data)
    except OSError as exc:
        print(f"FOUT: {args.output} kan niet worden geschreven: {exc.strerror or exc}.", file=sys.stderr)
        return 2
    print(f"{args.output} geschreven ({pdf.pages} {'pagina' if pdf.pages == 1 else 'pagina’s'}).")
    return 0
