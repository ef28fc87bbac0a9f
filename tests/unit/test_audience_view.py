"""The evaluation's audience view on a split whose right answers are known."""

from __future__ import annotations

import numpy as np
import pytest

from vidrec_core.evaluate.audience import audience_rows, per_video, user_affinity, viewers_of
from vidrec_core.evaluate.split import NewItemsSplit

# Ten users, two new videos (catalog rows 100 and 101): users 0-4 liked video 100, users 5-9 liked video 101.
# Users 0-4 have short histories, 5-9 long ones, so "most active first" finds video 101's viewers only.
SPLIT = NewItemsSplit(
    users=[f"u{i}" for i in range(10)],
    histories=[np.arange(3 if i < 5 else 30) for i in range(10)],
    targets=[np.array([100 if i < 5 else 101]) for i in range(10)],
    candidates=np.array([100, 101]),
    train=[],
)


def test_viewers_and_a_perfect_ranking_score_one():
    watched = viewers_of(SPLIT)
    assert watched[:5, 0].all() and not watched[5:, 0].any() and watched[5:, 1].all()
    perfect = np.where(watched, 1.0, 0.0) * 10 + np.arange(10)[:, None] * 0.01  # each user's own video highest
    found = per_video(user_affinity(perfect), watched, seed=0)
    assert found["auc"] == pytest.approx([1.0, 1.0]) and found["recall"] == pytest.approx([1.0, 1.0])


def test_scores_are_read_per_user_so_an_enthusiast_is_not_everyones_audience():
    # User 9 scores both videos far above everyone; per user, only the order of the two videos counts.
    raw = np.where(viewers_of(SPLIT), 2.0, 1.0)
    raw[9] += 100.0
    assert per_video(user_affinity(raw), viewers_of(SPLIT), seed=0)["auc"] == pytest.approx([1.0, 1.0])


def test_rows_compare_each_method_with_the_most_active_viewers():
    scores = {("good", "minilm"): np.where(viewers_of(SPLIT), 1.0, 0.0)}
    rows, info = audience_rows(scores, {"good": "strategy"}, SPLIT, seed=0, bootstrap=50)
    by = {r.method: r for r in rows}
    assert set(by) == {"random", "most-active", "good"} and info["videos"] == 2 and info["k"] == 1
    assert by["most-active"].metrics["auc"].value == pytest.approx(0.5)  # right for one video, wrong for the other
    assert by["good"].metrics["auc"].value == pytest.approx(1.0)
    assert by["good"].diffs["auc"].value == pytest.approx(0.5) and by["good"].baseline == "most-active"
    assert "auc" not in by["most-active"].diffs and by["random"].kind == "baseline"
