"""Own catalogs on the command line: quoted list cells are unquoted, damaged rows are cleaned and named in `note:`
lines, and catalog text (URLs included) is printed as plain text."""

from __future__ import annotations

import json

import pytest

from tests.unit.test_damage import csv_with
from vidrec_core.cli.main import main
from vidrec_core.core.paths import REPO_ROOT

pytestmark = pytest.mark.integration
HOSTILE = REPO_ROOT / "tests" / "data" / "hostile_catalog.csv"

QUOTED = (
    "title,overview,genres\n"
    'Star Voyage,astronauts fly to a distant planet,"""Science Fiction"",  ""Drama"""\n'
    "Orbit Rescue,astronauts rescue a space station crew,\"['Science Fiction', 'Thriller']\"\n"
    'Paris Hearts,a love story in Paris,"""Romance Film"",  ""Drama"",  ""Comedy"""\n'
    'Ghost Manor,a haunted house at night,"[""Horror""]"\n'
)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_quoted_genre_cells_are_unquoted_and_filter_by_their_names(tmp_path, capsys):
    path = tmp_path / "quoted.csv"
    path.write_text(QUOTED, encoding="utf-8")
    code, out, err = run(capsys, "search", "astronauts", "--catalog", str(path), "--json", "--k", "4")
    assert code == 0, err
    genres = {row["title"]: row["genres"] for row in json.loads(out)["results"]}
    assert genres == {
        "Star Voyage": ["Science Fiction", "Drama"],
        "Orbit Rescue": ["Science Fiction", "Thriller"],
        "Paris Hearts": ["Romance Film", "Drama", "Comedy"],
        "Ghost Manor": ["Horror"],
    }
    code, out, err = run(capsys, "search", "astronauts", "--catalog", str(path), "--json", "--genre", "Drama")
    assert code == 0, err
    assert sorted(row["title"] for row in json.loads(out)["results"]) == ["Paris Hearts", "Star Voyage"]


def test_a_nul_and_a_lone_invalid_byte_are_cleaned_and_named_in_notes(tmp_path, capsys):
    path = tmp_path / "damaged.csv"
    path.write_bytes(csv_with(b"Star\x00 Voyage,astronauts fly to a planet", b"Gamma,caf\xe9 au lait"))
    code, out, err = run(capsys, "search", "astronauts", "--catalog", str(path), "--json", "--k", "3")
    assert code == 0, err
    assert json.loads(out)["results"][0]["title"] == "Star Voyage"  # read, and cleaned
    notes = [line for line in err.splitlines() if line.startswith("note: ")]
    assert notes == [
        "note: damaged.csv: 2 rows held characters that are not text and were cleaned (control characters removed, "
        "bytes that do not decode replaced by �).",
        "note: row 6, column 'title': control character \\x00",
        "note: row 7, column 'overview': byte \\xe9 (not UTF-8 text)",
    ]
    assert "binary" not in err and "error:" not in err


def test_catalog_text_with_urls_is_printed_as_plain_text(capsys):
    code, out, err = run(capsys, "search", "pirate treasure", "--catalog", str(HOSTILE), "--k", "7")
    assert code == 0, err
    assert "Visit http://evil.example/watch now" in out and "www.evil.example presents" in out
    assert "\u2060" not in out and "\\:" not in out and "\x1b]8;" not in out  # no joiners, escapes or OSC 8 links
