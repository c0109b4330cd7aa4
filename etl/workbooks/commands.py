"""The workbook commands of `python -m etl`: template, upload, uploads, withdraw, review, lock, unlock and locks
(the parsers are created in etl/cli.py). Each command that writes, or is refused, is recorded in the audit log."""

from __future__ import annotations

import argparse
import getpass
import json
import math
import re
import sys
from dataclasses import asdict
from pathlib import Path

from etl.workbooks.layout import MORE_ISSUES
from etl.workbooks.safety import SETTINGS, Limits
from etl.workbooks.store import (
    APPROVED,
    RETURNED,
    day_of,
    events,
    kept,
    lock_of,
    locks,
    review_state,
    reviews,
    statuses,
)
from warehouse import audit
from warehouse.paths import DEFAULT_UPLOADS

# commit, dryrun, validate (python-calamine, defusedxml) and templates (openpyxl) are imported by the commands that
# use them: every `python -m etl` parses these arguments, and a build needs none of them.

EXIT_ACCEPTED, EXIT_REJECTED = 0, 1
_TABLE_NL = {"subproject": "deelprojecten", "action": "acties", "milestone": "mijlpalen", "kpi": "KPI's",
             "kpi_target": "doelen", "kpi_value": "KPI-waarden", "report_narrative": "toelichting",
             "milestone_update": "mijlpaal-updates", "action_update": "actie-updates",
             "field_signal": "signalen"}


def add_arguments(template: argparse.ArgumentParser, upload: argparse.ArgumentParser,
                  uploads: argparse.ArgumentParser, withdraw: argparse.ArgumentParser) -> None:
    """The options of the workbook subcommands (the parsers are created in etl/cli.py)."""
    for parser in (upload, uploads, withdraw):
        parser.add_argument("--uploads", type=Path, default=DEFAULT_UPLOADS,
                            help="map met bewaarde uploads (%(default)s)")
    uploads.add_argument("--json", action="store_true", help="uitvoer als JSON")
    withdraw.add_argument("upload_id", help="de id uit 'python -m etl uploads'")
    withdraw.add_argument("--by", default=getpass.getuser(), help="naam van wie intrekt (%(default)s)")
    withdraw.add_argument("--demo", action="store_true",
                          help="alleen een demo-upload intrekken (de app zonder inlog, docs/access.md)")
    template.add_argument("kind", choices=["plan", "monthly"],
                          help="plan (plan van aanpak) of monthly (maandrapportage)")
    template.add_argument("--subproject", help="deelprojectcode om in te vullen (maandrapportage)")
    template.add_argument("--month", help="verslagmaand JJJJ-MM om in te vullen (maandrapportage)")
    template.add_argument("--plan", type=Path, help="plan van aanpak (.xlsx) als het datawarehouse er nog geen heeft")
    template.add_argument("-o", "--output", type=Path, required=True, help="uitvoerbestand (.xlsx)")
    template.add_argument("--demo", action="store_true", help="sjabloon met het demokenmerk (de app zonder inlog)")
    upload.add_argument("file", type=Path, help="plan van aanpak of maandrapportage (.xlsx)")
    upload.add_argument("--dry-run", action="store_true", help="alleen controleren en tonen wat verandert")
    upload.add_argument("--json", action="store_true", help="uitvoer als JSON")
    upload.add_argument("--uploader", default=getpass.getuser(), help="naam van wie uploadt (%(default)s)")
    upload.add_argument("--plan", type=Path, help="plan van aanpak (.xlsx) als het datawarehouse er nog geen heeft")
    upload.add_argument("--demo", action="store_true",
                        help="alleen een demowerkboek vastleggen, als demo-upload, en alleen in een map zonder echte "
                             "uploads (de app zonder inlog, docs/access.md)")
    for setting in SETTINGS:
        upload.add_argument(f"--{setting.name.replace('_', '-')}", type=int, default=setting.default,
                            help=f"{setting.help} (%(default)s)")


