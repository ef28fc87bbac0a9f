"""Where a catalog's index lives: a local folder per catalog and encoder with the float32 vectors (memory-mapped by
every process that serves the catalog) and a manifest; the LanceDB table beside them or at `VIDREC_INDEX_URI`."""

from __future__ import annotations

import json
import mmap
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from vidrec_core.core.atomic import write_json_atomic
from vidrec_core.core.paths import cache_dir
from vidrec_core.core.settings import index_uri
from vidrec_core.embed.store import model_slug

MANIFEST_VERSION = 1


def index_key(catalog_digest: str, encoder_name: str) -> str:
    """One name per catalog content and encoder: the local folder's and the table's."""
    return f"{model_slug(encoder_name)}-{catalog_digest[:16]}"


def index_folder(catalog_digest: str, encoder_name: str) -> Path:
    return cache_dir() / "index" / index_key(catalog_digest, encoder_name)


def table_uri(folder: Path, uri: str | None = None) -> str:
    """The LanceDB database the table is in: `uri` when given, else `VIDREC_INDEX_URI`, else beside the vectors."""
    return uri or index_uri() or str(folder / "lance")


@dataclass(frozen=True)
class IndexManifest:
    """What was built, for which catalog and encoder, and how (written last, so its presence means complete)."""

    catalog_digest: str
    encoder: str
    rows: int
    dim: int
    uri: str
    table: str
    kind: str  # "ivf_pq", or "flat" for a table too small to need an ANN index
    partitions: int
    sub_vectors: int
    build_seconds: float
    built_at: str
    version: int = MANIFEST_VERSION

    def save(self, folder: Path) -> None:
        write_json_atomic(folder / "manifest.json", asdict(self), indent=2)

    @staticmethod
    def load(folder: Path) -> IndexManifest | None:
        """The manifest in `folder`, or None when there is none or it is unreadable (then the index is rebuilt)."""
        try:
            data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            manifest = IndexManifest(**data)
        except (OSError, ValueError, TypeError):
            return None
        return manifest if manifest.version == MANIFEST_VERSION else None


def vectors_path(folder: Path) -> Path:
    return folder / "vectors.npy"


def open_vectors(folder: Path, rows: int, dim: int) -> np.ndarray | None:
    """The catalog's unit vectors, memory-mapped read-only (pages are shared by every process and session), or
    None when the file is missing or has another shape."""
    try:
        vectors = np.load(vectors_path(folder), mmap_mode="r")
    except (OSError, ValueError):
        return None
    if vectors.shape != (rows, dim) or vectors.dtype != np.float32:
        return None
    return vectors


def read_rows(vectors: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Rows [start, stop) as float32. From a memory-mapped file they are read with a plain file read: sweeping a
    whole catalog (writing the table, exact ground truth) then leaves none of its gigabytes mapped in this process,
    only in the shared page cache."""
    if isinstance(vectors, np.memmap) and isinstance(vectors.base, mmap.mmap) and vectors.flags.c_contiguous:
        width = vectors.shape[1]
        stop = min(stop, len(vectors))
        with open(vectors.filename, "rb") as handle:
            handle.seek(vectors.offset + start * width * vectors.itemsize)
            rows = np.fromfile(handle, dtype=vectors.dtype, count=max(0, stop - start) * width)
        return rows.reshape(-1, width).astype(np.float32, copy=False)
    return np.asarray(vectors[start:stop], dtype=np.float32)
