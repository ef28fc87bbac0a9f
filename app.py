"""vidrec: LLM-powered video recommendation, as an interactive demo. Run: streamlit run app.py

The server (`st.App`): it serves main.py, the pages, and starts loading what a first visitor's page needs as it
starts (vidrec_ui/preload.py), so the first list does not wait for a browser to connect before that work begins.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st

from vidrec_ui.preload import start_preload


@asynccontextmanager
async def lifespan(_app: st.App) -> AsyncIterator[None]:
    start_preload()
    yield


app = st.App("main.py", lifespan=lifespan)
