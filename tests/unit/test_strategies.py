"""Every interest strategy on tiny data whose right answer is known."""

import numpy as np
import pytest

from vidrec_core.profile.history import Event, EventKind
from vidrec_core.profile.registry import STRATEGIES
from vidrec_core.profile.strategies import (
    EmbeddedHistory,
    StrategyContext,
    StrategyParams,
    blend_collaborative,
    find_interests,
    recency_weights,
)
from vidrec_core.rank.select import fair_share_quotas
from vidrec_core.recommender import Recommender


def genres_of(result):
    return [set(r.genres) for r in result.recommendations]


def test_every_registered_strategy_answers(tiny_recommender):
    for name in STRATEGIES:
        result = tiny_recommender.recommend("Star Voyage\nGhost Manor", strategy=name, k=3)
        assert len(result.recommendations) == 3, name


def test_multi_interest_gives_both_tastes_a_fair_share(tiny_recommender):
    history = "Paris Hearts\nSummer Letters\nGhost Manor\nThe Cellar"
    result = tiny_recommender.recommend(history, strategy="multi-interest", k=2)
    assert [i.share for i in result.profile.interests] == [0.5, 0.5]
    assert {frozenset(i.label.split(" + ")) for i in result.profile.interests} == {
        frozenset({"Paris Hearts", "Summer Letters"}),
        frozenset({"Ghost Manor", "The Cellar"}),
    }
    picked = genres_of(result)
    assert any("Romance" in g for g in picked) and any("Horror" in g for g in picked)
    assert all(r.interest for r in result.recommendations)


def test_a_single_taste_stays_one_interest(tiny_recommender):
    result = tiny_recommender.recommend("Star Voyage\nOrbit Rescue\nMars Base", strategy="multi-interest", k=3)
    assert len(result.profile.interests) == 1


def unit(v):
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_recency_flips_the_order():
    items = np.stack([unit([1, 0, 0]), unit([0, 1, 0]), unit([0.7, 0.7, 0.1])])
    old, new = unit([1, 0.05, 0]), unit([0.05, 1, 0])
    history = EmbeddedHistory(
        events=[Event(EventKind.INTEREST, "old", 1), Event(EventKind.INTEREST, "new", 2)],
        vectors=np.stack([old, new]),
    )
    ctx = StrategyContext(items=items, params=StrategyParams(half_life=0.5))
    recency = STRATEGIES["recency"].score(history, ctx).scores
    assert recency[1] > recency[0]  # the newer taste wins
    long_memory = STRATEGIES["recency"].score(
        history, StrategyContext(items=items, params=StrategyParams(half_life=1e6))
    )
    mean = STRATEGIES["mean"].score(history, ctx)
    assert np.allclose(long_memory.scores, mean.scores, atol=1e-5)
    assert np.allclose(recency_weights(3, 1.0), [0.25, 0.5, 1.0])


def test_like_counts_more_than_watched(tiny_recommender):
    liked_space = tiny_recommender.recommend("like: Star Voyage\nGhost Manor", strategy="mean", k=8)
    liked_horror = tiny_recommender.recommend("Star Voyage\nlike: Ghost Manor", strategy="mean", k=8)
    first_space = liked_space.recommendations[0].id
    first_horror = liked_horror.recommendations[0].id
    assert first_space.startswith("s") and first_horror.startswith("h")


class FakeCollaborative:
    """s1 is always co-watched with r3 (a romance), so collaborative signal should lift r3 for a space fan."""

    def __init__(self, n_items, index_of):
        self.known_ = np.ones(n_items, dtype=bool)
        self.known_[index_of["r1"]] = False  # nobody has watched r1 yet
        self.index_of = index_of

    def scores(self, histories):
        out = np.zeros((histories.shape[0], len(self.known_)), dtype=np.float32)
        for row in range(histories.shape[0]):
            if self.index_of["s1"] in histories[row].indices:
                out[row, self.index_of["r3"]] = 5.0
        return out

    def item_weights(self, rows, item):
        return np.array([5.0 if (row, item) == (self.index_of["s1"], self.index_of["r3"]) else 0.0 for row in rows])


def test_hybrid_blends_collaborative_signal_and_unseen_videos_borrow_it(tiny_recommender):
    catalog = tiny_recommender.catalog
    hybrid = Recommender(
        catalog,
        tiny_recommender.items,
        tiny_recommender.encoder,
        collaborative=FakeCollaborative(len(catalog), catalog.index_of),
    )
    params = StrategyParams(hybrid_weight=0.8, popularity_weight=0.0)
    result = hybrid.recommend("Star Voyage", strategy="hybrid", k=9, params=params)
    ids = [r.id for r in result.recommendations]
    content_only = [r.id for r in tiny_recommender.recommend("Star Voyage", strategy="nearest", k=9).recommendations]
    assert ids.index("r3") < content_only.index("r3")
    r3 = next(r for r in result.recommendations if r.id == "r3")
    assert r3.collaborative_share > 0.5 and "viewers with similar histories" in r3.because
    assert r3.because.startswith("because viewers of Star Voyage (2001) also liked it")
    # r1 has no interactions: it borrows the collaborative signal of its nearest known videos (r2, r3, romances).
    r1 = next(r for r in result.recommendations if r.id == "r1")
    assert "borrowed from similar videos" in r1.because
    # the gate damps what viewers add where the content finds a video implausible (a romance for a space fan)
    assert ids.index("r1") <= content_only.index("r1")


