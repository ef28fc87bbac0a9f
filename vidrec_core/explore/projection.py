"""The catalog as a picture: a 2D or 3D projection of the embeddings (UMAP, or PCA when speed matters).

Projections are slow to compute (umap-learn compiles with numba on first use: measured 20-70 s on 2 CPUs, then about
5 s to fit 4,803 videos), so they are cached on disk keyed by the embeddings' digest and the settings, and the sample
catalog's default projections ship in `sample_data/projections/`. New points (a history, a profile) are placed by a
similarity-weighted average of their nearest catalog videos' coordinates: milliseconds, no numba, and close to what
`UMAP.transform` does (whose first call compiles for about a minute). The fitted model is kept in the user cache for
`place(..., exact=True)`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from vidrec_core.core.atomic import atomic_path
from vidrec_core.core.errors import VidrecError
from vidrec_core.core.paths import SAMPLE_DIR, cache_dir
from vidrec_core.core.vectors import top_k_rows

SAMPLE_PROJECTIONS_DIR = SAMPLE_DIR / "projections"
FORMAT_VERSION = 1


class ProjectionError(VidrecError):
    """A projection cannot be computed or read."""


@dataclass(frozen=True)
class ProjectionConfig:
    """Projection settings; every field is part of the cache key."""

    method: Literal["umap", "pca"] = "umap"
    n_components: int = 2
    n_neighbors: int = 15
    min_dist: float = 0.1
    metric: str = "cosine"
    random_state: int = 42

    def validate(self) -> None:
        if self.method not in ("umap", "pca"):
            raise ProjectionError(f"Unknown projection method '{self.method}'. Choose umap or pca.")
        if self.n_components not in (2, 3):
            raise ProjectionError("A map has 2 or 3 dimensions; choose --dims 2 or 3.")
        if self.n_neighbors < 2:
            raise ProjectionError("n_neighbors must be at least 2.")
        if not 0.0 <= self.min_dist <= 1.0:
            raise ProjectionError("min_dist must be between 0 and 1.")

    @property
    def slug(self) -> str:
        if self.method == "pca":
            return f"pca{self.n_components}d"
        return f"umap{self.n_components}d-n{self.n_neighbors}-d{self.min_dist:g}-{self.metric}-rs{self.random_state}"


def embeddings_digest(vectors: np.ndarray) -> str:
    """Identifies the exact embeddings (shape and float32 bytes), so a projection is never used for others."""
    array = np.ascontiguousarray(vectors, dtype=np.float32)
    h = hashlib.blake2b(digest_size=16)
    h.update(str(array.shape).encode())
    h.update(array.tobytes())
    return h.hexdigest()


@dataclass
class Projection:
    """Coordinates for every catalog row (float32, (n, 2|3)), the settings and the embeddings they came from."""

    coords: np.ndarray
    config: ProjectionConfig
    digest: str
    source: str = "computed"  # computed | cache | shipped
    seconds: float = 0.0
    path: Path | None = None  # the file it was read from or written to
    model: Any = field(default=None, repr=False)
    model_path: Path | None = field(default=None, repr=False)

    def place(self, vectors: np.ndarray, items: np.ndarray, k: int = 10, exact: bool = False) -> np.ndarray:
        """Map coordinates for new vectors (history lines, a profile).

        Default: a softmax(similarity / 0.05)-weighted average of the k most similar catalog videos' coordinates,
        so a vector equal to a catalog video lands on it. `exact=True` uses the fitted model's `transform`
        (loaded from the cache when needed); it falls back to the neighbour average when there is no model.
        """
        vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        if len(vectors) == 0:
            return np.zeros((0, self.coords.shape[1]), dtype=np.float32)
        if exact:
            model = self.load_model()
            if model is not None:
                return np.asarray(model.transform(vectors), dtype=np.float32)
        sims = vectors @ np.asarray(items, dtype=np.float32).T
        k = min(k, sims.shape[1])
        top = top_k_rows(sims, k)
        top_sims = np.take_along_axis(sims, top, axis=1)
        weights = np.exp((top_sims - top_sims.max(axis=1, keepdims=True)) / 0.05)
        weights /= weights.sum(axis=1, keepdims=True)
        return np.einsum("nk,nkd->nd", weights, self.coords[top]).astype(np.float32)

    def load_model(self) -> Any:
        if self.model is None and self.model_path is not None and self.model_path.exists():
            import joblib

            try:
                self.model = joblib.load(self.model_path)
            except Exception:
                self.model = None
        return self.model


# ------------------------------------------------------------------------------------------------------- files


def file_name(config: ProjectionConfig, digest: str, prefix: str = "") -> str:
    return f"{prefix}{config.slug}-{digest[:16]}.npz"


def save_projection(projection: Projection, path: str | Path) -> Path:
    """Write coordinates (float16: plenty for a picture, a quarter of the size) with the settings and digest,
    atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        np.savez_compressed(
            handle,
            coords=projection.coords.astype(np.float16),
            config=np.array(json.dumps(asdict(projection.config))),
            digest=np.array(projection.digest),
            version=np.array(FORMAT_VERSION),
        )
    return path


