"""The audience of a new video on the Map page: a form for a video that is not in the catalog yet, its place on the
map, its nearest group and videos, the viewers who would be shown it and what they share, and the personas that
would get it in their top 10."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import streamlit as st

from vidrec_core.audience import DEFAULT_CUTOFF, Audience, NewVideo, find_audience, what_they_share
from vidrec_core.core.errors import VidrecError
from vidrec_core.data.interactions import load_interactions, positives_by_user
from vidrec_core.data.load import is_sample
from vidrec_core.data.movielens import sample_interactions_path
from vidrec_core.explore.cluster import ClusterResult
from vidrec_core.explore.projection import Projection
from vidrec_core.recommender import Recommender
from vidrec_ui.map_figure import Overlay
from vidrec_ui.notices import say
from vidrec_ui.resources import cached_personas
from vidrec_ui.text import hover_escape, md_escape

RESULT_KEY = "_new_video_audience"  # (catalog digest, model, Audience) of the last video asked about


@st.cache_resource(show_spinner=False, max_entries=8)
def cached_positives(_recommender: Recommender, catalog_digest: str) -> dict[str, np.ndarray] | None:
    """Each viewer's liked videos in the catalog's log (the sample's for the sample); None without a log."""
    if not is_sample(_recommender.catalog):
        return None
    return positives_by_user(load_interactions(sample_interactions_path(), _recommender.catalog), 4.0)


def current_audience(recommender: Recommender) -> Audience | None:
    """The audience found on this page for this catalog and model, if any (shown on the map too)."""
    stored = st.session_state.get(RESULT_KEY)
    if stored and stored[0] == recommender.catalog.digest and stored[1] == recommender.encoder.name:
        return stored[2]
    return None


def new_video_overlay(found: Audience, projection: Projection, items: np.ndarray) -> Overlay:
    return Overlay(
        name="new video",
        coords=projection.place(found.vector[None, :], items),
        hover=[f"<b>New video</b><br>{hover_escape(found.video.title, 90)}"],
        ids=[""],
        symbol="star-diamond",
        colour="#00a676",
        size=22,
        text=[hover_escape(found.video.title, 40)],
        line_colour="#004d36",
    )


def audience_form(recommender: Recommender) -> None:
    """The form; a submitted video is scored (about 20 s for the sample's 670 viewers) and the page reruns."""
    st.subheader("The audience of a new video")
    st.caption(
        "Describe a video that is not in the catalog yet: see where it lands on the map, its nearest group and "
        "videos, and which viewers the catalog's default for new videos would show it to."
    )
    with st.form("new_video_form"):
        title = st.text_input("Title", key="new_video_title")
        overview = st.text_area("Description", height=90, key="new_video_overview")
        cols = st.columns([2, 2, 2, 1])
        genres = cols[0].multiselect("Genres", recommender.catalog.genre_names, key="new_video_genres")
        director = cols[1].text_input("Director or creator", key="new_video_director")
        cast = cols[2].text_input("Cast", key="new_video_cast")
        year = cols[3].number_input("Year", 1900, 2100, value=None, step=1, key="new_video_year")
        submitted = st.form_submit_button("Find its audience", icon=":material/groups:")
    if not submitted:
        return
    try:
        video = NewVideo.of(
            {"title": title, "overview": overview, "genres": genres, "director": director, "cast": cast, "year": year}
        )
        with st.spinner("Reading the video and scoring every viewer of the log…"):
            found = find_audience(
                recommender,
                video,
                cached_positives(recommender, recommender.catalog.digest),
                cached_personas(),
            )
    except VidrecError as exc:
        say(exc.notice, st.warning)
        return
    st.session_state[RESULT_KEY] = (recommender.catalog.digest, recommender.encoder.name, found)
    st.rerun()  # the map above shows where it landed


def audience_report(recommender: Recommender, found: Audience, clusters: ClusterResult | None) -> None:
    """What the stakeholder reads: nearest group and videos, the audience at a cut-off, what it shares, personas."""
    catalog = recommender.catalog
    st.markdown(f"**{md_escape(found.video.title)}** is on the map as a green star.")
    if clusters is not None and len(clusters.labels) == len(catalog):
        names = clusters.label_names()
        group, votes = Counter(names[row] for row, _ in found.nearest).most_common(1)[0]
        st.markdown(f"Nearest group: **{md_escape(group)}** ({votes} of its {len(found.nearest)} nearest videos).")
    st.dataframe(
        pd.DataFrame(
            {
                "nearest videos": [catalog.titles[row] for row, _ in found.nearest],
                "similarity": [round(sim, 2) for _, sim in found.nearest],
                "genres": [", ".join(catalog.frame["genres"].iat[row]) for row, _ in found.nearest],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    positives = cached_positives(recommender, catalog.digest)
    if found.viewers.empty or not positives:
        st.info(
            "This catalog has no viewing log, so there are no viewers to rank: the sample personas below stand in "
            "for the audience."
        )
    else:
        cutoff = st.slider(
            "Counts as audience when it ranks above this share of the catalog's videos for them",
            0.1,
            0.99,
            DEFAULT_CUTOFF,
            step=0.01,
            key="new_video_cutoff",
        )
        chosen = found.audience(cutoff)
        st.metric(
            "Likely audience",
            f"{len(chosen):,} of {len(found.viewers):,} viewers",
            help="Viewers of the log for whom the catalog's default for new videos ranks it above the chosen share of "
            "a fixed sample of the catalog's videos, reading their 20 most recent likes.",
        )
        if len(chosen):
            st.caption("Likeliest to watch it first: how much they watch, and how well it suits them.")
            st.dataframe(
                pd.DataFrame(
                    {
                        "viewer": chosen["user_id"].head(10).astype(str),
                        "videos liked": chosen["liked"].head(10).astype(int),
                        "ranks it above": [f"{a:.0%} of the catalog" for a in chosen["affinity"].head(10)],
                    }
                ),
                hide_index=True,
                width="stretch",
                key="new_video_viewers",
            )
        if len(chosen):
            shared = what_they_share(catalog, positives, list(chosen["user_id"]))
            if len(shared):
                st.markdown(
                    "What they have in common: "
                    + "; ".join(
                        f"**{md_escape(r.genre)}** {r.audience_share:.0%} of their likes ({r.overall_share:.0%} for "
                        "everyone)"
                        for r in shared.itertuples()
                    )
                )
    named = {name: place for name, place in found.personas.items() if place is not None}
    if named:
        st.markdown(
            "Sample personas with it in their top 10: "
            + ", ".join(f"**{md_escape(name)}** (#{place})" for name, place in named.items())
        )
    else:
        st.markdown("No sample persona would get it in their top 10.")
