"""The list steps any strategy composes with, on data whose right answer is known: calibration to the history's
genres, seats for searches (which say so), the evidence floor, and the one strategy object the menu, the command
line, the index and the evaluation read."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from vidrec_core.core.metrics import (
    genre_distribution,
    genre_shares,
    miscalibration,
    ndcg_at,
    ndcg_of_hits,
    ndcg_of_rank,
    on_taste_share,
)
from vidrec_core.data.schema import catalog_from_records
from vidrec_core.profile.base import CALIBRATION, ListSteps, StrategyParams
from vidrec_core.profile.genres import GenreSpace
from vidrec_core.profile.intents import search_seats
from vidrec_core.profile.registry import ARTICLE_BASELINE, KNOBS, STRATEGIES, default_strategy
from vidrec_core.rank.pipeline import lifted_scores
from vidrec_core.rank.select import rank

# --- the formulas ---------------------------------------------------------------------------------------------------


def test_ndcg_by_rank_and_by_hits_agree():
    np.testing.assert_allclose(ndcg_of_rank(np.array([1, 2, 11]), 10), [1.0, 1 / np.log2(3), 0.0])
    # two relevant videos, found at ranks 1 and 3 of 3: (1 + 1/2) / (1 + 1/log2(3))
    np.testing.assert_allclose(ndcg_of_hits(np.array([[True, False, True]]), 2), [1.5 / (1 + 1 / np.log2(3))])
    scores = np.array([[0.9, 0.1, 0.5]])
    np.testing.assert_allclose(ndcg_at(scores, np.array([[False, False, True]]), 2), [1 / np.log2(3)])


def test_miscalibration_is_zero_for_the_same_mix_and_grows_as_a_genre_goes_missing():
    shares = genre_shares(np.array([[1, 0], [0, 1], [1, 1]]))
    np.testing.assert_allclose(shares, [[1, 0], [0, 1], [0.5, 0.5]])
    history = genre_distribution(shares[[0, 1]])
    assert miscalibration(history, history) == pytest.approx(0.0)
    half = miscalibration(history, genre_distribution(shares[[0, 2]]))
    none = miscalibration(history, genre_distribution(shares[[0, 0]]))
    assert 0 < half < none  # a list with none of the second genre is the furthest off
    assert on_taste_share(np.array([[1, 0, 0], [0, 0, 1]]), np.array([0.6, 0.4, 0.0])) == 0.5


# --- calibration ----------------------------------------------------------------------------------------------------


def two_genre_catalog(n: int = 10):
    """n "Alpha" videos scored 0.90 .. 0.81, then n "Beta" videos a little lower, 0.85 .. 0.76."""
    records = [{"id": f"a{i}", "title": f"Alpha {i}", "genres": "Alpha"} for i in range(n)]
    records += [{"id": f"b{i}", "title": f"Beta {i}", "genres": "Beta"} for i in range(n)]
    catalog = catalog_from_records(records, name="two genres")
    items = np.random.default_rng(0).normal(size=(2 * n, 8)).astype(np.float32)
    items /= np.linalg.norm(items, axis=1, keepdims=True)
    scores = np.concatenate([0.9 - 0.01 * np.arange(n), 0.85 - 0.01 * np.arange(n)]).astype(np.float32)
    space = GenreSpace.of(tuple(catalog.genre_names), catalog.genre_presence, items)
    return catalog, items, scores, space


def test_calibration_brings_the_history_s_second_genre_into_the_list():
    catalog, items, scores, space = two_genre_catalog()
    none = np.zeros(len(catalog), dtype=bool)
    half_and_half = np.array([0.5, 0.5])
    plain = rank(catalog, items, scores, none, k=6, steps=ListSteps.none(), target=half_and_half, genres=space)
    assert plain.indices == [0, 1, 2, 3, 4, 5]  # the scores' own order: all Alpha
    steps = ListSteps(calibration=CALIBRATION)
    calibrated = rank(catalog, items, scores, none, k=6, steps=steps, target=half_and_half, genres=space)
    picked = np.array(calibrated.indices)
    assert (picked < 10).sum() >= 2 and (picked >= 10).sum() >= 2  # both genres
    listed = lambda rows: genre_distribution(space.shares[rows].toarray())  # noqa: E731
    assert miscalibration(half_and_half, listed(picked)) < miscalibration(half_and_half, listed(plain.indices))
    # Calibration chooses which videos make the list; within it, the stronger still come first.
    assert calibrated.scores == sorted(calibrated.scores, reverse=True)
    assert picked[0] == 0 and 10 in picked  # each genre's best is in


def test_a_history_in_one_genre_keeps_the_list_there():
    catalog, items, scores, space = two_genre_catalog()
    all_beta = np.array([0.0, 1.0])
    steps = ListSteps(calibration=CALIBRATION)
    none = np.zeros(len(catalog), bool)
    listed = rank(catalog, items, scores, none, k=10, steps=steps, target=all_beta, genres=space)
    assert sum(i >= 10 for i in listed.indices) >= 6  # the lower-scored genre the person watches wins most seats
    plain = rank(catalog, items, scores, none, k=10, steps=ListSteps.none(), target=all_beta, genres=space)
    assert sum(i >= 10 for i in plain.indices) <= 3  # by score alone, Alpha takes most of the list


def test_a_short_list_is_calibrated_in_proportion_to_its_length():
    """Three picks cannot show a genre mix: fully calibrated, they were the videos with the most genres."""
    catalog, items, scores, space = two_genre_catalog()
    none = np.zeros(len(catalog), bool)
    steps = ListSteps(calibration=CALIBRATION)
    short = rank(catalog, items, scores, none, k=2, steps=steps, target=np.array([0.5, 0.5]), genres=space)
    assert short.indices[0] == 0  # the best video keeps the first place


# --- searches -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("searches", "k", "share", "expected"),
    [(1, 10, 0.3, [3]), (2, 10, 0.3, [3, 2]), (3, 10, 0.3, [3, 2, 0]), (1, 5, 0.3, [2]), (2, 10, 0.0, [0, 0])],
)
def test_search_seats_newest_first_and_at_most_half_the_list(searches, k, share, expected):
    assert search_seats(searches, k, share) == expected


def test_a_search_gets_its_seats_and_the_picks_say_so(tiny_recommender):
    history = "Star Voyage\nOrbit Rescue\nsearch: haunted house ghost terror"
    result = tiny_recommender.recommend(history, strategy="nearest", k=6)
    answered = [r for r in result.recommendations if r.search]
    assert len(answered) >= 2  # 30% of six, rounded
    assert all(r.id.startswith("h") for r in answered)  # the horror films
    assert all(r.because.startswith("because matches your search “haunted house ghost terror”") for r in answered)
    assert answered[0].because_line == 3
    assert result.as_dict()["recommendations"][0].get("search") in (None, "haunted house ghost terror")


def test_a_search_the_catalog_has_nothing_for_takes_no_seat(tiny_recommender):
    result = tiny_recommender.recommend("Star Voyage\nsearch: zebra xylophone quartz", strategy="nearest", k=5)
    assert not any(r.search for r in result.recommendations)


def test_the_article_baseline_lists_by_score_alone(tiny_recommender):
    """`mean` keeps the article's method as written: no calibration, no search seats, unless asked."""
    assert STRATEGIES[ARTICLE_BASELINE].steps == ListSteps.none()
    history = "Star Voyage\nsearch: haunted house ghost terror"
    plain = tiny_recommender.recommend(history, strategy="mean", k=5)
    assert not any(r.search for r in plain.recommendations)
    asked = tiny_recommender.recommend(history, strategy="mean", k=5, calibration=0.65)
    assert [r.id for r in asked.recommendations] != [] and asked.strategy == "mean"


