"""A file that cannot be read, said in plain words: what is wrong, where (line, column) and what to do.

Parsers report problems in their own terms ("Error tokenizing data. C error: EOF inside string starting at row 1"),
which name neither the line a text editor shows nor the fix, and sometimes name the wrong place: pandas counts records,
not lines, so a quoted value that spans lines shifts every number after it. The reader hands each parser failure
here; the file is scanned again to find the spot, and the message says it as a spreadsheet user would. What the
parser said is kept only as the error's `detail`, for engineers.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from vidrec_core.data.damage import shown_plainly

# Each format's name after "as" in a message, and what to try when nothing more precise is known.
FORMAT_NAMES = {
    "csv": "a CSV file",
    "tsv": "a TSV (tab-separated) file",
    "json": "a JSON file",
    "jsonl": "a JSON Lines file",
    "parquet": "a Parquet file",
    "xlsx": "an Excel workbook",
}
_RETRY = {
    "csv": "Open it in a spreadsheet program, save it again as CSV (UTF-8) and upload that file.",
    "tsv": "Open it in a spreadsheet program, save it again as tab-separated text (UTF-8) and upload that file.",
    "json": "Check that it holds one list of objects, one per row; a JSON validator shows the exact spot.",
    "jsonl": 'Check that each line holds one complete JSON object, such as {"title": "..."}.',
    "parquet": "Export it again as Parquet, or export the table as CSV, and upload the new file.",
    "xlsx": "Open it in Excel or LibreOffice and save it again as .xlsx, or export the sheet as CSV, and upload that.",
}
_SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar (|)"}
_SHOWN = 40  # characters of a line quoted in a message


def detail(exc: BaseException) -> str:
    """What the library said, in one line, for the error's `detail` (never its message)."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def unreadable(name: str, fmt: str, exc: BaseException | None = None) -> str:
    """The message for a failure nothing more precise explains; it names the format and what to try (`exc`, the
    library's error, only tells a missing package or an unsupported feature from a damaged file)."""
    if fmt == "parquet":
        if isinstance(exc, ImportError):
            return "Reading Parquet files needs the package pyarrow: pip install -r requirements.txt"
        if isinstance(exc, NotImplementedError):
            return (
                f"Could not read {name}: it uses a Parquet feature this reader does not support. Export it again "
                "with the default Parquet settings, or export the table as CSV, and upload the new file."
            )
        return (
            f"Could not read {name}: the Parquet file is damaged or incomplete (it may have been cut short while "
            f"copying or downloading). {_RETRY['parquet']}"
        )
    if fmt == "xlsx":
        return damaged_workbook(name)
    return f"Could not read {name} as {FORMAT_NAMES.get(fmt, fmt.upper() + ' file')}. {_RETRY.get(fmt, '')}".strip()


def damaged_workbook(name: str) -> str:
    return (
        f"Could not read {name}: the workbook is damaged or incomplete (it may have been cut short while copying or "
        f"downloading). {_RETRY['xlsx']}"
    )


def _line_of(text: str, offset: int) -> int:
    """The 1-based line a text editor shows for a character offset."""
    return text.count("\n", 0, offset) + 1


def _quoted(text: str) -> str:
    """A short piece of the file to quote in a message: one line, damaged characters as '?'."""
    piece = shown_plainly(text.split("\n", 1)[0].rstrip("\r"))
    return piece if len(piece) <= _SHOWN else piece[: _SHOWN - 1].rstrip() + "…"


# -------------------------------------------------------------------------------------------------------- CSV


@dataclass(frozen=True)
class _Record:
    """One record as the CSV parser splits it: where it starts, whether each field is empty, and where a quote
    opens that the end of the file finds still open."""

    start: int
    empty: tuple[bool, ...]
    open_quote: int | None = None


