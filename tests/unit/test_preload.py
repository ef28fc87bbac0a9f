"""The server's preload: the first page's recommender and one answer, loaded before any tab connects."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

import vidrec_ui.resources as resources
from vidrec_core.core.errors import VidrecError
from vidrec_core.embed.registry import DEFAULT_ENCODER
from vidrec_ui import preload


class RecordingRecommender:
    def __init__(self) -> None:
        self.understood: list[str] = []
        self.recommended: list[object] = []

    def understand(self, history: str) -> list[str]:
        self.understood.append(history)
        return [history]

    def recommend(self, events: list[str]) -> None:
        self.recommended.append(events)


@pytest.fixture
def first_choice(monkeypatch):
    built: list[tuple[str, str]] = []
    recommender = RecordingRecommender()

    def cached_recommender(path: str, model: str) -> RecordingRecommender:
        built.append((path, model))
        return recommender

    choices = [SimpleNamespace(path="/first.csv"), SimpleNamespace(path="/second.csv")]
    personas = {
        "Space fan": SimpleNamespace(history="Interstellar\nThe Martian"),
        "Other": SimpleNamespace(history="x"),
    }
    monkeypatch.setattr(resources, "catalog_choices", lambda: choices)
    monkeypatch.setattr(resources, "cached_recommender", cached_recommender)
    monkeypatch.setattr(resources, "cached_personas", lambda: personas)
    return built, recommender


def test_it_loads_the_catalog_the_page_opens_on_and_answers_the_first_persona(first_choice):
    built, recommender = first_choice
    preload.start_preload().join(timeout=30)
    assert built == [("/first.csv", DEFAULT_ENCODER)]
    assert recommender.understood == ["Interstellar\nThe Martian"]
    assert recommender.recommended == [["Interstellar\nThe Martian"]]


def test_a_catalog_that_cannot_be_read_is_left_for_the_page_to_say(monkeypatch, caplog):
    def broken(path: str, model: str) -> None:
        raise VidrecError("the catalog file is gone")

    monkeypatch.setattr(resources, "catalog_choices", lambda: [SimpleNamespace(path="/gone.csv")])
    monkeypatch.setattr(resources, "cached_recommender", broken)
    with caplog.at_level(logging.WARNING, logger="vidrec_ui.preload"):
        preload.preload()  # no exception reaches the server
    assert "the catalog file is gone" in caplog.text
