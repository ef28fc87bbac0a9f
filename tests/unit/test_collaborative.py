"""Item-kNN, popularity and the interaction-log loader on small hand-made data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vidrec_core.data.interactions import (
    DROP_AMBIGUOUS_TITLE,
    DROP_BAD_RATING,
    DROP_BAD_TIMESTAMP,
    DROP_MISSING_USER,
    DROP_UNKNOWN_ITEM,
    DROP_UNKNOWN_TITLE,
    InteractionLogError,
    interactions_from_frame,
    load_interactions,
    parse_timestamps,
)
from vidrec_core.data.schema import catalog_from_records
from vidrec_core.learn.collaborative import ItemKNN, Popularity, user_item_matrix
from vidrec_core.profile.strategies import CollaborativeModel


def fit(histories, n_items, **config):
    return ItemKNN(**config).fit(user_item_matrix(histories, n_items))


def one(model, history, n_items):
    """A model's scores for one history: the strategies' call."""
    return model.scores(user_item_matrix([history], n_items))[0]


def test_item_knn_finds_the_co_watched_item():
    # Items 0 and 1 are always watched together, as are 2 and 3; 4 is watched with everything once.
    histories = [[0, 1], [0, 1], [1, 0, 4], [2, 3], [3, 2], [2, 3, 4]]
    knn = fit(histories, 6, neighbours=None)
    scores = one(knn, [0], 6)
    assert scores.dtype == np.float32 and scores.shape == (6,)
    assert int(np.argmax(scores)) == 1
    assert int(np.argmax(one(knn, [2], 6))) == 3
    assert scores[0] == 0  # an item is not its own neighbour
    assert knn.known_.tolist() == [True, True, True, True, True, False]
    assert one(knn, [], 6).tolist() == [0.0] * 6
    model: CollaborativeModel = knn  # the interface the hybrid strategy relies on
    assert model.known_.dtype == bool


def test_item_knn_similarity_is_cosine():
    knn = fit([[0, 1], [0], [0], [1, 2]], 3, neighbours=None)
    # item 0: 3 users, item 1: 2 users, together once -> 1 / sqrt(3 * 2)
    assert one(knn, [0], 3)[1] == pytest.approx(1 / np.sqrt(6), rel=1e-5)


def test_item_knn_keeps_only_the_nearest_neighbours():
    histories = [[0, 1], [0, 1], [0, 1], [0, 2], [0, 2], [0, 3]]
    knn = fit(histories, 4, neighbours=1)
    scores = one(knn, [0], 4)
    assert scores[1] > 0 and scores[2] == 0 and scores[3] == 0


def test_batch_scores_match_single_scores():
    rng = np.random.default_rng(0)
    histories = [rng.choice(50, size=8, replace=False).tolist() for _ in range(40)]
    knn = fit(histories, 50)
    batch = knn.scores(user_item_matrix(histories[:5], 50))
    for row, history in enumerate(histories[:5]):
        np.testing.assert_allclose(batch[row], one(knn, history, 50), rtol=1e-5, atol=1e-6)


def test_item_knn_keeps_a_bounded_neighbourhood_per_video():
    """What keeps one history's scores cheap (timed in `bench/run.py --only collab`): each video keeps at most
    `neighbours` similar videos (a row of the similarity), so the work per history is bounded, and one history and a
    batch agree."""
    rng = np.random.default_rng(1)
    n_items = 4800
    histories = [rng.choice(3000, size=int(rng.integers(5, 200)), replace=False).tolist() for _ in range(650)]
    knn = ItemKNN(neighbours=50).fit(user_item_matrix(histories, n_items))
    per_video = np.diff(knn.similarity_.tocsr().indptr)
    assert per_video.max() <= 50 and knn.similarity_.nnz <= 50 * n_items
    np.testing.assert_allclose(
        one(knn, histories[0][:100], n_items)[:10], knn.scores(user_item_matrix([histories[0][:100]], n_items))[0][:10]
    )


def test_popularity_counts_each_user_once():
    popularity = Popularity().fit(user_item_matrix([[0, 0, 1], [0], [2]], 4))
    counts = popularity.counts_
    assert counts.tolist() == [2.0, 1.0, 1.0, 0.0]
    pct = popularity.percentile_
    assert pct.min() == 0.0 and pct.max() == 1.0 and pct[0] == 1.0 and pct[3] == 0.0
    assert one(popularity, [1], 4).tolist() == counts.tolist()  # the same list for everyone


def test_timestamps_accept_seconds_milliseconds_and_dates():
    parsed = parse_timestamps(pd.Series(["1260759144", "1260759144000", "2009-12-14T02:52:24Z", "soon", ""]))
    assert parsed.tolist()[:3] == [1260759144, 1260759144, 1260759144]
    assert parsed.isna().tolist()[3:] == [True, True]


@pytest.fixture
def movies():
    return catalog_from_records(
        [
            {"id": "603", "title": "The Matrix", "year": 1999},
            {"id": "10", "title": "Alien", "year": 1979},
            {"id": "11", "title": "The Emperor and the Assassin", "year": 1998},
            {"id": "20", "title": "Hamlet", "year": 1948},
            {"id": "21", "title": "Hamlet", "year": 1996},
        ],
        name="movies",
    )


def test_titles_match_movielens_style(movies):
    raw = pd.DataFrame(
        {
            "userId": [1, 1, 1, 2, 2, 2, 3],
            "title": [
                "Matrix, The",
                "Matrix, The (1999)",
                "Emperor and the Assassin, The (Jing ke ci qin wang)",
                "Alien",
                "Hamlet",
                "Hamlet",
                "Not In The Catalog",
            ],
            "year": [1999, None, 1998, None, None, 1996, 2001],
            "timestamp": [1, 2, 3, 4, 5, 6, 7],
        }
    )
    log = interactions_from_frame(raw, movies, source="ml")
    frame = log.frame
    assert frame["item_id"].tolist() == ["603", "603", "11", "10", "21"]
    assert log.report.dropped == {DROP_UNKNOWN_TITLE: 1, DROP_AMBIGUOUS_TITLE: 1}
    assert log.report.matched_by == "title + year" and not log.has_ratings


def test_loading_a_log_reports_every_dropped_row(movies, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        "user_id,item_id,rating,timestamp\n"
        "u1,603,5,1260759144\n"
        "u1,10,4.5,2009-12-15\n"
        ",603,5,1260759144\n"
        "u2,999,5,1260759144\n"
        "u2,10,great,1260759144\n"
        "u2,10,4,not a time\n"
        "u3,11,2,1260759999\n",
        encoding="utf-8",
    )
    log = load_interactions(path, movies)
    report = log.report
    assert report.rows_read == 7 and report.matched == 3
    assert report.dropped == {DROP_MISSING_USER: 1, DROP_BAD_TIMESTAMP: 1, DROP_BAD_RATING: 1, DROP_UNKNOWN_ITEM: 1}
    assert log.frame["user_id"].tolist() == ["u1", "u1", "u3"]
    assert log.frame["rating"].tolist() == [5.0, 4.5, 2.0]
    assert any("dropped 1: unknown item id" in line for line in report.lines())


def test_parquet_logs_with_numeric_ids_match(movies, tmp_path):
    path = tmp_path / "log.parquet"
    pd.DataFrame({"user": [1, 2], "movie_id": [603.0, 10.0], "time": [5, 6]}).to_parquet(path)
    log = load_interactions(path, movies)
    assert log.frame["item_id"].tolist() == ["603", "10"]


def test_unusable_logs_are_refused_with_advice(movies, tmp_path):
    missing_user = tmp_path / "a.csv"
    missing_user.write_text("item_id,timestamp\n603,1\n", encoding="utf-8")
    with pytest.raises(InteractionLogError, match="no user_id column"):
        load_interactions(missing_user, movies)
    no_item = tmp_path / "b.csv"
    no_item.write_text("user_id,timestamp,rating\n1,1,5\n", encoding="utf-8")
    with pytest.raises(InteractionLogError, match="add an item_id column"):
        load_interactions(no_item, movies)
    nothing_matches = tmp_path / "c.csv"
    nothing_matches.write_text("user_id,item_id,timestamp\n1,12345,1\n", encoding="utf-8")
    with pytest.raises(InteractionLogError, match=r"No row of c\.csv matched"):
        load_interactions(nothing_matches, movies)
    spreadsheet = tmp_path / "d.xlsx"
    spreadsheet.touch()
    with pytest.raises(InteractionLogError, match="Unsupported"):
        load_interactions(spreadsheet, movies)
    with pytest.raises(InteractionLogError, match="not found"):
        load_interactions(tmp_path / "missing.csv", movies)
