"""The evaluation protocol on hand-checkable numbers and a planted dataset."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from vidrec_core.core.notice import whole
from vidrec_core.data.interactions import (
    DROP_AMBIGUOUS_TITLE,
    MATCHED_YEAR_ONE_OFF,
    TitleYearIndex,
    interactions_from_frame,
    positives_by_user,
)
from vidrec_core.data.schema import catalog_from_records
from vidrec_core.evaluate.config import EvalSettings, EvaluationError
from vidrec_core.evaluate.metrics import coverage_estimate, per_user_metrics, rank_candidates, rank_users
from vidrec_core.evaluate.report import reading
from vidrec_core.evaluate.results import Estimate, EvalResult, ResultRow
from vidrec_core.evaluate.run import cache_key, evaluate, resolve_methods
from vidrec_core.evaluate.split import (
    LeakError,
    NewItemsSplit,
    Split,
    check_new_items,
    check_no_leak,
    cold_start_split,
    held_out_new,
    leave_last_out,
    new_items_split,
)

N_ITEMS = 30


def test_target_at_rank_one_gives_ndcg_one_and_rank_three_gives_a_half():
    space = np.eye(N_ITEMS, dtype=np.float32)
    top = np.tile(np.arange(10), (3, 1))
    per = per_user_metrics(np.array([1, 3, 11]), top, 10, space, np.arange(N_ITEMS, dtype=float))
    assert per.ndcg.tolist() == [1.0, pytest.approx(1 / np.log2(4)), 0.0]
    assert per.ndcg[1] == pytest.approx(0.5)
    assert per.hr.tolist() == [1.0, 1.0, 0.0]
    assert per.rr.tolist() == [1.0, pytest.approx(1 / 3), pytest.approx(1 / 11)]
    assert per.diversity.tolist() == [pytest.approx(1.0)] * 3  # orthogonal vectors: distance 1
    assert per.novelty.tolist() == [pytest.approx(4.5)] * 3


def test_identical_recommendations_have_zero_diversity():
    space = np.ones((N_ITEMS, 4), dtype=np.float32) / 2
    per = per_user_metrics(np.array([1]), np.arange(10)[None, :], 10, space, np.zeros(N_ITEMS))
    assert per.diversity[0] == pytest.approx(0.0, abs=1e-6)


def test_ranking_excludes_the_history_and_counts_only_better_items():
    split = Split(users=["u"], histories=[np.array([0])], targets=np.array([2]), train=[np.array([0])])
    scores = np.array([[10.0, 7.0, 5.0, 1.0, 0.0, -1.0]])
    per = rank_users(lambda rows: scores, split, 6, 3, np.eye(6, dtype=np.float32), np.zeros(6), seed=0)
    assert per.rr[0] == pytest.approx(0.5)  # item 0 is watched already; only item 1 beats the target
    assert per.top[0].tolist() == [1, 2, 3]


def test_ties_are_broken_at_random_not_in_the_targets_favour():
    n = 200
    histories = [np.array([0]) for _ in range(300)]
    split = Split([str(i) for i in range(300)], histories, np.full(300, 5), train=histories)
    per = rank_users(lambda rows: np.zeros((len(rows), n)), split, n, 10, np.eye(n, dtype=np.float32), np.zeros(n), 0)
    # All 199 candidates tie: the target lands in the top 10 about 10/199 of the time, not always.
    assert 0.01 < per.hr.mean() < 0.12


def test_new_items_ndcg_and_recall_with_several_liked_videos():
    candidates = np.array([10, 11, 12, 13, 14, 15])
    split = NewItemsSplit(["a", "b"], [np.array([0]), np.array([1])], [np.array([10, 11]), np.array([15])],
                          candidates, train=[])  # fmt: skip
    perfect = np.zeros((2, 20))
    perfect[0, [10, 11]] = [2, 1]
    perfect[1, 15] = 1
    per = rank_candidates(lambda rows: perfect[rows], split, 2, np.eye(20, dtype=np.float32), seed=0)
    assert per.ndcg.tolist() == [pytest.approx(1.0), pytest.approx(1.0)]
    assert per.recall.tolist() == [1.0, 1.0] and per.top[0].tolist() == [10, 11]
    worst = -perfect  # the liked videos ranked last among the six candidates
    per = rank_candidates(lambda rows: worst[rows], split, 2, np.eye(20, dtype=np.float32), seed=0)
    assert per.ndcg.tolist() == [0.0, 0.0] and per.recall.tolist() == [0.0, 0.0]
    assert per.rr.tolist() == [pytest.approx(1 / 5), pytest.approx(1 / 6)]
    assert per.universe == 6 and per.novelty is None


def test_coverage_interval_contains_the_estimate():
    rng = np.random.default_rng(0)
    top = rng.integers(0, 500, (100, 10))
    samples = rng.integers(0, 100, (300, 100))
    est = coverage_estimate(top, 500, samples)
    assert est.low <= est.value <= est.high
    assert est.value == len(np.unique(top)) / 500


# --- a planted dataset: pairs of items that are always watched together -----------------------------------------


def planted(tmp_path):
    records = [{"id": f"m{i}", "title": f"Movie {i}", "overview": f"story number {i}"} for i in range(N_ITEMS)]
    catalog_file = tmp_path / "catalog.csv"
    pd.DataFrame(records).to_csv(catalog_file, index=False)
    rng = np.random.default_rng(42)
    rows = []
    for user in range(120):
        pair = user % 5  # items 2p and 2p+1 go together
        noise = rng.choice(np.arange(10, N_ITEMS), size=3, replace=False).tolist()
        # Users 0-59 are evaluated: the pair's second item is their last positive, so it is held out. Users 60+
        # have too few positives to be evaluated: they only teach which items go together.
        items = [*noise, 2 * pair, 2 * pair + 1] if user < 60 else [2 * pair, 2 * pair + 1, noise[0]]
        for t, item in enumerate(items):
            rows.append({"user_id": f"u{user}", "item_id": f"m{item}", "rating": 5, "timestamp": 1000 + t})
        rows.append({"user_id": f"u{user}", "item_id": f"m{noise[1]}", "rating": 1, "timestamp": 2000})
    log_file = tmp_path / "log.csv"
    pd.DataFrame(rows).to_csv(log_file, index=False)
    vectors = rng.normal(size=(N_ITEMS, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return log_file, catalog_file, vectors


def run_planted(tmp_path, **overrides):
    log_file, catalog_file, vectors = planted(tmp_path)
    settings = EvalSettings(
        k=1,
        bootstrap=200,
        models=("fake",),
        methods=("random", "popular", "item-knn", "ease", "tfidf", "bm25-text", "mean"),
        cold_fraction=0.2,
        seed=2,  # holds out the targets of two pairs (items 5 and 9) among six new videos
        **overrides,
    )
    return evaluate(log_file, catalog_file, settings, vectors={"fake": vectors})


def test_item_knn_finds_the_co_watched_item_in_a_planted_dataset(tmp_path):
    result = run_planted(tmp_path)
    rows = {(r.view, r.method): r for r in result.rows}
    knn = rows[("all", "item-knn")]
    assert knn.users == 60
    assert knn.metrics["hr"].value >= 0.9
    assert knn.metrics["hr"].low <= knn.metrics["hr"].value <= knn.metrics["hr"].high
    assert rows[("all", "random")].metrics["hr"].value < 0.3
    assert result.info["views"]["all"]["best_baseline"] in ("item-knn", "ease")
    assert rows[("all", "ease")].metrics["hr"].value >= 0.9  # EASE finds the planted pairs too
    mean = rows[("all", "mean")]
    assert mean.encoder == "fake" and mean.baseline in ("item-knn", "ease")
    assert mean.ndcg_diff is not None and mean.ndcg_diff.high < 0  # random vectors lose, and it says so
    assert any("worse than" in line for line in reading(result))
    cold = {r.method: r for r in result.view("cold-start")}
    held_out_targets = {1, 3, 5, 7, 9} & set(np.flatnonzero(held_out_mask(tmp_path)).tolist())
    assert held_out_targets == {5, 9} and cold["item-knn"].users == 24  # 12 evaluated users per pair
    assert cold["item-knn"].metrics["hr"].value < 0.2  # a new item has no co-watching to learn from
    new_items = {r.method: r for r in result.view("new-items")}
    assert set(new_items) == {"random", "popular", "item-knn", "ease", "tfidf", "bm25-text", "mean"}
    assert "recall" in new_items["mean"].metrics and "novelty" not in new_items["mean"].metrics
    assert result.info["views"]["new-items"]["k"] == 20
    audience = {r.method: r for r in result.view("audience")}  # the same scores, each new video ranking the users
    assert set(audience) == set(new_items) | {"most-active"} and result.info["views"]["audience"]["videos"] > 0
    assert set(audience["mean"].metrics) == {"recall", "auc"} and "auc" in audience["mean"].diffs
    assert any(line.startswith("For videos uploaded today") for line in reading(result))
    few = result.info["views"]["new-items"]["candidates"]  # a handful of new videos: the reading says to reseed
    assert any(
        line.startswith(f"Only {few} videos were held out") and "--seed" in whole(line) for line in reading(result)
    )


def held_out_mask(tmp_path):
    log_file, catalog_file, _ = planted(tmp_path)
    catalog = catalog_from_records(pd.read_csv(catalog_file).to_dict("records"))
    log = interactions_from_frame(pd.read_csv(log_file, dtype=str), catalog)
    return held_out_new(positives_by_user(log, 4.0), N_ITEMS, 0.2, seed=2)


def test_results_are_reproducible_with_the_same_seed(tmp_path):
    first = run_planted(tmp_path)
    second = run_planted(tmp_path)
    assert [r.as_dict() | {"seconds": 0} for r in first.rows] == [r.as_dict() | {"seconds": 0} for r in second.rows]
    assert EvalResult.from_dict(first.as_dict()).rows == first.rows


def test_the_split_never_leaks_targets_into_training(tmp_path):
    log_file, catalog_file, _ = planted(tmp_path)
    catalog = catalog_from_records(pd.read_csv(catalog_file).to_dict("records"))
    log = interactions_from_frame(pd.read_csv(log_file, dtype=str), catalog)
    split = leave_last_out(log, EvalSettings())
    assert len(split.users) == 60
    assert all(t in (1, 3, 5, 7, 9) for t in split.targets)  # the pair's second item is held out
    check_no_leak(split, N_ITEMS)
    leaky = replace(split, train=[np.append(split.train[0], split.targets[0]), *split.train[1:]])
    with pytest.raises(LeakError):
        check_no_leak(leaky, N_ITEMS)

    cold = np.zeros(N_ITEMS, dtype=bool)
    cold[[3, 5, 7, 20]] = True  # three pairs' targets and a noise video
    cold_split = cold_start_split(split, cold)
    assert len(cold_split.users) == 36
    check_no_leak(cold_split, N_ITEMS, cold)
    assert all(cold[t] for t in cold_split.targets)
    assert not any(cold[h].any() for h in cold_split.histories)
    warm_again = replace(cold_split, train=[*cold_split.train, np.flatnonzero(cold)[:1]])
    with pytest.raises(LeakError, match="cold-start items"):
        check_no_leak(warm_again, N_ITEMS, cold)

    positives = positives_by_user(log, 4.0)
    new = held_out_new(positives, N_ITEMS, 0.2, seed=7)
    liked = np.unique(np.concatenate(list(positives.values())))
    assert new.sum() == round(0.2 * len(liked)) and set(np.flatnonzero(new)) <= set(liked.tolist())
    assert (held_out_new(positives, N_ITEMS, 0.2, seed=7) == new).all()  # seeded
    items_split = new_items_split(positives, new, cold_start_split(split, new).train, min_history=3)
    check_new_items(items_split, new, N_ITEMS)
    assert items_split.candidates.tolist() == np.flatnonzero(new).tolist()
    assert all(len(h) >= 3 and not new[h].any() for h in items_split.histories)
    assert all(new[t].all() and len(t) for t in items_split.targets)
    leaky = replace(items_split, train=[*items_split.train, np.flatnonzero(new)[:1]])
    with pytest.raises(LeakError, match="new videos appear in training"):
        check_new_items(leaky, new, N_ITEMS)


def test_low_ratings_are_not_positives_and_thin_users_are_skipped(tmp_path):
    log_file, catalog_file, _ = planted(tmp_path)
    catalog = catalog_from_records(pd.read_csv(catalog_file).to_dict("records"))
    log = interactions_from_frame(pd.read_csv(log_file, dtype=str), catalog)
    split = leave_last_out(log, EvalSettings())
    assert split.skipped_users == 60
    assert all(len(h) == 4 for h in split.histories)  # the rating-1 row never enters a history
    with pytest.raises(EvaluationError, match="min-positives"):
        leave_last_out(log, EvalSettings(min_positives=50))


def test_matrix_the_1999_matches_the_matrix():
    catalog = catalog_from_records([{"id": "603", "title": "The Matrix", "year": 1999}, {"id": "1", "title": "Heat"}])
    index = TitleYearIndex(catalog)
    assert index.lookup("Matrix, The (1999)", None) == (0, None)
    assert index.lookup("Matrix, The", 1999) == (0, None)
    assert index.lookup("Matrix, The", 2003)[0] is None


def test_methods_come_from_the_strategy_registry(monkeypatch):
    from vidrec_core.profile import registry

    monkeypatch.setitem(registry.STRATEGIES, "planted", registry.STRATEGIES["mean"])
    assert "planted" in resolve_methods(None)
    assert resolve_methods(["mean", "popular", "mean"]) == ["mean", "popular"]
    with pytest.raises(EvaluationError, match="Unknown method"):
        resolve_methods(["nope"])


def test_cache_key_follows_the_settings(tmp_path):
    log_file, catalog_file, _ = planted(tmp_path)
    catalog = catalog_from_records(pd.read_csv(catalog_file).to_dict("records"))
    base = cache_key(log_file, catalog, EvalSettings(), ["mean"])
    assert base == cache_key(log_file, catalog, EvalSettings(), ["mean"])
    assert base != cache_key(log_file, catalog, EvalSettings(k=5), ["mean"])
    assert base != cache_key(log_file, catalog, EvalSettings(), ["mean", "popular"])


def test_bad_settings_are_refused_with_advice(tmp_path):
    with pytest.raises(EvaluationError, match="at least 2"):
        EvalSettings(min_positives=1).validate()
    with pytest.raises(EvaluationError, match="not found"):
        evaluate(tmp_path / "missing.csv", settings=EvalSettings(models=("fake",)), vectors={})


def test_reading_is_computed_from_the_numbers():
    def row(method, kind, ndcg, diff=None):
        est = Estimate(ndcg, ndcg - 0.01, ndcg + 0.01)
        metrics = dict.fromkeys(("hr", "ndcg", "mrr", "coverage", "diversity", "novelty"), est)
        return ResultRow("all", method, kind, "-" if kind == "baseline" else "minilm", 100, metrics,
                         baseline="item-knn" if diff else None, ndcg_diff=diff)  # fmt: skip

    result = EvalResult(
        rows=[
            row("item-knn", "baseline", 0.05),
            row("mean", "strategy", 0.01, Estimate(-0.04, -0.05, -0.03)),
            row("hybrid", "strategy", 0.06, Estimate(0.01, -0.002, 0.02)),
        ],
        settings={"k": 10},
    )
    text = " ".join(reading(result))
    assert "hybrid (minilm) ranks highest" in text
    assert "not distinguishable from the best baseline (item-knn)" in text
    assert "1 of 2 strategy rows score clearly below item-knn" in text
    assert "held out as new" not in text


def test_a_title_a_year_off_or_under_its_bracketed_name_still_matches():
    catalog = catalog_from_records(
        [
            {"id": "1", "title": "Army of Darkness", "year": 1992},
            {"id": "2", "title": "Se7en", "year": 1995},
            {"id": "3", "title": "Twins", "year": 1988},
            {"id": "4", "title": "Twins", "year": 1990},
        ]
    )
    index = TitleYearIndex(catalog)
    assert index.lookup("Army of Darkness", 1993) == (0, MATCHED_YEAR_ONE_OFF)
    assert index.lookup("Army of Darkness", 1992) == (0, None)
    assert index.lookup("Army of Darkness", 1995)[0] is None  # three years off is another film
    assert index.lookup("Seven (Se7en)", 1995) == (1, None)
    assert index.lookup("Twins", 1989) == (None, DROP_AMBIGUOUS_TITLE)  # a year from two rows: neither taken
    log = interactions_from_frame(
        pd.DataFrame(
            {"user": ["a", "a"], "timestamp": [1, 2], "title": ["Army of Darkness", "Se7en"], "year": [1993, 1995]}
        ),
        catalog,
    )
    assert list(log.frame["item_index"]) == [0, 1] and log.report.year_one_off == 1
    assert "matched with the year one off: 1 rows" in " ".join(log.report.lines())


def test_a_year_off_match_yields_to_a_log_title_that_matches_exactly():
    catalog = catalog_from_records(
        [{"id": "1", "title": "The Island", "year": 2005}, {"id": "2", "title": "Wanted", "year": 2008}]
    )
    log = interactions_from_frame(
        pd.DataFrame(
            {
                "user": ["a", "a", "b", "b", "c"],
                "timestamp": [1, 2, 3, 4, 5],
                # a Russian The Island of 2006 is not the 2005 film; two films a year either side of Wanted are neither
                "title": ["Island, The", "The Island", "Wanted", "Wanted", "Island, The"],
                "year": [2005, 2006, 2007, 2009, 2005],
            }
        ),
        catalog,
    )
    assert list(log.frame["item_index"]) == [0, 0] and log.report.year_one_off == 0
    assert log.report.dropped == {"title not in catalog": 3}


def test_a_result_names_repository_and_data_folder_files_without_this_machines_paths(tmp_path, monkeypatch):
    from vidrec_core.core.paths import SAMPLE_CATALOG
    from vidrec_core.evaluate.run import _shown_path

    monkeypatch.setenv("VIDREC_DATA_DIR", str(tmp_path / "data"))
    derived = tmp_path / "data" / "cache" / "interactions" / "movielens_tmdb.csv"
    assert _shown_path(derived) == "<data dir>/cache/interactions/movielens_tmdb.csv"
    assert _shown_path(SAMPLE_CATALOG) == "sample_data/movies.parquet"
    assert _shown_path(tmp_path / "mine.csv") == str(tmp_path / "mine.csv")  # a user's own file keeps its path
