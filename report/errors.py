"""The one error a report command reports to its user: a Dutch message, no traceback."""


class ReportError(ValueError):
    """Arguments or data that make no report; the message is Dutch and says what to do."""
