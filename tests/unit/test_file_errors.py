"""Files that cannot be read get plain words: what is wrong, where (line, column) and what to do.

Each case writes a small bad file, reads it the way the Data page and the command line do, and checks that the
message names the right spot and that no parser's own words ("C error", "Error tokenizing", a traceback) are in it;
those may only be in the error's `detail`, for engineers.
"""

from __future__ import annotations

import io
import pickle
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from vidrec_core.core.errors import CatalogError, VidrecError
from vidrec_core.data.interactions import LOG_TABLES, InteractionLogError
from vidrec_core.data.readers import read_bytes_table, read_raw_table

LIBRARY_WORDS = ("C error", "Error tokenizing", "Traceback", "ParserError", "JSONDecodeError", "ArrowInvalid", "char ")


def refused(data: bytes | str, name: str, tmp_path: Path, **kwargs) -> VidrecError:
    """Write the file, read it from disk (the command line's way) and from bytes (the Data page's way): both must
    refuse it with the same plain message, which is returned."""
    data = data.encode() if isinstance(data, str) else data
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(VidrecError) as from_disk:
        read_raw_table(path, **kwargs)
    with pytest.raises(VidrecError) as from_upload:
        read_bytes_table(data, name, **kwargs)
    message = str(from_upload.value)
    assert str(from_disk.value) == message
    assert not any(word in message for word in LIBRARY_WORDS), message
    assert message.isprintable() and "\n" not in message
    return from_upload.value


# ------------------------------------------------------------------------------------------------------ CSV


def test_an_unclosed_quote_names_its_own_line_and_column_not_pandas_row(tmp_path):
    # A quoted value over two lines comes first, so pandas' record count ("row 2") is not the line (4).
    data = 'title,overview\nStar Voyage,"a crew\nflies far"\nGhost Manor,"a haunted house\nThe Cellar,dark\n'
    error = refused(data, "videos.csv", tmp_path)
    message = str(error)
    assert message.startswith("Could not read videos.csv: on line 4, the value in column 'overview' opens a double")
    assert "never closed" in message and "'\"a haunted house'" in message
    assert "Add the closing quote" in message  # what to do
    assert "EOF inside string" in error.detail and "row 2" in error.detail  # pandas' words, for engineers only


def test_an_unclosed_quote_in_the_title_column_or_the_header(tmp_path):
    message = str(refused('title,overview\nA,ok\n"B,never closed\nC,fine\n', "videos.csv", tmp_path))
    assert "on line 3, the value in column 'title' opens a double quote" in message
    message = str(refused('"title,overview\nA,ok\n', "videos.csv", tmp_path))
    assert "on line 1 (the header line), a column name opens a double quote" in message


def test_a_line_with_more_fields_than_the_header(tmp_path):
    lines = ["title,overview,year,genres"] + [f"Film {i},plot {i},2000,Drama" for i in range(5)]
    lines.insert(3, 'Split,"a plot\nover two lines",2001,Drama')  # shifts pandas' count against the lines
    lines.append("Smith, John,a biography,1999,Drama")  # line 8 of the file
    error = refused("\n".join(lines) + "\n", "videos.csv", tmp_path)
    message = str(error)
    assert message.startswith("Could not read videos.csv: line 9 has 5 fields where the header has 4")
    assert "(it reads 'Smith, John,a biography,1999,Drama')" in message
    assert "A comma inside a value needs the value in double quotes" in message
    assert "Expected 4 fields" in error.detail


def test_a_stray_comma_in_the_first_row_is_not_read_as_row_names(tmp_path):
    """pandas would quietly take the first column as row names and read each title as the description."""
    error = refused("title,overview\nHeist, The,a robbery\nGhost Manor,a house\n", "videos.csv", tmp_path)
    assert "line 2 has 3 fields where the header has 2" in str(error)


