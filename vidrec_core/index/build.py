"""Building a catalog's index and finding it again: the float32 vectors file, the LanceDB table and its indexes, the
manifest (written last). `vidrec index --catalog PATH` calls `build_index`; the app and the command line call
`find_index` when they open a catalog, which costs a file read and never imports LanceDB."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from vidrec_core.core.atomic import atomic_path
from vidrec_core.core.notice import Notice
from vidrec_core.core.settings import INDEX_FROM, index_from
from vidrec_core.data.schema import Catalog
from vidrec_core.embed.store import EmbeddingStore, text_hash
from vidrec_core.index import lance
from vidrec_core.index.files import IndexManifest, index_folder, index_key, open_vectors, table_uri, vectors_path
from vidrec_core.index.lance import VectorIndexError
from vidrec_core.index.retrieve import VectorIndex

Say = Callable[[str], None]
NORMALISE_ROWS = 262_144  # rows per step when normalising the vectors file (bounded memory)


def unindexed_note(videos: int) -> Notice | None:
    """Why a catalog this large still scores every video (its index is not built), in plain words, with the setting
    and the command for engineers; None below the size that wants an index."""
    threshold = index_from()
    if threshold is None or videos < threshold:
        return None
    return Notice(
        f"This catalog has {videos:,} videos and no search index for this language model yet, so every video is "
        "scored: answers are exact but slower.",
        f"{INDEX_FROM} is {threshold:,}; build the index with `vidrec index --catalog PATH`.",
    )


def find_index(catalog: Catalog, encoder_name: str, dim: int) -> VectorIndex | None:
    """The built index of this catalog content and encoder, or None. Its vectors are memory-mapped; the LanceDB
    table is opened on the first search."""
    folder = index_folder(catalog.digest, encoder_name)
    manifest = IndexManifest.load(folder)
    if manifest is None or manifest.rows != len(catalog) or manifest.dim != dim or manifest.encoder != encoder_name:
        return None
    vectors = open_vectors(folder, manifest.rows, manifest.dim)
    return None if vectors is None else VectorIndex(manifest, vectors)


def vectors_from_store(
    hashes: Sequence[str], store: EmbeddingStore, target: Path, command: str = "vidrec embed"
) -> np.ndarray:
    """Write the catalog's unit vectors, in catalog order, from the embedding store into a float32 .npy at `target`
    (filled in place on disk: memory stays small whatever the catalog's size), and memory-map it read-only."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        out = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float32, shape=(len(hashes), store.dim))
        _, found = store.lookup(hashes, out=out)
        missing = int((~found).sum())
        if missing:
            raise VectorIndexError(
                f"{missing:,} of {len(hashes):,} videos are not embedded with {store.model_name} yet: run "
                f"`{command}` first (add --engine ray to use a Ray cluster), then build the index again."
            )
        normalise_in_place(out)
        out.flush()
        del out
    return np.load(target, mmap_mode="r")


def normalise_in_place(vectors: np.ndarray) -> None:
    """Unit rows, a block at a time (what `embed_texts` returns: float16 vectors from the store, renormalised)."""
    for start in range(0, len(vectors), NORMALISE_ROWS):
        block = np.asarray(vectors[start : start + NORMALISE_ROWS], dtype=np.float32)
        norms = np.linalg.norm(block, axis=1, keepdims=True)
        vectors[start : start + NORMALISE_ROWS] = block / np.maximum(norms, 1e-12)


def write_vectors(vectors: np.ndarray, target: Path) -> np.ndarray:
    """Keep given vectors as the index's float32 file (a no-op when they are that file already)."""
    if isinstance(vectors, np.memmap) and Path(vectors.filename).resolve() == target.resolve():
        return vectors
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        out = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float32, shape=vectors.shape)
        for start in range(0, len(vectors), NORMALISE_ROWS):
            out[start : start + NORMALISE_ROWS] = vectors[start : start + NORMALISE_ROWS]
        out.flush()
        del out
    return np.load(target, mmap_mode="r")


def build_index(
    catalog: Catalog,
    encoder_name: str,
    vectors: np.ndarray,
    uri: str | None = None,
    rebuild: bool = False,
    say: Say | None = None,
    digest: str | None = None,
) -> IndexManifest:
    """Build (or reuse) the catalog's index: vectors file, LanceDB table with its ANN and filter indexes, manifest.

    A table already at the location with the right rows and a vector index is reused unless `rebuild`: a second app
    server pointed at a shared URI only writes its own vectors file. `digest` stands in for the catalog's (the
    benchmark's synthetic millions have no texts worth hashing). Returns the manifest."""
    say = say or (lambda message: None)
    started = time.perf_counter()
    digest = digest or catalog.digest
    folder = index_folder(digest, encoder_name)
    if len(vectors) != len(catalog):
        raise ValueError(f"{len(vectors)} vectors for a catalog of {len(catalog)} videos")
    write_vectors(vectors, vectors_path(folder))
    vectors = open_vectors(folder, len(catalog), vectors.shape[1])
    location, name = table_uri(folder, uri), index_key(digest, encoder_name)
    db = lance.connect(location)
    table = None if rebuild else _existing(db, name, len(catalog))
    if table is not None:
        say(f"reusing the table {name} at {location}")
        kind, partitions, sub_vectors = _described(table, len(catalog), vectors.shape[1])
    else:
        say(f"writing {len(catalog):,} videos to the table {name} at {location}")
        table = lance.write_table(db, name, catalog, vectors)
        say(f"building the vector index ({lance.partitions_for(len(catalog)):,} partitions; minutes at a million)")
        kind, partitions, sub_vectors = lance.build_indexes(table, len(catalog), vectors.shape[1])
    manifest = IndexManifest(
        catalog_digest=digest,
        encoder=encoder_name,
        rows=len(catalog),
        dim=int(vectors.shape[1]),
        uri=location,
        table=name,
        kind=kind,
        partitions=partitions,
        sub_vectors=sub_vectors,
        build_seconds=round(time.perf_counter() - started, 1),
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    manifest.save(folder)
    return manifest


def _existing(db, name: str, rows: int):
    """The table `name` when it holds `rows` rows and its indexes, else None (then it is written anew)."""
    try:
        table = db.open_table(name)
        complete = table.count_rows() == rows
    except Exception:
        return None
    if not complete or (rows >= lance.MIN_ANN_ROWS and not lance.has_vector_index(table)):
        return None
    return table


def _described(table, rows: int, dim: int) -> tuple[str, int, int]:
    if rows < lance.MIN_ANN_ROWS:
        return "flat", 0, 0
    return "ivf_pq", lance.partitions_for(rows), lance.sub_vectors_for(dim)


def catalog_hashes(catalog: Catalog) -> list[str]:
    return [text_hash(t) for t in catalog.texts]
