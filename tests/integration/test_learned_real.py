"""The learned strategy on the real sample: the `train` command and the shipped artefact answering a persona."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from vidrec_core.core.notice import detail_of
from vidrec_core.core.paths import REPO_ROOT
from vidrec_core.learn.adapter import LearnedModel
from vidrec_core.learn.artefacts import UnavailableModel, find_learned_model, shipped_artefact_path

pytestmark = pytest.mark.integration


def test_train_command_on_a_small_subset_writes_an_artefact(tmp_path):
    out = tmp_path / "small.npz"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "vidrec_core",
            "train",
            "--max-users",
            "60",
            "--epochs",
            "1",
            "--out",
            str(out),
            "--json",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ.copy(),
    )
    assert done.returncode == 0, done.stderr
    assert "epoch 1/1" in done.stderr  # progress is shown
    summary = json.loads(done.stdout)
    assert summary["encoder"] == "sentence-transformers/all-MiniLM-L6-v2" and summary["summary"]["epochs"] == 1
    model = LearnedModel.load(out, catalog_digest=summary["catalog_digest"], encoder=summary["encoder"])
    assert model.n_items_ == 4803 and out.stat().st_size < 5_000_000
    # The same artefact offered for another catalog is refused with the reason, and the strategy falls back.
    os.environ["VIDREC_LEARNED_MODEL"] = str(out)
    try:
        refused = find_learned_model("0" * 32, "mine", summary["encoder"])
    finally:
        del os.environ["VIDREC_LEARNED_MODEL"]
    assert isinstance(refused, UnavailableModel) and "does not fit this catalog" in refused.reason
    assert "trained for another catalog" in detail_of(refused.reason)  # the why, for engineers


def test_the_shipped_model_answers_a_persona():
    from vidrec_core.data.personas import load_personas

    assert shipped_artefact_path("minilm").is_file(), "the shipped learned artefact is missing"
    from vidrec_core.recommender import load_recommender

    recommender, _ = load_recommender()
    assert isinstance(recommender.learned, LearnedModel)
    persona = next(iter(load_personas().values()))
    result = recommender.recommend(persona.history, strategy="learned", k=10)
    assert len(result.recommendations) == 10
    assert not any("falls back" in m for m in result.messages)
    reasons = [r.because for r in result.recommendations]
    assert all(r.startswith("because ") for r in reasons), reasons  # each names a history event
    titles = [line.removeprefix("like: ") for line in persona.history.splitlines()]
    watched = [t for t in titles if ":" not in t[:10]]  # not the search and comment lines
    assert any(title in r for r in reasons for title in watched), reasons  # evidence names watched films
