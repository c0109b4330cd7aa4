"""The print worker: HTML in, PDF out, for the command line (`python -m report`).

Started by report/render.py when the command begins: importing WeasyPrint (about half a second) then happens on the
other core while the report's process imports its own modules and reads the figures; printing follows as soon as
the HTML is there. Imports nothing but the standard library and WeasyPrint. On stdin and stdout, binary frames of
an 8-byte big-endian length and that many bytes: a request is the document's UTF-8 HTML, an answer a JSON header
{"pages": n} or {"error": "…"} and, after a header with pages, the PDF file.
"""

from __future__ import annotations

import json
import os
import struct
import sys
from pathlib import Path
from typing import BinaryIO

TEMPLATES = Path(__file__).resolve().parent / "templates"
_LENGTH = struct.Struct(">Q")


def read_frame(stream: BinaryIO) -> bytes | None:
    """One frame's bytes, or None at the end of the stream."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    size = _LENGTH.unpack(head)[0]
    data = stream.read(size)
    if len(data) < size:
        return None
    return data


def write_frame(stream: BinaryIO, data: bytes) -> None:
    """Write one frame (the caller flushes)."""
    stream.write(_LENGTH.pack(len(data)))
    stream.write(data)


def main() -> None:
    """Print each HTML frame on stdin to a PDF frame on stdout, until stdin closes."""
    # The frames get stdout to themselves: anything else written to it (a library's warning, from Python or C) goes
    # to stderr instead of into a frame.
    sys.stdout.flush()
    sink = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    import weasyprint

    source = sys.stdin.buffer
    while (request := read_frame(source)) is not None:
        try:
            rendered = weasyprint.HTML(string=request.decode("utf-8"), base_url=str(TEMPLATES)).render()
            data = rendered.write_pdf()
            header = {"pages": len(rendered.pages)}
        except Exception as exc:  # the caller prints in its own process instead
            data, header = b"", {"error": f"{type(exc).__name__}: {exc}"}
        write_frame(sink, json.dumps(header).encode("utf-8"))
        if "pages" in header:
            write_frame(sink, data)
        sink.flush()
    sink.close()


if __name__ == "__main__":
    main()
    # Every answer is written and flushed: end without the interpreter's clean-up of WeasyPrint's objects, which
    # took about 0.4 s that the command line spent waiting for this process to end.
    sys.stderr.flush()
    os._exit(0)
