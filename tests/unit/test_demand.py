"""Demand on the map: a tiny log whose shares are known by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vidrec_core.data.interactions import InteractionLog, InteractionReport
from vidrec_core.explore.demand import demand_of, group_demand, viewing_by_year

YEAR_2020, YEAR_2021 = 1_590_000_000, 1_620_000_000  # mid-2020, mid-2021 in Unix seconds


def log(rows: list[tuple[str, int, int, float]], ratings: bool = True) -> InteractionLog:
    frame = pd.DataFrame(rows, columns=["user_id", "item_index", "timestamp", "rating"])
    frame["item_id"] = frame["item_index"].astype(str)
    if not ratings:
        frame["rating"] = np.nan
    return InteractionLog(frame, InteractionReport("test", len(frame), len(frame)), has_ratings=ratings)


# Six videos: group 0 holds videos 0-3 (two thirds of the catalog), group 1 videos 4-5 (a third).
LABELS = np.array([0, 0, 0, 0, 1, 1])
NAMES = {0: "space", 1: "horror"}
ROWS = [
    ("a", 4, YEAR_2020, 5.0),
    ("a", 4, YEAR_2020, 2.0),  # the same person again: still one view
    ("b", 4, YEAR_2020, 4.0),
    ("c", 5, YEAR_2021, 3.0),
    ("c", 0, YEAR_2021, 5.0),
    ("d", 5, YEAR_2021, 5.0),
]


def test_views_count_each_person_once_and_likes_the_ratings_at_the_threshold():
    demand = demand_of(log(ROWS), 6)
    assert demand.views.tolist() == [1, 0, 0, 0, 2, 2]
    assert demand.likes.tolist() == [1, 0, 0, 0, 2, 1]  # a's first rating of video 4 (5.0) is the one kept
    assert demand.viewers == 4
    without = demand_of(log(ROWS, ratings=False), 6)
    assert without.likes.tolist() == without.views.tolist()  # no ratings: every view is a like


def test_a_group_watched_beyond_its_size_is_thin_supply_and_the_other_dead_weight():
    horror, space = group_demand(demand_of(log(ROWS), 6), LABELS, NAMES)
    assert (horror.label, space.label) == ("horror", "space")  # the most over-watched first
    assert horror.catalog_share == pytest.approx(1 / 3) and horror.viewing_share == pytest.approx(4 / 5)
    assert horror.verdict == "thin supply" and horror.unwatched_share == 0.0
    assert space.viewing_share == pytest.approx(1 / 5) and space.verdict == "dead weight"
    assert space.unwatched_share == pytest.approx(3 / 4)
    assert horror.as_dict()["ratio"] == pytest.approx(2.4)


def test_viewing_moves_between_groups_year_by_year():
    per = viewing_by_year(demand_of(log(ROWS), 6), LABELS, NAMES)
    shares = {(int(r.year), r.label): r.viewing_share for r in per.itertuples()}
    assert shares == {
        (2020, "horror"): 1.0,
        (2021, "horror"): pytest.approx(2 / 3),
        (2021, "space"): pytest.approx(1 / 3),
    }
