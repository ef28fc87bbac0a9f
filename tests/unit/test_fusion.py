"""Fusion on a catalog where the right answer is known: viewers follow directors, the words say nothing."""

from __future__ import annotations

import numpy as np
import pytest

from vidrec_core.core.notice import whole
from vidrec_core.data.lexical import LexicalIndex
from vidrec_core.data.schema import catalog_from_records
from vidrec_core.embed.encoders import FakeEncoder
from vidrec_core.learn.fusion import (
    FEATURES,
    FUSION_REGULARISATION,
    REFERENCE_VIDEOS,
    Z_CLIP,
    FusionFeatures,
    FusionModel,
    FusionScorer,
    FusionWeights,
    HistoryInput,
    like_counts,
    reference_rows,
    softmax_ranking,
    standardised,
    text_prior,
    zscore_rows,
)

WORDS = ["river", "castle", "robot", "garden", "storm", "violin", "desert", "train", "mirror", "harbour"]
DIRECTORS = [f"Director Number{d}" for d in range(8)]


def _catalog():
    rng = np.random.default_rng(0)
    records = []
    for d, director in enumerate(DIRECTORS):
        for f in range(5):
            words = rng.choice(WORDS, size=3, replace=False)  # unrelated to the director
            records.append(
                {"id": f"{d}-{f}", "title": f"Film {d}{f}", "overview": " ".join(words), "director": director,
                 "genres": "Drama", "year": 1990 + f}
            )  # fmt: skip
    return catalog_from_records(records, name="directors")


@pytest.fixture(scope="module")
def setting():
    catalog = _catalog()
    items = FakeEncoder(dim=64).encode(catalog.texts)
    rng = np.random.default_rng(1)
    histories = []
    for _ in range(240):  # every viewer likes four or five films of one director, in random order
        d = int(rng.integers(len(DIRECTORS)))
        films = rng.permutation(np.arange(d * 5, d * 5 + 5))[: int(rng.integers(4, 6))]
        histories.append(films)
    return catalog, items, LexicalIndex(catalog), histories


def test_zscore_rows_leaves_constant_rows_at_zero():
    z = zscore_rows(np.array([[1.0, 2.0, 3.0], [5.0, 5.0, 5.0]]))
    assert np.allclose(z[0], [-1.2247, 0, 1.2247], atol=1e-4) and not z[1].any()


def test_fit_learns_that_directors_matter_and_words_do_not(setting):
    catalog, items, lexical, histories = setting
    model = FusionModel().fit(histories, lambda held: FusionFeatures(lexical, items), len(catalog), min_history=2)
    weights = model.weights
    people = max(weights["director_bm25"], weights["people"], weights["people_max"])
    assert people > 0.3
    assert people > abs(weights["meaning_kernel"]) and people > abs(weights["words_max"])
    assert model.info["users"] > 0 and model.info["positives"] > 0


def test_scores_rank_the_same_directors_films_first(setting):
    catalog, items, lexical, _ = setting
    model = FusionModel({"director_bm25": 1.0})
    features = FusionFeatures(lexical, items).compute([HistoryInput.of_rows([10, 11], items)], np.arange(len(catalog)))
    scores = model.scores(features)[0]
    top3 = set(np.argsort(-scores)[:5].tolist()) - {10, 11}
    assert top3 == {12, 13, 14}


def test_typed_names_and_words_count_without_any_video(setting):
    catalog, items, lexical, _ = setting
    typed = HistoryInput(
        rows=np.zeros(0, dtype=np.int64),
        vectors=FakeEncoder(dim=64).encode(["films by director number3"]),
        weights=np.ones(1, dtype=np.float32),
        texts=("films by Director Number3",),
    )
    features = FusionFeatures(lexical, items).compute([typed], np.arange(len(catalog)))
    assert np.flatnonzero(features["director_bm25"][0]).tolist() == [15, 16, 17, 18, 19]
    assert set(features) == set(FEATURES)


def test_text_prior_predicts_liked_texts_for_unseen_videos(setting):
    catalog, items, _, _ = setting
    liked = [np.array([0, 1, 2])] * 30  # films 0-2 are liked by everyone
    held = np.zeros(len(catalog), dtype=bool)
    held[2] = True  # as if film 2 were new: fitted without it
    prior = text_prior(items, like_counts(liked, len(catalog)), held)
    assert prior[0] > np.median(prior) and prior.shape == (len(catalog),)


def test_weights_round_trip_and_refuse_foreign_files(tmp_path):
    weights = FusionWeights(FusionModel({"year_gap": 0.5, "text_prior": 0.2}), FusionModel({"year_gap": 0.6}), {"a": 1})
    weights.save(tmp_path / "w.json")
    loaded = FusionWeights.load(tmp_path / "w.json")
    assert loaded.for_catalog(has_log=True).weights == {"year_gap": 0.5, "text_prior": 0.2}
    assert loaded.for_catalog(has_log=False).weights == {"year_gap": 0.6}
    (tmp_path / "bad.json").write_text('{"with_prior": {"shoe_size": 1}, "without_prior": {}}')
    with pytest.raises(ValueError, match="shoe_size"):
        FusionWeights.load(tmp_path / "bad.json")
    (tmp_path / "junk.json").write_text("not json")
    with pytest.raises(ValueError, match="not a fusion weights file"):
        FusionWeights.load(tmp_path / "junk.json")