def test_lifted_scores_rank_the_list_first_and_the_rest_by_score():
    scores = np.array([0.9, 0.8, 0.1, 0.7, -np.inf])
    order = np.argsort(-lifted_scores(scores, [3, 2]), kind="stable")
    assert order.tolist()[:4] == [3, 2, 0, 1]


# --- the strategy object --------------------------------------------------------------------------------------------


def test_every_strategy_is_one_described_object():
    fields = {f.name for f in dataclasses.fields(StrategyParams)}
    for name, strategy in STRATEGIES.items():
        assert strategy.name == name and strategy.description
        assert all(knob.name in fields and knob.low <= knob.default <= knob.high for knob in strategy.knobs)
        assert set(strategy.queries) <= {"recency", "interests", "events"}
    assert set(KNOBS) == {"half_life", "hybrid_weight"}
    assert [s.name for s in STRATEGIES.values() if s.baseline] == [ARTICLE_BASELINE]


@pytest.mark.parametrize(
    ("has_viewing", "has_model", "expected"),
    [(True, True, "learned"), (True, False, "hybrid"), (False, False, "fusion"), (False, True, "fusion")],
)
def test_the_default_is_the_most_preferred_strategy_the_catalog_can_run(has_viewing, has_model, expected):
    assert default_strategy(has_viewing, has_model).name == expected


def test_strategies_say_what_they_lack():
    assert STRATEGIES["learned"].missing(False, False) == "needs a viewing log for this catalog"
    assert STRATEGIES["learned"].missing(True, False) == "needs a model trained on this catalog's viewing log"
    assert STRATEGIES["hybrid"].missing(True, False) is None and STRATEGIES["fusion"].missing(False, False) is None


def test_the_recommender_marks_what_it_cannot_run(tiny_recommender):
    assert set(tiny_recommender.missing) == {"hybrid", "learned"}


def test_match_runs_from_the_typical_candidate_to_the_best_whatever_the_units():
    from vidrec_core.rank.select import match_shares

    scores = np.array([10.0, 4.0, 2.0, 1.0, 0.0, -5.0])
    candidates = np.arange(6)
    # median 1.5, best 10: the best is 100%, the median 0%, below it never negative
    assert match_shares(scores, candidates, [0, 1, 5]) == pytest.approx([1.0, 2.5 / 8.5, 0.0])
    assert match_shares(scores * 0.01 - 3, candidates, [0, 1, 5]) == pytest.approx([1.0, 2.5 / 8.5, 0.0])
    assert match_shares(np.ones(4), np.arange(4), [0, 1]) == [1.0, 1.0]
