"""Nothing lost: kill -9 the server in the middle of an embedding job (or press Cancel), and everything saved is there.

The journey a person would take: save a history, upload a catalog, press Embed, and the server dies mid-way. After
the restart the saved history loads, the database passes its integrity check, the kept catalog is listed as not
finished, and pressing Embed resumes: the chunks finished before the kill are not embedded again.
"""

from __future__ import annotations

import os
import re
import signal
import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import started_app, wait_until_still
from vidrec_core.data.kept import KeptCatalogs
from vidrec_core.saved.histories import SavedHistories

pytestmark = pytest.mark.e2e
ROWS = 700
HISTORY = "Alien\nsearch: a crew stranded in deep space"
WORDS = [
    "harbour",
    "violin",
    "glacier",
    "orchard",
    "lantern",
    "comet",
    "meadow",
    "falcon",
    "canyon",
    "ember",
    "quartz",
    "willow",
]


def catalog_csv() -> str:
    rows = [
        f"Crash Show {i},episode {i} of a story about a {WORDS[i % 12]} and a {WORDS[(i * 7) % 12]} near {i * 13}"
        for i in range(ROWS)
    ]
    return "title,overview\n" + "\n".join(rows) + "\n"


def open_page(browser) -> tuple[object, Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(180_000)
    return context, page


def save_history(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_text("Recommended for this history")).to_be_visible()
    box = page.get_by_role("textbox", name="Viewing history, one event per line")
    box.fill(HISTORY)
    box.press("Control+Enter")
    expect(page.get_by_text(re.compile("close in meaning to your search")).first).to_be_visible()
    quiet(page)
    page.get_by_text("Saved histories", exact=True).click()
    page.get_by_role("textbox", name="Save the current history as").fill("Before the crash")
    click_until(page, page.get_by_role("button", name="Save", exact=True), "Saved “Before the crash”")


def quiet(page: Page) -> None:
    """Wait until the language model is in (its note gone: the page reruns once more when it is) and the app has
    stopped running for a second. Mid-rerun the page can show an element twice, its old place and its new one."""
    expect(page.get_by_text("Loading the language model")).to_have_count(0, timeout=240_000)
    wait_until_still(page)


def click_until(page: Page, button, shown: str, tries: int = 3) -> None:
    """Click and wait for the confirmation; a rerun that lands mid-click can swallow the click, so try again."""
    for _ in range(tries):
        page.wait_for_timeout(500)
        button.click()
        try:
            expect(page.get_by_text(shown)).to_be_visible(timeout=20_000)
            return
        except AssertionError:
            continue
    raise AssertionError(f"no {shown!r} after {tries} clicks")


def load_saved_history(page: Page, tries: int = 3) -> None:
    """Open "Saved histories" and press Load until the text box holds the saved history (a rerun that lands
    mid-click can swallow the click or fold the expander)."""
    box = page.get_by_role("textbox", name="Viewing history, one event per line")
    load = page.get_by_role("button", name="Load", exact=True)
    for _ in range(tries):
        quiet(page)
        if not load.is_visible():
            page.get_by_text("Saved histories", exact=True).click()
        load.click()
        try:
            expect(box).to_have_count(1, timeout=20_000)  # the run has finished replacing the page
            expect(box).to_have_value(HISTORY, timeout=20_000)
            return
        except AssertionError:
            continue
    raise AssertionError("the saved history did not load")


def wait_for_first_chunk(data_dir, timeout: float = 240) -> None:
    """The embedding job has written at least one chunk of vectors (a shard) to the store."""
    shards = data_dir / "cache" / "embeddings"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(shards.rglob("*.npz")):
            return
        time.sleep(0.1)
    raise AssertionError("the embedding job wrote no chunk")


def test_kill_9_mid_embedding_then_restart_keeps_everything(browser, tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    monkeypatch.setenv("VIDREC_DATA_DIR", str(data_dir))  # the stores below read the server's folder
    upload = tmp_path / "crash_shows.csv"
    upload.write_text(catalog_csv(), encoding="utf-8")

    context, page = open_page(browser)
    with started_app(data_dir) as (url, server):
        save_history(page, url)
        page.get_by_role("link", name="Data").click()
        page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(upload))
        expect(page.get_by_text(f"{ROWS} videos ready (from {ROWS} rows).")).to_be_visible()
        page.get_by_role("button", name="Embed and save").click()
        wait_for_first_chunk(data_dir)
        os.kill(server.pid, signal.SIGKILL)  # kill -9, mid-job
        server.wait()
    context.close()

    histories = SavedHistories()
    assert histories.integrity_ok()
    assert histories.load("Before the crash").text == HISTORY
    (kept,) = KeptCatalogs().list()
    assert kept.name == "crash_shows" and kept.rows == ROWS and not kept.is_embedded("minilm")

    context, page = open_page(browser)
    with started_app(data_dir) as (url, _):
        page.goto(url)
        expect(page.get_by_text("Recommended for this history")).to_be_visible()
        load_saved_history(page)

        page.get_by_role("link", name="Data").click()
        page.get_by_role("button", name="Embed (resumes where it stopped)").click()
        done = page.get_by_text(re.compile(r"'crash_shows' is saved and embedded \(\d+ new, \d+ already known\)"))
        expect(done).to_be_visible()
        new, known = map(int, re.search(r"\((\d+) new, (\d+) already known\)", done.inner_text()).groups())
        print(f"after the kill: {known} videos already embedded, {new} embedded on resume")
        assert new + known == ROWS and known >= 128  # the chunks finished before the kill were kept
    context.close()
    assert SavedHistories().integrity_ok()
    assert KeptCatalogs().list()[0].is_embedded("minilm")


def test_cancel_stops_embedding_and_embed_resumes_where_it_stopped(browser, tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    monkeypatch.setenv("VIDREC_DATA_DIR", str(data_dir))
    upload = tmp_path / "cancel_shows.csv"
    upload.write_text(catalog_csv(), encoding="utf-8")
    context, page = open_page(browser)
    with started_app(data_dir) as (url, _):
        page.goto(url)
        expect(page.get_by_text("Recommended for this history")).to_be_visible()
        page.get_by_role("link", name="Data").click()
        page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(upload))
        expect(page.get_by_text(f"{ROWS} videos ready (from {ROWS} rows).")).to_be_visible()
        page.get_by_role("button", name="Embed and save").click()
        progress = re.compile(rf"Embedding 'cancel_shows': [1-9][\d,]* / {ROWS} videos")
        expect(page.get_by_test_id("stMain").get_by_text(progress)).to_be_visible()
        page.get_by_role("button", name="Cancel", exact=True).click()
        cancelled = page.get_by_text(re.compile(rf"Embedding of 'cancel_shows' cancelled after \d+ of {ROWS} videos"))
        expect(cancelled).to_be_visible()
        (kept,) = KeptCatalogs().list()
        assert not kept.is_embedded("minilm")
        page.get_by_role("button", name="Embed (resumes where it stopped)").click()
        done = page.get_by_text(re.compile(r"'cancel_shows' is saved and embedded \(\d+ new, \d+ already known\)"))
        expect(done).to_be_visible()
        new, known = map(int, re.search(r"\((\d+) new, (\d+) already known\)", done.inner_text()).groups())
        print(f"after Cancel: {known} videos already embedded, {new} embedded on resume")
        assert new + known == ROWS and known >= 128
    context.close()
    assert KeptCatalogs().list()[0].is_embedded("minilm")