def add_review_arguments(review: argparse.ArgumentParser, lock: argparse.ArgumentParser,
                         unlock: argparse.ArgumentParser, locks_cmd: argparse.ArgumentParser) -> None:
    """The options of review, lock, unlock and locks."""
    for parser in (review, lock, unlock, locks_cmd):
        parser.add_argument("--uploads", type=Path, default=DEFAULT_UPLOADS,
                            help="map met bewaarde uploads (%(default)s)")
    review.add_argument("upload_id", help="de id uit 'python -m etl uploads'")
    verdict = review.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--approve", action="store_true", help="keur de maandrapportage goed")
    verdict.add_argument("--return", dest="reason", metavar="REDEN",
                         help="stuur de maandrapportage terug naar de projectleider, met de reden")
    review.add_argument("--comment", default="", help="opmerking bij een goedkeuring")
    for parser in (review, lock, unlock):
        parser.add_argument("--by", default=getpass.getuser(), help="naam van wie dit doet (%(default)s)")
    for parser, doing in ((lock, "vergrendelen"), (unlock, "ontgrendelen")):
        parser.add_argument("period", help="kwartaal JJJJ-Qn, bijvoorbeeld 2026-Q3")
        parser.add_argument("--reason", required=True, help=f"waarom u het kwartaal wilt {doing}")
    locks_cmd.add_argument("--json", action="store_true", help="uitvoer als JSON")


def _record(args: argparse.Namespace, event: str, by: str, what: str, **details: object) -> None:
    """Add a command's outcome to the audit log; a log that cannot be written is reported, the outcome stands. A
    `--demo` command records nothing, as the app in demo mode: nobody is identified."""
    if getattr(args, "demo", False):
        return
    try:
        audit.record_command(args.uploads, event, by, what, **details)
    except OSError as exc:
        print(f"LET OP: het auditlogboek in {args.uploads} is niet bijgewerkt ({exc}); meld dit bij de beheerder.",
              file=sys.stderr)


def run_template(args: argparse.Namespace) -> int:
    from etl.workbooks.dryrun import open_warehouse
    from etl.workbooks.templates import monthly_template, plan_template
    from etl.workbooks.validate import KnownPlan, validate_workbook

    if args.kind == "plan":
        path = plan_template(args.output)
    else:
        if args.month and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", args.month):
            print(f"FOUT: --month '{args.month}' is geen maand; gebruik JJJJ-MM, bv. 2026-03.", file=sys.stderr)
            return EXIT_REJECTED
        plan = None
        con = open_warehouse(args.db)
        if con is not None:
            try:
                plan = KnownPlan.from_warehouse(con)
            finally:
                con.close()
        if plan is None and args.plan is not None:
            result = validate_workbook(args.plan)
            if result.kind != "plan" or not result.ok:
                print(f"FOUT: het plan van aanpak {args.plan} is niet in orde; controleer het met "
                      f"'python -m etl upload {args.plan} --dry-run'.", file=sys.stderr)
                return EXIT_REJECTED
            plan = KnownPlan.from_rows(result.rows)
        if plan is not None and args.subproject and args.subproject not in set(plan.subprojects["subproject_code"]):
            print(f"FOUT: deelproject '{args.subproject}' staat niet in het plan van aanpak; bekend: "
                  f"{', '.join(sorted(plan.subprojects['subproject_code']))}.", file=sys.stderr)
            return EXIT_REJECTED
        path = monthly_template(args.output, args.subproject, args.month, plan)
    if args.demo:
        from etl.workbooks.demomark import mark

        mark(path)
    print(f"Sjabloon geschreven: {path}")
    return EXIT_ACCEPTED


def _refusal(message: str) -> dict:
    """A report in the shape of every other: refused as a whole, the Dutch message as its one error."""
    return {"ok": False, "kind": None,
            "errors": [{"sheet": None, "row": None, "column": None, "value": None, "message": message}],
            "warnings": [], "changes": {}, "subproject": None, "month": None}


