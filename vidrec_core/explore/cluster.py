"""Group the catalog in meaning space and describe each group.

KMeans (a chosen k, or the k with the best silhouette) or scikit-learn's HDBSCAN (density groups plus an explicit
"unclustered" set). Each group is named by class-based TF-IDF (`vidrec_core.explore.naming`) and shown with its most
central titles. Agreement with the catalog's own genres (NMI) and the silhouette tell a user whether a setting is
good.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Literal

import numpy as np

from vidrec_core.core.errors import VidrecError
from vidrec_core.data.schema import Catalog
from vidrec_core.explore.naming import ctfidf_keywords, document_terms

NOISE = -1
METHODS = ("kmeans", "hdbscan")
SILHOUETTE_SAMPLE = 4000
AUTO_SAMPLE = 2500


class ClusterError(VidrecError):
    """Clustering cannot run with the settings given."""


@dataclass(frozen=True)
class ClusterConfig:
    """How to group the catalog.

    `k=None` picks KMeans' k by cosine silhouette over `k_range`. The range starts at 5 because on text
    embeddings the silhouette is nearly flat (0.03-0.05 on the sample) and peaks at k=2, which says little about
    a catalog. HDBSCAN uses 'leaf' selection by default: 'eom' tends to return one giant group plus a few islands.
    """

    method: Literal["kmeans", "hdbscan"] = "kmeans"
    k: int | None = 12
    k_range: tuple[int, int] = (5, 30)
    min_cluster_size: int = 40
    min_samples: int | None = None
    cluster_selection: Literal["leaf", "eom"] = "leaf"
    n_keywords: int = 8
    n_titles: int = 5
    random_state: int = 0

    def validate(self, n_items: int) -> None:
        if self.method not in METHODS:
            raise ClusterError(f"Unknown clustering method '{self.method}'. Choose one of: {', '.join(METHODS)}.")
        if n_items < 3:
            raise ClusterError(f"The catalog has {n_items} videos; clustering needs at least 3.")
        if self.method == "kmeans" and self.k is not None and not 2 <= self.k < n_items:
            raise ClusterError(f"Choose k between 2 and {n_items - 1} (the catalog has {n_items} videos).")
        if self.method == "hdbscan" and self.min_cluster_size < 2:
            raise ClusterError("The minimum cluster size must be at least 2.")
        if self.method == "hdbscan" and max(self.min_cluster_size, self.min_samples or 0) > n_items:
            raise ClusterError(
                f"The catalog has {n_items} videos: lower the minimum cluster size (now {self.min_cluster_size}) "
                "or use KMeans."
            )
        low, high = self.k_range
        if low < 2 or high < low:
            raise ClusterError("The automatic k range must satisfy 2 <= low <= high.")


@dataclass(frozen=True)
class ClusterInfo:
    """One group: its name and what it holds. `id` is -1 for HDBSCAN's unclustered set."""

    id: int
    label: str
    keywords: tuple[str, ...]
    size: int
    top_genres: tuple[str, ...]
    median_year: float | None
    titles: tuple[str, ...]
    members: np.ndarray = field(repr=False, compare=False)

    def as_dict(self) -> dict:
        out = asdict(self)
        out.pop("members")
        out["keywords"], out["top_genres"], out["titles"] = (
            list(self.keywords),
            list(self.top_genres),
            list(self.titles),
        )
        return out


@dataclass(frozen=True)
class Agreement:
    """How good the grouping looks. NMI vs the primary genre (0..1) and cosine silhouette (-1..1), both over the
    clustered videos only; `noise_share` is the fraction HDBSCAN left unclustered."""

    nmi_genre: float | None
    silhouette: float | None
    noise_share: float


