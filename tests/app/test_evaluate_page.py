"""The Evaluate page opens on a stored result without computing anything, and reads it out."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import unescaped
from vidrec_core.core.paths import REPO_ROOT
from vidrec_core.evaluate.run import SHIPPED_RESULT, load_result

pytestmark = pytest.mark.app


def open_page() -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "main.py"), default_timeout=180)
    at.run()
    at.switch_page("pages/evaluate.py")
    at.run()
    assert not at.exception, at.exception
    return at


def test_page_shows_the_shipped_result_with_tables_chart_and_reading():
    shipped = load_result(SHIPPED_RESULT)
    assert shipped is not None, "sample_data/interactions/evaluation_default.json is missing or unreadable"
    at = open_page()
    assert at.title[0].value == "Evaluate"
    assert len(at.dataframe) == 5  # all users, cold start, new videos, their audience, on taste
    table = at.dataframe[0].value
    assert {"method", "encoder", "users", "NDCG@10"} <= set(table.columns)
    assert set(table["method"]) == {r.method for r in shipped.view("all")}
    text = unescaped(at.markdown)
    assert "ranks highest" in text and "NDCG@10" in text
    assert len(at.get("plotly_chart")) == 4  # three NDCG charts and accuracy against taste
    assert "For videos uploaded today, which viewers should see them" in text
    new_videos = at.dataframe[2].value
    assert {"Recall@20", "NDCG@20"} <= set(new_videos.columns)
    audience = at.dataframe[3].value  # each new video ranking every user; compared with the most active first
    assert {"Recall@10% of users", "AUC", "ΔAUC vs most-active"} <= set(audience.columns)
    assert {"random", "most-active", "fusion"} <= set(audience["method"])
    assert "The audience of a new video" in text
    taste = at.dataframe[4].value
    assert {"genre miscalibration (lower is better)", "on-taste share", "search response (picks of 10)"} <= set(
        taste.columns
    )
    assert set(taste["method"]) == {r.method for r in shipped.view("on-taste")}
    assert "Typed histories" in text and "the default, learned (minilm)" in text
    assert any(b.label == "Run the evaluation now" for b in at.button)


def test_the_headline_names_what_the_studio_runs_and_says_why_a_higher_row_is_not_run():
    from vidrec_core.embed.registry import DEFAULT_ENCODER, ENCODERS
    from vidrec_core.evaluate.studio import studio_default
    from vidrec_core.profile.registry import default_strategy

    strategy, encoder = studio_default()
    assert (strategy, encoder) == (default_strategy(has_viewing=True, has_model=True).name, DEFAULT_ENCODER)
    at = open_page()
    headline = unescaped(at.info)
    assert f"The studio runs {strategy} with the {ENCODERS[encoder].title}" in headline
    assert "on the sample catalog" in headline
    # The shipped result: fusion ranks new videos higher than the default; the page says so, and why.
    text = unescaped(at.markdown)
    assert "For new videos, fusion (minilm) finds the new videos each viewer went on to like best" in text
    assert "it is the studio's default for a catalog without a viewing log" in text
    assert "docs/" not in text and "sample_data/" not in text  # file paths are in the engineers' expander
    assert any("sample_data/interactions/README.md" in c.value for c in at.code)


def test_a_run_is_a_server_job_that_any_tab_sees_and_can_cancel():
    from vidrec_ui.jobs import job_runner

    at = open_page()
    next(b for b in at.button if b.label == "Run the evaluation now").click().run()
    assert not at.exception
    job = job_runner().get(("evaluate", "sample", "default settings"))
    assert job is not None
    other = open_page()  # another tab of the same server sees the running job and its Cancel
    assert any(b.label == "Cancel" for b in other.button) or job.ended
    job_runner().cancel(job.key)
    assert job.wait(120)
    assert job.state.value in ("cancelled", "finished")
