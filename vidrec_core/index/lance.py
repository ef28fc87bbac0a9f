"""The LanceDB side of the index: write a catalog's vectors and filter columns as a table, build its indexes, search.

Settings come from measurements at 1M and 5M clustered 384-d vectors (docs/speed-and-scale.md): IVF-PQ with the dot
product, about one partition per 4,096 videos and four dimensions per PQ sub-vector; searched with about 4 % of the
partitions for 300 candidates, which vidrec then re-scores exactly. Genres, year, runtime and language are columns
with scalar indexes, so filters are a prefilter (a postfilter would drop the allowed videos a selective filter needs).
LanceDB is imported only here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np

from vidrec_core.core.errors import VidrecError
from vidrec_core.data.schema import Catalog
from vidrec_core.index.files import read_rows

LANCE_MISSING = "The vector index needs LanceDB: pip install -r requirements-scale.txt"
ROWS_PER_PARTITION = 4096
DIMS_PER_SUB_VECTOR = 4  # 96 sub-vectors for 384-d: 8 dims each ranked candidates far worse (recall 0.97 vs 0.995)
MIN_ANN_ROWS = 1000  # below this a flat scan is exact and fast; PQ training also needs a few hundred rows
WRITE_BATCH = 100_000  # rows per RecordBatch streamed into the table


class VectorIndexError(VidrecError):
    """The vector index cannot be built, opened or searched as asked."""


def lancedb_module():
    try:
        import lancedb
    except ImportError as exc:
        raise VectorIndexError(LANCE_MISSING) from exc
    return lancedb


def connect(uri: str):
    """A LanceDB connection: a folder, file://, s3://, gs://, az:// (credentials from the usual environment)."""
    try:
        return lancedb_module().connect(uri)
    except VectorIndexError:
        raise
    except Exception as exc:
        raise VectorIndexError(f"Could not open the index location {uri} ({type(exc).__name__}: {exc}).") from exc


def partitions_for(rows: int) -> int:
    return max(1, round(rows / ROWS_PER_PARTITION))


def sub_vectors_for(dim: int) -> int:
    """Four dimensions per sub-vector where the dimension allows (PQ needs a divisor of it)."""
    wanted = max(1, dim // DIMS_PER_SUB_VECTOR)
    return max(d for d in range(1, wanted + 1) if dim % d == 0)


MIN_PROBES = 20  # a profile between clusters has its neighbours in several partitions, however few there are


def nprobes_for(partitions: int, share: float) -> int:
    """`share` of the partitions, at least MIN_PROBES (all of them when there are fewer)."""
    return max(1, min(partitions, max(MIN_PROBES, math.ceil(partitions * share))))


def _schema(dim: int):
    import pyarrow as pa

    return pa.schema(
        [
            pa.field("row", pa.int64()),
            pa.field("genres", pa.list_(pa.string())),
            pa.field("year", pa.float64()),
            pa.field("runtime", pa.float64()),
            pa.field("language", pa.string()),
            pa.field("vector", pa.list_(pa.float32(), dim)),
        ]
    )


def _batches(catalog: Catalog, vectors: np.ndarray, progress: Callable[[int, int], None] | None) -> Iterator:
    """The table's rows in RecordBatches: the catalog row number, the filter columns and the vector."""
    import pyarrow as pa

    frame = catalog.frame
    schema = _schema(vectors.shape[1])
    for start in range(0, len(frame), WRITE_BATCH):
        stop = min(len(frame), start + WRITE_BATCH)
        part = frame.iloc[start:stop]
        chunk = np.ascontiguousarray(read_rows(vectors, start, stop))
        yield pa.RecordBatch.from_arrays(
            [
                pa.array(np.arange(start, stop, dtype=np.int64)),
                pa.array([list(g) for g in part["genres"]], type=pa.list_(pa.string())),
                pa.array(part["year"].astype("float64").to_numpy(), type=pa.float64(), from_pandas=True),
                pa.array(part["runtime"].astype("float64").to_numpy(), type=pa.float64(), from_pandas=True),
                pa.array(part["language"].fillna("").astype(str).tolist(), type=pa.string()),
                pa.FixedSizeListArray.from_arrays(pa.array(chunk.reshape(-1)), vectors.shape[1]),
            ],
            schema=schema,
        )
        if progress:
            progress(stop, len(frame))


def write_table(db, name: str, catalog: Catalog, vectors: np.ndarray, progress=None):
    """(Re)write the table from the catalog and its vectors, streamed in batches (memory stays one batch)."""
    import pyarrow as pa

    schema = _schema(vectors.shape[1])
    reader = pa.RecordBatchReader.from_batches(schema, _batches(catalog, vectors, progress))
    return db.create_table(name, data=reader, schema=schema, mode="overwrite")


def build_indexes(table, rows: int, dim: int) -> tuple[str, int, int]:
    """The ANN index on the vectors (IVF-PQ, dot) and scalar indexes on the filter columns; returns (kind,
    partitions, sub-vectors). The vector column is positional: `create_index(vector_column_name=...,
    config=...)` takes the metric's place in LanceDB 0.40 and fails."""
    from lancedb.index import BTree, IvfPq, LabelList

    table.create_index("genres", config=LabelList(), replace=True)
    table.create_index("year", config=BTree(), replace=True)
    table.create_index("runtime", config=BTree(), replace=True)
    table.create_index("language", config=BTree(), replace=True)
    if rows < MIN_ANN_ROWS:
        return "flat", 0, 0
    partitions, sub_vectors = partitions_for(rows), sub_vectors_for(dim)
    table.create_index(
        "vector",
        config=IvfPq(distance_type="dot", num_partitions=partitions, num_sub_vectors=sub_vectors),
        replace=True,
    )
    return "ivf_pq", partitions, sub_vectors


def has_vector_index(table) -> bool:
    return any("vector" in (index.columns or []) for index in table.list_indices())


def search(table, queries: np.ndarray, limit: int, nprobes: int, where: str | None = None) -> list[np.ndarray]:
    """Catalog rows of the `limit` nearest videos (by PQ-approximated dot product) for each query vector.

    All queries go in one call: LanceDB runs them together (16 queries took 30 ms against 184 ms one by one)."""
    queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
    if len(queries) == 0:
        return []
    target = queries[0] if len(queries) == 1 else list(queries)
    builder = table.search(target, vector_column_name="vector").distance_type("dot").nprobes(nprobes).limit(limit)
    if where:
        builder = builder.where(where, prefilter=True)
    # `_distance` is selected on purpose: leaving it out logs a warning per query
    found = builder.select(["row", "_distance"]).to_arrow()
    rows = found["row"].to_numpy()
    if len(queries) == 1:
        return [rows]
    which = found["query_index"].to_numpy()
    return [rows[which == q] for q in range(len(queries))]
