"""Demand on the Map page: each group's share of the catalog beside its share of viewing, for all years of the log
or one, as a chart a stakeholder reads in a glance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from vidrec_core.explore.cluster import ClusterResult
from vidrec_core.explore.demand import VERDICTS, Demand, GroupDemand, group_demand, viewing_by_year, years_of
from vidrec_ui.text import hover_escape, md_escape

ALL_YEARS = "all years"
MIN_YEAR_SHARE = 0.01  # years holding less of the log than this are too thin to read


def shown_years(demand: Demand) -> list[int]:
    per_year = demand.periods.groupby("year")["views"].sum()
    total = max(float(per_year.sum()), 1.0)
    return [year for year in years_of(demand) if per_year.get(year, 0) / total >= MIN_YEAR_SHARE]


def demand_by_group(demand: Demand, clusters: ClusterResult, year: int | None) -> list[GroupDemand]:
    """The groups' demand over the whole log, or over one year of it."""
    names = {c.id: c.label for c in clusters.clusters}
    groups = group_demand(demand, clusters.labels, names)
    if year is None:
        return groups
    per = viewing_by_year(demand, clusters.labels, names)
    shares = dict(
        zip(per.loc[per["year"] == year, "group"], per.loc[per["year"] == year, "viewing_share"], strict=True)
    )
    views = dict(zip(per.loc[per["year"] == year, "group"], per.loc[per["year"] == year, "views"], strict=True))
    out = [
        GroupDemand(
            g.group, g.label, g.videos, g.catalog_share, int(views.get(g.group, 0)), float(shares.get(g.group, 0.0)),
            g.like_share, g.unwatched_share,
        )
        for g in groups
    ]  # fmt: skip
    return sorted(out, key=lambda g: -g.ratio)


def demand_chart(groups: list[GroupDemand]) -> go.Figure:
    """Two bars per group, catalog share and viewing share, the most over-watched group on top."""
    order = list(reversed(groups))  # plotly draws the first category at the bottom
    labels = [hover_escape(f"{g.label} ({g.verdict})" if g.verdict != VERDICTS["balanced"] else g.label, 60)
              for g in order]  # fmt: skip
    fig = go.Figure()
    fig.add_bar(
        y=labels, x=[g.catalog_share for g in order], name="share of the catalog", orientation="h",
        marker_color="#a0cbe8", hovertemplate="%{x:.1%} of the catalog<extra></extra>",
    )  # fmt: skip
    fig.add_bar(
        y=labels, x=[g.viewing_share for g in order], name="share of viewing", orientation="h",
        marker_color="#e15759", hovertemplate="%{x:.1%} of viewing<extra></extra>",
    )  # fmt: skip
    fig.update_layout(
        barmode="group",
        height=max(260, 34 * len(groups) + 80),
        margin={"l": 0, "r": 10, "t": 10, "b": 0},
        xaxis={"tickformat": ".0%", "title": None},
        legend={"orientation": "h", "y": -0.08},
        plot_bgcolor="white",
    )
    return fig


def demand_section(demand: Demand, clusters: ClusterResult) -> list[GroupDemand]:
    """The heading, the year control, the chart and a sentence naming thin supply and dead weight; returns the
    groups' demand for the cluster table."""
    st.subheader("What people watch")
    years = shown_years(demand)
    chosen = ALL_YEARS
    if len(years) > 1:
        chosen = st.select_slider("Viewing in", [ALL_YEARS, *years], value=ALL_YEARS, key="map_demand_year")
    year = None if chosen == ALL_YEARS else int(chosen)
    groups = demand_by_group(demand, clusters, year)
    when = "over the whole log" if year is None else f"in {year}"
    st.caption(
        f"{demand.total_views:,} views by {demand.viewers:,} viewers in the catalog's viewing log. Each group's share "
        f"of the catalog beside its share of viewing {when}: a group watched well beyond its size is thin supply "
        "(people want more of it than there is), one watched well below it is dead weight."
    )
    thin = [g for g in groups if g.verdict == VERDICTS["thin"]]
    dead = [g for g in groups if g.verdict == VERDICTS["dead"]]
    said = []
    if thin:
        said.append("**Thin supply:** " + "; ".join(f"{md_escape(g.label)} ({_times(g)})" for g in thin))
    if dead:
        said.append("**Dead weight:** " + "; ".join(f"{md_escape(g.label)} ({_times(g)})" for g in dead))
    if said:
        st.markdown("  \n".join(said))
    else:
        st.markdown("Every group draws viewing roughly in proportion to its size.")
    st.plotly_chart(demand_chart(groups), key="map_demand_chart", config={"displaylogo": False})
    return groups


def _times(group: GroupDemand) -> str:
    return f"{group.viewing_share:.0%} of viewing from {group.catalog_share:.0%} of the catalog"


def demand_columns(clusters: ClusterResult, groups: list[GroupDemand]) -> pd.DataFrame:
    """Per cluster row of the table: its catalog share, viewing share and verdict (blank for groups not found)."""
    by_id = {g.group: g for g in groups}
    rows = [by_id.get(c.id) for c in clusters.clusters]
    return pd.DataFrame(
        {
            "share of catalog": [np.nan if g is None else round(100 * g.catalog_share, 1) for g in rows],
            "share of viewing": [np.nan if g is None else round(100 * g.viewing_share, 1) for g in rows],
            "demand": ["" if g is None else g.verdict for g in rows],
        }
    )
