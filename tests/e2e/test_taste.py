"""Lists a person believes, in a real browser: two unrelated tastes both get seats, each labelled, and a search for
a genre the history never touches brings at least three picks of it, each citing the search."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def genre_lines(page: Page, genre: str):
    """The cards' genre captions ("Drama, Romance · 87% match") that name `genre`."""
    expect(page.get_by_text("Why:")).to_have_count(10)
    return page.get_by_text(re.compile(rf"\b{genre}\b[^·]* · \d+% match"))


def test_two_unrelated_tastes_both_get_seats_each_labelled(page: Page, app_server: str):
    page.goto(app_server)
    page.get_by_test_id("stSelectbox").filter(has_text="Sample persona").click()
    page.get_by_role("option", name="Two unrelated tastes").click()
    romance = page.get_by_text("For your taste “The Notebook + Pride & Prejudice”")
    horror = page.get_by_text("For your taste “The Conjuring + Insidious”")
    expect(romance.first).to_be_visible()
    expect(horror.first).to_be_visible()
    assert romance.count() >= 3 and horror.count() >= 3
    assert genre_lines(page, "Romance").count() >= 3 and genre_lines(page, "Horror").count() >= 3


def test_a_search_for_a_genre_the_history_lacks_brings_three_picks_that_cite_it(page: Page, app_server: str):
    page.goto(app_server)
    box = page.get_by_role("textbox", name="Viewing history, one event per line")
    box.fill("Toy Story\nFinding Nemo\nShrek\nUp\nsearch: westerns")
    box.press("Control+Enter")
    answered = page.get_by_text("Answers your search “westerns”")
    expect(answered.first).to_be_visible()
    assert answered.count() >= 3
    # each of them says what matched: the genre the search names
    assert page.get_by_text(re.compile(r"because matches your search “westerns” \(Western\)")).count() >= 3
    assert genre_lines(page, "Western").count() >= 3
    expect(page.get_by_text(re.compile(r"Answering your searches: \d+ pick\(s\) for “westerns”"))).to_be_visible()
