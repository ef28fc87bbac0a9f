"""While the language model loads, the page says so in plain words; the model starts loading once a page is drawn.

A first list needs no model (`vidrec_core.embed.lazy`: the catalog's and the sample's lines' vectors are stored), and
loading it beside that list's own work would slow both down on a 2-core machine: importing torch holds Python's
interpreter lock most of the time. So the model starts loading at the note's first refresh, which comes after the
page has been drawn, or at once when a typed line needs it (that run waits for it, under the note).
"""

from __future__ import annotations

import streamlit as st

from vidrec_core.core.notice import Notice
from vidrec_core.embed.encoders import Encoder
from vidrec_core.embed.lazy import LazyEncoder
from vidrec_ui.fragments import is_fragment_rerun
from vidrec_ui.notices import say

POLL_SECONDS = 1.0  # how often the note looks again; the page runs once more when the model is ready

LOADING = (
    ":material/hourglass_top: Loading the language model (a few seconds)… Until then, lists come from what is "
    "already stored for the catalog and the sample histories; a new line you type is read as soon as it is ready."
)
FAILED = (
    "The language model could not be loaded, so a new line you type cannot be read; lists of what is already stored "
    "still work."
)


def model_loading_note(encoder: Encoder) -> None:
    """Where a page begins: a line saying the model is loading, refreshed until it is ready, then gone; nothing once
    the model is in memory (or for an encoder that is not loaded in the background)."""
    if not isinstance(encoder, LazyEncoder) or encoder.ready:
        return
    if encoder.error is not None:
        say(Notice(FAILED, f"{type(encoder.error).__name__}: {encoder.error}"))
        return
    st.fragment(_note, run_every=POLL_SECONDS)(encoder)


def _note(encoder: LazyEncoder) -> None:
    if is_fragment_rerun():  # its timed refresh, not the page's run
        encoder.start()  # the page has been drawn: the model may take the processor now
    if not encoder.loading:
        st.rerun()  # the whole page once more: without the note, or with why the model failed
    st.caption(LOADING)