def test_scorer_names_the_evidence_that_carried_each_video(setting):
    catalog, items, lexical, _ = setting
    scorer = FusionScorer(FusionFeatures(lexical, items), FusionModel({"director_bm25": 1.0, "meaning_kernel": 0.2}))
    scores, evidence = scorer.score(HistoryInput.of_rows([10, 11], items))
    assert scores.shape == (len(catalog),) and set(evidence) == {"people", "meaning"}
    best = int(np.argmax(np.where(np.isin(np.arange(len(catalog)), [10, 11]), -np.inf, scores)))
    assert best in (12, 13, 14) and evidence["people"][best] > evidence["meaning"][best]


def test_a_name_shared_with_one_video_in_thousands_counts_at_most_three_spreads():
    sparse = np.zeros((1, 5000), dtype=np.float32)
    sparse[0, :3] = 1.0  # unclipped, these stand about 40 spreads out
    z = standardised(
        {"people": sparse, "genres": np.linspace(0, 1, 5000, dtype=np.float32)[None]}, ["people", "genres"]
    )
    assert z[0, 0, 0] == Z_CLIP and z[..., 1].max() < Z_CLIP and z.min() >= -Z_CLIP


def test_softmax_ranking_puts_weight_on_the_feature_that_finds_the_liked_video():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(300, 20, 2))
    liked = np.zeros((300, 20))
    liked[np.arange(300), z[..., 0].argmax(axis=1)] = 1.0  # feature 0 finds it; feature 1 is noise
    weights = softmax_ranking(z, liked, regularisation=1.0)
    assert weights[0] > 1.0 and abs(weights[1]) < 0.2
    assert np.abs(softmax_ranking(z, liked, regularisation=1e4)).max() < weights[0] / 5  # a strong prior shrinks


def test_regularisation_is_chosen_on_splits_left_out(setting):
    catalog, items, lexical, histories = setting
    model = FusionModel().fit(histories, lambda held: FusionFeatures(lexical, items), len(catalog), min_history=2)
    assert model.info["regularisation"] in FUSION_REGULARISATION
    assert model.info["objective"].startswith("softmax")


def test_genre_share_is_the_part_of_a_video_in_genres_the_history_watches():
    records = [
        {"id": str(i), "title": f"T{i}", "overview": "x", "genres": genres, "year": 2000}
        for i, genres in enumerate(["Horror", "Horror|Thriller", "Horror", "Thriller|Mystery|Crime", "Comedy"])
    ]
    catalog = catalog_from_records(records, name="genres")
    features = FusionFeatures(LexicalIndex(catalog), FakeEncoder(dim=8).encode(catalog.texts))
    share = features.compute([HistoryInput.of_rows([0, 1], features.items)], np.arange(5))["genre_share"][0]
    # the history: all Horror, half Thriller. A pure horror film beats a thriller that merely shares one genre.
    assert np.allclose(share, [1.0, 0.75, 1.0, 0.5 / 3, 0.0])


def test_a_huge_catalog_is_standardised_over_the_candidates_and_a_seeded_sample():
    candidates = np.array([5, 70_000, 199_999])
    rows = reference_rows(candidates, 200_000, seed=1)
    assert len(rows) == REFERENCE_VIDEOS and np.isin(candidates, rows).all() and (np.diff(rows) > 0).all()
    assert np.array_equal(rows, reference_rows(candidates, 200_000, seed=1))
    assert np.array_equal(reference_rows(candidates[:1], 4_803, seed=1), np.arange(4_803))  # small: the whole catalog


def _uploads(years: list[int]):
    """Four videos: the history (0), a same-genre video (1), an off-genre video from the history's year (2)."""
    records = [
        {"id": str(i), "title": f"T{i}", "overview": "x", "genres": genres, "year": year}
        for i, (genres, year) in enumerate(zip(["Cooking", "Cooking", "Gaming", "Gaming"], years, strict=True))
    ]
    catalog = catalog_from_records(records, name="uploads")
    return FusionFeatures(LexicalIndex(catalog), FakeEncoder(dim=8).encode(catalog.texts))


def test_year_weights_shrink_with_the_catalogs_year_spread():
    fitted = FusionModel({"year_gap": 0.54, "genre_share": 0.37}, {"year_spread": 12.4})
    # this year's uploads: a one-year gap would otherwise stand a full spread out and outweigh the genre
    narrow = _uploads([2024, 2025, 2024, 2025])
    history = HistoryInput.of_rows([0], narrow.items)
    unscaled = FusionScorer(narrow, fitted).score(history)[0]
    assert unscaled[2] > unscaled[1]  # the off-genre video wins on its year alone
    scorer = FusionScorer.of(narrow, fitted)
    scores = scorer.score(history)[0]
    assert scores[1] > scores[2]  # the cooking video the history asks for comes first
    assert scorer.model.weights["year_gap"] == pytest.approx(0.54 * 0.5 / 12.4, rel=1e-3)
    assert scorer.model.weights["genre_share"] == 0.37 and "Year evidence counts 4%" in whole(scorer.note)
    # a catalog whose years spread as widely keeps the fitted weights, and so do weights with no recorded spread
    wide = _uploads([1950, 1990, 2000, 2020])
    assert FusionScorer.of(wide, fitted).model is fitted and FusionScorer.of(wide, fitted).note == ""
    assert FusionScorer.of(narrow, FusionModel({"year_gap": 0.54})).model.weights["year_gap"] == 0.54


def test_the_fit_records_the_year_spread_it_learned_on(setting):
    catalog, items, lexical, histories = setting
    model = FusionModel().fit(histories, lambda held: FusionFeatures(lexical, items), len(catalog), min_history=2)
    assert model.info["year_spread"] == pytest.approx(np.std([1990, 1991, 1992, 1993, 1994]), abs=1e-3)