def _records(text: str, sep: str) -> Iterator[_Record]:
    """The file's records split the way pandas' CSV parser splits them (a quote opens a quoted value only at the
    start of a field; "" inside one is a quote; blank lines are skipped), with the offsets a message needs."""
    field_end = re.compile(f"[{re.escape(sep)}\n]")
    i, n = 0, len(text)
    start, empty = 0, []
    while i < n:
        if i == start:  # a record starts: a line without quotes is one record, split at once (most lines are)
            line_end = text.find("\n", i)
            line = text[i : n if line_end < 0 else line_end]
            if '"' not in line:
                if line.strip("\r"):
                    yield _Record(start, tuple(not f.strip() for f in line.split(sep)))
                i = start = n if line_end < 0 else line_end + 1
                continue
        field_start = i
        if text[i] == '"':
            j = i + 1
            while True:
                j = text.find('"', j)
                if j < 0:
                    yield _Record(start, (*empty, False), open_quote=i)
                    return
                if text.startswith('""', j):
                    j += 2
                    continue
                break
            i = j + 1
        found = field_end.search(text, i)
        end = found.start() if found else n
        empty.append(text[field_start:end].strip() in ("", '""'))
        if found is None or found.group() == "\n":
            if text[start:end].strip("\r"):  # not a blank line
                yield _Record(start, tuple(empty))
            start, empty = (found.end() if found else n), []
        i = found.end() if found else n
    if empty:  # the file ends just after a separator: one more, empty field
        yield _Record(start, (*empty, True))


def _header(text: str, sep: str) -> list[str]:
    try:
        return [name.strip() for name in next(csv.reader(io.StringIO(text), delimiter=sep), [])]
    except csv.Error:
        return []


def _column(header: list[str], position: int) -> str:
    """How a message names a field: by its header name when it has one, else by its position."""
    if position < len(header) and header[position]:
        return f"column '{shown_plainly(header[position])}'"
    return f"field {position + 1}"


def unclosed_quote(text: str, sep: str, name: str) -> str | None:
    """Where the double quote that is never closed opens, found by reading the file again (pandas names a record
    count, not the line), and how to fix it; None when no such quote is found."""
    last = next(iter(deque(_records(text, sep), maxlen=1)), None)  # a quote left open runs to the end
    if last is None or last.open_quote is None:
        return None
    line = _line_of(text, last.open_quote)
    if last.start == 0:
        where = f"on line {line} (the header line), a column name"
    else:
        where = f"on line {line}, the value in {_column(_header(text, sep), len(last.empty) - 1)}"
    opening = _quoted(text[last.open_quote :])
    return (
        f"Could not read {name}: {where} opens a double quote that is never closed ('{opening}'), so everything "
        "after it would run into one value. Add the closing quote at the end of that value, or remove the opening "
        'one; inside a quoted value, write a quote as two ("").'
    )


def extra_fields(text: str, sep: str, name: str) -> str | None:
    """The first line with more fields than the header, and how to fix it; None when every line fits."""
    records = _records(text, sep)
    header = next(records, None)
    if header is None:
        return None
    width = len(header.empty)
    for record in records:
        if len(record.empty) > width:
            return _extra_fields_message(text, sep, name, record, width)
    return None


def _extra_fields_message(text: str, sep: str, name: str, record: _Record, width: int) -> str:
    word = _SEPARATORS.get(sep, repr(sep))
    line, fields = _line_of(text, record.start), len(record.empty)
    said = f"Could not read {name}: line {line} has {fields} fields where the header has {width}"
    if all(record.empty[width:]):
        return (
            f"{said}: it ends with an extra {word}. Remove the extra {word} at the end of that line, or give the "
            "extra column a name in the header."
        )
    return f"{said} (it reads '{_quoted(text[record.start :])}'). {_stray_separator(sep)}"


def _stray_separator(sep: str) -> str:
    """What to do about a separator inside a value: quote the value, or name the column it made."""
    example = "" if sep == "\t" else f' ("Smith{sep} John")'
    return (
        f"A {_SEPARATORS.get(sep, repr(sep))} inside a value needs the value in double quotes{example}; otherwise "
        "give the extra column a name in the header."
    )


def one_more_field(text: str, sep: str) -> str | None:
    """Why the first data line has one field more than the header (pandas then silently takes the first column as
    row names and shifts every column by one): "row names" when every line has exactly one more field (a file
    written with row names, as R's write.csv does), "trailing" when that field is empty on every line (each line
    ends with a separator), None when only some lines have it: a stray separator, for `extra_fields` to name."""
    records = _records(text, sep)
    header = next(records, None)
    rows = list(records)
    if header is None or not rows or any(len(r.empty) != len(header.empty) + 1 for r in rows):
        return None
    return "trailing" if all(r.empty[-1] for r in rows) else "row names"


