"""Show catalog and user text as plain text inside Streamlit markdown: nothing in it may become a link (a bare
URL or e-mail address included), an image, HTML, LaTeX or a colour directive."""

from __future__ import annotations

import html
import re

from vidrec_core.core.plaintext import visible

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'^])")
# Streamlit's markdown (remark-gfm) turns bare URLs (http://, https://, www.) and e-mail addresses into links after
# parsing, from the text itself, so no backslash can stop it. An invisible WORD JOINER inside each pattern does:
# between ':' and '//', between 'www' and '.', and after '@'. The text reads and wraps the same.
_WORD_JOINER = "\u2060"
_AUTOLINK_SPOTS = re.compile(r"(?<=:)(?=//)|(?i:(?<=www))(?=\.)|(?<=@)")


def md_escape(text: object) -> str:
    """Backslash-escape every markdown-active character, break bare links and fold newlines, so the text renders
    literally: no link, image, HTML, formula or colour directive can come out of it."""
    value = _AUTOLINK_SPOTS.sub(_WORD_JOINER, visible(text))
    return _MARKDOWN_SPECIALS.sub(r"\\\1", value)


def hover_escape(text: object, limit: int | None = None) -> str:
    """Plain text for plotly hover labels and map text, which render a subset of HTML: fold whitespace, shorten
    to `limit` characters (with an ellipsis) and escape `<`, `>`, `&` and quotes."""
    value = visible(text)
    if limit is not None and len(value) > limit:
        value = value[: max(limit - 1, 0)].rstrip() + "…"
    return html.escape(value, quote=True)
