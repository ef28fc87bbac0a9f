"""The map in a real browser: it opens from the shipped projection, and a box drag lists the videos inside."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e
SCREENSHOT = os.environ.get("VIDREC_MAP_SCREENSHOT")


def open_map(page: Page, app_server: str):
    page.goto(f"{app_server}/clusters")
    expect(page.get_by_text("all 4,803 videos drawn with WebGL")).to_be_visible()
    drag_layer = page.locator(".js-plotly-plot .nsewdrag").first
    expect(drag_layer).to_be_visible()
    return drag_layer


def test_box_select_on_the_map_fills_the_selected_table(page: Page, app_server: str):
    drag_layer = open_map(page, app_server)
    expect(page.get_by_role("heading", name="Clusters", exact=True)).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).to_have_count(1)  # the cluster summary
    if SCREENSHOT:
        page.wait_for_timeout(1500)
        page.screenshot(path=SCREENSHOT, full_page=True)

    box = drag_layer.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.25)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.65, steps=12)
    page.mouse.up()

    heading = page.get_by_text(re.compile(r"^\d+ videos selected on the map$"))
    expect(heading).to_be_visible()
    selected = int(heading.inner_text().split()[0])
    assert selected > 10
    expect(page.get_by_test_id("stDataFrame")).to_have_count(2)
    expect(page.get_by_role("button", name="Select rows to add them to the history")).to_be_disabled()


def test_search_highlight_appears_in_the_legend(page: Page, app_server: str):
    open_map(page, app_server)
    search = page.get_by_role("textbox", name="Highlight by meaning")
    search.fill("astronauts stranded on Mars")
    search.press("Enter")
    expect(page.get_by_text(re.compile(r"\d+ videos ringed for the search"))).to_be_visible()
    expect(page.locator(".legendtext", has_text="search: astronauts")).to_have_count(1)


def test_the_sample_map_shows_demand_beside_what_the_catalog_holds(page: Page, app_server: str):
    open_map(page, app_server)
    expect(page.get_by_role("heading", name="What people watch")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Thin supply:"))).to_be_visible()
    expect(page.locator(".legendtext", has_text="share of viewing")).to_have_count(1)
    table = page.get_by_test_id("stDataFrame").first
    expect(table).to_contain_text("share of viewing")  # the column header, beside the catalog share
    expect(table).to_contain_text("share of catalog")
    demand_screenshot = os.environ.get("VIDREC_DEMAND_SCREENSHOT")
    if demand_screenshot:
        page.get_by_role("heading", name="What people watch").scroll_into_view_if_needed()
        page.wait_for_timeout(1500)
        page.screenshot(path=demand_screenshot, full_page=True)


def test_a_group_picked_in_the_table_opens_into_its_parts(page: Page, app_server: str):
    open_map(page, app_server)
    table = page.get_by_test_id("stDataFrame").first
    table.scroll_into_view_if_needed()
    expect(table).to_contain_text("representative titles")
    box = table.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 14, box["y"] + 35 + 17)  # the first row's selection cell, under the header
    expect(page.get_by_text(re.compile(r"opens into \d parts"))).to_be_visible()
    expect(page.locator(".legendtext", has_text="part names")).to_have_count(1)


def test_a_typed_new_video_lands_on_the_map_with_an_audience(page: Page, app_server: str):
    open_map(page, app_server)
    page.get_by_role("textbox", name="Title").fill("Red Planet Rescue")
    page.get_by_role("textbox", name="Description").fill(
        "A science fiction space adventure: astronauts stranded on Mars fight aliens to survive until rescue arrives."
    )
    page.get_by_role("button", name="Find its audience").click()
    expect(page.get_by_text("is on the map as a green star")).to_be_visible(timeout=240_000)
    expect(page.locator(".legendtext", has_text="new video")).to_have_count(1)
    expect(page.get_by_text(re.compile(r"^Nearest group:"))).to_be_visible()
    audience = page.get_by_test_id("stMetric").filter(has_text="Likely audience")
    expect(audience).to_contain_text(re.compile(r"[1-9][\d,]* of [\d,]+ viewers"))
