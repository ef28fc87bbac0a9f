"""The app's retrieval switch: absent for a catalog without a vector index, a sidebar choice once one is built,
answering with the index when chosen (the same picks as exact search on the sample), and a clear note for a catalog
above VIDREC_INDEX_FROM that has none. The sidebar also says the server is shared."""

from __future__ import annotations

# The test command installs requirements-scale.txt: a missing scale dependency fails here, never skips.
import lancedb  # noqa: F401
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import titles
from vidrec_core.core.paths import REPO_ROOT

pytestmark = pytest.mark.app


def start() -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "main.py"), default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    return at


def sidebar_text(at: AppTest) -> str:
    return " ".join(c.value for c in at.sidebar.caption)


def pick_mean(at: AppTest) -> None:
    next(s for s in at.selectbox if s.label == "Interest strategy").select("mean").run()
    assert not at.exception, at.exception


def clear_recommender() -> None:
    from vidrec_ui.resources import cached_recommender

    cached_recommender.clear()  # the recommender holds (or not) the index found when it was built


def test_the_switch_appears_with_an_index_and_answers_with_it(monkeypatch):
    from vidrec_core.data.load import open_catalog
    from vidrec_core.embed.registry import get_encoder
    from vidrec_core.embed.store import embedding_store
    from vidrec_core.index.build import build_index, catalog_hashes, vectors_from_store
    from vidrec_core.index.files import index_folder, vectors_path

    clear_recommender()
    at = start()
    assert not at.sidebar.radio  # the sample has no index: nothing to choose
    assert "shares its kept catalogs and saved histories" in sidebar_text(at)
    pick_mean(at)
    exact = titles(at)

    catalog, encoder = open_catalog(None), get_encoder("minilm")
    target = vectors_path(index_folder(catalog.digest, encoder.name))
    vectors = vectors_from_store(catalog_hashes(catalog), embedding_store(encoder), target)
    build_index(catalog, encoder.name, vectors)
    clear_recommender()
    try:
        at = start()
        switch = at.sidebar.radio(key="retrieval_mode")
        assert switch.value == "auto" and switch.options == ["Exact: every video", "Vector index"]
        switch.set_value("lance").run()
        assert not at.exception, at.exception
        assert "not used with the vector index" in " ".join(w.value for w in at.warning)  # the default, learned
        pick_mean(at)
        assert titles(at) == exact  # every partition of a small index is probed: the same ten as exact search
        monkeypatch.setenv("VIDREC_INDEX_FROM", "1000")
        at = start()
        assert at.sidebar.radio(key="retrieval_mode").options == ["Vector index", "Exact: every video"]
        pick_mean(at)
        assert titles(at) == exact
    finally:
        clear_recommender()


def test_a_large_catalog_without_an_index_says_how_to_build_one(monkeypatch):
    monkeypatch.setenv("VIDREC_INDEX_FROM", "1000")
    clear_recommender()
    try:
        at = start()
        assert not at.sidebar.radio
        assert "no search index for this language model" in sidebar_text(at)
        assert "vidrec index --catalog" not in sidebar_text(at)  # the command is for engineers, in their expander
        assert "vidrec index --catalog" in " ".join(c.value for c in at.code)
    finally:
        clear_recommender()
