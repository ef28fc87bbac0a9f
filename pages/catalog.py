"""Catalog: browse the videos, search them by meaning, filter, and open any video's details."""

import math

import pandas as pd
import streamlit as st

from vidrec_core.profile.history import EventKind
from vidrec_core.rank.filters import Filters, apply_filters
from vidrec_ui.bootstrap import ensure_app
from vidrec_ui.cards import add_to_history
from vidrec_ui.history_state import current_history_text
from vidrec_ui.notices import engineer_details, say, start_details
from vidrec_ui.resources import current_recommender
from vidrec_ui.text import md_escape

ensure_app(__file__)
start_details()

st.title("Catalog")
recommender = current_recommender()
if recommender is None:
    st.stop()
catalog = recommender.catalog
frame = catalog.frame

query = st.text_input(
    "Search by meaning",
    placeholder="heist movies with a twist",
    help="Finds videos whose meaning is close to the words, not only titles that contain them.",
)
cols = st.columns(3)
genres = cols[0].multiselect("Genres", catalog.genre_names)
years = frame["year"].dropna()
year_range = None
if len(years):
    low, high = int(years.min()), int(years.max())
    if low < high:
        chosen = cols[1].slider("Year", low, high, (low, high))
        year_range = chosen if chosen != (low, high) else None
languages = cols[2].multiselect("Language", catalog.languages)
filters = Filters(include_genres=tuple(genres), year_range=year_range, languages=tuple(languages))

if query.strip():
    hits = recommender.search(query, k=50, filters=filters)
    indices = [i for i, _ in hits]
    relevance = [round(s, 3) for _, s in hits]
    allowed, messages = apply_filters(catalog, filters)
    if not hits:
        for message in messages or ["No video passes the filters."]:
            say(message)
else:
    allowed, messages = apply_filters(catalog, filters)
    for message in messages:
        say(message)
    order = frame.loc[allowed, "popularity"].fillna(0).nlargest(500).index  # a partial sort, not a full one
    indices = order.tolist()
    relevance = [math.nan] * len(indices)

shown = frame.iloc[indices]
table = pd.DataFrame(
    {
        "title": shown["title"].to_numpy(),
        "year": shown["year"].to_numpy(),
        "genres": shown["genres"].map(", ".join).to_numpy(),
        "language": shown["language"].to_numpy(),
        "relevance": relevance,
    }
)
caption = (
    f"{len(indices)} closest matches for the search"
    if query.strip()
    else f"{int(allowed.sum()):,} videos pass the filters; the {len(indices)} most popular are listed"
)
st.caption(caption + ". Select a row to see its details.")
selection = st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="catalog_table",
    column_config={"relevance": st.column_config.NumberColumn(format="%.3f")},
)
rows = selection.selection.rows if selection is not None else []
if rows and rows[0] < len(indices):
    record = catalog.record(indices[rows[0]])
    with st.container(border=True):
        year = "" if pd.isna(record["year"]) else f" ({record['year']})"
        st.markdown(f"#### {md_escape(record['title'])}{year}")
        if record["tagline"]:
            st.markdown(f"*{md_escape(record['tagline'])}*")
        if record["overview"]:
            st.markdown(md_escape(record["overview"]))
        details = {
            "Genres": ", ".join(record["genres"]),
            "Keywords": ", ".join(record["keywords"]),
            "Director": record["director"],
            "Cast": ", ".join(record["cast"]),
            "Runtime": "" if pd.isna(record["runtime"]) else f"{record['runtime']:.0f} min",
            "Language": record["language"],
            "Rating": "" if pd.isna(record["vote_average"]) else f"{record['vote_average']:.1f}",
        }
        for label, value in details.items():
            if value:
                st.markdown(f"**{label}:** {md_escape(value)}")
        year_value = None if pd.isna(record["year"]) else int(record["year"])
        buttons = st.columns(3)
        for column, (label, kind, icon) in zip(
            buttons,
            [
                ("Add to history: watched", EventKind.WATCHED, ":material/check:"),
                ("Add to history: liked", EventKind.LIKED, ":material/favorite:"),
                ("Not interested", EventKind.DISLIKED, ":material/thumb_down:"),
            ],
            strict=True,
        ):
            column.button(
                label,
                key=f"catalog_{kind.value}_{record['id']}",
                on_click=add_to_history,
                args=(kind, record["title"], year_value),
                icon=icon,
            )
        lines = current_history_text().splitlines()
        st.caption(f"The history has {len(lines)} line(s); the last: {md_escape(lines[-1]) if lines else '—'}")
engineer_details()
