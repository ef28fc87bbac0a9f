"""The bad-input table (tests/bad_cases.py) fed to the app through AppTest, with the real model and sample catalog.

Each case must give a message and no exception, and the same session must then still answer a good input: one
session per page runs every case in turn, so a case that left the app broken fails the next one.
"""

from __future__ import annotations

import errno
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import finish_jobs, titles, unescaped
from tests.bad_cases import CATALOG_FILES, HISTORIES, ODD_CATALOGS, parquet_bytes
from vidrec_core.core.paths import REPO_ROOT
from vidrec_core.data.kept import KeptCatalogs

pytestmark = pytest.mark.app
TIMEOUT = 300
GOOD_CSV = b"title,overview\nStar Voyage,astronauts fly to a distant planet\nGhost Manor,a haunted house\n"


def open_app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "main.py"), default_timeout=TIMEOUT)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def studio() -> AppTest:
    return open_app()


@pytest.mark.parametrize("name", list(HISTORIES))
def test_bad_histories_in_the_studio(studio, name):
    text, expected = HISTORIES[name]
    studio.text_area(key="history_text").input(text).run()
    assert not studio.exception, studio.exception
    if expected == "empty":
        assert "The history is empty" in unescaped(studio.info)
        assert not titles(studio)
    else:
        assert len(titles(studio)) == 10
        understood = next(d.value for d in studio.dataframe if "matched video" in d.value.columns)
        assert 1 <= len(understood) <= 2000
    if name == "100,000 lines":
        assert "only the last 2,000 were used" in unescaped(studio.warning)
    if name == "one 1 MB line":
        assert "line shortened to 2000 characters" in understood.loc[0, "note"]
    # The same session still answers a good history.
    studio.text_area(key="history_text").input("Intersteller\nsearch: heist with a twist").run()
    assert not studio.exception, studio.exception
    assert len(titles(studio)) == 10 and "Why:" in unescaped(studio.markdown)


@pytest.fixture(scope="module")
def data_page() -> AppTest:
    return open_app("pages/data.py")


def _upload(at: AppTest, file_name: str, data: bytes) -> None:
    at.file_uploader(key="data_file").set_value((file_name, data, "application/octet-stream")).run()
    assert not at.exception, at.exception


@pytest.mark.parametrize("name", list(CATALOG_FILES))
def test_bad_catalog_files_on_the_data_page(data_page, name):
    file_name, data, message = CATALOG_FILES[name]
    _upload(data_page, file_name, data)
    if message is None:  # readable in a degraded way: it must say how much it read
        assert re.search(r"\d+ videos? ready", unescaped(data_page.success))
    else:
        errors = unescaped(data_page.error)
        assert re.search(message, errors), errors
        assert all(unescaped([e]).isprintable() for e in data_page.error)  # hidden bytes show as \xNN, never raw
    _upload(data_page, "good.csv", GOOD_CSV)
    assert "2 videos ready (from 2 rows)" in unescaped(data_page.success)


def test_an_unclosed_quote_is_explained_on_the_data_page(data_page):
    """The page says where the quote opens and what to do; pandas' own words are only under a label for engineers."""
    _upload(data_page, "quotes.csv", CATALOG_FILES["a quote never closed"][1])
    errors = unescaped(data_page.error)
    assert errors.startswith("Could not read quotes.csv: on line 4, the value in column 'overview' opens a double")
    assert "Add the closing quote" in errors
    shown = errors + unescaped(data_page.markdown) + unescaped(data_page.info) + unescaped(data_page.warning)
    assert not any(words in shown for words in ("C error", "Error tokenizing", "Traceback", "row 2"))
    details = next(e for e in data_page.expander if e.label == "Details for engineers")
    assert "Error tokenizing data. C error: EOF inside string starting at row 2" in details.code[0].value
    _upload(data_page, "good.csv", GOOD_CSV)
    assert "quotes.csv" not in unescaped(data_page.error)
    assert "2 videos ready (from 2 rows)" in unescaped(data_page.success)
    assert not any("Error tokenizing" in c.value for c in data_page.code)  # the page's one expander has no parser words


@pytest.mark.parametrize("name", list(ODD_CATALOGS))
def test_odd_catalogs_are_embedded_and_kept(data_page, name):
    _upload(data_page, f"{name}.parquet", parquet_bytes(ODD_CATALOGS[name]))
    assert re.search(r"\d+ videos? ready", unescaped(data_page.success))
    data_page.button(key="data_embed").click().run()
    finish_jobs(data_page)
    assert not data_page.exception, data_page.exception
    assert "is saved and embedded" in unescaped(data_page.success)
    assert any(k.name == name for k in KeptCatalogs().list())


