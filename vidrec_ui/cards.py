"""A recommendation as a card: plain-text title, genres, overview, reason, and buttons that walk the history on."""

from __future__ import annotations

import streamlit as st

from vidrec_core.profile.history import EventKind, format_line, shorten
from vidrec_core.rank.explain import Recommendation
from vidrec_ui.history_state import append_line
from vidrec_ui.text import md_escape

MATCH_HELP = (
    "How strongly this video matches the history: 100% is the strongest match in the catalog, 0% a typical video. "
    "A pick that answers a search can be a weaker match to the rest of the history."
)


def match_percent(match: float) -> str:
    return f"{round(100 * match)}%"


def title_line(title: str, year: int | None) -> str:
    return f"{title} ({year})" if year else title


def add_to_history(kind: EventKind, title: str, year: int | None) -> None:
    append_line(format_line(kind, title_line(title, year)))


def recommendation_card(position: int, rec: Recommendation, key_prefix: str = "rec", actions: bool = True) -> None:
    """Few elements per card (an edit redraws ten of them): the title, the genres with the match, what it answers,
    the overview and why as one block, and the two buttons in one row."""
    with st.container(border=True):
        year = f" ({rec.year})" if rec.year else ""
        st.markdown(f"**{position}. {md_escape(rec.title)}**{year}")
        st.caption(
            f"{md_escape(', '.join(rec.genres) or 'no genre')} · {match_percent(rec.match)} match",
            help=MATCH_HELP + f" (For engineers: the strategy's raw score is {rec.score:.3f}.)",
        )
        if rec.search:
            st.caption(f":material/search: Answers your search “{md_escape(rec.search)}”")
        elif rec.interest:
            st.caption(f":material/label: For your taste “{md_escape(rec.interest)}”")
        why = f"*Why:* {md_escape(rec.because)}"
        st.markdown(f"{md_escape(shorten(rec.overview, 260))}\n\n{why}" if rec.overview else why)
        if actions:
            # Keyed by position, not video: Streamlit 1.67 keeps every widget's metadata (callback arguments
            # included) for the session's life, so keys that change with the list grow memory per edit. A click
            # runs the callback registered when the button was drawn, so it adds the video the viewer saw.
            row = st.container(horizontal=True)
            row.button(
                "Watched it",
                key=f"{key_prefix}_watched_{position}",
                on_click=add_to_history,
                args=(EventKind.WATCHED, rec.title, rec.year),
                icon=":material/check:",
            )
            row.button(
                "Not interested",
                key=f"{key_prefix}_dislike_{position}",
                on_click=add_to_history,
                args=(EventKind.DISLIKED, rec.title, rec.year),
                icon=":material/thumb_down:",
            )
