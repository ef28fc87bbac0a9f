"""A viewer on the catalog map: where each history event and the interest profile sit among the videos."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from vidrec_core.explore.projection import Projection
from vidrec_core.profile.history import Event


def event_points(
    projection: Projection,
    items: np.ndarray,
    index_of: Mapping[str, int],
    events: Sequence[Event],
    vectors: np.ndarray,
) -> np.ndarray:
    """Map coordinates per event: a matched video at its own point, a typed line (or a video the map does not hold,
    outside a large catalog's sample) among its nearest videos."""
    coords = projection.coords
    points = np.zeros((len(events), coords.shape[1]), dtype=np.float32)
    typed = [i for i, event in enumerate(events) if event.matched_id not in index_of]
    for i, event in enumerate(events):
        if event.matched_id in index_of:
            points[i] = coords[index_of[event.matched_id]]
    if typed:
        points[typed] = projection.place(vectors[typed], items)
    return points


def profile_point(projection: Projection, items: np.ndarray, profile: np.ndarray | None) -> np.ndarray | None:
    """The (1, dims) map point of a profile vector, among its nearest videos; None when there is no profile."""
    if profile is None:
        return None
    return projection.place(profile[None, :], items)
