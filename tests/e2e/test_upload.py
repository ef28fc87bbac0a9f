"""Bring your own catalog in a real browser: upload a small CSV, map its columns, embed it, see its map."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

# "Headline" is no known title name, so the title column must be mapped by hand.
ROWS = [
    ("Star Voyage", "astronauts fly a rocket to a distant planet", "space"),
    ("Orbit Rescue", "astronauts rescue the crew of a broken space station", "space"),
    ("Mars Base", "a colony of astronauts survives on the planet Mars", "space"),
    ("Moon Walk", "two astronauts explore the far side of the moon", "space"),
    ("Ghost Manor", "a haunted house full of ghosts screaming at night", "horror"),
    ("The Cellar", "ghosts and a demon hide in a haunted cellar", "horror"),
    ("Night Whispers", "a demon possesses a girl and the night turns to terror", "horror"),
    ("Dark Hall", "a haunted school where ghosts walk the halls", "horror"),
    ("Paris Hearts", "a love story and a wedding in Paris", "romance"),
    ("Summer Letters", "love letters and a summer romance by the sea", "romance"),
    ("Wedding Season", "a bride and a groom fall in love before the wedding", "romance"),
    ("First Kiss", "two teenagers fall in love at a summer camp", "romance"),
]
CSV = "Headline,Synopsis,Category\n" + "".join(f"{t},{d},{g}\n" for t, d, g in ROWS)


def choose(page: Page, label: str, option: str) -> None:
    """Open a selectbox and pick an option; a rerun that lands mid-click closes the list, so try again."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label)
    for _ in range(5):
        page.wait_for_timeout(500)
        box.click()
        item = page.get_by_role("option", name=option, exact=True)
        try:
            item.click(timeout=5_000)
            return
        except Exception:
            page.keyboard.press("Escape")
    raise AssertionError(f"could not choose {option!r} in {label!r}")


def test_upload_map_embed_and_see_the_map(page: Page, app_server: str, tmp_path):
    path = tmp_path / "my_shows.csv"
    path.write_text(CSV, encoding="utf-8")
    # Opened through the app's navigation: a first visit straight to /data ran the page without the sidebar.
    page.goto(app_server)
    expect(page.get_by_text("Recommended for this history")).to_be_visible()
    page.get_by_role("link", name="Data").click()
    expect(page.get_by_role("heading", name="Upload a catalog")).to_be_visible()
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
    expect(page.get_by_text("Read 12 rows and 3 columns from my_shows.csv")).to_be_visible()
    expect(page.get_by_text("Choose the column that holds the titles")).to_be_visible()

    choose(page, "Title (required)", "Headline")
    expect(page.get_by_text("12 videos ready (from 12 rows).")).to_be_visible()
    page.get_by_role("button", name="Embed and save").click()
    expect(page.get_by_text(re.compile(r"'my_shows' is saved and embedded \(12 new"))).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(re.compile(r"^12 videos · 3 genres$"))).to_be_visible()

    page.get_by_role("link", name="Map & clusters").click()
    expect(page.get_by_text("all 12 videos drawn with WebGL")).to_be_visible(timeout=240_000)
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    expect(page.get_by_role("heading", name="Clusters", exact=True)).to_be_visible()
