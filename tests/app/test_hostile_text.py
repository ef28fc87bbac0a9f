"""Catalog text that looks like HTML, markdown or a formula is shown literally, never interpreted."""

from __future__ import annotations

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
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=180)
    at.run()
    assert not at.exception
    at.text_area(key="history_text").input("search: heist robbery\nsearch: astronauts on Mars").run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert r"\<img src\=x onerror\=alert\(1\)\>" in text
    assert r"\[click\]\(javascript\:alert\(1\)\)" in text
    assert not re.search(r"(?<!\\)<img|(?<!\\)\]\(javascript|(?<!\\)!\[", text)
