"""`python -m vidrec_core evaluate` on the real MovieLens log and sample catalog, on a small subset."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from vidrec_core.core.paths import REPO_ROOT

pytestmark = pytest.mark.integration


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "vidrec_core", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        env=os.environ.copy(),
    )


def test_evaluate_json_on_a_user_sample():
    done = run_cli(
        "evaluate", "--strategies", "mean,popular", "--models", "minilm", "--max-users", "150", "--bootstrap", "200",
        "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert {(r["view"], r["method"], r["encoder"]) for r in rows} == {
        (view, method, encoder)
        for view in ("all", "cold-start", "new-items", "on-taste")
        for method, encoder in (("mean", "minilm"), ("popular", "-"))
    } | {("audience", m, e) for m, e in (("mean", "minilm"), ("popular", "-"), ("random", "-"), ("most-active", "-"))}
    audience = {r["method"]: r for r in rows if r["view"] == "audience"}
    assert set(audience["mean"]["metrics"]) == {"recall", "auc"} and audience["mean"]["baseline"] == "most-active"
    assert 0.4 < audience["random"]["metrics"]["auc"]["value"] < 0.6  # the floor reads as chance
    by = {(r["view"], r["method"]): r for r in rows}
    assert by[("all", "mean")]["users"] == 150 and by[("new-items", "mean")]["users"] == 150
    assert "recall" in by[("new-items", "mean")]["metrics"]
    taste = by[("on-taste", "mean")]["metrics"]
    assert {"miscalibration", "on_taste", "search_response"} <= set(taste)
    assert by[("on-taste", "popular")]["metrics"]["search_response"]["value"] == 0  # reads no search line
    # Nobody has watched a new video, so popularity cannot rank them; even the mean profile does better.
    assert (
        by[("new-items", "mean")]["metrics"]["ndcg"]["value"] > by[("new-items", "popular")]["metrics"]["ndcg"]["value"]
    )
    for row in rows:
        for est in row["metrics"].values():
            assert est["low"] <= est["value"] + 1e-9 and est["value"] <= est["high"] + 1e-9
    # Popularity is far ahead of a pure text profile on MovieLens; the comparison says so.
    assert by[("all", "popular")]["metrics"]["ndcg"]["value"] > by[("all", "mean")]["metrics"]["ndcg"]["value"]
    assert by[("all", "mean")]["baseline"] == "popular"


def test_evaluate_rejects_unknown_methods_with_one_error_line():
    done = run_cli("evaluate", "--strategies", "mean,magic", "--models", "minilm")
    assert done.returncode == 2
    assert done.stderr.strip().startswith("error: Unknown method(s): magic")
    assert len(done.stderr.strip().splitlines()) == 1
