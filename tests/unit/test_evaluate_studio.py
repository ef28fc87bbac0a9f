"""The evaluation read from the studio's side: the headline names what the studio runs, and a row that scores higher
is named with the reason the studio does not run it (issue #22 item 9: one winner)."""

from __future__ import annotations

import dataclasses

from vidrec_core.evaluate.results import Estimate, EvalResult
from vidrec_core.evaluate.run import SHIPPED_RESULT, load_result
from vidrec_core.evaluate.studio import studio_default, studio_reading


def shipped() -> EvalResult:
    result = load_result(SHIPPED_RESULT)
    assert result is not None
    return result


def with_score(result: EvalResult, view: str, method: str, encoder: str, ndcg: Estimate) -> EvalResult:
    rows = [
        dataclasses.replace(r, metrics={**r.metrics, "ndcg": ndcg})
        if (r.view, r.method, r.encoder) == (view, method, encoder)
        else r
        for r in result.rows
    ]
    return dataclasses.replace(result, rows=rows)


def test_the_studio_runs_learned_with_minilm_on_the_sample():
    assert studio_default() == ("learned", "minilm")


def test_the_headline_names_the_studio_default_and_its_figures_are_for_engineers():
    headline, *rest = studio_reading(shipped(), "learned", "minilm")
    assert headline.startswith("The studio runs learned with the MiniLM (English) language model")
    assert "ranks highest of every method here and better than the best standard method (ease)" in headline
    assert "NDCG" not in headline and "NDCG@10 0.072" in headline.detail
    assert any(line.startswith("For new videos, fusion (minilm)") for line in rest)


def test_a_multilingual_winner_is_named_with_why_the_studio_runs_minilm():
    result = with_score(shipped(), "all", "learned", "multilingual", Estimate(0.080, 0.064, 0.096))
    headline, higher, *_ = studio_reading(result, "learned", "minilm")
    assert "learned with the MiniLM (English) language model" in headline and "another row scores higher" in headline
    assert higher.startswith("For all users, learned (multilingual) finds the video each person liked last best")
    assert "the studio's language model is MiniLM (English)" in higher and "other languages" in higher
    assert "within each other's 95% intervals" in higher  # 0.080 [0.064, 0.096] against 0.072 [0.056, 0.088]


def test_a_result_without_the_default_says_so():
    result = dataclasses.replace(shipped(), rows=[r for r in shipped().rows if r.method != "learned"])
    (only,) = studio_reading(result, "learned", "minilm")
    assert "has no row for it" in only
