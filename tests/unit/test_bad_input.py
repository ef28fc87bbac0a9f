"""Bad input, tried on purpose: every case gets a clear answer and nothing crashes.

Table-driven so the count of cases is visible and can only grow (`pytest tests/unit/test_bad_input.py -q`).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.bad_cases import CASE_FLOOR, CATALOG_FILES, HISTORIES, ODD_CATALOGS, write_case
from vidrec_core.core.errors import CatalogError, HistoryError
from vidrec_core.data.load import load_catalog
from vidrec_core.profile.history import MAX_EVENTS, MAX_LINE_CHARS, parse_history
from vidrec_core.profile.registry import STRATEGIES


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
    from vidrec_core.data.schema import catalog_from_records
    from vidrec_core.profile.matching import TitleMatcher

    catalog = catalog_from_records(
        [
            {"id": "a", "title": "Twin", "year": 1990, "popularity": 1},
            {"id": "b", "title": "Twin", "year": 2010, "popularity": 9},
        ]
    )
    events = parse_history("Twin\nTwin (1990)", TitleMatcher(catalog))
    assert [e.matched_id for e in events] == ["b", "a"]


@pytest.mark.parametrize("name", list(CATALOG_FILES))
def test_bad_catalog_files(tmp_path, name):
    path = write_case(tmp_path, name)
    message = CATALOG_FILES[name][2]
    if message is None:  # readable in a degraded way is acceptable, a crash is not
        try:
            catalog = load_catalog(path)
        except CatalogError:
            return
        assert len(catalog) >= 1
        return
    with pytest.raises(CatalogError, match=message) as caught:
        load_catalog(path)
    assert str(caught.value).isprintable(), "messages quote bad bytes visibly, never raw"


@pytest.mark.parametrize("name", list(ODD_CATALOGS))
def test_odd_but_valid_catalogs_work_end_to_end(tmp_path, fake_encoder, name):
    from vidrec_core.embed.store import embed_texts
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
    assert len(HISTORIES) + len(CATALOG_FILES) + len(ODD_CATALOGS) >= CASE_FLOOR
