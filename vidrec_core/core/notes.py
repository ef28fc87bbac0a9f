"""Notes for whoever runs a command: what was done to their input (damaged rows cleaned, a sheet chosen).

The engine says them with `note()`; the command line prints each as a `note:` line on standard error while a
command runs (`printed_to`). The app gets the same facts from what it is handed back (a RawTable's damage, a
catalog's notes) and shows them itself, so nothing is printed there: the channel has no handler of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from vidrec_core.core.plaintext import visible

_NOTES = logging.getLogger("vidrec_core.notes")
_NOTES.setLevel(logging.INFO)
_NOTES.propagate = False  # never into the server's log through the root logger
_NOTES.addHandler(logging.NullHandler())


def note(message: str) -> None:
    """Tell whoever runs a command about their input (one line, shown visibly)."""
    _NOTES.info(message)


class _NoteLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"note: {visible(record.getMessage())}"


@contextmanager
def printed_to(stream: TextIO) -> Iterator[None]:
    """While the block runs, every note is printed to `stream` as one `note: ...` line."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_NoteLine())
    _NOTES.addHandler(handler)
    try:
        yield
    finally:
        _NOTES.removeHandler(handler)
