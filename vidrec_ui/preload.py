"""Load what a first visitor's page needs when the server starts, not when the first tab opens.

Why: a fresh `streamlit run` waited for a browser to connect before reading the catalog, fitting the viewing model
and building the words index (about 4 s on two cores); started with the server, that work overlaps the browser
starting and the page loading. It fills the same `st.cache_resource` entries the page reads, so a page that comes
first simply waits for them (Streamlit computes a cached resource once). The language model still loads behind the
first list (`model_loading`).
"""

from __future__ import annotations

import logging
import threading

from vidrec_core.core.errors import VidrecError
from vidrec_core.embed.registry import DEFAULT_ENCODER

THREAD_NAME = "vidrec-preload"
_LOGGER = logging.getLogger(__name__)


def preload() -> None:
    """The first catalog choice's recommender (the page opens on it) and one answer for the first persona, which
    warms title matching, the stored query vectors and the fusion scorer. A failure is left for the page to show."""
    from vidrec_ui.resources import cached_personas, cached_recommender, catalog_choices

    try:
        recommender = cached_recommender(catalog_choices()[0].path, DEFAULT_ENCODER)
        first = next(iter(cached_personas().values()), None)
        if first is not None:
            recommender.recommend(recommender.understand(first.history))
    except (VidrecError, OSError, ValueError) as exc:
        _LOGGER.warning("Preloading the first catalog failed; the page will say why: %s", exc)


class _OutsideScriptRuns(logging.Filter):
    """Streamlit warns that cached functions run without a script context; here that is the point."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.threadName != THREAD_NAME


def start_preload() -> threading.Thread:
    """On a thread: the server goes on starting and answering while it loads."""
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_OutsideScriptRuns())
    thread = threading.Thread(target=preload, name=THREAD_NAME, daemon=True)
    thread.start()
    return thread
