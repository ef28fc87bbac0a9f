"""Own catalogs in the app: quoted list cells become clean genres (sidebar count, filters), and a CSV with a NUL
and a lone invalid byte loads on the Data page with each damaged row named, cleaned or dropped as chosen."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import finish_jobs, unescaped
from tests.integration.test_cli_catalog_text import QUOTED
from tests.unit.test_damage import csv_with
from vidrec_core.core.paths import REPO_ROOT
from vidrec_core.data.kept import KeptCatalogs

pytestmark = pytest.mark.app
TIMEOUT = 180


def test_quoted_genres_are_counted_listed_and_filtered_without_their_quotes(tmp_path, monkeypatch):
    path = tmp_path / "quoted.csv"
    path.write_text(QUOTED, encoding="utf-8")
    monkeypatch.setenv("VIDREC_CATALOG", str(path))
    at = AppTest.from_file(str(REPO_ROOT / "main.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    assert "4 videos · 6 genres" in unescaped(at.sidebar.caption)
    at.switch_page("pages/catalog.py").run()
    genres = at.multiselect[0]
    assert genres.options == ["Comedy", "Drama", "Horror", "Romance Film", "Science Fiction", "Thriller"]
    genres.select("Drama").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert sorted(table["title"]) == ["Paris Hearts", "Star Voyage"]
    assert set(table["genres"]) == {"Science Fiction, Drama", "Romance Film, Drama, Comedy"}


def start_data_page() -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "main.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    return at


def test_an_uploaded_catalogs_text_has_its_genres_unquoted():
    at = start_data_page()
    at.file_uploader(key="data_file").set_value(("quoted.csv", QUOTED.encode(), "text/csv")).run()
    assert not at.exception, at.exception
    embedded_text = next(d.value for d in at.dataframe if "embedded text" in d.value.columns)
    assert "Genres: Romance Film, Drama, Comedy" in embedded_text["embedded text"].iloc[2]


def test_a_csv_with_a_nul_and_a_lone_invalid_byte_loads_and_names_each_damaged_row():
    data = csv_with(b"Star\x00 Voyage,astronauts fly to a planet", b"Gamma,caf\xe9 au lait")
    at = start_data_page()
    at.file_uploader(key="data_file").set_value(("damaged.csv", data, "text/csv")).run()
    assert not at.exception, at.exception
    errors = unescaped(at.error)  # (the jobs list may show other tests' failed jobs: this process's runner)
    assert "damaged.csv" not in errors and "binary" not in errors
    assert "damaged.csv: 2 rows held characters that are not text and were cleaned" in unescaped(at.warning)
    where = next(d.value for d in at.dataframe if "found" in d.value.columns)
    assert where.to_dict("records") == [
        {"row": 6, "column": "title", "found": "control character \\x00"},
        {"row": 7, "column": "overview", "found": "byte \\xe9 (not UTF-8 text)"},
    ]
    assert "22 videos ready (from 22 rows)" in unescaped(at.success)

    at.radio(key=next(r.key for r in at.radio if r.label == "Rows with damaged text")).set_value("drop").run()
    assert not at.exception, at.exception
    assert "2 rows held characters that are not text and were dropped" in unescaped(at.warning)
    assert "20 videos ready (from 20 rows)" in unescaped(at.success)

    at.radio(key=next(r.key for r in at.radio if r.label == "Rows with damaged text")).set_value("clean").run()
    finish_jobs(at.button(key="data_embed").click().run())
    assert not at.exception, at.exception
    (kept,) = KeptCatalogs().list()
    assert kept.rows == 22 and any("were cleaned" in note for note in kept.notes)
    # The sidebar tells whoever uses the kept catalog what was done to it.
    app = AppTest.from_file(str(REPO_ROOT / "main.py"), default_timeout=TIMEOUT)
    app.session_state["pending_catalog"] = (str(kept.path), "minilm")
    app.run()
    assert "2 rows held characters that are not text and were cleaned" in unescaped(app.sidebar.caption)