def test_hybrid_without_interactions_is_content_with_a_note(tiny_recommender):
    result = tiny_recommender.recommend("Star Voyage", strategy="hybrid", k=3)
    content = tiny_recommender.recommend("Star Voyage", strategy="nearest", k=3)
    assert [r.id for r in result.recommendations] == [r.id for r in content.recommendations]
    assert any("collaborative part is left out" in m for m in result.messages)


def test_nearest_keeps_two_tastes_apart_where_the_mean_blurs_them(tiny_recommender):
    """One space film and one horror film: the mean lands between them, nearest stays next to each."""
    history = "Star Voyage\nGhost Manor"
    nearest = tiny_recommender.recommend(history, strategy="nearest", k=2)
    assert {tuple(sorted(g)) for g in genres_of(nearest)} & {("Science Fiction",), ("Drama", "Science Fiction")}
    assert any("Horror" in g for g in genres_of(nearest))


def test_multi_interest_scores_each_taste_by_its_closest_events(tiny_recommender):
    result = tiny_recommender.recommend(
        "Star Voyage\nMars Base\nGhost Manor\nThe Cellar", strategy="multi-interest", k=4
    )
    assert len(result.profile.interests) == 2
    scores = result.profile.interest_scores
    items = tiny_recommender.items
    space = next(i for i in result.profile.interests if "Star Voyage" in i.label)
    rows = list(space.event_rows)
    row = list(result.profile.interests).index(space)
    expected = (result.embedded.vectors[rows] @ items.T).max(axis=0)
    assert np.all(scores[row] <= expected + 1e-6) and np.all(scores[row] >= expected - 0.05)


@pytest.mark.parametrize(
    "shares, k, expected",
    [([0.5, 0.5], 10, [5, 5]), ([0.7, 0.3], 10, [7, 3]), ([0.9, 0.05, 0.05], 10, [8, 1, 1]), ([0.6, 0.4], 1, [1, 0])],
)
def test_fair_share_quotas(shares, k, expected):
    assert fair_share_quotas(np.array(shares), k).tolist() == expected


def test_interests_need_positive_events():
    history = EmbeddedHistory(events=[Event(EventKind.DISLIKED, "x", 1)], vectors=np.ones((1, 3)) / np.sqrt(3))
    assert find_interests(history, StrategyParams()) == []


def test_dates_order_the_history_for_recency():
    from vidrec_core.profile.strategies import event_ages

    events = [
        Event(EventKind.INTEREST, "a", 1, when="2024-03-01"),
        Event(EventKind.INTEREST, "b", 2, when="2024-01-01"),
        Event(EventKind.INTEREST, "c", 3, when="2024-02-01"),
    ]
    assert event_ages(events).tolist() == [0, 2, 1]
    undated = [Event(EventKind.INTEREST, "a", 1, when="2024-03-01"), Event(EventKind.INTEREST, "b", 2)]
    assert event_ages(undated).tolist() == [1, 0]


class TailCollaborative:
    """Viewers of video 0 liked the last video enormously (a long tail, as EASE's is) and the rest a little."""

    def __init__(self, n_items):
        self.known_ = np.ones(n_items, dtype=bool)

    def scores(self, histories):
        out = np.tile(np.linspace(0.0, 0.1, len(self.known_), dtype=np.float32), (histories.shape[0], 1))
        out[:, -1] = 10.0
        return out


def test_a_gated_blend_lets_viewers_rerank_only_what_the_content_finds_plausible():
    n = 200
    own = np.linspace(1.0, 0.0, n).astype(np.float32)  # content: 0 (watched) first, the tail video last
    items = np.eye(n, dtype=np.float32)
    ctx = StrategyContext(items=items, collaborative=TailCollaborative(n), index_of={"v0": 0})
    history = EmbeddedHistory([Event(EventKind.WATCHED, "v0", 1, matched_id="v0")], items[:1])
    ungated = blend_collaborative(own, history, ctx, 0.2, gated=False)
    gated = blend_collaborative(own, history, ctx, 0.2)
    assert int(np.argmax(ungated.scores)) == n - 1  # the tail alone carries a video the content ranks last
    assert int(np.argmax(gated.scores)) == 0 and gated.scores[-1] < gated.scores[n // 2]
    # where the content is confident, viewers still count: the gate is open above CONTENT_GATE_AT
    assert gated.collaborative_share[0] > 0.01 and gated.collaborative_share[-1] < ungated.collaborative_share[-1]
