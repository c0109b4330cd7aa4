"""Streamlit glue: cached access to the read layer, Dutch formatting and shared page elements."""