def _json_safe(value: object) -> object:
    """The report with every non-finite float as text: JSON has no Infinity or NaN, and `--json` is always JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _upload(args: argparse.Namespace) -> tuple[dict, str, str | None, str]:
    """(report, closing line, message for standard error, outcome) of one upload; raises nothing a user could
    cause. The outcome is commit_upload's (committed, duplicate, rejected), or "checked" for a dry run."""
    from etl.workbooks.commit import CommitError, commit_upload
    from etl.workbooks.dryrun import upload_report
    from etl.workbooks.safety import technical

    if not args.file.is_file():
        message = f"Bestand {args.file} bestaat niet (of is een map). Controleer de naam en de map."
        return _refusal(message), "Er is niets geschreven.", message, "rejected"
    limits = Limits(**{s.name: getattr(args, s.name) for s in SETTINGS})
    refused = _demo_refusal(args) if args.demo else None
    try:
        if args.dry_run:
            log = events(args.uploads) if args.uploads.exists() else []
            report = upload_report(args.file, args.db, args.plan, limits=limits, locked=locks(log))
            held = lock_of(log, report.get("month")) if report.get("kind") == "monthly" else None
            if held:  # the commit would be refused (etl/workbooks/commit.py says so in the same words)
                report["ok"] = False
                report["errors"].append(_refusal(_locked_message(report["month"], held))["errors"][0])
            if refused:  # the checks still show what is wrong inside the workbook
                report["ok"] = False
                report["errors"].append(_refusal(refused)["errors"][0])
            return report, "Proefrun: er is niets geschreven.", None, "checked"
        if refused:
            return _refusal(refused), "Er is niets vastgelegd.", refused, "rejected"
        try:
            result = commit_upload(args.file, args.uploader, args.uploads, args.db, limits, demo=args.demo)
        except CommitError as exc:
            message = f"{exc} Er is niets vastgelegd."
            return _refusal(message), "Afgekeurd: er is niets vastgelegd.", message, "rejected"
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a bug or a library's panic still ends in one Dutch JSON report
        message = (f"{args.file.name} kon niet verwerkt worden door een onverwachte fout; er is niets vastgelegd. "
                   f"Meld dit bij de beheerder van de Techniekmonitor en stuur het bestand mee. {technical(exc)}.")
        return _refusal(message), "Er is niets vastgelegd.", message, "rejected"
    report = {**result.report, "upload_id": result.upload.upload_id if result.upload else None}
    closing = {"committed": f"Vastgelegd als upload {report['upload_id']}.",
               "duplicate": f"Dit bestand is al vastgelegd als upload {report['upload_id']}; er is niets "
                            "veranderd.",
               "rejected": "Afgekeurd: er is niets vastgelegd."}[result.outcome]
    for note in result.notes:
        print(f"LET OP: {note}", file=sys.stderr)
    return report, closing, None, result.outcome


def _locked_message(month: str, held: dict) -> str:
    from etl.workbooks.commit import locked_message

    return locked_message(month, held, "een maandrapportage over")


def _demo_refusal(args: argparse.Namespace) -> str | None:
    """Why `upload --demo` may not keep this file (None: it may): no demo mark, or real uploads in the folder."""
    from etl.workbooks.demomark import is_marked

    if not is_marked(args.file):
        return (f"{args.file.name} is geen demowerkboek. Zonder inlog (demomodus) legt de Techniekmonitor alleen "
                "demowerkboeken vast, zoals de sjablonen die de app in de demomodus aanbiedt. Een echte rapportage "
                "kan alleen worden vastgelegd als inloggen is ingesteld (docs/access.md).")
    real = [u for u in (kept(args.uploads) if args.uploads.exists() else []) if not u.demo]
    if real:
        return (f"De map {args.uploads} bevat echte uploads; zonder inlog (demomodus) wordt daar niets vastgelegd. "
                "Stel inloggen in (docs/access.md).")
    return None


def run_upload(args: argparse.Namespace) -> int:
    """Validate (and without --dry-run commit) a workbook; prints the stable report (with --json: one JSON object,
    whatever happened)."""
    report, closing, failure, outcome = _upload(args)
    if failure:
        print(f"FOUT: {failure}", file=sys.stderr)
    if not args.dry_run:
        _record_upload(args, report, outcome == "duplicate")
    if args.json:
        print(json.dumps(_json_safe(report), ensure_ascii=False, indent=2, allow_nan=False))
    else:
        _print_report(report, args.file, closing)
    return EXIT_ACCEPTED if report["ok"] else EXIT_REJECTED


