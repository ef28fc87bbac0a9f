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
from vidrec_core.data.interactions import positives_by_user
from vidrec_core.evaluate.audience import HeldOutVideos, held_out_videos, real_viewers_found
from vidrec_core.evaluate.config import EvalSettings
from vidrec_core.explore.cluster import ClusterResult
from vidrec_core.explore.projection import Projection
from vidrec_core.recommender import Recommender
from vidrec_ui.map_figure import Overlay
from vidrec_ui.notices import say
from vidrec_ui.resources import cached_log, cached_personas
from vidrec_ui.text import hover_escape, md_escape

RESULT_KEY = "_new_video_audience"  # (catalog digest, model, Audience) of the last video asked about
HELD_OUT_KEY = "_new_video_held_out"  # the real viewers of the held-out video last asked about, if it was one


@st.cache_resource(show_spinner=False, max_entries=8)
def cached_positives(_recommender: Recommender, catalog_digest: str) -> dict[str, np.ndarray] | None:
    """Each viewer's liked videos in the catalog's log (the sample's for the sample); None without a log."""
    log = cached_log(_recommender.catalog, catalog_digest)
    return None if log is None else positives_by_user(log, EvalSettings().positive_threshold)


@st.cache_resource(show_spinner=False, max_entries=8)
def cached_held_out(_recommender: Recommender, catalog_digest: str) -> HeldOutVideos | None:
    """The evaluation's held-out new videos of the catalog's log (the sample's for the sample); None without one."""
    positives = cached_positives(_recommender, catalog_digest)
    if not positives:
        return None
    return held_out_videos(positives, len(_recommender.catalog), EvalSettings())


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
    held_out_row = held_out_picker(recommender)
    if not (submitted or held_out_row is not None):
        return
    held_out = cached_held_out(recommender, recommender.catalog.digest) if held_out_row is not None else None
    try:
        if held_out is not None and held_out_row is not None:
            video, positives = NewVideo.from_row(recommender.catalog, held_out_row), held_out.warm
        else:
            fields = {"title": title, "overview": overview, "genres": genres, "director": director, "cast": cast}
            video = NewVideo.of(fields | {"year": year})
            positives = cached_positives(recommender, recommender.catalog.digest)
        with st.spinner("Reading the video and scoring every viewer of the log…"):
            found = find_audience(recommender, video, positives, cached_personas(), held_out=held_out_row)
    except VidrecError as exc:
        say(exc.notice, st.warning)
        return
    st.session_state[RESULT_KEY] = (recommender.catalog.digest, recommender.encoder.name, found)
    st.session_state[HELD_OUT_KEY] = held_out.viewers[held_out_row] if held_out is not None else None
    st.rerun()  # the map above shows where it landed


def held_out_picker(recommender: Recommender) -> int | None:
    """A held-out video of the evaluation, asked as if new: the catalog row, when its button was pressed."""
    held_out = cached_held_out(recommender, recommender.catalog.digest)
    if held_out is None or not held_out.viewers:
        return None
    catalog = recommender.catalog
    rows = held_out.rows
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    row = left.selectbox(
        "Or take a video the evaluation holds out as new, and compare with who really watched it",
        rows,
        format_func=lambda r: f"{catalog.titles[r]} ({len(held_out.viewers[r])} viewers liked it)",
        key="new_video_held_out_row",
        help="The evaluation's new-videos view hides a tenth of the liked videos from every history; this reads "
        "one of them from its text alone, as a video uploaded today, with the held-out videos taken out of every "
        "viewer's history.",
    )
    pressed = right.button("Ask about this video", key="new_video_held_out_go", icon=":material/history:")
    return int(row) if pressed and row is not None else None


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
        real = st.session_state.get(HELD_OUT_KEY)
        if real:
            check = real_viewers_found(found, real, cutoff)
            st.markdown(
                f"**Who really watched it:** {check['real_viewers']:,} viewers of the log liked it; "
                f"{check['in_audience']:,} of them are in this audience of {check['audience_size']:,} (chance alone "
                f"would give {check['chance_in_audience']:.0f}), and {check['in_top_tenth']:,} are among the "
                f"{check['top_tenth']:,} likeliest viewers (chance: {check['chance_in_top_tenth']:.0f})."
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