def read_projection(path: str | Path) -> Projection:
    """Read a projection file written by `save_projection` (or `python -m vidrec_core project`)."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            coords = data["coords"].astype(np.float32)
            config = ProjectionConfig(**json.loads(str(data["config"])))
            digest = str(data["digest"])
    except FileNotFoundError as exc:
        raise ProjectionError(f"Projection file not found: {path}") from exc
    except Exception as exc:
        raise ProjectionError(
            f"{path.name} is not a projection file ({type(exc).__name__}); write one with "
            "`python -m vidrec_core project`."
        ) from exc
    if coords.ndim != 2 or coords.shape[1] != config.n_components:
        raise ProjectionError(f"{path.name} holds coordinates of shape {coords.shape}, not (n, {config.n_components}).")
    return Projection(coords=coords, config=config, digest=digest, source="file", path=path)


def _candidates(config: ProjectionConfig, digest: str, folders: list[Path]) -> list[Path]:
    pattern = f"*{file_name(config, digest)}"
    return [p for folder in folders if folder.is_dir() for p in sorted(folder.glob(pattern))]


def find_projection(
    config: ProjectionConfig, digest: str, n_items: int, folders: list[Path] | None = None
) -> Projection | None:
    """A stored projection for exactly these embeddings and settings: shipped files first, then the cache."""
    folders = folders if folders is not None else [SAMPLE_PROJECTIONS_DIR, cache_dir() / "projections"]
    for path in _candidates(config, digest, folders):
        try:
            found = read_projection(path)
        except ProjectionError:
            continue
        if found.digest == digest and found.config == config and len(found.coords) == n_items:
            found.source = "shipped" if path.parent == SAMPLE_PROJECTIONS_DIR else "cache"
            model_path = path.with_suffix(".joblib")
            found.model_path = model_path if model_path.exists() else None
            return found
    return None


# ----------------------------------------------------------------------------------------------------- compute


def fit_projection(vectors: np.ndarray, config: ProjectionConfig) -> tuple[np.ndarray, Any]:
    """Fit the projection; returns coordinates (float32) and the fitted model."""
    config.validate()
    vectors = np.asarray(vectors, dtype=np.float32)
    n = len(vectors)
    if n < 3:
        raise ProjectionError(f"A map needs at least 3 videos; this catalog has {n}.")
    if config.method == "pca":
        from sklearn.decomposition import PCA

        model = PCA(n_components=config.n_components, random_state=config.random_state)
        coords = model.fit_transform(vectors)
    else:
        import warnings

        import umap

        model = umap.UMAP(
            n_components=config.n_components,
            n_neighbors=min(config.n_neighbors, n - 1),
            min_dist=config.min_dist,
            metric=config.metric,
            random_state=config.random_state,
            n_jobs=1,  # a fixed random_state makes umap single-threaded anyway; saying so silences its warning
            init="spectral" if n > config.n_components + 8 else "random",
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            coords = model.fit_transform(vectors)
    return np.asarray(coords, dtype=np.float32), model


def project(
    vectors: np.ndarray,
    config: ProjectionConfig | None = None,
    *,
    use_cache: bool = True,
    save_model: bool = True,
    folders: list[Path] | None = None,
) -> Projection:
    """The projection for these embeddings and settings: from a shipped file or the cache, else computed and
    cached (coordinates, and the fitted model beside them for exact placement)."""
    import time

    config = config or ProjectionConfig()
    config.validate()
    digest = embeddings_digest(vectors)
    if use_cache:
        found = find_projection(config, digest, len(vectors), folders)
        if found is not None:
            return found
    start = time.perf_counter()
    coords, model = fit_projection(vectors, config)
    coords = coords.astype(np.float16).astype(np.float32)  # what a stored copy holds: same picture either way
    projection = Projection(
        coords=coords, config=config, digest=digest, seconds=time.perf_counter() - start, model=model
    )
    if use_cache:
        target = cache_dir() / "projections" / file_name(config, digest)
        try:
            projection.path = save_projection(projection, target)
            if save_model:
                import joblib

                with atomic_path(target.with_suffix(".joblib")) as tmp, open(tmp, "wb") as handle:
                    joblib.dump(model, handle)
                projection.model_path = target.with_suffix(".joblib")
        except OSError:
            pass  # a read-only data folder only costs a recomputation next time
    return projection