def csv_problem(text: str, sep: str, name: str, fmt: str, said: str) -> str:
    """The plain message for a CSV parser error (`said`: the parser's words, used only to tell which kind)."""
    if "EOF inside string" in said:
        found = unclosed_quote(text, sep, name)
        if found:
            return found
        return (
            f"Could not read {name}: a double quote opens a value and is never closed. Find the value whose quote "
            'is missing and add it; inside a quoted value, write a quote as two ("").'
        )
    counts = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", said)
    if counts:
        found = extra_fields(text, sep, name)
        if found:
            return found
        width, record, fields = (int(g) for g in counts.groups())
        return (
            f"Could not read {name}: row {record - 1} (not counting the header) has {fields} fields where the header "
            f"has {width}. {_stray_separator(sep)}"
        )
    return unreadable(name, fmt)


# ------------------------------------------------------------------------------------------------------- JSON

# json's reasons -> (what is wrong, what to do), in words a person who did not write the parser can act on.
_JSON_REASONS = {
    "Expecting value": (
        "a value is missing or is not valid JSON",
        "Values are text in double quotes, numbers, true, false, null, {...} or [...]; a comma before a closing ] "
        "or } is not allowed.",
    ),
    "Expecting property name enclosed in double quotes": (
        "a field name in double quotes was expected",
        "Write each name in double quotes (\"title\", not 'title' or title), and put no comma after the last field "
        "of an object.",
    ),
    "Expecting ',' delimiter": (
        "a comma is missing between two items",
        "Separate the items of a list, and the fields of an object, with commas.",
    ),
    "Expecting ':' delimiter": ("a colon is missing after a field name", 'Write each field as "name": value.'),
    "Unterminated string starting at": (
        "a text value opens with a double quote that is never closed",
        'Add the closing quote; a quote inside text is written \\".',
    ),
    "Invalid control character at": (
        "a text value holds a line break or a tab",
        "Inside JSON text, write a line break as \\n and a tab as \\t.",
    ),
    "Invalid \\escape": ("a backslash starts an escape JSON does not know", "Write a backslash inside text as \\\\."),
    "Invalid \\uXXXX escape": (
        "a \\u escape is not followed by four hexadecimal digits",
        "Write a backslash inside text as \\\\.",
    ),
}
_CUT_SHORT = {"Expecting value", "Expecting ',' delimiter", "Expecting property name enclosed in double quotes"}


def json_problem(exc: json.JSONDecodeError, name: str, line: int | None = None, jsonl: bool = False) -> str:
    """The plain message for a JSON syntax error: the line and column, what is wrong there and what to do.
    `line` overrides the error's own line number (a JSON Lines file is parsed one line at a time)."""
    where = f"line {line if line is not None else exc.lineno}, column {exc.colno}"
    if exc.msg in _CUT_SHORT and not exc.doc[exc.pos :].strip():
        if jsonl:
            what, todo = "the line ends before its object is closed", "Each line must hold one complete object."
        else:
            what = "the file ends before its lists and objects are closed"
            todo = "It may have been cut short while copying or downloading: export or download it again."
    elif exc.msg == "Extra data":
        if jsonl:
            what, todo = "the line holds more than one JSON value", "Put one object on each line."
        else:
            what = "more text follows the end of the JSON value"
            todo = "A .json file holds one value, usually a list [...]; with one object per line, name it .jsonl."
    else:
        what, todo = _JSON_REASONS.get(exc.msg, ("the text is not valid JSON", "A JSON validator shows the spot."))
    return f"Could not read {name}: at {where}, {what}. {todo}"


def json_kind(value: object) -> str:
    """A JSON value's kind in words, to say what stood where an object should."""
    if isinstance(value, bool) or value is None:
        return f"the value {json.dumps(value)}"
    if isinstance(value, int | float):
        return "a number"
    return {str: "a text value", list: "a list"}.get(type(value), "an object")


def jsonl_problem(text: str, name: str) -> str | None:
    """The first line of a JSON Lines file that is not one JSON object, and why; None when every line is one."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            return json_problem(exc, name, line=number, jsonl=True)
        if not isinstance(value, dict):
            return (
                f"Could not read {name}: line {number} holds {json_kind(value)}, not an object. Each line of a JSON "
                'Lines file must be one object, such as {"title": "..."}.'
            )
    return None
