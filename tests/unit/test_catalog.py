import json

import pandas as pd
import pytest

from vidrec_core.core.errors import CatalogError
from vidrec_core.data.load import load_catalog
from vidrec_core.data.schema import build_text, guess_column_roles, normalise_catalog, parse_list

ROWS = [
    {"Name": "Alpha", "Plot": "first video", "Category": "Drama|Comedy", "release_date": "2001-05-02", "ID": "a"},
    {"Name": "Beta", "Plot": "second video", "Category": "Horror", "release_date": "1999", "ID": "b"},
]


@pytest.mark.parametrize("suffix", ["csv", "tsv", "json", "jsonl", "parquet"])
def test_every_format_loads_with_recognised_columns(tmp_path, suffix):
    frame = pd.DataFrame(ROWS)
    path = tmp_path / f"videos.{suffix}"
    if suffix == "csv":
        frame.to_csv(path, index=False)
    elif suffix == "tsv":
        frame.to_csv(path, index=False, sep="\t")
    elif suffix == "json":
        path.write_text(json.dumps(ROWS))
    elif suffix == "jsonl":
        frame.to_json(path, orient="records", lines=True)
    else:
        frame.to_parquet(path)
    catalog = load_catalog(path)
    assert catalog.titles == ["Alpha", "Beta"]
    assert catalog.ids == ["a", "b"]
    assert catalog.frame["genres"].tolist() == [["Drama", "Comedy"], ["Horror"]]
    assert catalog.frame["year"].tolist() == [2001, 1999]
    assert catalog.frame["overview"].tolist() == ["first video", "second video"]


def test_missing_title_column_names_the_columns_found(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("headline,plot\nx,y\n")
    with pytest.raises(CatalogError, match=r"no title column.*headline, plot"):
        load_catalog(path)


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "empty"),
        ("title,overview\n", "no rows"),
        ("title\n\n   \n", "empty title|no rows"),
    ],
)
def test_empty_catalogs_are_refused_clearly(tmp_path, content, message):
    path = tmp_path / "empty.csv"
    path.write_text(content)
    with pytest.raises(CatalogError, match=message):
        load_catalog(path)


def test_unreadable_and_unknown_files_get_messages(tmp_path):
    with pytest.raises(CatalogError, match="not found"):
        load_catalog(tmp_path / "nope.csv")
    odd = tmp_path / "videos.docx"
    odd.write_text("x")
    with pytest.raises(CatalogError, match="Unsupported catalog format"):
        load_catalog(odd)
    broken = tmp_path / "videos.parquet"
    broken.write_bytes(b"PAR1 not really")
    with pytest.raises(CatalogError, match=r"Could not read videos\.parquet"):
        load_catalog(broken)


@pytest.mark.parametrize(
    "value, expected",
    [
        (["A", "B"], ["A", "B"]),
        ('["A", "B"]', ["A", "B"]),
        ('[{"id": 1, "name": "A"}]', ["A"]),
        ("A|B", ["A", "B"]),
        ("A, B; C", ["A", "B", "C"]),
        ("", []),
        (None, []),
        (float("nan"), []),
        ("A|A", ["A"]),
        # Quoted items, as spreadsheet exports write them: unquoted and trimmed.
        ('"Romance Film",  "Drama",  "Comedy"', ["Romance Film", "Drama", "Comedy"]),
        ("'Romance Film'; 'Drama'", ["Romance Film", "Drama"]),
        ("['Romance Film', 'Drama']", ["Romance Film", "Drama"]),
        ('[ "Romance Film" , "Drama" ]', ["Romance Film", "Drama"]),
        ("[\"Schindler's List\", 'Drama']", ["Schindler's List", "Drama"]),
        ("'Schindler's List', 'Drama'", ["Schindler's List", "Drama"]),
        ("[{'id': 18, 'name': 'Drama'}]", ["Drama"]),
        ('"Sci-Fi/Fantasy", "Drama"', ["Sci-Fi/Fantasy", "Drama"]),  # a separator inside quotes is the item's
        ("Drama, \"Comedy\", 'Drama'", ["Drama", "Comedy"]),
        ("“爱情”、“喜剧”", ["爱情", "喜剧"]),
        ("[Drama, Comedy]", ["Drama", "Comedy"]),
        ("[]", []),
        ('"", " "', []),
        (['"Drama"', " 'Comedy' ", '""'], ["Drama", "Comedy"]),  # quoted items inside a real list too
        ('"a" b', ['"a" b']),  # not a quoted list: left as written
    ],
)
def test_list_cells_in_every_shape(value, expected):
    assert parse_list(value) == expected


