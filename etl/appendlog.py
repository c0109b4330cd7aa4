"""The append-only JSON-lines writer lives in warehouse/appendlog.py: the app's audit log (warehouse/audit.py) uses
it too, and the app never imports etl. The upload event log and the refresh log import it from here."""

from warehouse.appendlog import append_line

__all__ = ["append_line"]
