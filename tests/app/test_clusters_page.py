"""The Map & clusters page through AppTest, with the real sample catalog, its shipped vectors and projections."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from vidrec_core.core.paths import REPO_ROOT

pytestmark = pytest.mark.app
TIMEOUT = 180


@pytest.fixture(scope="module")
def at() -> AppTest:
    app = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=TIMEOUT)
    app.run()
    app.switch_page("pages/clusters.py")
    app.run()
    assert not app.exception, app.exception
    return app


def metric_values(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def test_map_opens_with_named_clusters_and_agreement_figures(at: AppTest):
    assert at.title[0].value == "Map & clusters"
    assert len(at.get("plotly_chart")) == 1
    summary = at.dataframe[0].value
    assert len(summary) == 12 and summary["size"].sum() == 4803
    labels = " ".join(summary["cluster"])
    assert "space" in labels or "alien" in labels
    metrics = metric_values(at)
    assert metrics["Clusters"] == "12"
    assert 0.05 < float(metrics["Genre agreement (NMI)"]) < 1
    captions = " ".join(c.value for c in at.caption)
    assert "UMAP 2D (shipped)" in captions and "all 4,803 videos drawn with WebGL" in captions


def test_history_profile_and_recommendations_are_on_the_map(at: AppTest):
    chart = at.get("plotly_chart")[0].proto.spec
    for name in ('"name":"history"', '"name":"recommended"', '"name":"profile"'):
        assert name in chart


def test_search_highlights_matches_and_recolouring_keeps_clusters(at: AppTest):
    at.text_input(key="map_query").input("astronauts stranded on Mars").run()
    assert not at.exception
    spec = at.get("plotly_chart")[0].proto.spec
    assert "search: astronauts" in spec and "The Martian" in spec
    before = at.dataframe[0].value
    at.selectbox(key="map_colour").select("year").run()
    assert not at.exception
    assert at.dataframe[0].value.equals(before)


def test_hdbscan_reports_unclustered_and_auto_k_reports_its_choice(at: AppTest):
    at.selectbox(key="map_method").select("hdbscan").run()
    assert not at.exception
    summary = at.dataframe[0].value
    assert "Unclustered" in summary["cluster"].tolist()
    assert metric_values(at)["Unclustered"].endswith("%")
    at.selectbox(key="map_method").select("auto").run()
    assert not at.exception
    assert any("Automatic k" in e.label for e in at.expander)


def test_three_d_map(at: AppTest):
    at.selectbox(key="map_method").select("kmeans").run()
    at.get("segmented_control")[0].set_value(3).run()
    assert not at.exception
    assert "scatter3d" in at.get("plotly_chart")[0].proto.spec


def test_the_profile_on_the_map_is_the_studios_strategy(at: AppTest):
    assert "the learned strategy's profile" in at.get("plotly_chart")[0].proto.spec  # the sample's default
    at.session_state["_kept_strategy"] = "recency"  # as the studio's strategy picker leaves it
    at.session_state["_kept_strategy_is_default"] = False
    at.run()
    assert not at.exception
    assert "the recency strategy's profile" in at.get("plotly_chart")[0].proto.spec
