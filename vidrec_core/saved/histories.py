"""Named histories saved in a small SQLite database under the data folder.

Every write is one transaction in WAL mode with synchronous=FULL: a crash or a kill mid-save leaves either the old
row or the new one, never a half-written database.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidrec_core.core.errors import VidrecError
from vidrec_core.core.paths import data_dir

MAX_NAME = 80
MAX_HISTORY_CHARS = 200_000


class SavedHistoryError(VidrecError):
    """A saved-history operation cannot be done as asked."""


@dataclass(frozen=True)
class SavedHistory:
    name: str
    text: str
    settings: dict[str, Any]
    updated: float


def histories_path() -> Path:
    return data_dir() / "histories.sqlite3"


class SavedHistories:
    """Save, load, rename and delete named histories. Names in `read_only` (the sample personas) are refused."""

    def __init__(self, path: Path | None = None, read_only: frozenset[str] = frozenset()):
        self.path = Path(path) if path is not None else histories_path()
        self.read_only = read_only
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.execute(
                    "CREATE TABLE IF NOT EXISTS histories ("
                    "name TEXT PRIMARY KEY, text TEXT NOT NULL, settings TEXT NOT NULL, updated REAL NOT NULL)"
                )
        except (OSError, sqlite3.Error) as exc:
            raise SavedHistoryError(
                f"Saved histories are unavailable: cannot write to {self.path.parent} ({exc}). "
                "Set VIDREC_DATA_DIR to a writable folder."
            ) from exc

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            with db:  # one transaction: committed whole or rolled back
                yield db

    def _check_name(self, name: str) -> str:
        name = " ".join(str(name).split())
        if not name:
            raise SavedHistoryError("Give the history a name.")
        if len(name) > MAX_NAME:
            raise SavedHistoryError(f"Names are limited to {MAX_NAME} characters.")
        if name in self.read_only:
            raise SavedHistoryError(f"“{name}” is a sample persona and stays read-only; save it under another name.")
        return name

    def names(self) -> list[str]:
        with self._connect() as db:
            return [row[0] for row in db.execute("SELECT name FROM histories ORDER BY updated DESC, name")]

    def load(self, name: str) -> SavedHistory:
        with self._connect() as db:
            row = db.execute("SELECT name, text, settings, updated FROM histories WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise SavedHistoryError(f"No saved history named “{name}”.")
        try:
            settings = json.loads(row[2])
        except json.JSONDecodeError:
            settings = {}
        return SavedHistory(row[0], row[1], settings if isinstance(settings, dict) else {}, row[3])

    def save(self, name: str, text: str, settings: dict[str, Any] | None = None) -> str:
        name = self._check_name(name)
        if len(text) > MAX_HISTORY_CHARS:
            raise SavedHistoryError(f"The history is longer than {MAX_HISTORY_CHARS:,} characters; shorten it to save.")
        payload = json.dumps(settings or {}, ensure_ascii=False, default=str)
        try:
            with self._connect() as db:
                db.execute(
                    "INSERT INTO histories (name, text, settings, updated) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(name) DO UPDATE SET text = excluded.text, settings = excluded.settings, "
                    "updated = excluded.updated",
                    (name, text, payload, time.time()),
                )
        except sqlite3.OperationalError as exc:
            raise SavedHistoryError(f"Could not save “{name}”: {exc}. Nothing saved before was changed.") from exc
        return name

    def rename(self, old: str, new: str) -> str:
        new = self._check_name(new)
        with self._connect() as db:
            if db.execute("SELECT 1 FROM histories WHERE name = ?", (new,)).fetchone():
                raise SavedHistoryError(f"A history named “{new}” already exists.")
            changed = db.execute("UPDATE histories SET name = ? WHERE name = ?", (new, old)).rowcount
        if not changed:
            raise SavedHistoryError(f"No saved history named “{old}”.")
        return new

    def delete(self, name: str) -> None:
        with self._connect() as db:
            if not db.execute("DELETE FROM histories WHERE name = ?", (name,)).rowcount:
                raise SavedHistoryError(f"No saved history named “{name}”.")

    def integrity_ok(self) -> bool:
        with self._connect() as db:
            return db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
