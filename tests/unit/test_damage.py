"""Damaged text rows: a text table with a NUL or a byte that does not decode loads; each damaged row is named and
cleaned (or dropped); only files that are not text are called binary."""

from __future__ import annotations

import json
import sys

import pandas as pd
import pytest

from tests.bad_cases import CATALOG_FILES
from vidrec_core.core.errors import CatalogError
from vidrec_core.data.load import load_catalog
from vidrec_core.data.prepare import prepare_catalog
from vidrec_core.data.readers import read_bytes_table

GOOD = [f"Show {i},an ordinary plot number {i}" for i in range(20)]


def csv_with(*damaged: bytes, sep: bytes = b",") -> bytes:
    lines = [line.encode().replace(b",", sep) for line in GOOD]
    lines[5:5] = list(damaged)
    return b"title" + sep + b"overview\n" + b"\n".join(lines) + b"\n"


def test_a_nul_in_one_title_and_a_lone_invalid_byte_in_another_row_load_and_are_named():
    data = csv_with(b"Star\x00 Voyage,astronauts fly to a planet", b"Gamma,caf\xe9 au lait")
    raw = read_bytes_table(data, "videos.csv")
    assert len(raw.frame) == 22 and raw.encoding == "utf-8"
    assert raw.frame["title"].iloc[5] == "Star Voyage"  # the control character removed
    assert raw.frame["overview"].iloc[6] == "caf\ufffd au lait"  # the byte replaced by U+FFFD, visibly
    assert raw.damage.rows == [6, 7]
    assert raw.damage.details() == [
        "row 6, column 'title': control character \\x00",
        "row 7, column 'overview': byte \\xe9 (not UTF-8 text)",
    ]
    assert raw.all_notes == [
        "videos.csv: 2 rows held characters that are not text and were cleaned (control characters removed, "
        "bytes that do not decode replaced by �)."
    ]


def test_the_damaged_rows_can_be_dropped_instead_and_the_catalog_says_which():
    raw = read_bytes_table(csv_with(b"Star\x00 Voyage,astronauts", b"Gamma,caf\xe9"), "videos.csv")
    dropped = raw.without_damaged_rows()
    assert len(dropped.frame) == 20 and "Star Voyage" not in dropped.frame["title"].tolist()
    assert dropped.all_notes == ["videos.csv: 2 rows held characters that are not text and were dropped."]
    catalog = prepare_catalog(dropped, {"title": "title", "overview": "overview"}).catalog
    assert len(catalog) == 20 and catalog.notes == tuple(dropped.all_notes)
    kept = prepare_catalog(raw, {"title": "title", "overview": "overview"}).catalog
    assert len(kept) == 22 and "were cleaned" in kept.notes[0]


@pytest.mark.parametrize(
    "name, data",
    [
        ("videos.tsv", csv_with(b"Star\x00 Voyage\tastronauts\x1b[31m", sep=b"\t")),
        (
            "videos.jsonl",
            b"\n".join(json.dumps({"title": t, "overview": "o"}).encode() for t in ["A", "B", "C", "D", "E"] * 3)
            + b'\n{"title": "Star\x00 Voyage", "overview": "astronauts\x07"}\n',
        ),
        (
            "videos.json",
            b"["
            + b",".join(json.dumps({"title": f"T{i}", "overview": "o"}).encode() for i in range(15))
            + b',{"title": "Star\x00 Voyage", "overview": "astronauts\\u0007"}]',
        ),
    ],
)
def test_every_text_format_repairs_control_characters(name, data):
    raw = read_bytes_table(data, name)
    assert "Star Voyage" in raw.frame["title"].tolist()
    assert len(raw.damage.rows) == 1
    assert any("\\x00" in line for line in raw.damage.details())


def test_a_parquet_cell_holding_a_nul_is_cleaned_too(tmp_path):
    frame = pd.DataFrame({"title": ["Star\x00 Voyage", "Plain"], "overview": ["a", "b"]})
    path = tmp_path / "videos.parquet"
    frame.to_parquet(path)
    raw = read_bytes_table(path.read_bytes(), "videos.parquet")
    assert raw.frame["title"].tolist() == ["Star Voyage", "Plain"]
    assert raw.damage.details() == ["row 1, column 'title': control character \\x00"]


def test_a_damaged_header_is_cleaned_and_said():
    raw = read_bytes_table(b"ti\x00tle,overview\n" + b"\n".join(line.encode() for line in GOOD), "videos.csv")
    assert raw.columns == ["title", "overview"]
    assert raw.damage.header == ["title"] and "the header held characters that are not text" in raw.all_notes[0]


def test_text_in_another_encoding_is_still_refused_with_the_encoding_advice():
    data = ("title,overview\n" + "\n".join(f"Café {i},crème brûlée" for i in range(30))).encode("cp1252")
    with pytest.raises(CatalogError, match=r"Row 1 of videos\.csv \(column 'title'.*not valid UTF-8.*Text encoding"):
        read_bytes_table(data, "videos.csv")
    assert read_bytes_table(data, "videos.csv", encoding="cp1252").frame["title"].iloc[0] == "Café 0"


@pytest.mark.parametrize(
    "data",
    [
        b"title,overview\nok,\x00\x01\x02\x03\x04\x05\x06\x07",  # more control characters than text
        bytes(range(256)) * 10,
        b"\x00" * 500 + b"title\nA\n",
    ],
)
def test_files_that_are_not_text_are_still_called_binary(data):
    with pytest.raises(CatalogError, match="binary data"):
        read_bytes_table(data, "videos.csv")


def test_the_shared_bad_cases_load_with_their_row_named():
    for case in ("a NUL inside one title", "a lone invalid byte in one row"):
        file_name, data, _ = CATALOG_FILES[case]
        raw = read_bytes_table(data, file_name)
        assert len(raw.frame) == 22 and raw.damage.rows == [11], case


def test_the_command_line_notes_say_what_was_cleaned(tmp_path, capsys):
    from vidrec_core.core.notes import printed_to

    path = tmp_path / "videos.csv"
    path.write_bytes(csv_with(b"Star\x00 Voyage,astronauts"))
    with printed_to(sys.stderr):
        catalog = load_catalog(path)
    assert len(catalog) == 21 and "was cleaned" in catalog.notes[0]
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "note: videos.csv: 1 row held characters that are not text and was cleaned (control characters removed, "
        "bytes that do not decode replaced by �).",
        "note: row 6, column 'title': control character \\x00",
    ]
    load_catalog(path)  # outside a command nothing is printed
    assert capsys.readouterr().err == ""