def _record_upload(args: argparse.Namespace, report: dict, duplicate: bool) -> None:
    """The audit line of an upload: committed, already kept (nothing changed), or refused with its first error."""
    scope = ("plan van aanpak" if report["kind"] == "plan" else
             f"maandrapportage {report['subproject']} {report['month']}" if report["kind"] == "monthly"
             else "onbekend soort bestand")
    details = {"file": args.file.name, "kind": report["kind"], "subproject": report["subproject"],
               "month": report["month"]}
    if report["ok"] and duplicate:
        _record(args, "upload", args.uploader, f"{scope} was al vastgelegd als upload {report.get('upload_id')}; "
                f"niets veranderd ({args.file.name})", upload_id=report.get("upload_id"), duplicate=True, **details)
    elif report["ok"]:
        _record(args, "upload", args.uploader, f"{scope} vastgelegd ({args.file.name})",
                upload_id=report.get("upload_id"), **details)
    else:
        reason = report["errors"][0]["message"] if report["errors"] else ""
        _record(args, "upload_refused", args.uploader, f"{scope} afgekeurd ({args.file.name}): {reason}",
                errors=len(report["errors"]), **details)


def run_uploads(args: argparse.Namespace) -> int:
    """Print every kept upload with its status, review state and the lock that holds its month."""
    log = events(args.uploads) if args.uploads.exists() else []
    uploads = kept(args.uploads, log) if log else []
    status = statuses(uploads, log) if uploads else {}
    latest = reviews(log)
    records = []
    for u in uploads:
        review = latest.get(u.upload_id, {})
        records.append({**asdict(u), "status": status[u.upload_id], "review": review_state(u, latest),
                        "reviewed_by": review.get("by"), "reviewed_at": review.get("at"),
                        "review_comment": review.get("comment"), "locked": (lock_of(log, u.month) or {}).get("period")})
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
    elif not records:
        print("Er zijn nog geen uploads.")
    for r in records if not args.json else []:
        scope = "plan van aanpak" if r["kind"] == "plan" else f"maandrapportage {r['subproject']} {r['month']}"
        print(f"{r['upload_id']}  {r['status']:<10}  {r['review'] or '':<13}  {r['uploaded_at']}  {r['uploaded_by']}  "
              f"{scope}  {r['file_name']}")
    return EXIT_ACCEPTED


def run_withdraw(args: argparse.Namespace) -> int:
    """Withdraw an upload; the warehouse is as if it had never been uploaded."""
    from etl.workbooks.commit import CommitError, withdraw_upload

    if args.demo:
        upload = next((u for u in kept(args.uploads) if u.upload_id == args.upload_id), None) \
            if args.uploads.exists() else None
        if upload is not None and not upload.demo:
            print(f"FOUT: upload {args.upload_id} is een echte upload; zonder inlog (demomodus) wordt alleen een "
                  "demo-upload ingetrokken. Stel inloggen in (docs/access.md).", file=sys.stderr)
            return EXIT_REJECTED
    try:
        notes = withdraw_upload(args.upload_id, args.by, args.uploads, args.db)
    except CommitError as exc:
        return _refused(args, f"intrekken van upload {args.upload_id} geweigerd", exc, upload_id=args.upload_id)
    for note in notes:
        print(f"LET OP: {note}", file=sys.stderr)
    _record(args, "withdraw", args.by, f"upload {args.upload_id} ingetrokken", upload_id=args.upload_id)
    print(f"Upload {args.upload_id} is ingetrokken.")
    return EXIT_ACCEPTED


def _refused(args: argparse.Namespace, what: str, exc: Exception, **details: object) -> int:
    """Print a command's Dutch refusal, record it, and return the exit code of a refusal."""
    print(f"FOUT: {exc}", file=sys.stderr)
    _record(args, "refused", args.by, what, reason=str(exc), **details)
    return EXIT_REJECTED


