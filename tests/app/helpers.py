"""What several AppTest suites read off a page."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest


def unescaped(elements) -> str:
    """The elements' text (or the texts themselves) as a reader sees it: md_escape's backslashes and invisible word
    joiners removed."""
    text = "\n".join(e if isinstance(e, str) else str(e.value) for e in elements)
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def titles(at: AppTest) -> list[str]:
    """The recommendation cards' headings ("**1. Title**"), in order."""
    return [m.value for m in at.markdown if m.value.startswith("**") and ". " in m.value[:6]]


def finish_jobs(at: AppTest, timeout: float = 900) -> AppTest:
    """Wait until the server's jobs have ended, then run the page again, as its polling fragment would."""
    from vidrec_ui.jobs import job_runner

    for job in job_runner().active():
        assert job.wait(timeout), f"{job.title} did not end"
    return at.run()
