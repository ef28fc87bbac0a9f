"""The evaluation's on-taste view on a planted log: three genres, viewers who each keep to one, and a search line
aimed at a genre they never watch. The lists' genre mix, their share on taste and their answer to the search are
measured per method and compared with the default."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vidrec_core.data.load import open_catalog
from vidrec_core.embed.encoders import FakeEncoder
from vidrec_core.evaluate.config import EvalSettings
from vidrec_core.evaluate.report import reading, table_records
from vidrec_core.evaluate.run import evaluate
from vidrec_core.evaluate.taste import search_text

WORDS = {
    "Western": "cowboy horse desert sheriff western",
    "Horror": "ghost haunted scream demon horror",
    "Comedy": "funny laugh joke party comedy",
}


def planted_world(tmp_path):
    rng = np.random.default_rng(3)
    records = []
    for genre, words in WORDS.items():
        for i in range(20):
            picked = " ".join(rng.choice(words.split(), size=3, replace=False))
            records.append({"id": f"{genre[0]}{i}", "title": f"{genre} {i}", "overview": picked, "genres": genre})
    catalog_file = tmp_path / "catalog.csv"
    pd.DataFrame(records).to_csv(catalog_file, index=False)
    rows = []
    for user in range(90):
        genre = user % 3  # each viewer keeps to one genre
        items = rng.choice(20, size=14, replace=False) + 20 * genre
        for t, item in enumerate(items):
            rows.append({"user_id": f"u{user}", "item_id": records[item]["id"], "rating": 5, "timestamp": 100 + t})
    log_file = tmp_path / "log.csv"
    pd.DataFrame(rows).to_csv(log_file, index=False)
    encoder = FakeEncoder(16)
    vectors = encoder.encode(open_catalog(catalog_file).texts).astype(np.float32)
    return log_file, catalog_file, vectors


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("taste")
    log_file, catalog_file, vectors = planted_world(tmp_path)
    settings = EvalSettings(
        bootstrap=100,
        models=("fake-16",),
        methods=("popular", "ease", "mean", "nearest", "hybrid"),
        taste_users=60,
        taste_search_share=0.5,
    )
    return evaluate(log_file, catalog_file, settings, vectors={"fake-16": vectors})


def test_every_method_gets_an_on_taste_row_with_the_three_measures(result):
    rows = {r.method: r for r in result.view("on-taste")}
    assert set(rows) == {"popular", "ease", "mean", "nearest", "hybrid"}
    for row in rows.values():
        assert {"miscalibration", "on_taste", "search_response", "hr", "ndcg"} <= set(row.metrics)
        assert row.users == 60
    info = result.info["views"]["on-taste"]
    assert info["history"] == 10 and 15 <= info["users_with_a_search"] <= 45


def test_a_search_moves_the_strategies_and_not_the_baselines(result):
    rows = {r.method: r for r in result.view("on-taste")}
    assert rows["ease"].metrics["search_response"].value == 0.0  # a baseline reads no typed line
    assert rows["nearest"].metrics["search_response"].value >= 2.5  # its seats go to the searched genre
    assert rows["nearest"].metrics["search_response"].low > 0


def test_lists_of_one_genre_viewers_stay_in_that_genre(result):
    rows = {r.method: r for r in result.view("on-taste")}
    assert rows["nearest"].metrics["on_taste"].value >= 0.9
    assert rows["popular"].metrics["on_taste"].value < rows["nearest"].metrics["on_taste"].value
    assert rows["nearest"].metrics["miscalibration"].value < rows["popular"].metrics["miscalibration"].value


def test_each_row_is_compared_with_the_default(result):
    rows = {r.method: r for r in result.view("on-taste")}
    assert rows["hybrid"].diffs == {} and rows["hybrid"].baseline is None  # the default for a log without a model
    assert rows["mean"].baseline == "hybrid (fake-16)"
    assert set(rows["mean"].diffs) >= {"miscalibration", "on_taste", "search_response"}
    diff = rows["popular"].diffs["on_taste"]
    assert diff.low <= diff.value <= diff.high and diff.value < 0
    records = table_records(result, "on-taste")
    assert records[0]["method"] in rows and "Δ miscalibration vs default" in records[-1]
    assert any(line.startswith("Typed histories") and "hybrid (fake-16)" in line for line in reading(result))


def test_the_search_is_written_from_the_genre_name():
    assert search_text("Science Fiction") == "science fiction"
