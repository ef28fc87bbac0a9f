"""Which kind of run this is: a page's, or one fragment's own (a part of the page rerun alone)."""

from __future__ import annotations

from streamlit.runtime.scriptrunner import get_script_run_ctx


def is_fragment_rerun() -> bool:
    """Whether this run is a fragment's own rerun (an edit inside it, or its timed refresh), not the page's run."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)
