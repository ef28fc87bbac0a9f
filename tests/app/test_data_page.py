"""The Data page through AppTest: upload, map, validate, embed and save, then the sidebar uses the new catalog."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import finish_jobs, unescaped
from vidrec_core.core.paths import REPO_ROOT, SAMPLE_CATALOG
from vidrec_core.data.kept import KeptCatalogs
from vidrec_core.data.personas import load_personas
from vidrec_core.data.prepare import prepare_catalog
from vidrec_ui.history_origin import READ_AGAINST_KEY

pytestmark = pytest.mark.app
TIMEOUT = 180

CSV = (
    "Name,Plot,Tags,ID\n"
    "Star Voyage,astronauts fly a rocket to a distant planet,space|rocket,1\n"
    "Orbit Rescue,astronauts rescue a crew on a broken space station,space,2\n"
    ",a row without a title,,3\n"
    "Ghost Manor,a haunted house full of ghosts at night,horror,4\n"
    "The Cellar,ghosts and a demon in a haunted cellar,horror,5\n"
    "Paris Hearts,a love story and a wedding in Paris,romance,6\n"
    "Summer Letters,love letters and a summer romance,romance,7\n"
)


def start_data_page() -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "main.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest, kind: str) -> str:
    return unescaped(getattr(at, kind))


def test_upload_map_embed_and_the_sidebar_switches_to_it():
    at = start_data_page()
    at.file_uploader(key="data_file").set_value(("my videos.csv", CSV.encode("utf-8-sig"), "text/csv")).run()
    assert not at.exception, at.exception
    assert "Read 7 rows and 4 columns from my videos.csv (CSV, UTF-8 (with BOM))" in texts(at, "markdown")
    preview = at.dataframe[0].value
    assert list(preview.columns) == ["Name", "Plot", "Tags", "ID"] and len(preview) == 7
    roles = {s.label: s.value for s in at.selectbox if s.key and "_role_" in s.key}
    assert roles["Title (required)"] == "Name" and roles["Description"] == "Plot" and roles["Id"] == "ID"
    assert "1 row(s) have an empty title and were dropped" in texts(at, "warning")
    assert "6 videos ready" in texts(at, "success")
    at.button(key="data_embed").click().run()
    finish_jobs(at)
    assert not at.exception, at.exception
    assert "is saved and embedded (6 new" in texts(at, "success")
    kept = KeptCatalogs().list()
    assert [k.name for k in kept] == ["my videos"] and kept[0].is_embedded("minilm")
    assert at.session_state["pending_catalog"] == (str(kept[0].path), "minilm")

    # AppTest drops the shared sidebar after switch_page, so the switch is checked in a session that starts on
    # the Recommend page with the Data page's request pending.
    # The history (the first persona's, space films) was last read against the sample.
    app = AppTest.from_file(str(REPO_ROOT / "main.py"), default_timeout=TIMEOUT)
    app.session_state["pending_catalog"] = (str(kept[0].path), "minilm")
    app.session_state[f"_kept_{READ_AGAINST_KEY}"] = str(SAMPLE_CATALOG)
    app.run()
    persona = next(iter(load_personas()))
    assert not app.exception, app.exception
    assert app.selectbox(key="catalog_choice").value == str(kept[0].path)
    switched = texts(app, "info")
    assert "Switched to my videos: your history was kept and read again against this catalog" in switched
    assert "name none and count as interests now" in switched
    assert app.selectbox(key="persona").value == f"Your history, from {persona}"
    assert app.session_state["catalog_path"] == str(kept[0].path)
    assert "6 videos" in texts(app.sidebar, "caption")
    app.text_area(key="history_text").set_value("watched: Interstellar\nStar Voyage").run()
    assert not app.exception, app.exception
    assert "Line 1: “Interstellar” is not in this catalog, so it was read as an interest" in texts(app, "markdown")
    assert "Orbit Rescue" in texts(app, "markdown")


def test_a_titles_only_chinese_upload_proposes_the_multilingual_encoder():
    at = start_data_page()
    data = "标题\n星际穿越\n流浪地球\n火星救援\n".encode("gb18030")
    at.file_uploader(key="data_file").set_value(("中文.csv", data, "text/csv")).run()
    assert not at.exception, at.exception
    assert "GB18030" in texts(at, "markdown")
    model = next(s for s in at.selectbox if s.label == "Language model for this catalog")
    assert model.value == "multilingual"
    assert "MiniLM does not read" in texts(at, "info") and "descriptions would help" in texts(at, "info")


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("videos.csv", b"PK\x03\x04junk", "zip archive"),
        ("videos.csv", b"headline,plot\nx,y\n", "Choose the column that holds the titles"),
        ("videos.csv", b"", "empty"),
    ],
)
def test_bad_files_get_a_message(name, data, message):
    at = start_data_page()
    at.file_uploader(key="data_file").set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    assert message in texts(at, "error")


def test_sidebar_lists_kept_catalogs_and_the_model_follows_the_catalog():
    frame = pd.DataFrame({"title": ["A", "B", "C"]})
    catalog = prepare_catalog(frame, {"title": "title"}, name="x").catalog
    kept = KeptCatalogs().add(catalog, name="Titles only", model="multilingual")
    # AppTest runs the shared sidebar on a session's first run only, so each check starts a session.
    at = AppTest.from_file(str(REPO_ROOT / "main.py"), default_timeout=TIMEOUT)
    at.run()
    picker = at.selectbox(key="catalog_choice")
    assert picker.options == ["Sample: TMDB 5000 movies", "Titles only"] and picker.value.endswith("movies.parquet")
    switched = AppTest.from_file(str(REPO_ROOT / "main.py"), default_timeout=TIMEOUT)
    switched.session_state["pending_catalog"] = (str(kept.path), None)  # the model follows the catalog
    switched.run()
    assert not switched.exception, switched.exception
    assert switched.selectbox(key="model").value == "multilingual"
    assert "titles only: descriptions would help" in texts(switched.sidebar, "caption")

    at.switch_page("pages/data.py")
    at.run()
    assert "Everyone using this server shares its kept catalogs" in texts(at.main, "caption")
    at.text_input(key=f"data_rename_{kept.slug}").set_value("Renamed").run()
    at.button(key=f"data_rename_button_{kept.slug}").click().run()
    assert KeptCatalogs().get(kept.slug).name == "Renamed"
    assert "Renamed" in texts(at, "success")
    at.checkbox(key=f"data_delete_sure_{kept.slug}").check().run()
    at.button(key=f"data_delete_{kept.slug}").click().run()
    assert not at.exception, at.exception
    assert KeptCatalogs().list() == []
    again = AppTest.from_file(str(REPO_ROOT / "main.py"), default_timeout=TIMEOUT)
    again.session_state["catalog_choice"] = str(kept.path)  # the deleted catalog was selected
    again.run()
    assert not again.exception, again.exception
    assert again.session_state["catalog_path"].endswith("movies.parquet")


def test_a_workbook_with_several_sheets_lets_the_viewer_choose_one():
    from tests.unit.test_upload import SHEETS, workbook

    at = start_data_page()
    at.file_uploader(key="data_file").set_value(("shows.xlsx", workbook(SHEETS), "application/octet-stream")).run()
    assert not at.exception, at.exception
    sheet = next(s for s in at.selectbox if s.label == "Sheet")
    assert sheet.options == ["About", "Films", "Series"] and sheet.value == "Films"
    assert "2 videos ready (from 2 rows)" in texts(at, "success")
    sheet.select("Series").run()
    assert not at.exception, at.exception
    assert "Read 1 row and 2 columns from shows.xlsx" in texts(at, "markdown")
    assert "1 video ready (from 1 row)" in texts(at, "success")
    assert at.text_input(key=next(t.key for t in at.text_input if t.label == "Catalog name")).value == "shows (Series)"
    at.button(key="data_embed").click().run()
    finish_jobs(at)
    assert not at.exception, at.exception
    (kept,) = KeptCatalogs().list()
    assert kept.name == "shows (Series)" and kept.rows == 1


def test_a_second_heavy_job_waits_in_line_says_so_and_can_be_cancelled_before_it_starts():
    import threading

    from vidrec_core.core.jobs import JobState
    from vidrec_ui.jobs import job_runner

    release = threading.Event()
    blocker = job_runner().submit(("test", "blocker"), lambda ctx: release.wait(300), title="Another job")
    try:
        at = start_data_page()
        at.file_uploader(key="data_file").set_value(("waiting.csv", CSV.encode(), "text/csv")).run()
        at.button(key="data_embed").click().run()
        assert not at.exception, at.exception
        (embedding,) = [job for job in job_runner().active() if job.key[0] == "embed"]
        assert embedding.state is JobState.QUEUED
        bars = unescaped(p.proto.text for p in at.get("progress"))
        assert "Embedding 'waiting': queued, 1 job ahead (one heavy job runs at a time)" in bars
        at.button(key=f"data_job_cancel_{embedding.number}").click().run()
        assert embedding.wait(60) and embedding.state is JobState.CANCELLED
        at.run()
        assert "Embedding of 'waiting' cancelled. The finished part is kept" in texts(at, "warning")
        assert not KeptCatalogs().list()[0].is_embedded("minilm")
    finally:
        release.set()
        assert blocker.wait(60)


def test_deleting_a_catalog_stops_its_embedding_and_says_why():
    import threading

    from vidrec_core.core.jobs import JobState
    from vidrec_ui.jobs import job_runner

    release = threading.Event()
    blocker = job_runner().submit(("test", "blocker 2"), lambda ctx: release.wait(300), title="Another job")
    try:
        at = start_data_page()
        at.file_uploader(key="data_file").set_value(("doomed.csv", CSV.encode(), "text/csv")).run()
        at.button(key="data_embed").click().run()
        (embedding,) = [job for job in job_runner().active() if job.key[0] == "embed"]
        (kept,) = KeptCatalogs().list()
        at.checkbox(key=f"data_delete_sure_{kept.slug}").check().run()
        at.button(key=f"data_delete_{kept.slug}").click().run()
        assert not at.exception, at.exception
        assert embedding.wait(60) and embedding.state is JobState.CANCELLED
        at.run()
        assert "Embedding of 'doomed' stopped: the catalog was deleted." in texts(at, "warning")
        assert KeptCatalogs().list() == []
    finally:
        release.set()
        assert blocker.wait(60)


def test_a_page_waiting_for_an_embedding_job_says_it_runs_and_then_what_is_left(monkeypatch):
    import threading

    from vidrec_core.data.embed_kept import embed_job_key
    from vidrec_ui import resources
    from vidrec_ui.jobs import job_runner

    monkeypatch.setattr(resources, "INLINE_EMBED_LIMIT", 0)  # this small catalog counts as one too big to embed inline
    catalog = prepare_catalog(pd.DataFrame({"title": ["A", "B", "C"]}), {"title": "title"}, name="x").catalog
    kept = KeptCatalogs().add(catalog, name="Pending", model="minilm")
    release = threading.Event()
    job = job_runner().submit(embed_job_key(kept.slug, "minilm"), lambda ctx: release.wait(300), title="Embedding")
    try:
        at = AppTest.from_file(str(REPO_ROOT / "main.py"), default_timeout=TIMEOUT)
        at.session_state["pending_catalog"] = (str(kept.path), None)
        at.run()
        assert not at.exception, at.exception
        assert "'Pending' is being embedded with" in texts(at, "info")
    finally:
        release.set()
        assert job.wait(60)
    at.run()
    assert "'Pending' is not embedded with" in texts(at, "info") and "being embedded" not in texts(at, "info")
