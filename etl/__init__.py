"""ETL for the Techniekmonitor: raw public files and programme workbooks into the DuckDB warehouse."""
