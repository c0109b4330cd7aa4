"""From Altair charts and a Jinja2 template to a PDF: vector SVG by vl-convert, laid out and printed by WeasyPrint.

The charts are the pages' own specifications (ui/charts.py), only given a width and height for paper. vl-convert
renders them in a thread pool while the report's figures are still being read, so its start-up (about a second the
first time in a process) overlaps the queries.
"""

from __future__ import annotations

import base64
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import jinja2

TEMPLATES = Path(__file__).resolve().parent / "templates"
_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()
WORKERS = 2  # the machines have 2 cores; vl-convert renders outside the GIL


def _pool() -> ThreadPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(WORKERS, thread_name_prefix="report-svg")
        return _POOL


def _to_svg(spec: dict) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(spec)


def warm_up() -> None:
    """Start vl-convert's JavaScript engine in the background (the first conversion in a process is slow)."""
    _pool().submit(_to_svg, {"mark": "point", "data": {"values": []}})


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
        self._future: Future[str] = _pool().submit(_to_svg, spec)

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


def pdf(document: str) -> Pdf:
    """Print HTML (with its CSS from the templates folder) to PDF."""
    import weasyprint

    rendered = weasyprint.HTML(string=document, base_url=str(TEMPLATES)).render()
    return Pdf(rendered.write_pdf(), len(rendered.pages))
