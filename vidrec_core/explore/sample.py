"""Maps and clusters of a catalog of millions: fitted on a seeded sample, every video assigned to its nearest group.

UMAP and cluster naming over millions of videos take hours and tens of gigabytes; over 100,000 they take minutes.
Above `SAMPLE_FROM` videos the map page works on a fixed random sample (the same on every server and rerun): the map
is the sample's, the groups are found in the sample, and then every video of the catalog is assigned to the group
whose centre is nearest, so group sizes count the whole catalog. Videos outside the sample (a recommendation, a search
hit) are placed on the map among their nearest sampled neighbours, as typed history lines are.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from vidrec_core.core.vectors import normalise_rows
from vidrec_core.data.schema import Catalog
from vidrec_core.explore.cluster import NOISE, ClusterResult
from vidrec_core.explore.projection import Projection
from vidrec_core.index.files import read_rows

SAMPLE_FROM = 200_001  # above the default VIDREC_MAX_ROWS: catalogs the app took before keep their whole-catalog map
SAMPLE_ROWS = 100_000  # as many as the map draws
ASSIGN_ROWS = 262_144  # videos per step when assigning the whole catalog to groups (bounded memory)


@dataclass(frozen=True)
class MapSample:
    """What the map works on: the whole catalog, or a seeded sample of it (`rows`: its catalog rows, sorted)."""

    catalog: Catalog
    items: np.ndarray
    rows: np.ndarray | None
    total: int
    key: str  # stands for the catalog digest in cache keys: the sample's own

    @property
    def sampled(self) -> bool:
        return self.rows is not None

    def points(self, projection: Projection, catalog_rows: np.ndarray, vectors: np.ndarray) -> np.ndarray:
        """Map coordinates of catalog rows: a sampled video at its own point, any other among its nearest sampled
        neighbours (`vectors` are the rows' vectors)."""
        catalog_rows = np.asarray(catalog_rows, dtype=np.int64)
        if self.rows is None:
            return projection.coords[catalog_rows]
        where = np.searchsorted(self.rows, catalog_rows)
        inside = (where < len(self.rows)) & (self.rows[np.minimum(where, len(self.rows) - 1)] == catalog_rows)
        out = np.zeros((len(catalog_rows), projection.coords.shape[1]), dtype=np.float32)
        out[inside] = projection.coords[where[inside]]
        if (~inside).any():
            out[~inside] = projection.place(np.asarray(vectors)[~inside], self.items)
        return out


def map_sample(catalog: Catalog, items: np.ndarray, seed: int = 0) -> MapSample:
    """The whole catalog up to SAMPLE_FROM videos; above, a seeded sample of SAMPLE_ROWS of them."""
    n = len(catalog)
    if n < SAMPLE_FROM:
        return MapSample(catalog, items, None, n, catalog.digest)
    rows = np.sort(np.random.default_rng(seed).choice(n, SAMPLE_ROWS, replace=False))
    frame = catalog.frame.iloc[rows].reset_index(drop=True)
    sample = dataclasses.replace(catalog, frame=frame)
    vectors = np.ascontiguousarray(items[rows], dtype=np.float32)
    return MapSample(sample, vectors, rows, n, f"{catalog.digest}-sample{SAMPLE_ROWS}-seed{seed}")


def assign_all(clusters: ClusterResult, sample_items: np.ndarray, items: np.ndarray) -> np.ndarray:
    """Every catalog video's group: the one whose centre (the mean direction of its sampled members) is nearest.
    Unclustered sample videos form no group; every video gets a real one."""
    groups = [c for c in clusters.clusters if c.id != NOISE]
    centres = normalise_rows(np.stack([sample_items[c.members].mean(axis=0) for c in groups]))
    ids = np.array([c.id for c in groups], dtype=np.int64)
    labels = np.empty(len(items), dtype=np.int64)
    for start in range(0, len(items), ASSIGN_ROWS):
        block = read_rows(items, start, start + ASSIGN_ROWS)
        labels[start : start + len(block)] = ids[np.argmax(block @ centres.T, axis=1)]
    return labels


def whole_catalog_sizes(clusters: ClusterResult, labels: np.ndarray) -> ClusterResult:
    """The sample's clusters with each group's size counting the whole catalog's videos assigned to it (the
    sample's unclustered set, which the map still draws, keeps its own count)."""
    ids, counts = np.unique(labels, return_counts=True)
    count_of = dict(zip(ids.tolist(), counts.tolist(), strict=True))
    sized = [c if c.id == NOISE else dataclasses.replace(c, size=count_of.get(c.id, 0)) for c in clusters.clusters]
    return dataclasses.replace(clusters, clusters=sized)
