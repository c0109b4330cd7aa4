"""The SVG worker: Vega-Lite specifications in, SVG out, one JSON document per line on stdin and stdout.

Started by report/render.py as a process of its own: vl-convert holds the interpreter lock while it converts, so
in a thread of the report's process the conversions would wait for (and hold up) the report's own Python work; in
this process they run on the other core. Imports nothing but the standard library and vl-convert.
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    """Answer each request line {"spec": …} with {"svg": "…"} or {"error": "…"}, until stdin closes."""
    import vl_convert

    for line in sys.stdin:
        try:
            answer = {"svg": vl_convert.vegalite_to_svg(json.loads(line)["spec"])}
        except Exception as exc:  # every failure goes back to the caller; the worker lives on
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
