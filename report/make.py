"""The two reports as PDF bytes, from a warehouse file: what the command line and the app's buttons call."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from report import estimates, render
from report.errors import ReportError
from report.figures import PROGRAMME
from report.periods import Quarter, check_not_future
from ui import format as fmt
from warehouse.connection import connect
from warehouse.programme import Reports
from warehouse.regions import Region, find_region

DEFAULT_REGION = "PV24"


def _region(con, text: str) -> Region:
    from warehouse.regions import UnknownRegionError

    try:
        return find_region(con, text)
    except UnknownRegionError as exc:
        raise ReportError(str(exc)) from None


def voortgang_html(db_path: Path | str, period: Quarter | str, region: str = DEFAULT_REGION,
                   from_year: int | None = None, today: date | None = None, reports: Reports = ()) -> str:
    """The progress report on a quarter as HTML (see report/voortgang.py)."""
    from report import voortgang

    quarter = period if isinstance(period, Quarter) else Quarter.parse(period)
    check_not_future(quarter, today or date.today())
    render.warm_up()
    estimator = estimates.estimator(db_path)  # before connecting: the file as it is when the report opens it
    con = connect(db_path)
    try:
        report = voortgang.build(con, quarter, _region(con, region), from_year, today, reports, estimator)
        return render.html("voortgang.html", r=report, programme=PROGRAMME, day=fmt.day, from_year=from_year,
                           unit_words=fmt.UNIT_WORDS)
    finally:
        con.close()


def voortgang_pdf(db_path: Path | str, period: Quarter | str, region: str = DEFAULT_REGION,
                  from_year: int | None = None, today: date | None = None, reports: Reports = ()) -> render.Pdf:
    """The progress report on a quarter as PDF; `reports`: which monthly reports count (approved ones by default)."""
    return render.pdf(voortgang_html(db_path, period, region, from_year, today, reports))


def _factsheet(db_path: Path | str, region: str, today: date | None, reports: Reports):
    from report import factsheet

    render.warm_up()
    con = connect(db_path)
    try:
        return factsheet.build(con, _region(con, region), today, reports)
    finally:
        con.close()


def _factsheet_html(sheet) -> str:
    from report.voortgang import STATUS_SYMBOL

    return render.html("factsheet.html", f=sheet, programme=PROGRAMME, symbols=STATUS_SYMBOL)


def factsheet_html(db_path: Path | str, region: str, today: date | None = None, reports: Reports = ()) -> str:
    """A municipality's one-page factsheet as HTML (see report/factsheet.py)."""
    return _factsheet_html(_factsheet(db_path, region, today, reports))


def factsheet_pdf(db_path: Path | str, region: str, today: date | None = None, reports: Reports = ()) -> render.Pdf:
    """A municipality's one-page factsheet as PDF; set tighter when the first try runs onto a second page."""
    sheet = _factsheet(db_path, region, today, reports)
    result = render.pdf(_factsheet_html(sheet))
    if result.pages > 1:
        sheet.tight = True
        result = render.pdf(_factsheet_html(sheet))
    return result
