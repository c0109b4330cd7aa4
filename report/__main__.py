"""`python -m report`: see report/cli.py."""

import os
import sys

from report import render
from report.cli import main

code = main()
# The PDF is written and the warehouse connection closed: end now, after the workers, without the interpreter's
# clean-up of pandas', Altair's and DuckDB's objects (about a quarter of a second of a one-page factsheet's two).
render.stop_workers()
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
