"""The Evaluate page opens on a stored result without computing anything, and reads it out."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from vidrec_core.core.paths import REPO_ROOT
from vidrec_core.evaluate.run import SHIPPED_RESULT, load_result

pytestmark = pytest.mark.app


def open_page() -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=180)
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
    assert len(at.dataframe) == 2  # all users, cold start
    table = at.dataframe[0].value
    assert {"method", "encoder", "users", "NDCG@10"} <= set(table.columns)
    assert set(table["method"]) == {r.method for r in shipped.view("all")}
    text = "\n".join(m.value for m in at.markdown)
    assert "ranks highest" in text and "NDCG@10" in text
    assert len(at.get("plotly_chart")) == 2
    assert any(b.label == "Run the evaluation now" for b in at.button)
