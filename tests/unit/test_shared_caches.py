"""Shared caches under concurrent first use: two sessions asking for the same projection at once compute it once."""

from __future__ import annotations

import threading
import time

import numpy as np

import vidrec_ui.map_data as map_data
from vidrec_core.explore.projection import Projection, ProjectionConfig


def test_concurrent_first_use_of_a_projection_computes_it_once(tiny_recommender, monkeypatch):
    calls: list[int] = []

    def slow_project(vectors, config):
        calls.append(1)
        time.sleep(0.5)  # long enough for the second session to arrive while the first computes
        return Projection(coords=np.zeros((len(vectors), 2), np.float32), config=config, digest="d", source="test")

    monkeypatch.setattr(map_data, "project", slow_project)
    map_data.cached_projection.clear()
    results = []

    def session() -> None:
        results.append(map_data.cached_projection(tiny_recommender, "digest-x", "fake", 2))

    threads = [threading.Thread(target=session) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len(results) == 4 and all(r is results[0] for r in results)  # one shared, read-only object
    assert results[0].config == ProjectionConfig(n_components=2)
    map_data.cached_projection.clear()
