"""vidrec, the pages: the navigation over pages/ and the shared sidebar. Served by app.py (`streamlit run app.py`)."""

from pathlib import Path

import streamlit as st

from vidrec_ui.bootstrap import init_session, mark_app_running, open_wanted_page
from vidrec_ui.notices import engineer_details, start_details
from vidrec_ui.sidebar import render_sidebar

st.set_page_config(page_title="vidrec", page_icon=str(Path(__file__).parent / "assets" / "icon.png"), layout="wide")

navigation = st.navigation(
    [
        st.Page("pages/recommend.py", title="Recommend", icon=":material/recommend:", default=True),
        st.Page("pages/compare.py", title="Compare A/B", icon=":material/compare_arrows:"),
        st.Page("pages/catalog.py", title="Catalog", icon=":material/search:"),
        st.Page("pages/data.py", title="Data", icon=":material/upload_file:"),
        st.Page("pages/clusters.py", title="Map & clusters", icon=":material/scatter_plot:"),
        st.Page("pages/evaluate.py", title="Evaluate", icon=":material/analytics:"),
    ]
)
mark_app_running()
init_session()
open_wanted_page()
render_sidebar()
start_details()
try:
    navigation.run()
finally:  # a page that stopped early still gets its engineers' details (drawn once: here if the page did not)
    engineer_details()
