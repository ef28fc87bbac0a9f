"""What people watch, beside what the catalog holds: per-video demand from a viewing log, and per group its share of
the catalog against its share of viewing, overall and per year of the log.

A group that draws more viewing than its size is *thin supply* (people want more of it than there is); one that
draws less is *dead weight*. Viewing counts each person once per video; a like is a rating at or above the log's
positive threshold (every interaction, for a log without ratings).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vidrec_core.core.errors import VidrecError
from vidrec_core.data.interactions import InteractionLog, load_interactions
from vidrec_core.data.load import is_sample
from vidrec_core.data.movielens import sample_interactions_path
from vidrec_core.data.schema import Catalog

THIN_SUPPLY = 1.5  # viewing share at least this many times the catalog share
DEAD_WEIGHT = 1 / THIN_SUPPLY
VERDICTS = {"thin": "thin supply", "dead": "dead weight", "balanced": "in balance"}


@dataclass(frozen=True)
class Demand:
    """Per video of the catalog: how many people watched it and how many liked it."""

    views: np.ndarray  # (n_items,) int
    likes: np.ndarray  # (n_items,) int
    viewers: int
    periods: pd.DataFrame  # one row per (year, video) with views: the time control's data

    @property
    def total_views(self) -> int:
        return int(self.views.sum())


def demand_of(log: InteractionLog, n_items: int, positive_threshold: float = 4.0) -> Demand:
    """Each person counts once per video (a rewatch or a second rating is one view)."""
    frame = log.frame.drop_duplicates(["user_id", "item_index"], keep="first")
    items = frame["item_index"].to_numpy(dtype=np.int64)
    views = np.bincount(items, minlength=n_items)
    liked = frame["rating"].to_numpy() >= positive_threshold if log.has_ratings else np.ones(len(frame), dtype=bool)
    likes = np.bincount(items[liked], minlength=n_items)
    years = pd.to_datetime(frame["timestamp"], unit="s", utc=True).dt.year
    periods = (
        pd.DataFrame({"year": years.to_numpy(), "item_index": items})
        .groupby(["year", "item_index"], sort=True)
        .size()
        .rename("views")
        .reset_index()
    )
    return Demand(views, likes, int(frame["user_id"].nunique()), periods)


def catalog_demand(catalog: Catalog, interactions: str | None = None) -> Demand | None:
    """The demand in the catalog's viewing log: the one given, else the sample's MovieLens log for the sample; None
    for a catalog without a log (the map then shows what it holds, not what is watched)."""
    if interactions is None:
        if not is_sample(catalog):
            return None
        try:
            interactions = str(sample_interactions_path())
        except VidrecError:
            return None
    return demand_of(load_interactions(interactions, catalog), len(catalog))


@dataclass(frozen=True)
class GroupDemand:
    """One group's share of the catalog beside its share of viewing and of likes."""

    group: int
    label: str
    videos: int
    catalog_share: float
    views: int
    viewing_share: float
    like_share: float
    unwatched_share: float  # of the group's videos, the share nobody in the log watched

    @property
    def ratio(self) -> float:
        """Viewing share over catalog share: 1 is in proportion."""
        return self.viewing_share / self.catalog_share if self.catalog_share else 0.0

    @property
    def verdict(self) -> str:
        if self.ratio >= THIN_SUPPLY:
            return VERDICTS["thin"]
        if self.ratio <= DEAD_WEIGHT:
            return VERDICTS["dead"]
        return VERDICTS["balanced"]

    def as_dict(self) -> dict:
        return {
            "group": self.group,
            "label": self.label,
            "videos": self.videos,
            "catalog_share": round(self.catalog_share, 4),
            "views": self.views,
            "viewing_share": round(self.viewing_share, 4),
            "like_share": round(self.like_share, 4),
            "unwatched_share": round(self.unwatched_share, 4),
            "ratio": round(self.ratio, 3),
            "verdict": self.verdict,
        }


def group_demand(demand: Demand, labels: np.ndarray, names: dict[int, str]) -> list[GroupDemand]:
    """Every group (labels per video, -1 for unclustered) with its shares, the most over-watched first."""
    labels = np.asarray(labels)
    total_views = max(demand.total_views, 1)
    total_likes = max(int(demand.likes.sum()), 1)
    out = []
    for group in np.unique(labels):
        members = labels == group
        views = int(demand.views[members].sum())
        out.append(
            GroupDemand(
                group=int(group),
                label=names.get(int(group), f"group {int(group)}"),
                videos=int(members.sum()),
                catalog_share=float(members.mean()),
                views=views,
                viewing_share=views / total_views,
                like_share=float(demand.likes[members].sum()) / total_likes,
                unwatched_share=float((demand.views[members] == 0).mean()),
            )
        )
    return sorted(out, key=lambda g: -g.ratio)


def viewing_by_year(demand: Demand, labels: np.ndarray, names: dict[int, str]) -> pd.DataFrame:
    """Per year of the log and group: views and the group's share of that year's viewing (the time control)."""
    periods = demand.periods
    if periods.empty:
        return pd.DataFrame(columns=["year", "group", "label", "views", "viewing_share"])
    frame = periods.assign(group=np.asarray(labels)[periods["item_index"].to_numpy()])
    per = frame.groupby(["year", "group"], sort=True)["views"].sum().reset_index()
    per["viewing_share"] = per["views"] / per.groupby("year")["views"].transform("sum")
    per["label"] = [names.get(int(g), f"group {int(g)}") for g in per["group"]]
    return per[["year", "group", "label", "views", "viewing_share"]]


def years_of(demand: Demand) -> Sequence[int]:
    return sorted(int(y) for y in demand.periods["year"].unique())
