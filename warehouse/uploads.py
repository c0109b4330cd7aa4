"""What the app and the ETL agree on about uploaded workbooks: the largest file accepted."""

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # etl/workbooks/safety.py's default max_bytes; the Upload page states it
