"""Every page driven through Streamlit's AppTest with the real sample catalog and model."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from vidrec_core.paths import REPO_ROOT

pytestmark = pytest.mark.app
TIMEOUT = 180


def start(page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    return at


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_recommend_page_shows_a_personas_recommendations():
    at = start()
    assert at.selectbox(key="persona").value == "Space sci-fi fan"
    text = markdown_text(at)
    assert "Why:" in text and "Interstellar" in text
    understood = at.dataframe[0].value
    assert understood.loc[0, "matched video"] == "Interstellar (2014)"


def test_switching_persona_changes_history_and_recommendations():
    at = start()
    before = markdown_text(at)
    at.selectbox(key="persona").select("Horror fan").run()
    assert not at.exception
    assert "The Conjuring" in at.text_area(key="history_text").value
    after = markdown_text(at)
    assert after != before
    horror_reasons = ("Conjuring", "Insidious", "Exorcist", "Sinister", "Shining")
    assert any(f"you watched {name}" in after or f"you liked {name}" in after for name in horror_reasons)


def test_typed_history_is_understood_and_answered():
    at = start()
    at.text_area(key="history_text").input("Intersteller\nsearch: heist with a twist\nI love jazz").run()
    assert not at.exception
    understood = at.dataframe[0].value
    assert understood["kind"].tolist() == ["watched", "searched", "interest"]
    assert understood.loc[0, "matched video"] == "Interstellar (2014)"
    assert markdown_text(at).count("Why:") == 10


def test_empty_history_gets_a_clear_message():
    at = start()
    at.text_area(key="history_text").input("   ").run()
    assert not at.exception
    assert any("history is empty" in info.value for info in at.info)


def test_catalog_page_searches_by_meaning_and_filters():
    at = start("pages/catalog.py")
    assert len(at.dataframe[0].value) == 500
    at.text_input[0].input("astronauts stranded on Mars").run()
    assert not at.exception
    titles = at.dataframe[0].value["title"].tolist()
    assert "The Martian" in titles[:5]
    at.multiselect[0].select("Animation").run()
    genres = at.dataframe[0].value["genres"].tolist()
    assert genres and all("Animation" in g for g in genres)


def test_multilingual_model_can_be_chosen():
    at = start()
    at.selectbox(key="model").select("multilingual").run()
    assert not at.exception
    assert markdown_text(at).count("Why:") == 10


def test_unreadable_catalog_is_reported_and_the_sample_still_works(tmp_path, monkeypatch):
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet")
    monkeypatch.setenv("VIDREC_CATALOG", str(broken))
    at = start()
    assert any("cannot be used" in e.value for e in at.error)
    assert "Why:" in markdown_text(at)
