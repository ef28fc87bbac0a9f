"""Kept catalogs: uploaded catalogs saved under the data folder so they survive restarts.

Layout: `data_dir()/catalogs/<slug>/catalog.parquet` (the canonical table) and `meta.json` (display name, original
file name, column roles, text fields and their order, encoding, chosen encoder, row count, created time, notes,
which encoders finished embedding it). A catalog folder is written under a temporary name and renamed into place,
and meta.json is replaced atomically, so a crash never leaves a half-written catalog in the list. The vectors live
in the shared hash-keyed embedding store (`vidrec_core.embed.store.EmbeddingStore`), the maps in the projection cache.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import unicodedata
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from vidrec_core.core.atomic import write_json_atomic
from vidrec_core.core.errors import CatalogError
from vidrec_core.core.notice import Notice
from vidrec_core.core.paths import data_dir
from vidrec_core.core.settings import DATA_DIR
from vidrec_core.data.file_errors import detail
from vidrec_core.data.schema import CANONICAL_COLUMNS, DEFAULT_TEXT_FIELDS, EXTRA_PREFIX, Catalog, normalise_catalog
from vidrec_core.embed.registry import DEFAULT_ENCODER, encoder_id

META = "meta.json"
TABLE = "catalog.parquet"
META_VERSION = 1
MAX_NAME_LENGTH = 80


def catalogs_dir() -> Path:
    return data_dir() / "catalogs"


def _slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40]
    return f"{slug or 'catalog'}-{uuid.uuid4().hex[:8]}"  # never reuses a deleted catalog's folder


def _clean_name(name: str) -> str:
    name = " ".join(str(name).split())
    if not name:
        raise CatalogError("Give the catalog a name.")
    if len(name) > MAX_NAME_LENGTH:
        raise CatalogError(f"A catalog name can be at most {MAX_NAME_LENGTH} characters long.")
    return name


STALE_SECONDS = 3600  # a staging or deleted folder this old belongs to no save in progress


def damaged(slug: str, why: str) -> Notice:
    """A kept catalog's folder that cannot be read: its name for the page, the file and the reason for engineers."""
    return Notice(f"the kept catalog in the folder '{slug}', whose description cannot be read", f"{slug}: {why}.")