def test_a_trailing_separator_is_named_or_dropped(tmp_path):
    message = str(refused("title,overview\nA,B\nC,D,\n", "videos.csv", tmp_path))
    assert "line 3 has 3 fields where the header has 2: it ends with an extra comma" in message
    # On every line it is an export habit, not a mistake: the empty field is dropped and nothing shifts.
    raw = read_bytes_table(b"title,overview\nA,B,\nC,D,\n", "videos.csv")
    assert raw.frame.to_dict("records") == [{"title": "A", "overview": "B"}, {"title": "C", "overview": "D"}]


def test_a_file_written_with_row_names_still_reads():
    raw = read_bytes_table(b"title,overview\n1,A,B\n2,C,D\n", "videos.csv")
    assert raw.frame.to_dict("records") == [{"title": "A", "overview": "B"}, {"title": "C", "overview": "D"}]
    assert list(raw.frame.index) == [0, 1]


@pytest.mark.parametrize(
    "data, name, expected",
    [
        ("title;overview\nA;B\nC;D;E\n", "videos.csv", "line 3 has 3 fields.*A semicolon inside a value"),
        ("title\toverview\nA\tB\nC\tD\tE\n", "videos.tsv", "line 3 has 3 fields.*A tab inside a value"),
        ('title|overview\nA|"B\n', "videos.txt", "on line 2, the value in column 'overview'"),
    ],
)
def test_other_separators_are_named(tmp_path, data, name, expected):
    assert re.search(expected, str(refused(data, name, tmp_path)))


def test_an_interaction_log_gets_the_same_words(tmp_path):
    error = refused('user_id,item_id\nu1,"42\nu2,43\n', "log.csv", tmp_path, table=LOG_TABLES)
    assert isinstance(error, InteractionLogError)
    assert "on line 2, the value in column 'item_id' opens a double quote" in str(error)


def test_a_parser_failure_nothing_explains_falls_back_to_plain_words(monkeypatch, tmp_path):
    def odd_failure(*args, **kwargs):
        raise pd.errors.ParserError("Error tokenizing data. C error: Buffer overflow caught - malformed input")

    monkeypatch.setattr(pd, "read_csv", odd_failure)
    error = refused("title\nA\n", "videos.csv", tmp_path)
    assert str(error) == (
        "Could not read videos.csv as a CSV file. Open it in a spreadsheet program, save it again as CSV (UTF-8) "
        "and upload that file."
    )
    assert "Buffer overflow" in error.detail


# ----------------------------------------------------------------------------------------------------- JSON


@pytest.mark.parametrize(
    "data, expected",
    [
        (
            '{"videos": [\n  {"title": "A"},\n  {"title": "B",}\n]}',
            "at line 3, column 17, a field name in double quotes",
        ),
        ('[\n  {"title": "A"},\n  {"title": "B"}', "at line 3, column 17, the file ends before .* cut short"),
        ("[{'title': 'A'}]", r"at line 1, column 3, .*\"title\", not 'title'"),
        ('[{"title": "A"}]\n[{"title": "B"}]', "at line 2, column 1, more text follows .* name it \\.jsonl"),
        ('[{"title": "A\nB"}]', "at line 1, column 14, a text value holds a line break .* \\\\n"),
        ('[{"title": "A}]', "at line 1, column 12, a text value opens with a double quote that is never closed"),
        ('[{"title": "A"} {"title": "B"}]', "at line 1, column 17, a comma is missing"),
    ],
)
def test_bad_json_names_line_column_and_what_was_expected(tmp_path, data, expected):
    error = refused(data, "videos.json", tmp_path)
    assert re.search(f"^Could not read videos\\.json: {expected}", str(error)), str(error)
    assert error.detail.startswith("JSONDecodeError: ")


