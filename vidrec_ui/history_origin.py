"""Where the history came from, said truthfully: the persona it started from while it still resembles it, and what
happened to it when the catalog changed under it."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from vidrec_core.data.personas import Persona, resembles
from vidrec_core.profile.history import Event, shorten, title_unmatched
from vidrec_ui.history_state import current_history_text, get, put
from vidrec_ui.text import md_escape

CUSTOM_PERSONA = "— your own history —"
ORIGIN_KEY = "persona_origin"  # the persona the history started from, while it still resembles it
READ_AGAINST_KEY = "_history_catalog"  # the catalog the history was last read against
SWITCH_NOTICE_KEY = "_catalog_switch_notice"
EDITED_LABEL = "Your history, from {name}"


def note_history_edits(personas: Mapping[str, Persona], on_sample: bool) -> None:
    """The picker names the persona while the history is its own on the sample catalog it was written for, "Your
    history, from …" while it is an edit that still resembles the persona or is read against another catalog, and
    "your own history" once it does not resemble it (replaced, or buried under new lines)."""
    chosen = get("persona")
    if chosen in personas:
        put(ORIGIN_KEY, chosen)
    origin = personas.get(get(ORIGIN_KEY))
    text = current_history_text()
    if origin is None:
        if chosen not in (None, CUSTOM_PERSONA) and chosen not in personas:
            put("persona", CUSTOM_PERSONA)
        return
    if text == origin.history and chosen == origin.name and on_sample:
        return
    if resembles(origin.history, text):
        put("persona", EDITED_LABEL.format(name=origin.name))
    else:
        put("persona", CUSTOM_PERSONA)
        put(ORIGIN_KEY, None)


def note_catalog_switch(events: list[Event], catalog_label: str, catalog_path: str) -> None:
    """Once, right after the catalog changed under a non-empty history: say it was kept and read again here, and
    which title lines no longer name a video (each also gets its fixes at its line)."""
    previous = get(READ_AGAINST_KEY)
    put(READ_AGAINST_KEY, catalog_path)
    if previous is None or previous == catalog_path or not events:
        return
    titled = [e for e in events if e.is_video or title_unmatched(e)]
    missing = [e for e in titled if title_unmatched(e)]
    said = f"Switched to {md_escape(catalog_label)}: your history was kept and read again against this catalog. "
    if not titled:
        said += "It names no titles, so nothing needed matching."
    elif not missing:
        said += f"All {len(titled)} title line(s) match a video here."
    else:
        lines = ", ".join(f"line {e.line_no} “{md_escape(shorten(e.text, 40))}”" for e in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        said += (
            f"{len(titled) - len(missing)} of {len(titled)} title line(s) match a video here; {lines}{more} "
            "name none and count as interests now."
        )
    st.info(said)
