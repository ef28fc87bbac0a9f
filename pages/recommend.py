"""Recommend: pick a persona or type a history, see how each line was understood and what comes out."""

import pandas as pd
import streamlit as st

from vidrec_core.errors import VidrecError
from vidrec_core.history import shorten
from vidrec_ui.resources import cached_personas, current_recommender
from vidrec_ui.text import md_escape

CUSTOM = "— type your own —"

st.title("Recommendations from a viewing history")

with st.expander("How it works (for product managers)"):
    st.markdown(
        "1. **Content understanding.** A language model reads each video's title, tagline, overview, genres and "
        "keywords and turns it into a point in a *meaning space*: videos about similar things land close together.\n"
        "2. **User-interest mapping.** Everything in the history goes into the same space: videos watched or liked "
        "are their own points; searches, comments and sentences such as *“I love heist movies”* are read by the "
        "same model.\n"
        "3. **Recommendation.** The profile is the average of those points. The videos nearest to it, minus what "
        "was already watched, are the recommendations, and each one names the history event it is closest to."
    )

personas = cached_personas()


def _load_persona() -> None:
    name = st.session_state["persona"]
    if name in personas:
        st.session_state["history_text"] = personas[name].history


if "history_text" not in st.session_state:
    first = next(iter(personas))
    st.session_state["persona"] = first
    st.session_state["history_text"] = personas[first].history

left, right = st.columns([2, 3], gap="large")
with left:
    st.selectbox("Sample persona", [*personas, CUSTOM], key="persona", on_change=_load_persona)
    persona = personas.get(st.session_state["persona"])
    if persona:
        st.caption(persona.description)
    st.text_area(
        "Viewing history, one event per line",
        key="history_text",
        height=220,
        help="A title you watched (typos are fine), or prefix a line with like:, dislike:, search:, comment:. "
        "Any other sentence is read as an interest.",
    )
    k = st.slider("How many recommendations", 5, 30, 10)

recommender = current_recommender()
if recommender is None:
    st.stop()

history_text = st.session_state["history_text"]
events = recommender.understand(history_text)

with left:
    st.subheader("How each line was understood")
    if events:
        st.dataframe(
            pd.DataFrame(
                {
                    "line": [e.line_no for e in events],
                    "kind": [e.kind.value for e in events],
                    "text": [e.text for e in events],
                    "matched video": [e.matched_title or "" for e in events],
                    "match": [e.match_score for e in events],
                    "note": [e.note for e in events],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption("Nothing yet.")

with right:
    st.subheader("Recommended for this history")
    if not events:
        st.info(
            "The history is empty. Type one event per line: a title you watched, `search: heist movies`, "
            "`like: Alien`, or a sentence about what you enjoy — or pick a sample persona."
        )
        st.stop()
    try:
        result = recommender.recommend(events, k=k)
    except VidrecError as exc:
        st.warning(str(exc))
        st.stop()
    for message in result.messages:
        st.warning(message)
    unmatched_titles = [e for e in events if e.note and "no catalog title" in e.note]
    if unmatched_titles:
        st.caption(f"{len(unmatched_titles)} line(s) matched no title in this catalog and were read as interests.")
    for position, rec in enumerate(result.recommendations, start=1):
        with st.container(border=True):
            year = f" ({rec.year})" if rec.year else ""
            st.markdown(f"**{position}. {md_escape(rec.title)}**{year}")
            st.caption(f"{md_escape(', '.join(rec.genres) or 'no genre')} · score {rec.score:.3f}")
            if rec.overview:
                st.markdown(md_escape(shorten(rec.overview, 260)))
            st.markdown(f"*Why:* {md_escape(rec.because)}")
