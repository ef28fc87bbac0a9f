"""Hostile catalog text in a real browser, and two viewers at once."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import running_app
from vidrec_core.core.paths import REPO_ROOT

pytestmark = pytest.mark.e2e
HOSTILE = REPO_ROOT / "tests" / "data" / "hostile_catalog.csv"


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("hostile"), {"VIDREC_CATALOG": str(HOSTILE)}) as url:
        yield url


CATALOG_LINKS = "a[href*='evil.example'], a[href^='mailto:'], a[href^='javascript:']"


def no_links_from_catalog_text(page) -> None:
    """No element links anywhere the catalog's text points (bare URLs, www., e-mail addresses, javascript:)."""
    assert page.locator(CATALOG_LINKS).count() == 0, page.locator(CATALOG_LINKS).first.evaluate("e => e.outerHTML")


def test_hostile_catalog_renders_as_text_and_loads_nothing_outside(browser, hostile_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)
    origin = urlparse(hostile_server).netloc
    outside: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if urlparse(r.url).netloc not in (origin, "") else None)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(hostile_server)
    box = page.get_by_role("textbox", name="Viewing history, one event per line")
    box.fill("search: heist robbery twist\nsearch: astronauts on Mars\nsearch: pirate treasure http://evil.example/q")
    box.press("Control+Enter")
    expect(page.get_by_text("<img src=x onerror=alert(1)>").first).to_be_visible()
    expect(page.get_by_text("[click](javascript:alert(1))").first).to_be_visible()
    # Bare URLs and e-mail addresses in titles, overviews and explanations read as text, not links.
    expect(page.get_by_text(re.compile("Visit http:\u2060?//evil\\.example/watch now")).first).to_be_visible()
    expect(page.get_by_text(re.compile("write to bob@\u2060?evil\\.example")).first).to_be_visible()
    no_links_from_catalog_text(page)
    page.get_by_role("link", name="Compare A/B").click()
    expect(page.get_by_text(re.compile("Visit http:\u2060?//evil")).first).to_be_visible()
    no_links_from_catalog_text(page)
    page.get_by_role("link", name="Catalog").click()
    expect(page.get_by_text(re.compile(r"videos pass the filters"))).to_be_visible()
    no_links_from_catalog_text(page)
    page.get_by_role("link", name="Map & clusters").click()
    expect(page.get_by_text("Genre agreement")).to_be_visible()
    page.wait_for_timeout(1500)
    no_links_from_catalog_text(page)
    assert dialogs == [], f"a script ran: {dialogs}"
    assert outside == [], f"requests left the app's origin: {outside}"
    assert page.locator("img[src='x']").count() == 0
    context.close()


def test_two_viewers_never_see_each_others_edits(browser, app_server):
    first, second = browser.new_context(), browser.new_context()
    a, b = first.new_page(), second.new_page()
    for page in (a, b):
        page.set_default_timeout(120_000)
        page.goto(app_server)
        expect(page.get_by_text("Why:").first).to_be_visible()
    box_a = a.get_by_role("textbox", name="Viewing history, one event per line")
    box_b = b.get_by_role("textbox", name="Viewing history, one event per line")
    box_a.fill("Toy Story\nFinding Nemo")
    box_b.fill("The Conjuring\nInsidious")
    box_a.press("Control+Enter")
    box_b.press("Control+Enter")
    expect(a.get_by_text(re.compile("because [^;]*(Toy Story|Finding Nemo)")).first).to_be_visible()
    expect(b.get_by_text(re.compile("because [^;]*(The Conjuring|Insidious)")).first).to_be_visible()
    a.reload()
    b.reload()
    expect(a.get_by_text(re.compile("because [^;]*(Toy Story|Finding Nemo)")).first).to_be_visible()
    expect(box_a).to_have_value("Toy Story\nFinding Nemo")
    expect(box_b).to_have_value("The Conjuring\nInsidious")
    assert a.get_by_text(re.compile("because [^;]*(The Conjuring|Insidious)")).count() == 0
    assert b.get_by_text(re.compile("because [^;]*(Toy Story|Finding Nemo)")).count() == 0
    first.close()
    second.close()


def test_a_page_url_opened_first_on_a_fresh_server_keeps_the_app_around_it(browser, tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("fresh")) as url:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(120_000)
        page.goto(f"{url}/clusters")
        expect(page.get_by_text("Genre agreement")).to_be_visible()
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text("Language model", exact=True)).to_be_visible()  # the app's sidebar is there
        expect(page.get_by_role("link", name="Map & clusters")).to_be_visible()  # and its navigation
        assert page.get_by_role("link", name="clusters", exact=True).count() == 0  # not the file-name fallback
        context.close()
