"""The first minute of the demo, in chromium: a title the catalog lacks is said at its line and fixed in one click,
the persona label follows the history, and a catalog switch says what became of the history."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

HISTORY_BOX = "Viewing history, one event per line"


def type_history(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name=HISTORY_BOX)
    box.fill(text)
    box.press("Control+Enter")


def persona_box(page: Page):
    """The persona picker's shown choice (an input holding the chosen label)."""
    return page.get_by_role("combobox", name="Sample persona")


def test_an_unmatched_title_is_said_at_its_line_and_one_click_fixes_it(page: Page, app_server: str):
    page.goto(app_server)
    expect(page.get_by_text("Recommended for this history")).to_be_visible()
    type_history(page, "Interstellar\nlike: Godfather | 2")
    said = page.get_by_text("Line 2: “Godfather” is not in this catalog, so it was read as an interest. Did you mean:")
    expect(said).to_be_visible()
    page.get_by_role("button", name="The Godfather (1972)", exact=True).click()
    box = page.get_by_role("textbox", name=HISTORY_BOX)
    expect(box).to_have_value("Interstellar\nlike: The Godfather (1972) | 2")
    expect(said).to_have_count(0)
    expect(page.get_by_text(re.compile(r"because .*The Godfather \(1972\)")).first).to_be_visible()


def test_the_persona_label_follows_an_edit_and_a_replaced_history(page: Page, app_server: str):
    page.goto(app_server)
    expect(persona_box(page)).to_have_value("Space sci-fi fan")
    box = page.get_by_role("textbox", name=HISTORY_BOX)
    expect(box).not_to_have_value("")
    type_history(page, box.input_value() + "\nToy Story")
    expect(persona_box(page)).to_have_value("Your history, from Space sci-fi fan")
    type_history(page, "Heat\nRonin\nThe Italian Job")
    expect(persona_box(page)).to_have_value("— your own history —")


ROWS = [
    ("Interstellar", "astronauts cross a wormhole to find a new home for humanity", "Science Fiction"),
    ("Interstellar", "astronauts cross a wormhole to find a new home for humanity", "Science Fiction"),
    ("Orbit Rescue", "astronauts rescue the crew of a broken space station", "Science Fiction"),
    ("Mars Base", "a colony of astronauts survives on the planet Mars", "Science Fiction"),
    ("Moon Walk", "two astronauts explore the far side of the moon", "Science Fiction"),
    ("Ghost Manor", "a haunted house full of ghosts screaming at night", "Horror"),
    ("The Cellar", "ghosts and a demon hide in a haunted cellar", "Horror"),
    ("Paris Hearts", "a love story and a wedding in Paris", "Romance"),
]


def test_a_catalog_switch_is_said_and_a_second_row_of_a_watched_title_is_not_recommended(
    page: Page, app_server: str, tmp_path
):
    path = tmp_path / "twins.csv"
    path.write_text("title,overview,genres\n" + "".join(f"{t},{d},{g}\n" for t, d, g in ROWS), encoding="utf-8")
    page.goto(app_server)
    expect(persona_box(page)).to_have_value("Space sci-fi fan")
    page.get_by_role("link", name="Data").click()
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
    expect(page.get_by_text("8 videos ready (from 8 rows).")).to_be_visible()
    page.get_by_role("button", name="Embed and save").click()
    expect(page.get_by_text(re.compile(r"'twins' is saved and embedded"))).to_be_visible()
    page.get_by_role("link", name="Recommend").click()
    # The space persona's history came along: said once, with the titles this catalog lacks named.
    expect(page.get_by_text(re.compile(r"Switched to twins: your history was kept and read again"))).to_be_visible()
    expect(persona_box(page)).to_have_value("Your history, from Space sci-fi fan")

    type_history(page, "Interstellar")
    expect(page.get_by_text("Why:")).to_have_count(6)  # 8 videos, both rows of the watched title left out
    headings = page.get_by_text(re.compile(r"^\d+\. "))
    assert not any("Interstellar" in h for h in headings.all_inner_texts())
