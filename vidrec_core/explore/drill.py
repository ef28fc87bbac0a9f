"""A group opened into its sub-groups (the second level a stakeholder drills into): KMeans within the group's
videos, each sub-group named by the words that set it apart from its siblings (c-TF-IDF within the parent)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from vidrec_core.data.schema import Catalog
from vidrec_core.explore.cluster import NOISE, ClusterInfo, ClusterResult, describe, kmeans_labels

SUB_K = 4  # sub-groups per group: enough to see its parts, few enough to read
MIN_SUB_SIZE = 5  # videos per sub-group at least, so a small group splits into fewer parts or none


def sub_groups(
    catalog: Catalog, vectors: np.ndarray, parent: ClusterInfo, k: int = SUB_K, random_state: int = 0
) -> list[ClusterInfo]:
    """The parent's videos in `k` named sub-groups (fewer for a small group; none for the unclustered set or a
    group too small to split). Members are rows of the whole catalog, like the parent's; ids count from 0 within
    the parent."""
    members = np.asarray(parent.members)
    k = min(k, len(members) // MIN_SUB_SIZE)
    if parent.id == NOISE or k < 2:
        return []
    inside = replace(catalog, frame=catalog.frame.iloc[members].reset_index(drop=True))
    inside_vectors = np.asarray(vectors, dtype=np.float32)[members]
    labels = kmeans_labels(inside_vectors, k, random_state)
    infos = describe(inside, inside_vectors, labels)
    return sorted((replace(info, members=members[info.members]) for info in infos), key=lambda i: -i.size)


def drill_down(catalog: Catalog, vectors: np.ndarray, result: ClusterResult, k: int = SUB_K) -> dict[int, list]:
    """Every group's sub-groups, by group id (`cluster --levels 2`)."""
    seed = result.config.random_state
    return {info.id: sub_groups(catalog, vectors, info, k, seed) for info in result.clusters}
