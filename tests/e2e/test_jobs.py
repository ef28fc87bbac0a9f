"""Server-side jobs in a real browser: an embedding outlives the tab that started it, and another tab can cancel it.

The catalog is large enough (1,200 videos, about half a minute with MiniLM on two cores) that the job is still
running when the first tab closes; every check waits for what the page shows, never for a time.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import started_app
from tests.e2e.test_crash import WORDS, open_page
from vidrec_core.data.kept import KeptCatalogs

pytestmark = pytest.mark.e2e
ROWS = 1200


def catalog_csv() -> str:
    rows = [
        f"Job Show {i},part {i} of a long story about a {WORDS[i % 12]}, a {WORDS[(i * 5) % 12]} and a "
        f"{WORDS[(i * 7) % 12]} seen from {i * 17} metres away by a travelling crew"
        for i in range(ROWS)
    ]
    return "title,overview\n" + "\n".join(rows) + "\n"


def start_embedding(page: Page, url: str, upload) -> None:
    """Open the Data page, upload the catalog and press Embed and save; return once its progress shows."""
    page.goto(url)
    expect(page.get_by_text("Recommended for this history")).to_be_visible()
    page.get_by_role("link", name="Data").click()
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(upload))
    expect(page.get_by_text(f"{ROWS:,} videos ready (from {ROWS:,} rows).")).to_be_visible()
    page.get_by_role("button", name="Embed and save").click()
    expect(progress_of(page, upload.stem)).to_be_visible()


def progress_of(page: Page, name: str):
    """The job's progress line on the page (the sidebar has one too), while it is under way:
    'Embedding 'name': 256 / 1,200 videos · …'."""
    return page.get_by_test_id("stMain").get_by_text(re.compile(rf"Embedding '{name}': [1-9][\d,]* / {ROWS:,} videos"))


def open_data_page(browser, url: str) -> tuple[object, Page]:
    context, page = open_page(browser)
    page.goto(url)
    expect(page.get_by_text("Recommended for this history")).to_be_visible()
    page.get_by_role("link", name="Data").click()
    expect(page.get_by_role("heading", name="Kept catalogs")).to_be_visible()
    return context, page


@pytest.fixture
def setup(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    monkeypatch.setenv("VIDREC_DATA_DIR", str(data_dir))  # KeptCatalogs() below reads the server's folder
    return data_dir, tmp_path


def test_the_embedding_goes_on_after_its_tab_closes_and_a_new_tab_sees_it_finish(browser, setup):
    data_dir, tmp_path = setup
    upload = tmp_path / "tab_closed.csv"
    upload.write_text(catalog_csv(), encoding="utf-8")
    with started_app(data_dir) as (url, _):
        first, page = open_page(browser)
        start_embedding(page, url, upload)
        first.close()  # the tab that started the job is gone, mid-job
        (kept,) = KeptCatalogs().list()
        assert not kept.is_embedded("minilm")

        second, page = open_data_page(browser, url)
        expect(progress_of(page, "tab_closed")).to_be_visible()  # a new tab sees the job's progress
        expect(page.get_by_test_id("stMain").get_by_text(re.compile(r" per second · about .+ left$"))).to_be_visible()
        # ... and then, with nothing pressed, the finished catalog.
        done = page.get_by_text(re.compile(rf"'tab_closed' is saved and embedded \({ROWS:,} new, 0 already known\)"))
        expect(done).to_be_visible()
        expect(page.get_by_role("button", name="Use in the app")).to_be_visible()
        assert KeptCatalogs().list()[0].is_embedded("minilm")
        second.close()


def test_cancel_from_another_tab_stops_the_job_and_both_tabs_say_so(browser, setup):
    data_dir, tmp_path = setup
    upload = tmp_path / "cancelled_elsewhere.csv"
    upload.write_text(catalog_csv(), encoding="utf-8")
    with started_app(data_dir) as (url, _):
        first, starter = open_page(browser)
        start_embedding(starter, url, upload)

        second, other = open_data_page(browser, url)
        expect(progress_of(other, "cancelled_elsewhere")).to_be_visible()
        other.get_by_role("button", name="Cancel", exact=True).click()
        said = re.compile(rf"Embedding of 'cancelled_elsewhere' cancelled after [\d,]+ of {ROWS:,} videos")
        expect(other.get_by_text(said)).to_be_visible()
        expect(starter.get_by_text(said)).to_be_visible()  # the tab that started it learns it without a click
        (kept,) = KeptCatalogs().list()
        assert not kept.is_embedded("minilm")
        done = int(re.search(r"after ([\d,]+) of", starter.get_by_text(said).inner_text()).group(1).replace(",", ""))
        assert 0 <= done < ROWS
        expect(other.get_by_role("button", name="Embed (resumes where it stopped)")).to_be_visible()
        first.close()
        second.close()
