"""Shared fixtures: a tiny catalog whose right answers are obvious, and the deterministic fake encoder."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

from vidrec_core.data.schema import Catalog, catalog_from_records
from vidrec_core.embed.encoders import FakeEncoder
from vidrec_core.embed.store import embed_texts
from vidrec_core.recommender import Recommender

TINY_RECORDS = [
    {
        "id": "s1",
        "title": "Star Voyage",
        "overview": "astronaut rocket space orbit planet",
        "genres": "Science Fiction",
        "year": 2001,
        "popularity": 5,
    },
    {
        "id": "s2",
        "title": "Orbit Rescue",
        "overview": "astronaut rocket space station rescue",
        "genres": "Science Fiction|Drama",
        "year": 2010,
        "popularity": 3,
    },
    {
        "id": "s3",
        "title": "Mars Base",
        "overview": "astronaut planet mars colony space",
        "genres": "Science Fiction",
        "year": 2015,
        "popularity": 8,
    },
    {
        "id": "h1",
        "title": "Ghost Manor",
        "overview": "haunted house ghost scream night terror",
        "genres": "Horror",
        "year": 1999,
        "popularity": 4,
    },
    {
        "id": "h2",
        "title": "The Cellar",
        "overview": "haunted cellar ghost demon terror",
        "genres": "Horror",
        "year": 2005,
        "popularity": 6,
    },
    {
        "id": "h3",
        "title": "Night Whispers",
        "overview": "demon possession scream night terror",
        "genres": "Horror|Thriller",
        "year": 2012,
        "popularity": 2,
    },
    {
        "id": "r1",
        "title": "Paris Hearts",
        "overview": "love romance wedding kiss paris",
        "genres": "Romance",
        "year": 2003,
        "popularity": 7,
    },
    {
        "id": "r2",
        "title": "Summer Letters",
        "overview": "love romance letters kiss summer",
        "genres": "Romance|Drama",
        "year": 2004,
        "popularity": 9,
    },
    {
        "id": "r3",
        "title": "Wedding Season",
        "overview": "love wedding romance bride kiss",
        "genres": "Romance|Comedy",
        "year": 2018,
        "popularity": 1,
    },
]


@pytest.fixture
def tiny_catalog() -> Catalog:
    return catalog_from_records([dict(r) for r in TINY_RECORDS], name="tiny")


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder(dim=256)


@pytest.fixture
def tiny_recommender(tiny_catalog: Catalog, fake_encoder: FakeEncoder) -> Recommender:
    vectors, _ = embed_texts(fake_encoder, tiny_catalog.texts)
    return Recommender(tiny_catalog, vectors, fake_encoder)


SUITE_DATA_DIR = tempfile.mkdtemp(prefix="vidrec_tests_")


def pytest_configure(config: pytest.Config) -> None:
    """Before any fixture runs (module-scoped AppTests included), point the data folder away from the checkout, so
    the suite never writes into, or reads from, a developer's own saved histories and kept catalogs."""
    os.environ["VIDREC_DATA_DIR"] = SUITE_DATA_DIR


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(SUITE_DATA_DIR, ignore_errors=True)


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path_factory, monkeypatch):
    """Never write caches or saved state into the repository during tests."""
    monkeypatch.setenv("VIDREC_DATA_DIR", str(tmp_path_factory.mktemp("vidrec_data")))


@pytest.fixture
def unwritable_data_dir(tmp_path, monkeypatch):
    """A data folder that cannot be created: its parent is a file. It stands in for a read-only folder, and unlike
    chmod it also stops root."""
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    monkeypatch.setenv("VIDREC_DATA_DIR", str(blocker / "data"))
    return blocker / "data"
