"""A title line the catalog lacks, said at its line with the closest titles as one-click fixes."""

from __future__ import annotations

import hashlib

import streamlit as st

from vidrec_core.profile.history import Event, replace_title_on_line, shorten, title_unmatched
from vidrec_ui.history_state import current_history_text, set_history
from vidrec_ui.text import md_escape

SHOWN = 5  # lines with their fixes; more are counted (after a catalog switch a whole history may miss)


def unmatched_title_fixes(events: list[Event]) -> None:
    """One bordered note per unmatched title line: what happened, and a button per suggestion that rewrites the
    line (its prefix, weight and date kept)."""
    unmatched = [e for e in events if title_unmatched(e)]
    for event in unmatched[:SHOWN]:
        box = st.container(border=True)
        said = (
            f"Line {event.line_no}: “{md_escape(shorten(event.text, 60))}” is not in this catalog, so it was read as "
        )
        box.markdown(said + ("an interest. Did you mean:" if event.suggestions else "an interest."))
        for title in event.suggestions:  # one per row: a narrow column cut three side by side to "The Godf…"
            box.button(
                md_escape(title),
                key=_key(event, title),
                on_click=_use_title,
                args=(event.line_no, title),
                icon=":material/edit:",
                width="stretch",
            )
    if len(unmatched) > SHOWN:
        st.caption(f"{len(unmatched) - SHOWN} more line(s) name no title of this catalog and were read as interests.")


def _use_title(line_no: int, title: str) -> None:
    set_history(replace_title_on_line(current_history_text(), line_no, title))


def _key(event: Event, title: str) -> str:
    digest = hashlib.blake2b(f"{event.line_no}\0{event.text}\0{title}".encode(), digest_size=6).hexdigest()
    return f"title-fix-{digest}"
