"""Command line of the ETL: `python -m etl build|demo|fetch|refresh|template|upload|uploads|withdraw|review|lock|
unlock|locks|sync|backup|restore`."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from etl import backup
from etl.build import build
from etl.dataset import SOURCE_GROUPS
from etl.demo import DEFAULT_SEED, SCALES, generate
from etl.errors import CheckFailedError, RawFileError
from etl.workbooks import commands as workbooks
from warehouse.paths import DEFAULT_DB, DEFAULT_RAW, DEFAULT_UPLOADS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description="Techniekmonitor Flevoland: ETL.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--raw", type=Path, default=DEFAULT_RAW, help="map met ruwe bestanden (%(default)s)")
    common.add_argument("--db", type=Path, default=DEFAULT_DB, help="datawarehouse-bestand (%(default)s)")
    common.add_argument("--quiet", action="store_true", help="geen voortgangsbalken")
    commands = parser.add_subparsers(dest="command", required=True)

    build_cmd = commands.add_parser("build", parents=[common],
                                    help="bouw het datawarehouse uit de ruwe bestanden en de bewaarde uploads")
    build_cmd.add_argument("--uploads", type=Path, default=DEFAULT_UPLOADS,
                           help="map met bewaarde uploads (%(default)s)")

    demo = commands.add_parser("demo", parents=[common], help="schrijf demodata in de formaten van de bronnen")
    demo.add_argument("--scale", choices=SCALES, default="flevoland")
    demo.add_argument("--seed", type=int, default=DEFAULT_SEED)
    demo.add_argument("--uploads", type=Path, default=DEFAULT_UPLOADS,
                      help="map voor het demo-plan van aanpak en de demo-maandrapportages (%(default)s)")

    fetch_cmd = commands.add_parser("fetch", parents=[common], help="download de publieke bronnen")
    fetch_cmd.add_argument("--source", action="append", choices=SOURCE_GROUPS, help="alleen deze bron (mag vaker)")
    fetch_cmd.add_argument("--since", type=int, help="alleen bestanden met gegevens vanaf dit jaar")
    fetch_cmd.add_argument("--force", action="store_true", help="ook bestanden die er al zijn opnieuw ophalen")

    refresh_cmd = commands.add_parser("refresh", parents=[common],
                                      help="haal op wat nieuw is, bouw, en meld wat er veranderde en wat mislukte "
                                           "(exitstatus 0 gelukt, 1 een bron mislukt, 2 bouwen mislukt)")
    refresh_cmd.add_argument("--source", action="append", choices=SOURCE_GROUPS, help="alleen deze bron (mag vaker)")
    refresh_cmd.add_argument("--since", type=int, help="alleen bestanden met gegevens vanaf dit jaar")
    refresh_cmd.add_argument("--force", action="store_true", help="ook bestanden die er al zijn opnieuw ophalen")
    refresh_cmd.add_argument("--uploads", type=Path, default=DEFAULT_UPLOADS,
                             help="map met bewaarde uploads (%(default)s)")
    refresh_cmd.add_argument("--json", action="store_true", help="het verslag als één JSON-object")

    sync_cmd = commands.add_parser("sync", parents=[common],
                                   help="herstel na een afgebroken opdracht: ruim restanten op en breng het "
                                        "datawarehouse gelijk met de bewaarde uploads")
    sync_cmd.add_argument("--uploads", type=Path, default=DEFAULT_UPLOADS,
                          help="map met bewaarde uploads (%(default)s)")

    backup.add_arguments(
        commands.add_parser("backup", parents=[common], help="maak een samenhangende reservekopie (mag terwijl de "
                                                              "app draait)"),
        commands.add_parser("restore", parents=[common], help="controleer een reservekopie en herstel eruit"),
        DEFAULT_UPLOADS,
    )
    workbooks.add_arguments(
        commands.add_parser("template", parents=[common], help="schrijf een Excel-sjabloon (plan of maandrapportage)"),
        commands.add_parser("upload", parents=[common], help="controleer en leg een plan of maandrapportage vast"),
        commands.add_parser("uploads", parents=[common], help="geschiedenis van alle uploads"),
        commands.add_parser("withdraw", parents=[common], help="trek een upload in"),
    )
    workbooks.add_review_arguments(
        commands.add_parser("review", parents=[common], help="keur een maandrapportage goed of stuur hem terug"),
        commands.add_parser("lock", parents=[common], help="vergrendel een kwartaal (niets meer vastleggen of "
                                                           "intrekken voor die maanden)"),
        commands.add_parser("unlock", parents=[common], help="ontgrendel een kwartaal"),
        commands.add_parser("locks", parents=[common], help="de vergrendelde kwartalen"),
    )
    return parser


def _sync(args: argparse.Namespace) -> int:
    """Run the store's recovery (etl.workbooks.commit.sync); prints what it did; 1 when it could not."""
    if not args.uploads.is_dir():
        if args.command == "sync":
            print(f"Er is nog geen map met uploads ({args.uploads}); er is niets te herstellen.")
        return 0
    from etl.workbooks.recovery import CommitError, sync

    try:
        result = sync(args.db, args.uploads)
    except CommitError as exc:
        print(f"FOUT: {exc}", file=sys.stderr)
        return 1
    for note in result.notes:
        print(f"LET OP: {note}", file=sys.stderr)
    if result.removed:
        print(f"Hersteld: {len(result.removed)} restant(en) van afgebroken opdrachten opgeruimd.", file=sys.stderr)
    if result.replayed:
        print("Hersteld: het datawarehouse liep achter op de bewaarde uploads en is bijgewerkt.", file=sys.stderr)
    if args.command == "sync" and not (result.removed or result.replayed):
        print("Alles in orde: het datawarehouse komt overeen met de bewaarde uploads.")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one ETL command; exit code 0 on success, 1 on bad input or failed checks."""
    args = _parser().parse_args(argv)
    if args.command in ("upload", "uploads", "withdraw", "review", "lock", "unlock", "locks", "sync"):
        # Whatever a killed command left half done is finished or undone first, so that this one starts from a
        # warehouse that matches the kept uploads.
        code = _sync(args)
        if code or args.command == "sync":
            return code
    if args.command == "refresh":
        from etl.refresh import run  # requests and urllib3: only the commands that fetch need them

        return run(args)
    if args.command in ("backup", "restore"):
        return backup.run_backup(args) if args.command == "backup" else backup.run_restore(args)
    if args.command == "template":
        return workbooks.run_template(args)
    if args.command == "upload":
        return workbooks.run_upload(args)
    if args.command == "uploads":
        return workbooks.run_uploads(args)
    if args.command == "withdraw":
        return workbooks.run_withdraw(args)
    if args.command == "review":
        return workbooks.run_review(args)
    if args.command in ("lock", "unlock"):
        return workbooks.run_lock(args)
    if args.command == "locks":
        return workbooks.run_locks(args)
    try:
        if args.command == "build":
            report = build(args.raw, args.db, progress=not args.quiet, uploads_dir=args.uploads)
            for note in [*report.overlaps, *report.notes]:
                print(f"LET OP: {note}", file=sys.stderr)
            label = " (DEMODATA)" if report.is_demo else ""
            rows = ", ".join(f"{t}: {n:,}".replace(",", ".") for t, n in report.fact_rows.items())
            print(f"Datawarehouse gebouwd{label}: {report.db_path} uit {report.files} bestand(en); {rows}")
        elif args.command == "demo":
            for path in generate(args.raw, args.scale, args.seed):
                print(f"Demodata geschreven: {path}")
            # Imported here: writing workbooks needs openpyxl, which a build never loads.
            from etl.workbooks.demo import DemoUploadsError, generate_programme

            try:
                uploads = generate_programme(args.uploads, args.seed, date.today())
                print(f"Demo-uploads geschreven: {len(uploads)} werkboeken (plan van aanpak en maandrapportages) "
                      f"in {args.uploads}")
            except DemoUploadsError as exc:
                print(f"LET OP: {exc}", file=sys.stderr)
        elif args.command == "fetch":
            from etl.fetch import fetch  # requests and urllib3: only this command needs them

            fetched, errors = fetch(args.raw, args.source, force=args.force, progress=not args.quiet, since=args.since)
            for path in fetched:
                print(f"Opgehaald: {path}")
            for message in errors:
                print(f"FOUT: {message}", file=sys.stderr)
            return 1 if errors else 0
    except (RawFileError, CheckFailedError) as exc:
        print(f"FOUT: {exc}", file=sys.stderr)
        if args.command == "build":
            print(f"Het bestaande datawarehouse ({args.db}) is niet gewijzigd.", file=sys.stderr)
        return 1
    return 0
