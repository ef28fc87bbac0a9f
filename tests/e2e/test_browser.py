"""The main journeys in a real browser: pick a persona, type a history, search the catalog."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def recommendation_titles(page: Page, expected: int = 10) -> list[str]:
    """The titles of the listed recommendations, once all of them carry a reason."""
    expect(page.get_by_text("Why:")).to_have_count(expected)
    titles = page.locator("strong").filter(has_text=re.compile(r"^\d+\. "))
    expect(titles).to_have_count(expected)
    return titles.all_inner_texts()


def test_persona_gives_recommendations(page: Page, app_server: str):
    page.goto(app_server)
    expect(page.get_by_text("Recommended for this history")).to_be_visible()
    first = recommendation_titles(page)

    page.get_by_test_id("stSelectbox").filter(has_text="Sample persona").click()
    page.get_by_role("option", name="Horror fan").click()
    horror_reason = re.compile(r"because [^;]*(Insidious|The Conjuring|Sinister|The Exorcist|The Shining)")
    expect(page.get_by_text(horror_reason).first).to_be_visible()
    assert recommendation_titles(page) != first


def test_typed_history_is_answered(page: Page, app_server: str):
    page.goto(app_server)
    box = page.get_by_role("textbox", name="Viewing history, one event per line")
    box.fill("Intersteller\nsearch: animated movies about toys")
    box.press("Control+Enter")
    expect(page.get_by_text("Interstellar (2014)").first).to_be_visible()
    expect(page.get_by_text(re.compile("(matches|close in meaning to) your search")).first).to_be_visible()


def test_catalog_search(page: Page, app_server: str):
    page.goto(f"{app_server}/catalog")
    search = page.get_by_role("textbox", name="Search by meaning")
    search.fill("astronauts stranded on Mars")
    search.press("Enter")
    expect(page.get_by_text(re.compile(r"\d+ closest matches"))).to_be_visible()


def test_editing_the_history_changes_the_list_and_survives_navigation(page: Page, app_server: str):
    page.goto(app_server)
    before = recommendation_titles(page)
    box = page.get_by_role("textbox", name="Viewing history, one event per line")
    box.fill("Toy Story\nFinding Nemo\nsearch: animated fish")
    box.press("Control+Enter")
    # a reason only the new history can give (the persona's list also cites a search of its own)
    new_reason = re.compile(r"because [^;]*(Toy Story|Finding Nemo|your search “animated fish”)")
    expect(page.get_by_text(new_reason).first).to_be_visible()
    after = recommendation_titles(page)
    assert after != before

    page.get_by_role("button", name="Watched it").first.click()
    walked = after[0].split(". ", 1)[1]
    expect(box).to_have_value(re.compile(re.escape(walked) + r" \(\d{4}\)$"))

    page.get_by_role("link", name="Catalog").click()
    expect(page.get_by_role("textbox", name="Search by meaning")).to_be_visible()
    page.get_by_role("link", name="Recommend").click()
    expect(page.get_by_role("textbox", name="Viewing history, one event per line")).to_have_value(
        re.compile(r"^Toy Story\nFinding Nemo\nsearch: animated fish\n")
    )
