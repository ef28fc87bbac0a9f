"""Catalog text that looks like HTML, markdown or a formula is shown literally, never interpreted."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from vidrec_core.core.paths import REPO_ROOT
from vidrec_ui.text import md_escape

pytestmark = pytest.mark.app
HOSTILE = REPO_ROOT / "tests" / "data" / "hostile_catalog.csv"


@pytest.mark.parametrize(
    "text",
    [
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "![](http://example.invalid/t.png)",
        "$x^2$ :red[alert] **bold**",
        "<script>alert(2)</script>",
    ],
)
def test_markdown_escape_leaves_no_active_syntax(text):
    escaped = md_escape(text)
    # Every character markdown, HTML, LaTeX or Streamlit directives could act on is backslash-escaped.
    assert not re.search(r"(?<!\\)[<>\[\]()!*_`$:&=]", escaped), escaped


def test_hostile_catalog_renders_literally(monkeypatch):
    monkeypatch.setenv("VIDREC_CATALOG", str(HOSTILE))
    at = AppTest.from_file(str(REPO_ROOT / "main.py"), default_timeout=180)
    at.run()
    assert not at.exception
    at.text_area(key="history_text").input("search: heist robbery\nsearch: astronauts on Mars").run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert r"\<img src\=x onerror\=alert\(1\)\>" in text
    assert r"\[click\]\(javascript\:alert\(1\)\)" in text
    assert not re.search(r"(?<!\\)<img|(?<!\\)\]\(javascript|(?<!\\)!\[", text)


# What Streamlit's markdown (remark-gfm) turns into a link from plain text, after parsing: bare URLs and e-mails.
AUTOLINK = re.compile(r"(https?://|www(?=\.))[-.\w]+|[-.\w+]+@[-\w]+(?:\.[-\w]+)+", re.IGNORECASE)


def test_bare_urls_and_emails_in_catalog_text_are_not_links(monkeypatch):
    monkeypatch.setenv("VIDREC_CATALOG", str(HOSTILE))
    at = AppTest.from_file(str(REPO_ROOT / "main.py"), default_timeout=180)
    at.run()
    at.text_area(key="history_text").input("search: pirate treasure\nsearch: https://evil.example/q").run()
    assert not at.exception, at.exception
    shown = [re.sub(r"\\(.)", r"\1", str(e.value)) for e in [*at.markdown, *at.caption]]
    text = "\n".join(shown)
    assert not AUTOLINK.search(text), AUTOLINK.search(text)  # nothing markdown could make a link of
    readable = text.replace("\u2060", "")  # the invisible word joiners that break the patterns
    assert "Visit http://evil.example/watch now" in readable
    assert "www.evil.example presents" in readable
    assert "write to bob@evil.example" in readable
    # The map's hover labels and legend are plotly's HTML subset: escaped, so no <a href> either.
    at.switch_page("pages/clusters.py").run()
    assert not at.exception, at.exception
    labels = json.dumps(json.loads(at.get("plotly_chart")[0].proto.spec), ensure_ascii=False)
    assert "Visit http://evil.example/watch now" in labels
    assert "<a" not in labels.lower() and "href" not in labels and "&lt;img src=x" in labels


@pytest.mark.parametrize(
    "text",
    ["see http://evil.example/x", "HTTPS://EVIL.EXAMPLE", "www.evil.example", "WWW.Evil.Example", "bob@evil.example"],
)
def test_md_escape_breaks_every_autolink_pattern(text):
    shown = re.sub(r"\\(.)", r"\1", md_escape(text))
    assert not AUTOLINK.search(shown)
    assert shown.replace("\u2060", "") == text
