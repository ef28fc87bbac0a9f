"""With no --strategy, `recommend` runs the catalog's best measured strategy, and its lists are on taste: on the
sample (a viewing log and a trained model: `learned`) and on an uploaded catalog with no log (`fusion`), for
single-taste histories, free-text tastes and two-taste histories. The default choice itself is pinned here."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from vidrec_core.core.paths import REPO_ROOT
from vidrec_core.data.load import write_sample_as_upload

pytestmark = pytest.mark.integration

ANIMATION = "Toy Story\nFinding Nemo\nShrek\nThe Lion King"
FREE_TEXT = "I love films about astronauts and space exploration\nsearch: stranded on another planet"
TWO_TASTES = "The Notebook\nPride & Prejudice\nThe Conjuring\nInsidious"
HORROR = "The Conjuring\nInsidious\nThe Exorcist\nSinister\nThe Shining"


def recommend(history: str, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "vidrec_core", "recommend", "--history", "-", "--json", *args],
        input=history,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def share(data: dict, *genres: str) -> float:
    recs = data["recommendations"]
    return sum(1 for r in recs if set(genres) & set(r["genres"])) / len(recs)


@pytest.fixture(scope="module")
def no_log_catalog(tmp_path_factory):
    """The sample's movies as a user's own file: same texts (their vectors are reused), but no viewing log."""
    return str(write_sample_as_upload(tmp_path_factory.mktemp("own")))


def test_the_sample_defaults_to_learned_and_says_why():
    data = recommend(ANIMATION)
    assert data["strategy"] == "learned" and "trained on this catalog's viewing log" in data["strategy_reason"]
    # The first picks are animated family films; the rest is what MovieLens viewers of these films also liked.
    assert all({"Animation", "Family"} & set(r["genres"]) for r in data["recommendations"][:4])
    assert share(data, "Animation", "Family") >= 0.6
    explicit = recommend(ANIMATION, "--strategy", "mean")
    assert explicit["strategy"] == "mean" and "strategy_reason" not in explicit


def test_the_sample_default_reads_free_text_and_keeps_two_tastes():
    assert share(recommend(FREE_TEXT), "Science Fiction") >= 0.5  # typed lines are read as content
    both = recommend(TWO_TASTES)
    assert [i["label"] for i in both["interests"]] == ["The Notebook + Pride & Prejudice", "The Conjuring + Insidious"]
    assert share(both, "Romance") >= 0.3 and share(both, "Horror", "Thriller") >= 0.3


def test_a_catalog_without_a_log_defaults_to_fusion_and_stays_on_taste(no_log_catalog):
    data = recommend(ANIMATION, "--catalog", no_log_catalog)
    assert data["strategy"] == "fusion" and "no viewing log" in data["strategy_reason"]
    assert any("Fusion weights learned on the sample" in m for m in data["messages"])  # where the weights come from
    assert share(data, "Animation", "Family") >= 0.7
    assert any(r["because"].startswith("because ") for r in data["recommendations"])
    assert share(recommend(FREE_TEXT, "--catalog", no_log_catalog), "Science Fiction") >= 0.5
    both = recommend(TWO_TASTES, "--catalog", no_log_catalog)
    assert share(both, "Romance") >= 0.2 and share(both, "Horror", "Thriller") >= 0.2
    # Shared names are held within three spreads: James Wan's Furious 7 no longer rides on his horror films.
    horror = recommend(HORROR, "--catalog", no_log_catalog)
    assert share(horror, "Horror") >= 0.5 and "Furious 7" not in [r["title"] for r in horror["recommendations"]]
