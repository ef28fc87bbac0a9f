"""The one way vidrec replaces a file: write a hidden temporary file beside it, flush it to disk, rename it over.

A crash or a kill mid-write leaves either the old file or the new one, never half a file that a later run would
trust; a failed write removes its temporary file. The temporary name starts with a dot and ends in `.tmp`, so no
reader that globs for `*.npz`, `*.json` or `*.csv` ever picks one up.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path in `path`'s folder to write; on success it is fsynced and renamed onto `path`.

    The folder must exist. Write through a file handle when a library would change the name (numpy adds `.npz`).
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        yield tmp
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json_atomic(path: str | Path, data: Any, **dump_options: Any) -> None:
    """`dump_options` go to `json.dumps` (e.g. `indent=2, ensure_ascii=False`)."""
    write_text_atomic(path, json.dumps(data, **dump_options))
