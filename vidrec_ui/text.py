"""Show catalog and user text as plain text inside Streamlit markdown: nothing in it may become a link,
an image, HTML, LaTeX or a colour directive."""

from __future__ import annotations

import html
import re

from vidrec_core.core.plaintext import visible

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'^])")


def md_escape(text: object) -> str:
    """Backslash-escape every markdown-active character and fold newlines, so the text renders literally."""
    value = visible(text)
    return _MARKDOWN_SPECIALS.sub(r"\\\1", value)


def hover_escape(text: object, limit: int | None = None) -> str:
    """Plain text for plotly hover labels and map text, which render a subset of HTML: fold whitespace, shorten
    to `limit` characters (with an ellipsis) and escape `<`, `>`, `&` and quotes."""
    value = visible(text)
    if limit is not None and len(value) > limit:
        value = value[: max(limit - 1, 0)].rstrip() + "…"
    return html.escape(value, quote=True)
