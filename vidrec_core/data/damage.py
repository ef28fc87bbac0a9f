"""Damaged text in a table: control characters and bytes that do not decode, found cell by cell, then cleaned.

A text file with one NUL inside a title or one byte that is not UTF-8 is still a text file: refusing it whole ("it
holds binary data") lost every good row for one bad one. Before parsing, each damaged character is swapped for a
private-use marker (so the CSV and JSON parsers accept it and it stays findable); after parsing, every cell holding
one is reported (row, column, what was found, written visibly as `\\x00`) and cleaned: control characters are
removed and undecodable bytes become U+FFFD (�). The reader decides whether the file is text at all; this module
only repairs the cells of one that is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

REPLACEMENT = "\ufffd"
_CONTROL_BASE = 0x10FD00  # a control character c is marked as chr(_CONTROL_BASE + c)
_BYTE_BASE = 0x10FE00  # an undecodable byte b (0x80-0xff) is marked as chr(_BYTE_BASE + b)
# Control characters that damage text: C0 except tab, newline, carriage return, vertical tab and form feed
# (whitespace), DEL, and C1. Undecodable bytes arrive as lone surrogates (the surrogateescape error handler).
_CONTROLS = [*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0)]
_MARKS = {c: _CONTROL_BASE + c for c in _CONTROLS} | {0xDC80 + i: _BYTE_BASE + 0x80 + i for i in range(128)}
_RAW_CHARS = "".join(re.escape(chr(c)) for c in _MARKS)
_RAW = re.compile(f"[{_RAW_CHARS}]")
_ANY = re.compile(f"[{_RAW_CHARS}{chr(_CONTROL_BASE)}-{chr(_BYTE_BASE + 0xFF)}]")  # raw or marked: one class, fast
_BYTES = re.compile(f"[\udc80-\udcff{chr(_BYTE_BASE + 0x80)}-{chr(_BYTE_BASE + 0xFF)}]")
SHOWN_ROWS = 10  # rows named one by one in a note; the rest are counted


def mark(text: str) -> str:
    """Swap every damaged character for its marker; the text is returned as is when nothing is damaged."""
    return text.translate(_MARKS) if _RAW.search(text) else text


def has_undecodable(text: str) -> bool:
    """Whether a text holds a byte that did not decode (marked or not)."""
    return _BYTES.search(text) is not None


def shown_plainly(text: str) -> str:
    """The text with each damaged character as '?', to quote it in a message."""
    return _ANY.sub("?", text)


def _kind(ch: str) -> tuple[str, str]:
    """('control' | 'byte', the character written visibly) for a damaged character, marked or raw."""
    code = ord(ch)
    if code >= _BYTE_BASE:
        return "byte", f"\\x{code - _BYTE_BASE:02x}"
    if code >= _CONTROL_BASE:
        code -= _CONTROL_BASE
    elif 0xDC80 <= code <= 0xDCFF:
        return "byte", f"\\x{code - 0xDC00:02x}"
    return "control", f"\\x{code:02x}"


def _clean(text: str) -> str:
    return _ANY.sub(lambda m: REPLACEMENT if _kind(m.group())[0] == "byte" else "", text)


@dataclass(frozen=True)
class DamagedCell:
    row: int  # 1-based data row (the header line not counted), as a spreadsheet user counts rows
    column: str
    controls: tuple[str, ...]  # control characters found, written visibly ("\\x00")
    bytes: tuple[str, ...]  # undecodable bytes found ("\\xe9")

    def found(self, codec: str) -> str:
        """What the cell held, written visibly: "control character \\x00 and byte \\xe9 (not UTF-8 text)"."""
        found = []
        if self.controls:
            found.append(f"control character{'s' if len(self.controls) > 1 else ''} {' '.join(self.controls)}")
        if self.bytes:
            found.append(f"byte{'s' if len(self.bytes) > 1 else ''} {' '.join(self.bytes)} (not {codec} text)")
        return " and ".join(found)

    def describe(self, codec: str) -> str:
        return f"row {self.row}, column '{self.column}': {self.found(codec)}"


@dataclass
class Damage:
    """What was found in a table's cells and header, and what was done (cleaned unless the rows were dropped)."""

    cells: list[DamagedCell] = field(default_factory=list)
    header: list[str] = field(default_factory=list)  # cleaned column names that held damaged characters
    header_bytes: bool = False  # the header held bytes that do not decode (a sure sign of another encoding)
    codec: str = "UTF-8"

    @property
    def rows(self) -> list[int]:
        """The damaged rows, 1-based, in order."""
        return sorted({cell.row for cell in self.cells})

    @property
    def byte_rows(self) -> list[int]:
        """Rows holding bytes that did not decode (many of them mean the file is in another encoding)."""
        return sorted({cell.row for cell in self.cells if cell.bytes})

    def __bool__(self) -> bool:
        return bool(self.cells or self.header)

    def details(self, limit: int = SHOWN_ROWS) -> list[str]:
        """One line per damaged cell, the first `limit` rows' cells; then how many more rows."""
        shown = set(self.rows[:limit])
        lines = [cell.describe(self.codec) for cell in self.cells if cell.row in shown]
        if len(self.rows) > limit:
            lines.append(f"and {len(self.rows) - limit:,} more row(s)")
        return lines

    def summary(self, file_name: str, dropped: bool = False) -> str:
        """One sentence: how many rows, and whether they were cleaned or dropped."""
        parts = []
        if self.header:
            parts.append(
                f"the header held characters that are not text (column{'s' if len(self.header) > 1 else ''} "
                + ", ".join(f"'{c}'" for c in self.header)
                + " cleaned)"
            )
        n = len(self.rows)
        if n:
            rows = f"{n:,} row{'' if n == 1 else 's'}"
            if dropped:
                parts.append(f"{rows} held characters that are not text and {'was' if n == 1 else 'were'} dropped")
            else:
                parts.append(
                    f"{rows} held characters that are not text and {'was' if n == 1 else 'were'} cleaned "
                    "(control characters removed, bytes that do not decode replaced by �)"
                )
        return f"{file_name}: " + "; ".join(parts) + "."


