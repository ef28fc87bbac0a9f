"""Streamlit glue shared by the pages: cached engine pieces, the sidebar and safe text rendering."""
