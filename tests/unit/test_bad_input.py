"""Bad input, tried on purpose: every case gets a clear answer and nothing crashes.

Table-driven so the count of cases is visible and can only grow (`pytest tests/unit/test_bad_input.py -q`).
"""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vidrec_core.catalog import load_catalog
from vidrec_core.errors import CatalogError, HistoryError
from vidrec_core.history import MAX_EVENTS, MAX_LINE_CHARS, parse_history
from vidrec_core.profile import STRATEGIES

HISTORIES = {
    "whitespace only": (" \n\t\n   ", "empty"),
    "empty": ("", "empty"),
    "one 1 MB line": ("x" * 1_000_000, "ok"),
    "100,000 lines": ("\n".join(f"search: topic {i}" for i in range(100_000)), "ok"),
    "control characters": ("Star\x00 Voyage\x1b[31m\x07", "ok"),
    "right-to-left override": ("\u202eegayoV ratS\u202c\nשלום עולם", "ok"),
    "emoji": ("🚀🚀 space rocket 🚀", "ok"),
    "Chinese": ("我喜欢科幻电影\n太空", "ok"),
    "mixed scripts": ("Star Voyage 星际 Путешествие رحلة", "ok"),
    "only dislikes": ("dislike: Ghost Manor\ndislike: The Cellar\ndislike: Paris Hearts", "ok"),
    "prefix with nothing after it": ("like:\nsearch:   ", "ok"),
    "only comments": ("# a comment\n# another", "empty"),
    "weights and dates that are nonsense": ("Star Voyage | -5 | 2024-13-45 | lots", "ok"),
    "a title that matches several videos": ("Twin\nTwin (2010)", "ok"),
    "markdown and html": ("<img src=x onerror=alert(1)>\n[click](javascript:alert(1))", "ok"),
}


@pytest.mark.parametrize("name", list(HISTORIES))
def test_histories(tiny_recommender, name):
    text, expected = HISTORIES[name]
    if expected == "empty":
        with pytest.raises(HistoryError, match="empty"):
            tiny_recommender.recommend(text)
        return
    for strategy in STRATEGIES:
        result = tiny_recommender.recommend(text, strategy=strategy, k=3)
        assert len(result.events) <= MAX_EVENTS
        assert all(len(e.text) <= MAX_LINE_CHARS for e in result.events)
        assert len(result.recommendations) >= 1


def test_titles_shared_by_several_videos_pick_the_year_or_the_most_popular(tiny_catalog):
    from vidrec_core.catalog import catalog_from_records
    from vidrec_core.history import TitleMatcher

    catalog = catalog_from_records(
        [
            {"id": "a", "title": "Twin", "year": 1990, "popularity": 1},
            {"id": "b", "title": "Twin", "year": 2010, "popularity": 9},
        ]
    )
    events = parse_history("Twin\nTwin (1990)", TitleMatcher(catalog))
    assert [e.matched_id for e in events] == ["b", "a"]


def _write(path, content) -> None:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("inner.csv", "title\nA\n")
    return buffer.getvalue()


def _truncated_parquet(tmp_path) -> bytes:
    whole = tmp_path / "whole.parquet"
    pd.DataFrame({"title": [f"t{i}" for i in range(1000)], "overview": ["x" * 50] * 1000}).to_parquet(whole)
    data = whole.read_bytes()
    return data[: len(data) // 2]


CATALOGS = {
    "empty file": ("videos.csv", "", "empty"),
    "header only": ("videos.csv", "title,overview\n", "no rows"),
    "no title column": ("videos.csv", "headline,plot\nA,B\n", "no title column"),
    "broken quote": ("videos.csv", 'title,overview\n"Alpha,"never closed\nBeta,fine\n', None),
    "zip renamed to csv": ("videos.csv", _zip_bytes(), "zip archive|Could not read"),
    "binary junk": ("videos.csv", bytes(range(256)) * 10, "not valid UTF-8|Could not read"),
    "json that is not a list of objects": ("videos.json", "[1, 2, 3]", "list of objects"),
    "invalid json": ("videos.json", "{not json", "Could not read"),
    "unknown format": ("videos.docx", "whatever", "Unsupported"),
}


@pytest.mark.parametrize("name", list(CATALOGS))
def test_bad_catalog_files(tmp_path, name):
    filename, content, message = CATALOGS[name]
    path = tmp_path / filename
    _write(path, content)
    if message is None:  # readable in a degraded way is acceptable, a crash is not
        try:
            catalog = load_catalog(path)
        except CatalogError:
            return
        assert len(catalog) >= 1
        return
    with pytest.raises(CatalogError, match=message):
        load_catalog(path)


def test_truncated_parquet(tmp_path):
    path = tmp_path / "videos.parquet"
    path.write_bytes(_truncated_parquet(tmp_path))
    with pytest.raises(CatalogError, match=r"Could not read videos\.parquet"):
        load_catalog(path)


ODD_CATALOGS = {
    "one row": pd.DataFrame({"title": ["Only one"], "overview": ["alone"]}),
    "every description empty": pd.DataFrame({"title": ["A", "B", "C"], "overview": ["", "", ""]}),
    "duplicated titles": pd.DataFrame({"title": ["Same", "Same", "Other"], "year": [2000, 2001, 2002]}),
    "numbers where text should be": pd.DataFrame({"title": [1, 2, 3], "overview": [4.5, None, 6], "genres": [7, 8, 9]}),
    "10,000 columns": pd.DataFrame({"title": ["A", "B"], **{f"extra_{i}": [i, i] for i in range(10_000)}}),
}


@pytest.mark.parametrize("name", list(ODD_CATALOGS))
def test_odd_but_valid_catalogs_work_end_to_end(tmp_path, fake_encoder, name):
    from vidrec_core.embed import embed_texts
    from vidrec_core.recommender import Recommender

    path = tmp_path / "videos.parquet"
    ODD_CATALOGS[name].to_parquet(path)
    catalog = load_catalog(path)
    vectors, _ = embed_texts(fake_encoder, catalog.texts)
    recommender = Recommender(catalog, vectors, fake_encoder)
    result = recommender.recommend(f"interest: {catalog.titles[0]}", k=2)
    assert 1 <= len(result.recommendations) <= 2
    if name == "every description empty":
        assert any("No descriptions" in note for note in catalog.notes)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_any_text_is_a_history_or_a_clear_empty_message(tiny_recommender, text):
    try:
        result = tiny_recommender.recommend(text, k=3)
    except HistoryError as exc:
        assert "empty" in str(exc)
        return
    assert np.isfinite([r.score for r in result.recommendations]).all()


def test_case_count_keeps_growing():
    """The suite's size, stated: raise the floor when adding cases, never lower it."""
    assert len(HISTORIES) + len(CATALOGS) + len(ODD_CATALOGS) + 2 >= 31
