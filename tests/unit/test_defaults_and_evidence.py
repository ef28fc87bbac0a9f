"""The strategy a catalog opens on, and explanations that name their evidence."""

from __future__ import annotations

import numpy as np
import pytest

from vidrec_core.core.notice import detail_of
from vidrec_core.data.schema import catalog_from_records
from vidrec_core.embed.encoders import FakeEncoder
from vidrec_core.embed.store import embed_texts
from vidrec_core.learn.artefacts import FusionChoice
from vidrec_core.learn.collaborative import EASE, user_item_matrix
from vidrec_core.learn.fusion import FusionModel, FusionWeights
from vidrec_core.recommender import Recommender

FILMS = [
    ("a1", "Harbour Lights", "a lighthouse keeper and a storm", "Ana Ruiz", ["Lee Park"], 2001),
    ("a2", "Salt Wind", "fishermen race the winter", "Ana Ruiz", ["Sam Cole"], 2004),
    ("b1", "Neon Alley", "a lighthouse keeper and a storm at sea", "Bo Chen", ["Lee Park"], 2002),
    ("b2", "Glass City", "robots run a glass city", "Bo Chen", ["Kim Ito"], 2010),
    ("c1", "Quiet Fields", "a farmer waits for rain", "Cy Dunn", ["Max Roy"], 1990),
]


@pytest.fixture()
def films():
    catalog = catalog_from_records(
        [
            {"id": i, "title": t, "overview": o, "director": d, "cast": c, "year": y, "genres": "Drama"}
            for i, t, o, d, c, y in FILMS
        ],
        name="films",
    )
    encoder = FakeEncoder(dim=128)
    vectors, _ = embed_texts(encoder, catalog.texts)
    return catalog, vectors, encoder


def weights(**w: float) -> FusionChoice:
    model = FusionModel(dict(w))
    return FusionChoice(FusionWeights(model, model), note="weights learned elsewhere")


def test_a_catalog_without_a_log_opens_on_fusion_and_says_why(films):
    catalog, vectors, encoder = films
    rec = Recommender(catalog, vectors, encoder, fusion=weights(director_bm25=1.0))
    assert rec.default_strategy.name == "fusion"
    result = rec.recommend("Harbour Lights", k=2)
    data = result.as_dict()
    assert data["strategy"] == "fusion" and "no viewing log" in data["strategy_reason"]
    assert "weights learned elsewhere" in result.messages  # where the weights come from is said
    explicit = rec.recommend("Harbour Lights", strategy="mean", k=2).as_dict()
    assert explicit["strategy"] == "mean" and "strategy_reason" not in explicit


def test_a_catalog_with_a_log_opens_on_hybrid(films):
    catalog, vectors, encoder = films
    model = EASE(regularisation=1.0).fit(user_item_matrix([[0, 1], [0, 1], [2, 3]], len(catalog)))
    rec = Recommender(catalog, vectors, encoder, collaborative=model, fusion=weights(director_bm25=1.0))
    assert rec.default_strategy.name == "hybrid" and "viewing log" in rec.default_strategy.reason


def test_fusion_names_the_shared_director_first_when_people_carried_the_pick(films):
    catalog, vectors, encoder = films
    rec = Recommender(catalog, vectors, encoder, fusion=weights(director_bm25=1.0, meaning_kernel=0.1))
    top = rec.recommend("Harbour Lights", strategy="fusion", k=1).recommendations[0]
    assert top.id == "a2"  # same director, unrelated words
    assert top.because.startswith("because same director as Harbour Lights (2001): Ana Ruiz")
    # Their texts share no word: a similarity below what two videos of this catalog reach by chance is no reason
    assert top.because_similarity < rec.meaning_floor and "close in meaning" not in top.because


def test_meaning_leads_when_meaning_carried_the_pick(films):
    catalog, vectors, encoder = films
    rec = Recommender(catalog, vectors, encoder, fusion=weights(meaning_kernel=1.0, cast_bm25=0.1))
    top = rec.recommend("Harbour Lights", strategy="fusion", k=1).recommendations[0]
    assert top.id == "b1"  # nearly the same words, another director, shared cast
    assert top.because.startswith("because close in meaning to Harbour Lights (2001)")
    assert "shares cast with Harbour Lights (2001): Lee Park" in top.because


def test_viewers_of_a_watched_video_are_named(films):
    catalog, vectors, encoder = films
    model = EASE(regularisation=0.5).fit(user_item_matrix([[0, 4]] * 5 + [[1, 2]] * 5, len(catalog)))
    rec = Recommender(catalog, vectors, encoder, collaborative=model)
    result = rec.recommend("Harbour Lights", strategy="hybrid", k=4)
    quiet = next(r for r in result.recommendations if r.id == "c1")
    assert "viewers of Harbour Lights (2001) also liked it" in quiet.because


def test_typed_lines_are_named_as_what_they_are(films):
    catalog, vectors, encoder = films
    rec = Recommender(catalog, vectors, encoder)
    top = rec.recommend("search: robots in a glass city", strategy="nearest", k=1).recommendations[0]
    assert top.id == "b2" and "close in meaning to your search “robots in a glass city”" in top.because


def test_a_dislike_pushes_as_hard_under_z_scored_strategies(films):
    catalog, vectors, encoder = films
    rec = Recommender(catalog, vectors, encoder, fusion=weights(meaning_kernel=1.0))
    base = [r.id for r in rec.recommend("Quiet Fields", strategy="fusion", k=4).recommendations]
    pushed = [
        r.id for r in rec.recommend("Quiet Fields\ndislike: Harbour Lights", strategy="fusion", k=4).recommendations
    ]
    assert pushed.index("b1") > base.index("b1")  # b1 reads almost like the disliked film
    assert np.isfinite([r.score for r in rec.recommend("Quiet Fields", strategy="fusion", k=4).recommendations]).all()


def test_a_catalog_of_recent_uploads_is_told_its_years_count_less(films):
    catalog, vectors, encoder = films  # years 1990-2010: a spread of 6.5 years
    fitted = FusionModel({"year_gap": 0.5, "director_bm25": 1.0}, {"year_spread": 13.0})
    rec = Recommender(catalog, vectors, encoder, fusion=FusionChoice(FusionWeights(fitted, fitted)))
    result = rec.recommend("Harbour Lights", k=2)
    assert rec.fusion_scorer.model.weights["year_gap"] == pytest.approx(0.25, abs=0.01)
    # The page says it in plain words, the figures kept for engineers; recommend --json gives both.
    said = next(m for m in result.messages if "Release years count less here" in m)
    assert "Year evidence counts 50%" not in said and "Year evidence counts 50%" in detail_of(said)
    assert any("Release years" in m and "Year evidence counts 50%" in m for m in result.as_dict()["messages"])