def test_quoted_genres_make_one_genre_each_for_counts_and_filters():
    from vidrec_core.data.schema import Catalog
    from vidrec_core.rank.filters import Filters, apply_filters

    raw = pd.DataFrame(
        {
            "title": ["A", "B", "C"],
            "genres": ['"Romance Film",  "Drama"', '"Drama",  "Comedy"', "['Comedy', 'Romance Film']"],
        }
    )
    catalog = Catalog(frame=normalise_catalog(raw), name="quoted")
    assert catalog.genre_names == ["Comedy", "Drama", "Romance Film"]
    assert "Genres: Romance Film, Drama" in catalog.texts[0]
    allowed, _ = apply_filters(catalog, Filters(include_genres=("Drama",)))
    assert allowed.tolist() == [True, True, False]


def test_column_synonyms_are_case_insensitive():
    roles = guess_column_roles(["TITLE", "Synopsis", "Tags", "Duration", "Lang"])
    assert roles == {
        "title": "TITLE",
        "overview": "Synopsis",
        "keywords": "Tags",
        "runtime": "Duration",
        "language": "Lang",
    }


def test_duplicate_ids_keep_the_first_and_empty_titles_drop():
    frame = normalise_catalog(pd.DataFrame({"id": ["1", "1", "2"], "title": ["First", "Second", "  "]}), source="t")
    assert frame["title"].tolist() == ["First"]


def test_text_puts_title_first_and_names_genres():
    text = build_text({"title": "Alien", "overview": "A crew meets a creature.", "genres": ["Horror"]})
    assert text.startswith("Alien. A crew meets a creature")
    assert "Genres: Horror" in text


def test_digest_changes_when_text_changes(tiny_catalog):
    from tests.conftest import TINY_RECORDS
    from vidrec_core.data.schema import catalog_from_records

    edited = [dict(r) for r in TINY_RECORDS]
    edited[0]["overview"] = "something else"
    assert catalog_from_records(edited).digest != tiny_catalog.digest
    assert catalog_from_records([dict(r) for r in TINY_RECORDS]).digest == tiny_catalog.digest


def test_rows_of_one_title_are_one_video_unless_their_years_differ():
    from vidrec_core.data.schema import catalog_from_records

    catalog = catalog_from_records(
        [
            {"id": "a", "title": "Interstellar"},
            {"id": "b", "title": "interstellar"},
            {"id": "c", "title": "Dune", "year": 1984},
            {"id": "d", "title": "Dune", "year": 2021},
            {"id": "e", "title": "DUNE!"},
            {"id": "f", "title": "Matrix, The", "year": 1999},
            {"id": "g", "title": "The Matrix", "year": 1999},
            {"id": "h", "title": "Heat", "year": 1995},
            {"id": "i", "title": "!!!"},
            {"id": "j", "title": "???"},
        ]
    )
    row = catalog.index_of
    assert catalog.duplicates_of([row["a"]]).tolist() == [row["b"]]
    assert catalog.duplicates_of([row["c"]]).tolist() == [row["e"]]  # not the 2021 film
    assert catalog.duplicates_of([row["e"]]).tolist() == [row["c"], row["d"]]  # no year: the title decides
    assert catalog.duplicates_of([row["c"], row["e"]]).tolist() == [row["d"]]  # never the rows asked about
    assert catalog.duplicates_of([row["f"]]).tolist() == [row["g"]]
    assert catalog.duplicates_of([row["h"]]).tolist() == []
    assert catalog.duplicates_of([row["i"]]).tolist() == []  # titles that fold to nothing are not one title
    assert catalog.duplicates_of([]).tolist() == []
