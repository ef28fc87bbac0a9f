"""The evaluation's audience view on a split whose right answers are known."""

from __future__ import annotations

import numpy as np
import pytest

from vidrec_core.audience import likely_to_watch
from vidrec_core.evaluate.audience import audience_rows, outscored_share, per_video, user_affinity, viewers_of
from vidrec_core.evaluate.split import NewItemsSplit

# Ten users, two new videos (catalog rows 100 and 101): users 0-4 liked video 100, users 5-9 liked video 101.
# Users 0-4 have slightly shorter histories than 5-9, so "most active first" finds video 101's viewers only.
SPLIT = NewItemsSplit(
    users=[f"u{i}" for i in range(10)],
    histories=[np.arange(3 if i < 5 else 4) for i in range(10)],
    targets=[np.array([100 if i < 5 else 101]) for i in range(10)],
    candidates=np.array([100, 101]),
    train=[],
)
SAME_ACTIVITY = np.full(10, 4.0)


def test_viewers_and_a_perfect_ranking_score_one():
    watched = viewers_of(SPLIT)
    assert watched[:5, 0].all() and not watched[5:, 0].any() and watched[5:, 1].all()
    perfect = np.where(watched, 1.0, 0.0) * 10 + np.arange(10)[:, None] * 0.01  # each user's own video highest
    found = per_video(user_affinity(perfect, SAME_ACTIVITY), watched, seed=0)
    assert found["auc"] == pytest.approx([1.0, 1.0]) and found["recall"] == pytest.approx([1.0, 1.0])


def test_scores_are_read_per_user_so_an_enthusiast_is_not_everyones_audience():
    # User 9 scores both videos far above everyone; per user, only the order of the two videos counts.
    raw = np.where(viewers_of(SPLIT), 2.0, 1.0)
    raw[9] += 100.0
    assert per_video(user_affinity(raw, SAME_ACTIVITY), viewers_of(SPLIT), seed=0)["auc"] == pytest.approx([1.0, 1.0])


def test_a_share_is_the_other_videos_outscored_with_ties_and_missing_scores_lowest():
    share = outscored_share(np.array([[3.0, 1.0, 2.0, 2.0], [np.nan, 1.0, -np.inf, 5.0]]))
    assert share[0] == pytest.approx([0.875, 0.125, 0.5, 0.5])
    assert share[1, 3] == pytest.approx(0.875) and share[1, 0] == share[1, 2] < share[1, 1]


def test_likely_to_watch_reads_activity_and_preference_together():
    # The same fit: the heavier viewer first; the same activity: the better fit first.
    assert likely_to_watch(np.array([0.6, 0.6]), np.array([5, 50]), 1000).argmax() == 1
    assert likely_to_watch(np.array([0.6, 0.9]), np.array([50, 50]), 1000).argmax() == 1
    # A light viewer for whom it is a top-0.5% fit comes before a heavy viewer for whom it is a median one.
    light_fan, heavy_median = likely_to_watch(np.array([0.995, 0.5]), np.array([5, 50]), 1000)
    assert light_fan > heavy_median
    # Shares of 0 and 1 stay finite, and no history counts as one liked video.
    assert np.isfinite(likely_to_watch(np.array([0.0, 1.0]), np.array([0, 3]), 10)).all()


def test_rows_compare_each_method_with_the_most_active_viewers():
    scores = {("good", "minilm"): np.where(viewers_of(SPLIT), 1.0, 0.0)}
    rows, info = audience_rows(scores, {"good": "strategy"}, SPLIT, seed=0, bootstrap=50)
    by = {r.method: r for r in rows}
    assert set(by) == {"random", "most-active", "good"} and info["videos"] == 2 and info["k"] == 1
    assert by["most-active"].metrics["auc"].value == pytest.approx(0.5)  # right for one video, wrong for the other
    assert by["good"].metrics["auc"].value == pytest.approx(1.0)
    assert by["good"].diffs["auc"].value == pytest.approx(0.5) and by["good"].baseline == "most-active"
    assert "auc" not in by["most-active"].diffs and by["random"].kind == "baseline"


def test_the_views_random_is_users_in_a_random_order_not_the_list_baselines():
    # The list baseline `random` scores videos at random; read beside activity it would be most-active again.
    scores = {("random", "-"): np.random.default_rng(0).random((10, 2))}
    with_list_random, _ = audience_rows(scores, {"random": "baseline"}, SPLIT, seed=0, bootstrap=50)
    alone, _ = audience_rows({}, {}, SPLIT, seed=0, bootstrap=50)
    pick = {r.method: r for r in with_list_random}["random"]
    assert pick.metrics["auc"].value == {r.method: r for r in alone}["random"].metrics["auc"].value


def test_held_out_videos_are_the_evaluations_with_their_viewers_and_histories_without_them():
    from vidrec_core.evaluate.audience import held_out_videos
    from vidrec_core.evaluate.config import EvalSettings
    from vidrec_core.evaluate.split import held_out_new

    rng = np.random.default_rng(3)
    positives = {f"u{i}": np.unique(rng.choice(60, 12, replace=False)) for i in range(30)}
    settings = EvalSettings()
    held = held_out_videos(positives, 60, settings)
    new = held_out_new(positives, 60, settings.cold_fraction, settings.seed)
    assert sorted(held.rows) == np.flatnonzero(new).tolist()
    counts = [len(held.viewers[r]) for r in held.rows]
    assert counts == sorted(counts, reverse=True)
    for row in held.rows:
        assert set(held.viewers[row]) == {u for u, items in positives.items() if row in items}
    assert all(not new[items].any() for items in held.warm.values())


def test_real_viewers_are_counted_in_the_audience_and_the_likeliest_tenth():
    import pandas as pd

    from vidrec_core.audience import Audience, NewVideo
    from vidrec_core.evaluate.audience import real_viewers_found

    viewers = pd.DataFrame(
        {"user_id": [f"u{i}" for i in range(20)], "affinity": np.linspace(1, 0, 20), "liked": 5, "likely": 0.0}
    )
    found = Audience(NewVideo("x"), np.zeros(2), [], viewers)
    check = real_viewers_found(found, ["u0", "u1", "u15", "gone"], cutoff=0.5)
    assert check["real_viewers"] == 3 and check["audience_size"] == 10 and check["in_audience"] == 2
    assert check["top_tenth"] == 2 and check["in_top_tenth"] == 2
    assert check["chance_in_audience"] == pytest.approx(1.5) and check["chance_in_top_tenth"] == pytest.approx(0.3)
