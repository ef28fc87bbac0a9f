"""The Map & clusters page through AppTest, with the real sample catalog, its shipped vectors and projections."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import unescaped
from vidrec_core.core.paths import REPO_ROOT

pytestmark = pytest.mark.app
TIMEOUT = 180


@pytest.fixture(scope="module")
def at() -> AppTest:
    app = AppTest.from_file(str(REPO_ROOT / "main.py"), default_timeout=TIMEOUT)
    app.run()
    app.switch_page("pages/clusters.py")
    app.run()
    assert not app.exception, app.exception
    return app


def metric_values(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def test_map_opens_with_named_clusters_and_agreement_figures(at: AppTest):
    assert at.title[0].value == "Map & clusters"
    assert len(at.get("plotly_chart")) == 2  # the map, and what people watch per group
    summary = at.dataframe[0].value
    assert len(summary) == 12 and summary["size"].sum() == 4803
    labels = " ".join(summary["cluster"])
    assert "space" in labels or "alien" in labels
    metrics = metric_values(at)
    assert metrics["Clusters"] == "12"
    assert 0.05 < float(metrics["Genre agreement (NMI)"]) < 1
    captions = " ".join(c.value for c in at.caption)
    assert "UMAP 2D (shipped)" in captions and "all 4,803 videos drawn with WebGL" in captions


def test_demand_colours_the_map_and_sets_catalog_share_beside_viewing_share(at: AppTest):
    summary = at.dataframe[0].value
    assert {"share of catalog", "share of viewing", "demand"} <= set(summary.columns)
    assert summary["share of catalog"].sum() == pytest.approx(100, abs=0.5)
    assert summary["share of viewing"].sum() == pytest.approx(100, abs=0.5)
    assert "thin supply" in set(summary["demand"])
    said = " ".join(m.value for m in at.markdown)
    assert "Thin supply:" in said and "viewers in the catalog's viewing log" in " ".join(c.value for c in at.caption)
    demand_chart = at.get("plotly_chart")[1].proto.spec
    assert "share of viewing" in demand_chart and "share of the catalog" in demand_chart
    at.select_slider(key="map_demand_year").set_value(2015).run()  # one year of the log
    assert not at.exception
    assert "in 2015" in " ".join(c.value for c in at.caption)
    assert at.dataframe[0].value["share of viewing"].sum() == pytest.approx(100, abs=0.5)
    at.select_slider(key="map_demand_year").set_value("all years").run()
    at.selectbox(key="map_colour").select("viewing").run()
    assert not at.exception
    assert "watched by" in at.get("plotly_chart")[0].proto.spec
    at.selectbox(key="map_colour").select("cluster").run()


def test_a_picked_group_opens_into_named_parts_on_the_map_and_under_the_table(at: AppTest):
    summary = at.dataframe[0].value
    police = int(next(i for i, label in enumerate(summary["cluster"]) if "police" in label))
    # AppTest cannot click a dataframe row, so set the selection the way the frontend would.
    at.session_state["cluster_table"] = {"selection": {"rows": [police], "columns": []}}
    at.run()
    assert not at.exception, at.exception
    said = " ".join(m.value for m in at.markdown)
    assert "opens into 4 parts" in said
    parts = next(d.value for d in at.dataframe if "part" in d.value.columns)
    assert len(parts) == 4 and parts["size"].sum() == summary["size"][police]
    assert any("heist" in p or "spy" in p for p in parts["part"])  # the crime group's parts read as kinds of crime
    spec = at.get("plotly_chart")[0].proto.spec
    assert '"name":"part names"' in spec and parts["part"][0].split(" · ")[0] in spec
    at.session_state["cluster_table"] = {"selection": {"rows": [], "columns": []}}
    at.run()


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


def uploaded_catalog(tmp_path, rows: int) -> str:
    topics = ["space", "ghosts", "love", "heists"]
    lines = [f"Map Show {i},a story about {topics[i % 4]} number {i}" for i in range(rows)]
    path = tmp_path / "map_shows.csv"
    path.write_text("title,overview\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def open_map(monkeypatch, catalog: str) -> AppTest:
    monkeypatch.setenv("VIDREC_CATALOG", catalog)  # offered first in the sidebar, so it is the one in use
    app = AppTest.from_file(str(REPO_ROOT / "main.py"), default_timeout=TIMEOUT)
    app.run()
    app.switch_page("pages/clusters.py").run()
    assert not app.exception, app.exception
    return app


def test_a_large_catalogs_map_is_a_server_job_and_the_page_draws_it_when_done(tmp_path, monkeypatch):
    import vidrec_ui.map_data as map_data
    from tests.app.helpers import finish_jobs, unescaped
    from vidrec_ui.jobs import job_runner

    monkeypatch.setattr(map_data, "MAP_JOB_ROWS", 10)  # 40 videos count as large here
    app = open_map(monkeypatch, uploaded_catalog(tmp_path, 40))
    maps = [job for job in job_runner().jobs() if job.key[0] == "map"]
    assert len(maps) == 1 and maps[0].title == "Drawing the 2D map of 'map_shows'"
    if maps[0].active:  # nothing else to wait for: a map of 40 videos may be done before the page is
        assert "Computing the map of this catalog" in unescaped(app.info)
        assert not app.get("plotly_chart")
    finish_jobs(app)
    assert not app.exception, app.exception
    assert len(app.get("plotly_chart")) == 1 and "UMAP 2D (computed)" in " ".join(c.value for c in app.caption)
    # Another session finds the map made: no second job.
    again = open_map(monkeypatch, uploaded_catalog(tmp_path, 40))
    assert len(again.get("plotly_chart")) == 1
    assert [job for job in job_runner().jobs() if job.key[0] == "map"] == maps


def test_a_map_job_that_fails_says_why_and_can_be_tried_again(tmp_path, monkeypatch):
    import vidrec_ui.map_data as map_data
    from tests.app.helpers import finish_jobs, unescaped

    monkeypatch.setattr(map_data, "MAP_JOB_ROWS", 1)
    app = finish_jobs(open_map(monkeypatch, uploaded_catalog(tmp_path, 2)))
    assert not app.exception, app.exception
    assert "failed (A map needs at least 3 videos; this catalog has 2.)" in unescaped(app.error)
    app.button(key=next(b.key for b in app.button if b.label == "Compute the map again")).click().run()
    finish_jobs(app)
    assert not app.exception, app.exception
    assert "A map needs at least 3 videos" in unescaped(app.error)


def test_a_typed_new_video_lands_on_the_map_with_an_audience_and_personas(at: AppTest):
    at.text_input(key="new_video_title").input("Red Planet Rescue")
    at.text_area(key="new_video_overview").input("Astronauts stranded on Mars fight to survive until rescue arrives.")
    at.multiselect(key="new_video_genres").select("Science Fiction")
    at.button[[b.label for b in at.button].index("Find its audience")].click().run()
    assert not at.exception, at.exception
    assert '"name":"new video"' in at.get("plotly_chart")[0].proto.spec
    said = unescaped(at.markdown)
    assert "Nearest group:" in said
    assert re.search(r"top 10: \*\*Space sci-fi fan\*\* \(#\d+\)", said)
    nearest = next(d.value for d in at.dataframe if "nearest videos" in d.value.columns)
    assert any("Mars" in title for title in nearest["nearest videos"].head(3))
    audience = next(m for m in at.metric if m.label == "Likely audience")
    assert int(audience.value.split(" of ")[0].replace(",", "")) > 0
    assert "What they have in common" in said and "Science Fiction" in said
    viewers = next(d.value for d in at.dataframe if "videos liked" in d.value.columns)
    assert 0 < len(viewers) <= 10 and viewers["ranks it above"].str.endswith("of the catalog").all()


def test_a_held_out_video_is_asked_as_new_beside_who_really_watched_it(at: AppTest):
    picker = at.selectbox(key="new_video_held_out_row")
    assert len(picker.options) > 100 and "viewers liked it" in picker.options[0]
    at.button(key="new_video_held_out_go").click().run()
    assert not at.exception, at.exception
    said = unescaped(at.markdown)
    found = re.search(r"Who really watched it:\*\* ([\d,]+) viewers of the log liked it; ([\d,]+) of them", said)
    assert found and int(found.group(2)) > 0
    title = picker.options[0].rsplit(" (", 1)[0]
    nearest = next(d.value for d in at.dataframe if "nearest videos" in d.value.columns)
    assert title not in list(nearest["nearest videos"])  # read as new: its own catalog row is not its neighbour


def test_without_a_log_the_page_says_what_it_cannot_show_and_the_personas_stand_in(tmp_path, monkeypatch):
    from tests.app.helpers import finish_jobs

    app = finish_jobs(open_map(monkeypatch, uploaded_catalog(tmp_path, 12)))
    assert not app.exception, app.exception
    assert "This catalog has no viewing log, so the map shows what the catalog holds" in unescaped(app.caption)
    app.text_input(key="new_video_title").input("Rocket Crew")
    app.text_area(key="new_video_overview").input("A story about space and the crew of a rocket.")
    app.button[[b.label for b in app.button].index("Find its audience")].click().run()
    assert not app.exception, app.exception
    assert "no viewers to rank: the sample personas below stand in" in unescaped(app.info)
    said = unescaped(app.markdown)
    assert "Sample personas with it in their top 10" in said or "No sample persona would get it" in said
    assert not [m for m in app.metric if m.label == "Likely audience"]