def run_review(args: argparse.Namespace) -> int:
    """Mark a monthly report goedgekeurd (--approve) or teruggestuurd (--return REDEN)."""
    from etl.workbooks.commit import CommitError, review_upload

    verdict, comment = (APPROVED, args.comment) if args.approve else (RETURNED, args.reason)
    try:
        upload = review_upload(args.upload_id, verdict, comment, args.by, args.uploads, args.db)
    except CommitError as exc:
        return _refused(args, f"beoordeling van upload {args.upload_id} geweigerd", exc, upload_id=args.upload_id,
                        verdict=verdict)
    what = f"maandrapportage {upload.subproject} {upload.month} {verdict} ({upload.file_name})"
    _record(args, "review", args.by, what + (f": {comment.strip()}" if comment.strip() else ""),
            upload_id=upload.upload_id, verdict=verdict, subproject=upload.subproject, month=upload.month)
    print(f"Maandrapportage {upload.file_name} ({upload.subproject}, {upload.month}) is {verdict}.")
    return EXIT_ACCEPTED


def run_lock(args: argparse.Namespace) -> int:
    """Lock a quarter (lock) or reopen it (unlock), with a reason."""
    from etl.workbooks.commit import CommitError, lock_period, unlock_period

    doing = "vergrendelen" if args.command == "lock" else "ontgrendelen"
    try:
        if args.command == "lock":
            lock_period(args.period, args.reason, args.by, args.uploads, args.db)
        else:
            unlock_period(args.period, args.reason, args.by, args.uploads, args.db)
    except CommitError as exc:
        return _refused(args, f"{doing} van {args.period} geweigerd", exc, period=args.period)
    done = "vergrendeld" if args.command == "lock" else "ontgrendeld"
    _record(args, args.command, args.by, f"kwartaal {args.period} {done}: {args.reason.strip()}", period=args.period,
            reason=args.reason.strip())
    print(f"Kwartaal {args.period} is {done}.")
    return EXIT_ACCEPTED


def run_locks(args: argparse.Namespace) -> int:
    """Print the quarters locked now."""
    held = locks(events(args.uploads)) if args.uploads.exists() else {}
    records = [{"period": p, "by": e["by"], "at": e["at"], "reason": e["reason"]} for p, e in sorted(held.items())]
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
    elif not records:
        print("Er is geen kwartaal vergrendeld.")
    for r in records if not args.json else []:
        print(f"{r['period']}  vergrendeld door {r['by']} op {day_of(r['at'])}: {r['reason']}")
    return EXIT_ACCEPTED


def _print_report(report: dict, path: Path, message: str) -> None:
    from etl.workbooks.reader import dutch_number  # loaded already by the validation that made the report

    kind = {"plan": "plan van aanpak", "monthly": "maandrapportage"}.get(report["kind"], "onbekend soort bestand")
    for label, issues in (("FOUT", report["errors"]), ("WAARSCHUWING", report["warnings"])):
        for issue in issues:
            where = ", ".join(p for p in (
                f"blad '{issue['sheet']}'" if issue["sheet"] else "", f"rij {issue['row']}" if issue["row"] else "",
                f"kolom '{issue['column']}'" if issue["column"] else "",
                f"waarde '{issue['value']}'" if issue["value"] is not None else "") if p)
            print(f"{label}: {where + ': ' if where else ''}{issue['message']}")
    for table, counts in report["changes"].items():
        print(f"{_TABLE_NL.get(table, table)}: {counts['new']} nieuw, {counts['changed']} gewijzigd, "
              f"{counts['unchanged']} ongewijzigd")
    errors = report["errors"]
    total = len(errors)
    if errors and str(errors[-1]["message"]).startswith(MORE_ISSUES) and isinstance(errors[-1]["value"], int):
        total += errors[-1]["value"] - 1  # the closing line counts the errors not listed
    verdict = "goedgekeurd" if report["ok"] else \
        f"afgekeurd ({dutch_number(total)} {'fout' if total == 1 else 'fouten'})"
    print(f"{path.name} ({kind}): {verdict}. {message}")
