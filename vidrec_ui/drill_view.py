"""A group opened into its sub-groups on the Map page: the group picked in the cluster table is split into named
parts, drawn on the map and listed under the table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from vidrec_core.explore.cluster import NOISE, ClusterInfo, ClusterResult
from vidrec_core.explore.drill import sub_groups
from vidrec_core.explore.sample import MapSample
from vidrec_ui.map_figure import PALETTE, Overlay
from vidrec_ui.text import hover_escape, md_escape

TABLE_KEY = "cluster_table"


def picked_group(clusters: ClusterResult) -> ClusterInfo | None:
    """The group chosen in the cluster table (read before the table is drawn, so the map can show its parts)."""
    state = st.session_state.get(TABLE_KEY)
    try:
        rows = state["selection"]["rows"]
    except (KeyError, TypeError):
        return None
    if not rows or rows[0] >= len(clusters.clusters):
        return None
    return clusters.clusters[rows[0]]


@st.cache_resource(show_spinner="Opening the group into its parts…", max_entries=64)
def cached_sub_groups(_view: MapSample, _parent: ClusterInfo, key: tuple) -> list[ClusterInfo]:
    """The parts of a group of the map's catalog; `key`: the clusters' own cache key and the parent's id."""
    return sub_groups(_view.catalog, _view.items, _parent)


def sub_group_overlays(parent: ClusterInfo, subs: list[ClusterInfo], coords: np.ndarray) -> list[Overlay]:
    """Each part's videos in its own colour, and the parts' names at their centres."""
    overlays = []
    for n, sub in enumerate(subs):
        overlays.append(
            Overlay(
                name=f"{hover_escape(sub.label, 40)} ({sub.size:,})",
                coords=coords[sub.members],
                hover=[f"Part of {hover_escape(parent.label, 60)}<br><b>{hover_escape(sub.label, 60)}</b>"] * sub.size,
                ids=[""] * sub.size,
                symbol="circle",
                colour=PALETTE[(n + 3) % len(PALETTE)],
                size=7,
                line_colour=PALETTE[(n + 3) % len(PALETTE)],
            )
        )
    if subs:
        overlays.append(
            Overlay(
                name="part names",
                coords=np.stack([np.median(coords[s.members], axis=0) for s in subs]),
                hover=[hover_escape(s.label, 60) for s in subs],
                ids=[""] * len(subs),
                symbol="circle-open",
                colour="#111111",
                size=4,
                text=[hover_escape(s.label, 40) for s in subs],
                line_colour="#111111",
            )
        )
    return overlays


def sub_group_table(parent: ClusterInfo, subs: list[ClusterInfo]) -> None:
    if parent.id == NOISE:
        return
    if not subs:
        st.caption(f"“{md_escape(parent.label)}” is too small to split into parts.")
        return
    st.markdown(f"**“{md_escape(parent.label)}” opens into {len(subs)} parts** (drawn in their own colours on the map)")
    st.dataframe(
        pd.DataFrame(
            {
                "part": [s.label for s in subs],
                "size": [s.size for s in subs],
                "top genres": [", ".join(s.top_genres) for s in subs],
                "representative titles": ["; ".join(s.titles) for s in subs],
            }
        ),
        hide_index=True,
        width="stretch",
        key=f"sub_groups_{parent.id}",
    )
