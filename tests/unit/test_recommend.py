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


def same_title_records() -> list[dict]:
    """The tiny catalog plus an uploaded catalog's copies: "Interstellar" twice with the same text and no year, and
    "Dune" as the 1984 and the 2021 film and once more with no year (written "DUNE!", the same title once folded)."""
    from tests.conftest import TINY_RECORDS

    space = "astronaut wormhole space time father daughter"
    desert = "desert planet spice sandworm prince empire"
    copies = [
        {"id": "i1", "title": "Interstellar", "overview": space, "genres": "Science Fiction", "popularity": 9},
        {"id": "i2", "title": "Interstellar", "overview": space, "genres": "Science Fiction", "popularity": 2},
        {"id": "d1", "title": "Dune", "overview": desert, "genres": "Science Fiction", "year": 1984, "popularity": 5},
        {"id": "d2", "title": "Dune", "overview": desert, "genres": "Science Fiction", "year": 2021, "popularity": 8},
        {"id": "d0", "title": "DUNE!", "overview": desert, "genres": "Science Fiction", "popularity": 1},
    ]
    return [dict(r) for r in TINY_RECORDS] + copies


@pytest.fixture
def same_title_recommender(fake_encoder):
    from vidrec_core.data.schema import catalog_from_records
    from vidrec_core.embed.store import embed_texts
    from vidrec_core.recommender import Recommender

    catalog = catalog_from_records(same_title_records(), name="copies")
    vectors, _ = embed_texts(fake_encoder, catalog.texts)
    return Recommender(catalog, vectors, fake_encoder)


@pytest.mark.parametrize("strategy", ["mean", "nearest", "fusion", "multi-interest"])
def test_another_row_of_a_watched_title_is_not_recommended(same_title_recommender, strategy):
    result = same_title_recommender.recommend("Interstellar", strategy=strategy, k=10)
    assert result.events[0].matched_id == "i1"  # the more popular copy
    assert "i2" not in ids(result)  # the same text, no year: the same film, already watched
    assert ids(result)  # the rest of the catalog still answers


def test_a_year_tells_two_films_of_one_title_apart(same_title_recommender):
    result = same_title_recommender.recommend("Dune (1984)", strategy="mean", k=10)
    assert result.events[0].matched_id == "d1"
    assert ids(result)[0] == "d2"  # the 2021 film is another film: still the closest
    assert "d0" not in ids(result)  # no year: the title alone decides, so it counts as watched


def test_a_disliked_video_s_copy_is_not_recommended(same_title_recommender):
    result = same_title_recommender.recommend("Star Voyage\ndislike: Interstellar", strategy="mean", k=12)
    assert not {"i1", "i2"} & set(ids(result))
    assert "s1" not in ids(result)