@contextmanager
def _writing(root: Path, what: str) -> Iterator[None]:
    """Turn a full disk or a read-only data folder into a message that says what to do."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise CatalogError(
            Notice(
                f"{what} failed: the app's data folder cannot be written to ({reason}). Free some space, or ask "
                "whoever runs this app for a writable data folder. Catalogs kept before are unchanged.",
                f"Cannot write to {root}; start the app with {DATA_DIR} set to a writable folder.",
            )
        ) from exc


@dataclass(frozen=True)
class KeptCatalog:
    """One kept catalog as listed: its folder and what meta.json says about it."""

    slug: str
    folder: Path
    meta: dict[str, Any] = field(repr=False)

    @property
    def name(self) -> str:
        return str(self.meta["name"])

    @property
    def path(self) -> Path:
        return self.folder / TABLE

    @property
    def model(self) -> str:
        return str(self.meta.get("model") or DEFAULT_ENCODER)

    @property
    def rows(self) -> int:
        return int(self.meta.get("rows", 0))

    @property
    def file_name(self) -> str:
        return str(self.meta.get("file_name", ""))

    @property
    def titles_only(self) -> bool:
        return bool(self.meta.get("titles_only", False))

    @property
    def notes(self) -> list[str]:
        return [str(n) for n in self.meta.get("notes", [])]

    @property
    def created(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(float(self.meta.get("created", 0))))

    def is_embedded(self, model: str) -> bool:
        """Whether an embedding run with this encoder finished (the vectors are in the shared store)."""
        return encoder_id(model) in self.meta.get("embedded", {})


class KeptCatalogs:
    """Add, list, rename and delete kept catalogs. Reads never crash on a damaged folder: it is skipped and
    described in `problems`."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root is not None else catalogs_dir()
        self.problems: list[str] = []

    # ------------------------------------------------------------------------------------------------ reading

    def _read(self, folder: Path) -> KeptCatalog:
        try:
            meta = json.loads((folder / META).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise CatalogError(damaged(folder.name, f"it has no {META}")) from exc
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CatalogError(damaged(folder.name, f"its {META} is unreadable ({exc})")) from exc
        if not isinstance(meta, dict) or not isinstance(meta.get("name"), str) or not meta["name"].strip():
            raise CatalogError(damaged(folder.name, f"its {META} has no name"))
        if not (folder / TABLE).is_file():
            raise CatalogError(
                Notice(f"the kept catalog '{meta['name']}' has lost its videos", f"{folder / TABLE} is missing.")
            )
        return KeptCatalog(slug=folder.name, folder=folder, meta=meta)

    def list(self) -> list[KeptCatalog]:
        """Every readable kept catalog, oldest first; damaged ones are skipped and named in `problems`."""
        self.problems = []
        if not self.root.is_dir():
            return []
        kept = []
        for folder in sorted(self.root.iterdir()):
            if not folder.is_dir() or folder.name.startswith("."):
                continue
            try:
                kept.append(self._read(folder))
            except CatalogError as exc:
                self.problems.append(Notice(f"Skipped {exc}.", exc.notice.detail))
        return sorted(kept, key=lambda k: (float(k.meta.get("created", 0)), k.slug))

    def get(self, slug: str) -> KeptCatalog:
        folder = self.root / slug
        if "/" in slug or "\\" in slug or slug.startswith(".") or not folder.is_dir():
            raise CatalogError(f"No kept catalog '{slug}'.")
        return self._read(folder)

    def find(self, key: str) -> KeptCatalog | None:
        """A kept catalog by folder path, folder name (slug) or display name; None if there is none."""
        path = Path(key).expanduser()
        if is_kept_catalog(path):
            folder = path if path.is_dir() else path.parent
            try:
                return self._read(folder)
            except CatalogError:
                return None
        matches = [k for k in self.list() if key in (k.slug, k.name)]
        return matches[0] if matches else None

    def load(self, slug: str) -> Catalog:
        return load_kept(self.get(slug).folder)

    # ------------------------------------------------------------------------------------------------ writing

    def _unique_name(self, name: str, ignore_slug: str | None = None) -> str:
        taken = {k.name for k in self.list() if k.slug != ignore_slug}
        if name not in taken:
            return name
        n = 2
        while f"{name} ({n})" in taken:
            n += 1
        return f"{name} ({n})"

    def add(
        self,
        catalog: Catalog,
        *,
        name: str,
        file_name: str = "",
        roles: Mapping[str, str] | None = None,
        encoding: str | None = None,
        model: str = DEFAULT_ENCODER,
        notes: Sequence[str] = (),
    ) -> KeptCatalog:
        """Save a validated catalog; a name already in use gets " (2)" and so on."""
        name = self._unique_name(_clean_name(name))
        slug = _slugify(name)
        with _writing(self.root, f"Saving the catalog '{name}'"):
            self.root.mkdir(parents=True, exist_ok=True)
            self._sweep_stale()
            staging = self.root / f".staging-{uuid.uuid4().hex}"
            staging.mkdir()
            try:
                catalog.frame.to_parquet(staging / TABLE, index=False)
                meta = {
                    "version": META_VERSION,
                    "name": name,
                    "file_name": file_name,
                    "roles": dict(roles or {}),
                    "text_fields": list(catalog.text_fields),
                    "max_tokens": catalog.max_tokens,
                    "encoding": encoding,
                    "model": model,
                    "rows": len(catalog),
                    "created": time.time(),
                    "notes": list(notes) if notes else list(catalog.notes),
                    "titles_only": bool(catalog.titles_only),
                    "digest": catalog.digest,
                    "embedded": {},
                }
                write_json_atomic(staging / META, meta, ensure_ascii=False, indent=2)
                os.replace(staging, self.root / slug)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
        return self._read(self.root / slug)

    def _update(self, slug: str, **changes: Any) -> KeptCatalog:
        kept = self.get(slug)
        meta = {**kept.meta, **changes}
        with _writing(self.root, f"Updating the catalog '{kept.name}'"):
            write_json_atomic(kept.folder / META, meta, ensure_ascii=False, indent=2)
        return replace(kept, meta=meta)

    def rename(self, slug: str, new_name: str) -> KeptCatalog:
        new_name = _clean_name(new_name)
        if new_name != self.get(slug).name and self._unique_name(new_name, ignore_slug=slug) != new_name:
            raise CatalogError(f"A kept catalog is already called '{new_name}'; choose another name.")
        return self._update(slug, name=new_name)

    def set_model(self, slug: str, model: str) -> KeptCatalog:
        return self._update(slug, model=model)

    def mark_embedded(self, slug: str, model: str, seconds: float | None = None) -> KeptCatalog:
        """Record that every video has a vector for this encoder (the app then opens it without embedding)."""
        kept = self.get(slug)
        embedded = dict(kept.meta.get("embedded", {}))
        embedded[encoder_id(model)] = {"at": time.time(), "seconds": seconds}
        return self._update(slug, embedded=embedded)

    def delete(self, slug: str) -> None:
        """Remove the folder: renamed away first, so a half-finished delete never shows up as a broken catalog.
        Its vectors stay in the shared store (keyed by text, possibly used by other catalogs)."""
        kept = self.get(slug)
        trash = self.root / f".deleted-{uuid.uuid4().hex}"
        with _writing(self.root, f"Deleting the catalog '{kept.name}'"):
            os.replace(kept.folder, trash)
        shutil.rmtree(trash, ignore_errors=True)

    def _sweep_stale(self) -> None:
        """Remove what a killed save or delete left behind (hidden folders, never listed), once it is old enough
        that no save in progress can own it."""
        cutoff = time.time() - STALE_SECONDS
        for leftover in self.root.glob(".*-*"):
            if leftover.name.startswith((".staging-", ".deleted-")):
                with suppress(OSError):
                    if leftover.stat().st_mtime < cutoff:
                        shutil.rmtree(leftover, ignore_errors=True)


def is_kept_catalog(path: str | Path) -> bool:
    """A kept catalog's folder, or the catalog.parquet inside one."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent if path.name == TABLE else None
    return folder is not None and (folder / META).is_file() and (folder / TABLE).is_file()


def load_kept(path: str | Path) -> Catalog:
    """Open a kept catalog (folder or its catalog.parquet) with its text fields and length limit."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    try:
        kept = KeptCatalogs(folder.parent)._read(folder)
        raw = pd.read_parquet(folder / TABLE)
    except CatalogError as exc:
        raise CatalogError(f"This kept catalog cannot be opened: {exc}.") from exc
    except Exception as exc:  # the Parquet library's words go to `detail`; the message says what to do
        raise CatalogError(
            f"This kept catalog cannot be opened: its saved table ({TABLE}) is damaged. Delete it on the Data page "
            "and upload the file again.",
            detail=detail(exc),
        ) from exc
    roles = {c: c for c in CANONICAL_COLUMNS if c in raw.columns}
    extras = [c for c in raw.columns if str(c).startswith(EXTRA_PREFIX)]
    frame = normalise_catalog(raw, roles, source=kept.name, extra_columns=extras)
    max_tokens = kept.meta.get("max_tokens")
    return Catalog(
        frame=frame,
        name=kept.slug,  # unique and never "sample" (which would attach the sample's MovieLens log)
        source=str(folder / TABLE),
        notes=tuple(kept.notes),
        text_fields=tuple(kept.meta.get("text_fields") or ()) or DEFAULT_TEXT_FIELDS,
        max_tokens=int(max_tokens) if max_tokens else None,
    )
