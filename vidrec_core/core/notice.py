"""A message for the people using the app, with what only an engineer acts on kept apart.

A `Notice` is a `str` (its plain words: what happened and what it means), so every place that shows, joins or
serialises messages keeps working; its `detail` holds the commands, setting names, files and figures behind it. The
app shows the words on the page and the details in one "Details for engineers" expander; the command line prints
both.
"""

from __future__ import annotations


class Notice(str):
    """Plain words, plus `detail` for engineers (empty when there is nothing more to say)."""

    detail: str

    def __new__(cls, text: str, detail: str = "") -> Notice:
        made = super().__new__(cls, text)
        made.detail = detail
        return made

    def __reduce__(self) -> tuple:  # pickled with its detail (Streamlit's caches pickle results)
        return (Notice, (str(self), self.detail))


def whole(message: str) -> str:
    """Any message with its detail, for the command line, JSON and logs (they speak to engineers too)."""
    detail = detail_of(message)
    return f"{message} ({detail})" if detail else str(message)


def detail_of(message: str) -> str:
    return message.detail if isinstance(message, Notice) else ""


def joined(*messages: str) -> Notice:
    """Several messages as one: their words, then their details."""
    words = " ".join(str(m).strip() for m in messages if str(m).strip())
    details = " ".join(d for m in messages if (d := detail_of(m).strip()))
    return Notice(words, details)
