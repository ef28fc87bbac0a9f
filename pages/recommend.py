"""Recommendation studio: edit a history live, pick an interest strategy, diversify, filter, and see why."""

import pandas as pd
import streamlit as st

from vidrec_core.core.errors import VidrecError
from vidrec_core.data.load import is_sample
from vidrec_core.profile.history import Event
from vidrec_ui.bootstrap import ensure_app
from vidrec_ui.cards import recommendation_card
from vidrec_ui.controls import current_view, filter_controls, strategy_controls
from vidrec_ui.fragments import is_fragment_rerun
from vidrec_ui.history_editor import history_table
from vidrec_ui.history_origin import CUSTOM_PERSONA, note_catalog_switch, note_history_edits
from vidrec_ui.history_state import HISTORY_KEY, bind, current_history_text, get, set_history
from vidrec_ui.notices import DETAILS_KEY, engineer_details, say, start_details
from vidrec_ui.resources import cached_personas, current_recommender
from vidrec_ui.saved import saved_histories_panel
from vidrec_ui.share_state import persona_options, restore_from_link, write_to_link
from vidrec_ui.text import md_escape
from vidrec_ui.title_fixes import unmatched_title_fixes

ensure_app(__file__)
start_details()

st.title("Recommendation studio")

with st.expander("How it works (for product managers)"):
    st.markdown(
        "1. **Content understanding.** A language model reads each video's title, tagline, overview, genres and "
        "keywords and turns it into a point in a *meaning space*: videos about similar things land close "
        "together.\n"
        "2. **User-interest mapping.** Everything in the history goes into the same space: videos watched or liked "
        "are their own points; searches, comments and sentences such as *“I love heist movies”* are read by the "
        "same model.\n"
        "3. **Recommendation.** The interest profile is built from those points (the strategy decides how: an "
        "average, recent events first, or one profile per taste). The videos nearest to it, minus what was already "
        "watched, are the recommendations, and each one names the history event it is closest to."
    )

personas = cached_personas()
link_problem = restore_from_link()
if link_problem:
    st.warning(md_escape(link_problem))


def _load_persona() -> None:
    name = get("persona")
    if name in personas:
        set_history(personas[name].history)


recommender = current_recommender()
if recommender is None:
    st.stop()

on_sample = is_sample(recommender.catalog)
note_history_edits(personas, on_sample=on_sample)
top_left, top_right = st.columns([2, 3], gap="large")
with top_left:
    st.selectbox(
        "Sample persona",
        persona_options(personas),
        **bind("persona", CUSTOM_PERSONA, on_change=_load_persona),
    )
    persona = personas.get(get("persona"))
    if persona:
        st.caption(persona.description)
with top_right:
    controls = st.columns([1, 1])
    with controls[0]:
        choice = strategy_controls(default=recommender.default_strategy, missing=recommender.missing)
    with controls[1]:
        filters = filter_controls(recommender.catalog)


def history_input() -> list[Event]:
    """The history as text (or as a table), each line as understood, and the fixes for unmatched titles."""
    # Only the open tab is drawn: the table is a data editor, costly to redraw on every edit of the text.
    text_tab, table_tab = st.tabs(["Text", "Table"], key="history_view", on_change="rerun")
    with text_tab:
        st.text_area(
            "Viewing history, one event per line",
            height=220,
            **bind(HISTORY_KEY, ""),
            help="A title you watched (typos are fine), or prefix a line with like:, dislike:, search:, "
            "comment:. Any other sentence is read as an interest. Add ' | 2' for a weight, ' | 2024-05-01' "
            "for a date.",
        )
    events = recommender.understand(current_history_text())
    note_catalog_switch(
        events,
        st.session_state.get("catalog_label", recommender.catalog.name),
        str(st.session_state.get("catalog_path", recommender.catalog.source)),
    )
    unmatched_title_fixes(events)
    if table_tab.open is not False:
        with table_tab:
            history_table(events)
            st.caption("Edit, add or delete rows; change *position* to reorder. The text view follows.")
    if not write_to_link(current_view(current_history_text())):
        st.caption("This history is too long to fit in a link; save it instead.")
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
    return events


def recommendations(events: list[Event]) -> None:
    """The list, its figures and its cards, each naming why it was picked."""
    st.subheader("Recommended for this history")
    if not events:
        st.info(
            "The history is empty. Type one event per line: a title you watched, `search: heist movies`, "
            "`like: Alien`, or a sentence about what you enjoy — or pick a sample persona."
        )
        return
    try:
        result = recommender.recommend(
            events,
            strategy=choice.strategy,
            k=choice.k,
            filters=filters,
            diversity=choice.diversity,
            params=choice.params,
            calibration=choice.calibration,
        )
    except VidrecError as exc:
        st.warning(md_escape(exc))
        return
    for message in result.messages:
        say(message)

    recs = result.recommendations
    numbers = recommender.list_metrics(result)
    cells = st.columns(len(numbers))
    for cell, (label, value) in zip(cells, numbers.items(), strict=True):
        cell.metric(label, "—" if value is None else f"{value:.2f}")

    searches = pd.Series([r.search for r in recs if r.search]).value_counts()
    if len(searches):
        st.caption(
            "Answering your searches: "
            + "; ".join(f"{n} pick(s) for “{md_escape(label)}”" for label, n in searches.items())
        )
    interests = result.profile.interests if result.profile else []
    if len(interests) > 1:
        st.markdown("**Interests found in this history**")
        seats = pd.Series([r.interest for r in recs]).value_counts()
        st.dataframe(
            pd.DataFrame(
                {
                    "interest": [i.label for i in interests],
                    "share of history": [round(i.share, 2) for i in interests],
                    "videos in the list": [int(seats.get(i.label, 0)) for i in interests],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    for position, rec in enumerate(recs, start=1):
        recommendation_card(position, rec)
    if recs:
        st.caption(f"Strategy: {md_escape(choice.strategy)} · the address bar holds this view, copy it to share.")


@st.fragment
def studio() -> None:
    """The history and its list. An edit (a typed line, a card's button, a title fix) reruns only this part: the
    sidebar, the persona picker and the controls above are not redrawn (docs/speed-and-scale.md has what it buys).
    When an edit changes what is drawn outside it (the persona's label, the engineers' details), the whole page runs
    once more."""
    details_before = len(st.session_state.get(DETAILS_KEY) or [])
    if is_fragment_rerun():
        label = get("persona")
        note_history_edits(personas, on_sample=on_sample)
        if get("persona") != label:
            st.rerun(scope="app")
    left, right = st.columns([2, 3], gap="large")
    with left:
        events = history_input()
    with right:
        recommendations(events)
    if is_fragment_rerun() and len(st.session_state.get(DETAILS_KEY) or []) > details_before:
        st.rerun(scope="app")


studio()
with top_left:
    saved_histories_panel()
engineer_details()
