import numpy as np
import pytest

from vidrec_core.core.errors import HistoryError
from vidrec_core.rank.filters import Filters
from vidrec_core.rank.select import mmr_select


def ids(result):
    return [r.id for r in result.recommendations]


def test_space_history_gets_space_videos_first(tiny_recommender):
    result = tiny_recommender.recommend("Star Voyage\nOrbit Rescue", k=3)
    assert ids(result)[0] == "s3"  # the one space video not yet watched
    assert "s1" not in ids(result) and "s2" not in ids(result)  # watched videos are excluded


def test_explanation_names_the_closest_history_event(tiny_recommender):
    result = tiny_recommender.recommend("Star Voyage\nGhost Manor", k=4)
    reasons = {r.id: r.because for r in result.recommendations}
    assert "Star Voyage" in reasons["s2"] or "Star Voyage" in reasons["s3"]
    horror = next(r for r in result.recommendations if r.id in ("h2", "h3"))
    assert "Ghost Manor" in horror.because
    assert horror.because_line == 2


def test_free_text_interest_lands_near_its_topic(tiny_recommender):
    result = tiny_recommender.recommend("interest: love romance kiss", k=3)
    assert set(ids(result)) == {"r1", "r2", "r3"}
    assert "your interest" in result.recommendations[0].because


def test_dislike_pushes_away_the_disliked_neighbourhood(tiny_recommender):
    # by score alone (no calibration), so the order shows the penalty itself
    base = ids(tiny_recommender.recommend("interest: night terror love kiss", k=9, calibration=0.0))
    disliked = ids(
        tiny_recommender.recommend("interest: night terror love kiss\ndislike: Ghost Manor", k=9, calibration=0.0)
    )
    assert "h1" not in disliked  # the disliked video itself is never recommended
    for horror in ("h2", "h3"):
        assert disliked.index(horror) > base.index(horror)


def test_empty_history_is_a_clear_error(tiny_recommender):
    with pytest.raises(HistoryError, match="history is empty"):
        tiny_recommender.recommend("  \n  ")


def test_unknown_strategy_is_a_clear_error(tiny_recommender):
    with pytest.raises(HistoryError, match="Unknown strategy"):
        tiny_recommender.recommend("Star Voyage", strategy="nope")


def test_only_dislikes_still_answers(tiny_recommender):
    result = tiny_recommender.recommend("dislike: Ghost Manor\ndislike: The Cellar", k=3)
    assert len(result.recommendations) == 3
    assert not {"h1", "h2"} & set(ids(result))
    assert any("Only dislikes" in m for m in result.messages)


def test_filters_apply_and_name_the_filter_that_empties_the_list(tiny_recommender):
    result = tiny_recommender.recommend(
        "Star Voyage", strategy="mean", k=5, filters=Filters(include_genres=("Horror",))
    )
    assert set(ids(result)) == {"h1", "h2", "h3"}
    empty = tiny_recommender.recommend(
        "Star Voyage", strategy="mean", k=5, filters=Filters(include_genres=("Horror",), year_range=(2016, 2020))
    )
    assert empty.recommendations == []
    assert "year between 2016 and 2020" in empty.messages[0]


def test_mmr_diversity_spreads_the_list():
    items = np.array([[1, 0], [0.99, 0.14], [0.98, 0.2], [0, 1]], dtype=np.float32)
    items /= np.linalg.norm(items, axis=1, keepdims=True)
    scores = np.array([0.9, 0.89, 0.88, 0.5])
    candidates = np.arange(4)
    assert mmr_select(scores, candidates, items, 2, 0.0) == [0, 1]
    assert mmr_select(scores, candidates, items, 2, 0.7) == [0, 3]


def test_search_finds_meaning(tiny_recommender):
    hits = tiny_recommender.search("ghost haunted", k=2)
    assert {tiny_recommender.catalog.ids[i] for i, _ in hits} == {"h1", "h2"}
    assert tiny_recommender.search("   ") == []


def test_result_json_shape(tiny_recommender):
    data = tiny_recommender.recommend("Star Voyage\nsearch: ghost", k=2).as_dict()
    assert data["history"][0] == {
        "line": 1,
        "kind": "watched",
        "text": "Star Voyage",
        "matched_id": "s1",
        "matched_title": "Star Voyage (2001)",
        "match_score": 100.0,
    }
    assert data["history"][1]["kind"] == "searched" and "matched_id" not in data["history"][1]
    rec = data["recommendations"][0]
    assert set(rec) >= {"id", "title", "score", "genres", "because"}
    assert isinstance(rec["genres"], list)
