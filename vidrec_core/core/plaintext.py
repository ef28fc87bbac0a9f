"""Text quoted from users' files, made fit to show on one line: nothing in it is invisible or reorders the line."""

from __future__ import annotations

_KEEP = "\u200c\u200d"  # zero-width (non-)joiners: part of emoji sequences and of several scripts


def visible(text: object) -> str:
    """Fold whitespace to single spaces and show control, bidi and other non-printing characters as `\\xNN` or
    `\\uNNNN`, so a quoted cell cannot hide, split or reverse a message."""
    folded = " ".join(str(text).split())
    if folded.isprintable():
        return folded
    return "".join(ch if ch.isprintable() or ch in _KEEP else _escape(ch) for ch in folded)


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
