"""From Altair charts and a Jinja2 template to a PDF: vector SVG by vl-convert, laid out and printed by WeasyPrint.

The charts are the pages' own specifications (ui/charts.py), only given a width and height for paper. vl-convert
renders them in a worker process (report/svg_worker.py) while the report's figures are still being read: its
start-up (about a second, once per process) and its conversions run on the other core.
"""

from __future__ import annotations

import atexit
import base64
import json
import queue
import subprocess
import sys
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

if TYPE_CHECKING:  # the command line starts the worker before it imports Altair (report/cli.py)
    import altair as alt

TEMPLATES = Path(__file__).resolve().parent / "templates"
WORKER = Path(__file__).resolve().parent / "svg_worker.py"
PRINT_WORKER = Path(__file__).resolve().parent / "print_worker.py"


class _Converter:
    """Sends specifications to the SVG worker process, one at a time from one thread, in the order submitted.

    Falls back to converting in this process (slower: it holds the interpreter lock) when the worker cannot be
    started or has died.
    """

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[dict, Future[str]]] = queue.Queue()
        self._process: subprocess.Popen | None = None
        threading.Thread(target=self._serve, name="report-svg", daemon=True).start()

    def submit(self, spec: dict) -> Future[str]:
        future: Future[str] = Future()
        self._queue.put((spec, future))
        return future

    def _start(self) -> subprocess.Popen | None:
        try:
            process = subprocess.Popen([sys.executable, str(WORKER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       text=True, encoding="utf-8", bufsize=1)
        except OSError:
            return None
        atexit.register(process.kill)
        return process

    def _convert(self, spec: dict) -> str:
        if self._process is None or self._process.poll() is not None:
            self._process = self._start()
        if self._process is not None:
            try:
                self._process.stdin.write(json.dumps({"spec": spec}) + "\n")
                self._process.stdin.flush()
                answer = json.loads(self._process.stdout.readline() or "null")
            except (OSError, ValueError):
                answer = None
            if isinstance(answer, dict) and "svg" in answer:
                return answer["svg"]
            if isinstance(answer, dict) and "error" in answer:
                raise ValueError(f"Grafiek niet te tekenen: {answer['error']}")
            self._process.kill()
            self._process = None
        import vl_convert  # the worker is gone: convert here

        return vl_convert.vegalite_to_svg(spec)

    def stop(self) -> None:
        """End the worker process now, if there is one."""
        if self._process is not None:
            self._process.kill()

    def _serve(self) -> None:
        while True:
            spec, future = self._queue.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(self._convert(spec))
            except Exception as exc:  # handed to whoever waits for the chart
                future.set_exception(exc)


_CONVERTER: _Converter | None = None
_CONVERTER_LOCK = threading.Lock()


def _converter() -> _Converter:
    global _CONVERTER
    with _CONVERTER_LOCK:
        if _CONVERTER is None:
            _CONVERTER = _Converter()
        return _CONVERTER


def stop_workers() -> None:
    """End the chart and print workers now (the command line, before it exits without the interpreter's clean-up)."""
    stop_printer()
    with _CONVERTER_LOCK:
        if _CONVERTER is not None:
            _CONVERTER.stop()


def warm_up() -> None:
    """Start the worker and vl-convert's JavaScript engine (about a second) while the report reads its figures."""
    _converter().submit({"mark": "point", "data": {"values": []}})


class Svg:
    """A chart being rendered to SVG; `uri` waits for it and gives a data: URI for an <img>."""

    def __init__(self, chart: alt.TopLevelMixin, width: int, height: int | None = None):
        # validate=False: the builders' specs are validated by the pages' tests; here it would cost 30 ms a chart.
        # The size is set on the finished dict: chart.properties() would deep-copy the chart once more.
        spec = chart.to_dict(validate=False)
        spec["width"] = width
        if height is not None:
            spec["height"] = height
        # The whole chart, axes and legend included, takes the width (not the plot alone): charts side by side then
        # come out at one scale, whatever the width of their axis labels.
        spec["autosize"] = {"type": "fit-x", "contains": "padding"}
        self._future: Future[str] = _converter().submit(spec)

    @property
    def text(self) -> str:
        return self._future.result()

    @property
    def uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.text.encode("utf-8")).decode("ascii")


_ENV: jinja2.Environment | None = None


def environment() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                  trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    return _ENV


def html(template: str, **context: object) -> str:
    """The report as HTML (also handy to look at in a browser while changing the layout)."""
    return environment().get_template(template).render(**context)


@dataclass(frozen=True)
class Pdf:
    """A printed report: the PDF file's bytes and its number of pages."""

    data: bytes
    pages: int


class _Printer:
    """A print worker process (report/print_worker.py) that has been importing WeasyPrint since it was started."""

    def __init__(self, process: subprocess.Popen) -> None:
        self._process = process
        self._gone = False

    def print(self, document: str) -> Pdf | None:
        """The printed document, or None when the worker cannot print it (the caller then prints it itself)."""
        from report.print_worker import read_frame, write_frame

        if self._gone:
            return None
        process = self._process
        try:
            write_frame(process.stdin, document.encode("utf-8"))
            process.stdin.flush()
            header = json.loads(read_frame(process.stdout) or b"null")
            data = read_frame(process.stdout) if isinstance(header, dict) and "pages" in header else None
        except (OSError, ValueError):
            header, data = None, None
        if data is None:
            if not isinstance(header, dict):  # gone or confused: not asked again
                self._gone = True
                self.stop()
            return None
        return Pdf(data, int(header["pages"]))

    def stop(self) -> None:
        """Let the worker end (its CPU time then counts with this process's children) or, if it hangs, end it."""
        try:
            self._process.stdin.close()
            self._process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self._process.kill()


_PRINTER: _Printer | None = None


def start_printer() -> None:
    """Start the print worker, for a process that has not imported WeasyPrint yet (the command line): the import runs
    on the other core while this process reads the figures, and `pdf` hands it the documents."""
    global _PRINTER
    if _PRINTER is not None:
        return
    try:
        process = subprocess.Popen([sys.executable, str(PRINT_WORKER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    except OSError:
        return
    atexit.register(process.kill)
    _PRINTER = _Printer(process)


def stop_printer() -> None:
    """Let the print worker end (see start_printer); `pdf` prints in this process again."""
    global _PRINTER
    if _PRINTER is not None:
        _PRINTER.stop()
        _PRINTER = None


def load_printer() -> None:
    """Import WeasyPrint (about half a second), e.g. while waiting for another process; not when a print worker
    prints."""
    if _PRINTER is None:
        import weasyprint  # noqa: F401


def pdf(document: str) -> Pdf:
    """Print HTML (with its CSS from the templates folder) to PDF: by the print worker when one was started."""
    if _PRINTER is not None and (printed := _PRINTER.print(document)) is not None:
        return printed
    import weasyprint

    rendered = weasyprint.HTML(string=document, base_url=str(TEMPLATES)).render()
    return Pdf(rendered.write_pdf(), len(rendered.pages))
