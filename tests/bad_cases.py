"""The bad-input cases, in one table that the engine, command-line and app tests all run.

Each history maps to (text, expected): "empty" means the empty-history message, "ok" means recommendations.
Each catalog file maps to (file name, bytes, message regex); a None message means "readable in a degraded way is
acceptable, a crash is not". Add cases here and every layer is tried with them; `CASE_FLOOR` only goes up.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd

HISTORIES: dict[str, tuple[str, str]] = {
    "whitespace only": (" \n\t\n   ", "empty"),
    "empty": ("", "empty"),
    "one 1 MB line": ("x" * 1_000_000, "ok"),
    "100,000 lines": ("\n".join(f"search: topic {i}" for i in range(100_000)), "ok"),
    "control characters": ("Star\x00 Voyage\x1b[31m\x07", "ok"),
    "only control and invisible characters": ("\x00\x07\u200b\u202e\n\x1b", "empty"),
    "right-to-left override": ("\u202eegayoV ratS\u202c\nשלום עולם", "ok"),
    "emoji": ("🚀🚀 space rocket 🚀", "ok"),
    "Chinese": ("我喜欢科幻电影\n太空", "ok"),
    "mixed scripts": ("Star Voyage 星际 Путешествие رحلة", "ok"),
    "only dislikes": ("dislike: Ghost Manor\ndislike: The Cellar\ndislike: Paris Hearts", "ok"),
    "prefixes with nothing after them": ("like:\nsearch:   \ndislike：", "empty"),
    "only comments": ("# a comment\n# another", "empty"),
    "weights and dates that are nonsense": ("Star Voyage | -5 | 2024-13-45 | lots", "ok"),
    "a title that matches several videos": ("Twin\nTwin (2010)", "ok"),
    "markdown and html": ("<img src=x onerror=alert(1)>\n[click](javascript:alert(1))", "ok"),
}


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("inner.csv", "title\nA\n")
    return buffer.getvalue()


def _truncated_parquet() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"title": [f"t{i}" for i in range(1000)], "overview": ["x" * 50] * 1000}).to_parquet(buffer)
    data = buffer.getvalue()
    return data[: len(data) // 2]


def _damaged_csv(row: bytes, rows: int = 21) -> bytes:
    """A UTF-8 CSV of `rows` good rows and one damaged one, like the 22-row file a NUL once got refused whole."""
    lines = [f"Show {i},an ordinary plot number {i}".encode() for i in range(rows)]
    lines.insert(rows // 2, row)
    return b"title,overview\n" + b"\n".join(lines) + b"\n"


CATALOG_FILES: dict[str, tuple[str, bytes, str | None]] = {
    "empty file": ("videos.csv", b"", "empty"),
    "header only": ("videos.csv", b"title,overview\n", "no rows"),
    "no title column": ("videos.csv", b"headline,plot\nA,B\n", "title"),
    "broken quote": ("videos.csv", b'title,overview\n"Alpha,"never closed\nBeta,fine\n', None),
    "zip renamed to csv": ("videos.csv", _zip_bytes(), "zip archive"),
    "binary junk": ("videos.csv", bytes(range(256)) * 10, "not valid UTF-8|Could not read|binary"),
    "a PNG renamed to csv": ("videos.csv", b"\x89PNG\r\n\x1a\n" + bytes(200), "image|binary|not a"),
    "json that is not a list of objects": ("videos.json", b"[1, 2, 3]", "list of objects"),
    "invalid json": ("videos.json", b"{not json", r"Could not read videos\.json: at line 1, column 2, a field name"),
    "truncated parquet": ("videos.parquet", _truncated_parquet(), r"Could not read videos\.parquet: .*damaged"),
    "text renamed to xlsx": ("videos.xlsx", b"title\nA\n", "Could not read|not an Excel|xlsx"),
    "unknown format": ("videos.docx", b"whatever", "Unsupported"),
    # Parser failures name the line a text editor shows (pandas counts records, so the two-line value shifts it).
    "a quote never closed": (
        "videos.csv",
        b'title,overview\nStar Voyage,"a crew\nflies far"\nGhost Manor,"a haunted house\nThe Cellar,dark\n',
        r"on line 4, the value in column 'overview' opens a double quote that is never closed",
    ),
    "a comma in an unquoted title": (
        "videos.csv",
        b"title,overview\nHeist, The,a robbery\nGhost Manor,a haunted house\n",
        r"line 2 has 3 fields where the header has 2 .*A comma inside a value needs the value in double quotes",
    ),
    "a broken JSON Lines line": (
        "videos.jsonl",
        b'{"title": "Star Voyage"}\n{title: "Ghost Manor"}\n',
        r"at line 2, column 2, a field name in double quotes was expected",
    ),
    # A text file with one damaged row is read: the row is cleaned and named (tests/unit/test_damage.py).
    "a NUL inside one title": ("videos.csv", _damaged_csv(b"Star\x00 Voyage,a crew flies to a planet"), None),
    "a lone invalid byte in one row": ("videos.csv", _damaged_csv(b"Caf\xe9 Noir,a detective in Paris"), None),
}


ODD_CATALOGS: dict[str, pd.DataFrame] = {
    "one row": pd.DataFrame({"title": ["Only one"], "overview": ["alone"]}),
    "every description empty": pd.DataFrame({"title": ["A", "B", "C"], "overview": ["", "", ""]}),
    "duplicated titles": pd.DataFrame({"title": ["Same", "Same", "Other"], "year": [2000, 2001, 2002]}),
    "numbers where text should be": pd.DataFrame({"title": [1, 2, 3], "overview": [4.5, None, 6], "genres": [7, 8, 9]}),
    "10,000 columns": pd.DataFrame({"title": ["A", "B"], **{f"extra_{i}": [i, i] for i in range(10_000)}}),
}

# The three tables plus the truncated-line and share-link cases counted elsewhere; raise it, never lower it.
CASE_FLOOR = 38


def write_case(folder: Path, name: str) -> Path:
    """Write one CATALOG_FILES case to disk (for the engine and the command line) and return its path."""
    file_name, data, _ = CATALOG_FILES[name]
    path = folder / file_name
    path.write_bytes(data)
    return path


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    return buffer.getvalue()
