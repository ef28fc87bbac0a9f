"""Show catalog and user text as plain text inside Streamlit markdown: nothing in it may become a link,
an image, HTML, LaTeX or a colour directive."""

from __future__ import annotations

import re

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'^])")


def md_escape(text: object) -> str:
    """Backslash-escape every markdown-active character and fold newlines, so the text renders literally."""
    value = " ".join(str(text).split())
    return _MARKDOWN_SPECIALS.sub(r"\\\1", value)