def _cell_damage(value: object) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    texts = [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] if _is_list(value) else []
    found = [m for text in texts for m in _ANY.findall(text)]
    if not found:
        return None
    kinds = [_kind(ch) for ch in found]
    controls = tuple(dict.fromkeys(shown for kind, shown in kinds if kind == "control"))
    undecodable = tuple(dict.fromkeys(shown for kind, shown in kinds if kind == "byte"))
    return controls, undecodable


def _is_list(value: object) -> bool:
    return isinstance(value, (list, tuple, np.ndarray))


def _cleaned(value: object) -> object:
    if isinstance(value, str):
        return _clean(value)
    if _is_list(value):
        return [_clean(v) if isinstance(v, str) else v for v in value]
    return value


def _surely_clean(series: pd.Series) -> bool:
    """A column of plain strings without a damaged character, checked in one pass (a 200,000-row column in
    milliseconds); False when it holds anything else (lists, missing values), which is then checked cell by cell."""
    try:
        # A newline is not damage, so it can separate the cells; to_numpy: iterating an Arrow column is slow.
        return _ANY.search("\n".join(series.to_numpy(dtype=object))) is None
    except TypeError:
        return False


def repair(frame: pd.DataFrame, codec: str = "UTF-8") -> tuple[pd.DataFrame, Damage]:
    """Find every damaged cell (and column name), clean it, and say where each was."""
    damage = Damage(codec=codec)
    columns = [str(c) for c in frame.columns]
    cleaned_columns = [_clean(c) for c in columns]
    damage.header = [new for old, new in zip(columns, cleaned_columns, strict=True) if old != new]
    damage.header_bytes = any(has_undecodable(c) for c in columns)
    if damage.header:
        frame = frame.set_axis(cleaned_columns, axis=1)
    out = None
    for position, column in enumerate(frame.columns):
        series = frame.iloc[:, position]
        if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
            continue  # numbers, dates: nothing to damage
        if _surely_clean(series):
            continue
        found = series.map(_cell_damage)
        hit = found.notna().to_numpy()
        if not hit.any():
            continue
        out = frame.copy() if out is None else out
        out.iloc[hit, position] = series[hit].map(_cleaned).to_numpy()
        for row, (controls, undecodable) in zip(hit.nonzero()[0], found[hit], strict=True):
            damage.cells.append(DamagedCell(int(row) + 1, str(column), controls, undecodable))
    order = {str(c): n for n, c in enumerate(frame.columns)}
    damage.cells.sort(key=lambda cell: (cell.row, order.get(cell.column, 0)))
    return (out if out is not None else frame), damage


def without_rows(frame: pd.DataFrame, rows: Iterable[int]) -> pd.DataFrame:
    """The table without these 1-based rows."""
    drop = [row - 1 for row in rows]
    return frame.drop(frame.index[drop]).reset_index(drop=True)