@pytest.mark.parametrize(
    "data, expected",
    [
        ('{"title": "A"}', r"holds a single object, not a list of objects.*\[\{\"title\""),
        ('"just text"', "must hold a list of objects, one per row; it holds only a text value"),
        ('[{"title": "A"}, 3]', "item 2 of its list is a number"),
        ('{"title": ["A", "B"], "year": [1999]}', "different numbers of values \\('title' has 2, 'year' has 1\\)"),
    ],
)
def test_json_of_the_wrong_shape_says_what_it_holds(tmp_path, data, expected):
    assert re.search(expected, str(refused(data, "videos.json", tmp_path)))


@pytest.mark.parametrize(
    "data, expected",
    [
        ('{"title": "A"}\n{title: "B"}\n', "at line 2, column 2, a field name in double quotes"),
        ('{"title": "A"}\n\n{"title": "B"\n', "at line 3, column 14, the line ends before its object is closed"),
        ('{"title": "A"}\n["B"]\n', "line 2 holds a list, not an object"),
        ('{"title": "A"}\n{"title": "B"} {"title": "C"}\n', "at line 2, column 16, the line holds more than one"),
    ],
)
def test_bad_json_lines_name_the_line(tmp_path, data, expected):
    error = refused(data, "videos.jsonl", tmp_path)
    assert re.search(f"^Could not read videos\\.jsonl: {expected}", str(error)), str(error)


def test_a_json_list_saved_as_json_lines_is_read_as_the_list():
    raw = read_bytes_table(b'[\n  {"title": "A"},\n  {"title": "B"}\n]\n', "videos.jsonl")
    assert list(raw.frame["title"]) == ["A", "B"]


# ---------------------------------------------------------------------------------------- Parquet and Excel


def parquet_bytes() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"title": [f"t{i}" for i in range(500)], "overview": ["x" * 40] * 500}).to_parquet(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"title": ["A", "B"], "overview": ["x", "y"]}).to_excel(buffer, index=False)
    return buffer.getvalue()


def test_a_damaged_parquet_file(tmp_path):
    data = parquet_bytes()
    error = refused(data[: len(data) // 2], "videos.parquet", tmp_path)
    assert str(error).startswith("Could not read videos.parquet: the Parquet file is damaged or incomplete")
    assert "Export it again" in str(error) and "magic bytes" in error.detail
    message = str(refused(b"title\nA\n", "videos.parquet", tmp_path))
    assert "it is not a Parquet file" in message and "(.csv, .json)" in message


def test_a_damaged_excel_workbook(tmp_path):
    data = xlsx_bytes()
    message = str(refused(data[: len(data) // 2], "videos.xlsx", tmp_path))
    assert message.startswith("Could not read videos.xlsx: the workbook is damaged or incomplete")
    assert "save it again as .xlsx, or export the sheet as CSV" in message
    buffer = io.BytesIO()  # a whole zip whose workbook XML is broken
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")
        archive.writestr("xl/workbook.xml", "not xml at all")
    error = refused(buffer.getvalue(), "videos.xlsx", tmp_path)
    assert "the workbook is damaged" in str(error) and error.detail


def test_a_password_protected_workbook_says_so(tmp_path):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptedPackage".encode("utf-16-le") + bytes(100)
    message = str(refused(data, "videos.xlsx", tmp_path))
    assert "protected with a password" in message and "remove the password" in message


# -------------------------------------------------------------------------------------- the error, the CLI


def test_detail_is_optional_and_survives_pickling():
    assert VidrecError("plain").detail is None and str(VidrecError("plain")) == "plain"
    error = CatalogError("plain words", detail="ParserError: C error")
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == "plain words" and copy.detail == "ParserError: C error"


def test_the_command_line_prints_the_plain_message_and_the_detail_only_with_debug(tmp_path, capsys):
    from vidrec_core.cli.main import main

    path = tmp_path / "videos.csv"
    path.write_bytes(b'title,overview\nA,"never closed\nB,fine\n')
    assert main(["embed", "--catalog", str(path)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: Could not read videos.csv: on line 2, the value in")
    assert main(["--debug", "embed", "--catalog", str(path)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("detail (for engineers): ParserError: Error tokenizing data.")
