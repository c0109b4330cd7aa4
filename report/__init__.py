"""PDF reports: the steering group's quarterly progress report and a one-page factsheet per municipality.

At the level of pages (imports report → ui (streamlit-free modules) → warehouse); never imports streamlit, so the
command line (`python -m report`) runs without it. Entry points: report.make.voortgang_pdf, factsheet_pdf.
"""