@dataclass
class ClusterResult:
    config: ClusterConfig
    labels: np.ndarray
    clusters: list[ClusterInfo]
    agreement: Agreement
    k_scores: dict[int, float] = field(default_factory=dict)

    @property
    def k(self) -> int:
        return sum(1 for c in self.clusters if c.id != NOISE)

    @property
    def by_id(self) -> dict[int, ClusterInfo]:
        return {c.id: c for c in self.clusters}

    def label_names(self) -> np.ndarray:
        """One readable cluster name per video, for colouring and tables."""
        names = {c.id: c.label for c in self.clusters}
        return np.array([names.get(int(lab), "Unclustered") for lab in self.labels], dtype=object)

    def as_dict(self) -> dict:
        return {
            "method": self.config.method,
            "k": self.k,
            "auto_k": self.config.method == "kmeans" and self.config.k is None,
            "k_scores": {str(k): round(v, 4) for k, v in self.k_scores.items()},
            "nmi_genre": _round(self.agreement.nmi_genre),
            "silhouette": _round(self.agreement.silhouette),
            "noise_share": round(self.agreement.noise_share, 4),
            "clusters": [c.as_dict() for c in self.clusters],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


# ---------------------------------------------------------------------------------------------------- assignment


def _silhouette(vectors: np.ndarray, labels: np.ndarray, random_state: int) -> float | None:
    from sklearn.metrics import silhouette_score

    keep = labels != NOISE
    if len(set(labels[keep].tolist())) < 2 or keep.sum() < 3:
        return None
    x, y = vectors[keep], labels[keep]
    sample = min(len(y), SILHOUETTE_SAMPLE) if len(y) > SILHOUETTE_SAMPLE else None
    return float(silhouette_score(x, y, metric="cosine", sample_size=sample, random_state=random_state))


def kmeans_labels(vectors: np.ndarray, k: int, random_state: int, n_init: int = 4) -> np.ndarray:
    from sklearn.cluster import KMeans, MiniBatchKMeans

    # Unit vectors: Euclidean KMeans orders points exactly as cosine does. MiniBatch keeps 100k+ catalogs quick.
    if len(vectors) > 50_000:
        model = MiniBatchKMeans(n_clusters=k, random_state=random_state, n_init=3, batch_size=4096)
    else:
        model = KMeans(n_clusters=k, random_state=random_state, n_init=n_init)
    return model.fit_predict(vectors).astype(np.int64)


def candidate_ks(k_range: tuple[int, int], n_items: int) -> list[int]:
    """The ks the automatic choice tries: every k up to 12, then steps, so a wide range stays quick."""
    low, high = k_range[0], min(k_range[1], n_items - 1)
    ks = [k for k in range(low, high + 1) if k <= 12 or k % 3 == 0 or k == high]
    return ks or [min(low, n_items - 1)]


def assign(
    vectors: np.ndarray, config: ClusterConfig, space: np.ndarray | None = None
) -> tuple[np.ndarray, dict[int, float]]:
    """Cluster labels per row (-1 = unclustered) and, for the automatic k, the silhouette of each k tried.

    `space` (HDBSCAN only) is where density is measured, e.g. the 2D map: in 384 dimensions text embeddings are
    nearly uniformly spread and HDBSCAN leaves 70-95% of a movie catalog unclustered.
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    config.validate(len(vectors))
    if config.method == "hdbscan":
        if space is not None:
            vectors = np.asarray(space, dtype=np.float32)
        from sklearn.cluster import HDBSCAN

        model = HDBSCAN(
            min_cluster_size=config.min_cluster_size,
            min_samples=config.min_samples,
            cluster_selection_method=config.cluster_selection,
            metric="euclidean",  # on unit vectors this ranks neighbours as cosine does, and allows a tree search
            copy=True,
        )
        return model.fit_predict(vectors).astype(np.int64), {}
    if config.k is not None:
        return kmeans_labels(vectors, config.k, config.random_state), {}
    # Search on a sample with one KMeans start per k (the silhouette is flat enough that this picks the same k),
    # then fit the chosen k on everything: about 10 s for 14 candidates instead of a minute.
    rng = np.random.default_rng(config.random_state)
    sample = np.sort(rng.choice(len(vectors), AUTO_SAMPLE, replace=False)) if len(vectors) > AUTO_SAMPLE else None
    searched = vectors if sample is None else vectors[sample]
    scores: dict[int, float] = {}
    for k in candidate_ks(config.k_range, len(searched)):
        labels = kmeans_labels(searched, k, config.random_state, n_init=1)
        score = _silhouette(searched, labels, config.random_state)
        if score is not None:
            scores[k] = score
    if not scores:
        raise ClusterError("No k in the automatic range gave two or more clusters; set k by hand.")
    best_k = max(scores, key=lambda k: (scores[k], -k))
    return kmeans_labels(vectors, best_k, config.random_state), scores


# ------------------------------------------------------------------------------------------------------ describing


def central_order(vectors: np.ndarray, members: np.ndarray) -> np.ndarray:
    """A group's members, most central first: by cosine to the group's mean direction."""
    centroid = vectors[members].mean(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
    return members[np.argsort(-(vectors[members] @ centroid), kind="stable")]


def _primary_genres(catalog: Catalog) -> np.ndarray:
    return np.array([g[0] if len(g) else "" for g in catalog.frame["genres"]], dtype=object)


def describe(
    catalog: Catalog, vectors: np.ndarray, labels: np.ndarray, n_keywords: int = 8, n_titles: int = 5
) -> list[ClusterInfo]:
    """Name and summarise every cluster: c-TF-IDF keywords, dominant genres, median year, most central titles."""
    keywords = ctfidf_keywords(document_terms(catalog), labels, top_n=n_keywords)
    frame = catalog.frame
    years = frame["year"].astype("float64").to_numpy()
    infos = []
    for cid in sorted(set(labels.tolist()), key=lambda c: (c == NOISE, c)):
        members = np.flatnonzero(labels == cid)
        central = central_order(vectors, members)[:n_titles]
        genre_counts = Counter(g for genres in frame["genres"].iloc[members] for g in genres)
        top_genres = tuple(g for g, _ in genre_counts.most_common(3))
        member_years = years[members]
        member_years = member_years[~np.isnan(member_years)]
        words = tuple(keywords.get(cid, []))
        if cid == NOISE:
            label = "Unclustered"
        elif words:
            label = " · ".join(words[:3])
        else:
            label = top_genres[0] if top_genres else f"Cluster {cid}"
        infos.append(
            ClusterInfo(
                id=int(cid),
                label=label,
                keywords=words,
                size=len(members),
                top_genres=top_genres,
                median_year=float(np.median(member_years)) if len(member_years) else None,
                titles=tuple(catalog.titles[i] for i in central),
                members=members,
            )
        )
    _disambiguate(infos)
    return infos


def _disambiguate(infos: list[ClusterInfo]) -> None:
    """Two clusters must never share a name on the map: add the next keyword (or the id) to repeats."""
    seen: Counter[str] = Counter(info.label for info in infos)
    for pos, info in enumerate(infos):
        if seen[info.label] > 1 and info.id != NOISE:
            extra = info.keywords[3] if len(info.keywords) > 3 else f"#{info.id}"
            infos[pos] = ClusterInfo(**{**info.__dict__, "label": f"{info.label} · {extra}"})


def agreement(catalog: Catalog, vectors: np.ndarray, labels: np.ndarray, random_state: int = 0) -> Agreement:
    """NMI against each video's first genre and the cosine silhouette, over clustered videos with a genre."""
    from sklearn.metrics import normalized_mutual_info_score

    clustered = labels != NOISE
    genres = _primary_genres(catalog)
    usable = clustered & (genres != "")
    nmi = None
    if usable.sum() >= 2:
        nmi = float(normalized_mutual_info_score(genres[usable].astype(str), labels[usable]))
    noise_share = float(1 - clustered.mean()) if len(labels) else 0.0
    return Agreement(nmi_genre=nmi, silhouette=_silhouette(vectors, labels, random_state), noise_share=noise_share)


def cluster_catalog(
    catalog: Catalog, vectors: np.ndarray, config: ClusterConfig | None = None, space: np.ndarray | None = None
) -> ClusterResult:
    """Cluster, name and score in one call; the app and the command line both use it. `space`: see `assign`.
    Names, central titles and the silhouette always use the embeddings."""
    config = config or ClusterConfig()
    vectors = np.asarray(vectors, dtype=np.float32)
    if len(vectors) != len(catalog):
        raise ValueError(f"{len(vectors)} vectors for a catalog of {len(catalog)} videos")
    if space is not None and len(space) != len(vectors):
        raise ValueError("space must have one row per video")
    labels, k_scores = assign(vectors, config, space)
    if config.method == "hdbscan" and not (labels != NOISE).any():
        raise ClusterError(
            f"HDBSCAN found no group of at least {config.min_cluster_size} similar videos; "
            "lower the minimum cluster size or use KMeans."
        )
    clusters = describe(catalog, vectors, labels, config.n_keywords, config.n_titles)
    return ClusterResult(
        config=config,
        labels=labels,
        clusters=clusters,
        agreement=agreement(catalog, vectors, labels, config.random_state),
        k_scores=k_scores,
    )
