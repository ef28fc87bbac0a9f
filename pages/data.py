"""Data: bring your own catalog (upload, map columns, validate, embed as a server job) and manage kept ones."""

import streamlit as st

from vidrec_ui.bootstrap import ensure_app
from vidrec_ui.data_page import render_jobs, render_kept, render_messages, render_upload
from vidrec_ui.notices import engineer_details, start_details

ensure_app(__file__)
start_details()

st.title("Data")
st.caption(
    "Show the demo on your own videos: upload a spreadsheet export, tell which column is which, and embed it. "
    "The catalog is kept on this app's server and appears in the sidebar's catalog picker beside the sample."
)
render_messages()
render_upload()
st.divider()
render_jobs()
render_kept()
engineer_details()
