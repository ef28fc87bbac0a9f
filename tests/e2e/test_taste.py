"""Lists a person believes, in a real browser: two unrelated tastes both get seats, each labelled, and a search for
a genre the history never touches brings at least three picks of it, each citing the search."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def cards(page: Page):
    """The recommendation cards, once the list is drawn."""
    expect(page.get_by_text("Why:")).to_have_count(10)
    return page.get_by_test_id("stVerticalBlockBorderWrapper").filter(has_text="Why:")


def test_two_unrelated_tastes_both_get_seats_each_labelled(page: Page, app_server: str):
    page.goto(app_server)
    page.get_by_test_id("stSelectbox").filter(has_text="Sample persona").click()
    page.get_by_role("option", name="Two unrelated tastes").click()
    romance = page.get_by_text("For your taste “The Notebook + Pride & Prejudice”")
    horror = page.get_by_text("For your taste “The Conjuring + Insidious”")
    expect(romance.first).to_be_visible()
    expect(horror.first).to_be_visible()
    assert romance.count() >= 3 and horror.count() >= 3
    listed = cards(page)
    texts = [listed.nth(i).inner_text() for i in range(listed.count())]
    assert sum("Romance" in t for t in texts) >= 3 and sum("Horror" in t for t in texts) >= 3


def test_a_search_for_a_genre_the_history_lacks_brings_three_picks_that_cite_it(page: Page, app_server: str):
    page.goto(app_server)
    box = page.get_by_role("textbox", name="Viewing history, one event per line")
    box.fill("Toy Story\nFinding Nemo\nShrek\nUp\nsearch: westerns")
    box.press("Control+Enter")
    answered = page.get_by_text("Answers your search “westerns”")
    expect(answered.first).to_be_visible()
    listed = cards(page)
    citing = [
        listed.nth(i).inner_text()
        for i in range(listed.count())
        if "matches your search “westerns”" in listed.nth(i).inner_text()
    ]
    assert len(citing) >= 3
    assert all(re.search(r"\bWestern\b", text) for text in citing), citing
    expect(page.get_by_text(re.compile(r"Answering your searches: \d+ pick\(s\) for “westerns”"))).to_be_visible()