def test_a_file_over_the_row_limit_names_the_limit(monkeypatch):
    monkeypatch.setenv("VIDREC_MAX_ROWS", "2")
    at = open_app("pages/data.py")
    _upload(at, "three.csv", b"title\nA\nB\nC\n")
    assert "the limit is 2 videos per catalog" in unescaped(at.error)
    assert "VIDREC_MAX_ROWS" not in unescaped(at.error)  # the setting is for engineers: in their expander
    assert "VIDREC_MAX_ROWS" in "\n".join(c.value for c in at.code)


@pytest.mark.parametrize(
    "query",
    [
        {"h": "A" * 400_000},  # gigantic (Streamlit itself drops query strings over 512 KiB, see below)
        {"h": "eJzt" + "A" * 15_000},  # looks compressed, unpacks to nothing sane
        {"k": "-3", "d": "inf", "s": "<img src=x onerror=alert(1)>"},
        {"zz": "x" * 50_000, "h": ""},
    ],
)
def test_malformed_or_gigantic_links(query):
    at = AppTest.from_file(str(REPO_ROOT / "main.py"), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    warnings = unescaped(at.warning)
    assert "shared link" in warnings and not re.search(r"(?<!\\)<img", "\n".join(w.value for w in at.warning))
    assert len(titles(at)) == 10  # the persona's list, as if there were no link


def test_a_link_beyond_streamlits_own_limit_opens_the_app_as_usual():
    at = AppTest.from_file(str(REPO_ROOT / "main.py"), default_timeout=TIMEOUT)
    at.query_params["h"] = "!" * 1_000_000  # Streamlit ignores it before vidrec sees it
    at.run()
    assert not at.exception, at.exception
    assert len(titles(at)) == 10


@pytest.mark.parametrize(
    "query", ["x" * 1_000_000, "\x00\x1b[31m", "🚀 星际 \u202eevil", "<img src=x onerror=alert(1)>", "   "]
)
def test_catalog_search_takes_any_text(query):
    at = open_app("pages/catalog.py")
    at.text_input[0].input(query).run()
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) >= 1


def test_compare_page_takes_a_hostile_history():
    at = open_app()
    at.text_area(key="history_text").input("\n".join(text for text, _ in list(HISTORIES.values())[4:11])).run()
    at.switch_page("pages/compare.py").run()
    assert not at.exception, at.exception
    assert len([d for d in at.dataframe if "metric" in d.value.columns]) == 2


@pytest.mark.usefixtures("unwritable_data_dir")
def test_read_only_data_folder_gets_messages_and_recommendations_still_work():
    at = open_app()
    assert len(titles(at)) == 10
    assert "Saved histories are unavailable" in unescaped(at.error)
    at.switch_page("pages/data.py").run()
    _upload(at, "good.csv", GOOD_CSV)
    at.button(key="data_embed").click().run()
    assert not at.exception, at.exception
    assert "Saving the catalog 'good' failed: the app's data folder cannot be written to" in unescaped(at.error)


def test_a_full_disk_while_saving_a_catalog_keeps_what_was_kept(monkeypatch):
    import pandas as pd

    at = open_app("pages/data.py")
    _upload(at, "first.csv", GOOD_CSV)
    finish_jobs(at.button(key="data_embed").click().run())
    assert [k.name for k in KeptCatalogs().list()] == ["first"]

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full_disk)
    _upload(at, "second.csv", GOOD_CSV.replace(b"Star", b"Moon"))
    at.button(key="data_embed").click().run()
    assert not at.exception, at.exception
    assert "No space left on device" in unescaped(at.error)
    assert [k.name for k in KeptCatalogs().list()] == ["first"]


def test_a_full_disk_while_embedding_says_the_vectors_were_not_kept(monkeypatch):
    import vidrec_core.embed.store as embed

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(embed, "write_embedding_file", full_disk)
    at = open_app("pages/data.py")
    _upload(at, "fresh.csv", b"title,overview\nZyx One,an unseen plot about zebras\nZyx Two,zebras again\n")
    finish_jobs(at.button(key="data_embed").click().run())
    assert not at.exception, at.exception
    flash = unescaped(at.success)
    assert "is saved and embedded (2 new" in flash and "could not be kept on disk (No space left on device" in flash
