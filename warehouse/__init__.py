"""Read layer over the DuckDB warehouse: paths, connection, regions, indicators. Never imports streamlit."""
