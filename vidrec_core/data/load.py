"""Open any catalog, and the one rule for the shipped sample.

`open_catalog(None)` is the sample, named "sample": only a catalog with that name gets the sample's MovieLens log
and learned model. Any path is a catalog file (read and validated) or a kept catalog's folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from vidrec_core.core.notes import note
from vidrec_core.core.paths import SAMPLE_CATALOG
from vidrec_core.data.kept import is_kept_catalog, load_kept
from vidrec_core.data.readers import read_raw_table
from vidrec_core.data.schema import LIST_COLUMNS, Catalog, normalise_catalog

SAMPLE_NAME = "sample"


def open_catalog(path: str | Path | None = None) -> Catalog:
    """The shipped sample when `path` is None or empty, else `load_catalog(path)`."""
    if not path:
        return load_catalog(SAMPLE_CATALOG, name=SAMPLE_NAME)
    return load_catalog(path)


def write_sample_as_upload(folder: str | Path) -> Path:
    """The sample's movies written as a user's own CSV, `folder`/my_movies.csv: the same texts (so their cached
    vectors are reused) and no viewing log, the case of every uploaded catalog. Benchmarks and tests use it."""
    frame = pd.read_parquet(SAMPLE_CATALOG)
    for column in (c for c in LIST_COLUMNS if c in frame):
        frame[column] = frame[column].map(lambda items: "|".join(items))
    path = Path(folder) / "my_movies.csv"
    frame.to_csv(path, index=False)
    return path


def is_sample(catalog: Catalog) -> bool:
    """Whether this is the shipped sample (its interaction log and learned model belong to it alone)."""
    return catalog.name == SAMPLE_NAME


def load_catalog(path: str | Path, roles: Mapping[str, str] | None = None, name: str | None = None) -> Catalog:
    """Read, recognise and validate a catalog file, or open a kept catalog's folder (see `vidrec_core.data.kept`)."""
    path = Path(path)
    if roles is None and is_kept_catalog(path):
        return load_kept(path)
    table = read_raw_table(path)
    for line in [*table.all_notes, *table.damage.details()]:
        note(line)  # a command prints them; the file's damaged rows are cleaned, and named here
    raw = table.frame
    frame = normalise_catalog(raw, roles, source=path.name)
    notes = list(table.all_notes)
    dropped = len(raw) - len(frame)
    if dropped:
        notes.append(f"{dropped} rows dropped (empty title or duplicate id).")
    if not (frame["overview"].str.len() > 0).any():
        notes.append("No descriptions found: only titles are embedded, so results will be rougher.")
    return Catalog(frame=frame, name=name or path.stem, source=str(path), notes=tuple(notes))
