"""Validate a read table under chosen column roles, and propose an encoder for its language.

The Data page and the tests prepare catalogs here: which column is which, which fields the model reads and in what
order, what happens to empty titles, repeated ids and over-long texts, each counted and said in plain words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from vidrec_core.core.errors import CatalogError
from vidrec_core.core.notice import Notice
from vidrec_core.core.settings import MAX_ROWS, max_rows
from vidrec_core.data.readers import CHINESE_CHAR, RawTable
from vidrec_core.data.schema import DEFAULT_TEXT_FIELDS, EXTRA_PREFIX, TEXT_FIELDS, Catalog, normalise_catalog


@dataclass
class PreparedCatalog:
    """A validated catalog plus what was done to the file, in words."""

    catalog: Catalog
    rows_read: int
    empty_titles: int = 0
    duplicate_ids: int = 0
    truncated: int = 0
    messages: list[str] = field(default_factory=list)

    @property
    def titles_only(self) -> bool:
        return self.catalog.titles_only


def count_duplicate_ids(raw: pd.DataFrame, roles: Mapping[str, str]) -> int:
    """Rows whose id repeats an earlier row's (rows with an empty title are not counted: they go anyway)."""
    id_column, title_column = roles.get("id"), roles.get("title")
    if not id_column or not title_column or id_column not in raw.columns:
        return 0
    titled = raw[raw[title_column].map(lambda v: bool(str(v).strip()) if _present(v) else False)]
    ids = titled[id_column].map(lambda v: str(v).strip() if _present(v) else "")
    ids = ids[ids != ""]
    return int(ids.duplicated().sum())


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and np.isnan(value))


def text_field_choices(roles: Mapping[str, str], columns: Sequence[str]) -> list[str]:
    """What can go into the embedded text: the text roles that have a column, then every column with no role."""
    mapped = set(roles.values())
    fields = [f for f in TEXT_FIELDS if roles.get(f)]
    fields += [f"{EXTRA_PREFIX}{c}" for c in columns if c not in mapped]
    return fields


def default_text_fields(roles: Mapping[str, str]) -> list[str]:
    return [f for f in DEFAULT_TEXT_FIELDS if roles.get(f)]


def prepare_catalog(
    raw: RawTable | pd.DataFrame,
    roles: Mapping[str, str],
    text_fields: Sequence[str] | None = None,
    *,
    name: str = "catalog",
    max_tokens: int | None = 256,
    duplicates: str = "keep_first",
    limit: int | None = None,
) -> PreparedCatalog:
    """Validate a raw table under the given column roles and build the catalog that will be embedded.

    `duplicates`: "keep_first" keeps the first row of each id; "renumber" ignores the id column.
    """
    frame = raw.frame if isinstance(raw, RawTable) else raw
    source = raw.file_name if isinstance(raw, RawTable) else name
    roles = {role: column for role, column in roles.items() if column}
    limit = max_rows() if limit is None else limit
    if len(frame) > limit:
        raise CatalogError(
            Notice(
                f"{source} has {len(frame):,} rows; the limit is {limit:,} videos per catalog. Upload a smaller "
                "file, or ask whoever runs this app to raise the limit.",
                f"Raise it by starting the app with the setting {MAX_ROWS}=<number>.",
            )
        )
    if not roles.get("title"):
        found = ", ".join(map(str, list(frame.columns)[:30])) or "none"
        raise CatalogError(f"Choose which column holds the titles: a catalog needs one. Columns found: {found}")
    missing = [c for c in roles.values() if c not in frame.columns]
    if missing:
        raise CatalogError(f"{source} has no column named {', '.join(map(repr, missing))}.")
    if duplicates == "renumber":
        roles.pop("id", None)
    fields = list(text_fields) if text_fields is not None else default_text_fields(roles)
    if "title" not in fields:
        raise CatalogError("The embedded text must include the title: add 'title' back to the text fields.")
    for f in fields:
        if not f.startswith(EXTRA_PREFIX) and f not in TEXT_FIELDS:
            raise CatalogError(f"'{f}' cannot go into the embedded text. Choose from: {', '.join(TEXT_FIELDS)}")
        if not f.startswith(EXTRA_PREFIX) and not roles.get(f):
            raise CatalogError(f"The text field '{f}' has no column; choose its column or remove it from the text.")
    extras = [f[len(EXTRA_PREFIX) :] for f in fields if f.startswith(EXTRA_PREFIX)]
    titles = frame[roles["title"]] if len(frame) else pd.Series([], dtype=object)
    empty_titles = int(titles.map(lambda v: not (str(v).strip() if _present(v) else "")).sum())
    duplicate_ids = count_duplicate_ids(frame, roles)
    if len(frame) and empty_titles == len(frame):
        raise CatalogError(f"{source}: every row has an empty title, so there is nothing to recommend.")
    canonical = normalise_catalog(frame, roles, source=source, extra_columns=extras)
    catalog = Catalog(
        frame=canonical,
        name=name,
        source=source,
        text_fields=tuple(fields),
        max_tokens=max_tokens,
    )
    messages = []
    if empty_titles:
        messages.append(f"{empty_titles:,} row(s) have an empty title and were dropped.")
    if duplicate_ids:
        messages.append(
            f"{duplicate_ids:,} row(s) repeat an id used by an earlier row; the first row of each id is kept."
        )
    truncated = catalog.truncated
    if truncated:
        messages.append(
            Notice(
                f"{truncated:,} long text(s) were shortened to what the language model reads; the rest of each is "
                "not used.",
                f"The model reads about {max_tokens} word pieces per text.",
            )
        )
    notes = list(raw.all_notes) if isinstance(raw, RawTable) else []
    built = catalog._built_texts
    catalog = replace(catalog, notes=tuple(notes + messages))
    catalog.__dict__["_built_texts"] = built  # the texts are the same; don't build them twice
    return PreparedCatalog(
        catalog=catalog,
        rows_read=len(frame),
        empty_titles=empty_titles,
        duplicate_ids=duplicate_ids,
        truncated=truncated,
        messages=messages,
    )


# ---------------------------------------------------------------------------------------------------- languages


@dataclass(frozen=True)
class EncoderProposal:
    model: str  # "minilm" or "multilingual"
    non_latin_share: float  # share of sampled rows written mostly in a non-Latin script
    reason: str


def _mostly_non_latin(text: str) -> bool | None:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    non_latin = sum(1 for c in letters if ord(c) > 0x24F)
    return non_latin / len(letters) > 0.5


def propose_encoder(frame: pd.DataFrame, sample: int = 2000) -> EncoderProposal:
    """MiniLM reads English (and roughly other Latin-script languages); when titles and descriptions are mostly
    in Chinese or another script, propose the multilingual encoder."""
    rows = frame.head(sample) if len(frame) > sample else frame
    votes = []
    for title, overview in zip(rows["title"], rows.get("overview", [""] * len(rows)), strict=False):
        verdict = _mostly_non_latin(f"{title} {overview or ''}")
        if verdict is not None:
            votes.append(verdict)
    share = float(np.mean(votes)) if votes else 0.0
    if share >= 0.3:
        cjk = sum(1 for t in rows["title"] if CHINESE_CHAR.search(str(t)))
        script = "Chinese" if cjk >= len(rows) * 0.15 else "a non-Latin script"
        return EncoderProposal(
            "multilingual",
            share,
            f"{share:.0%} of the titles and descriptions are written in {script}, which MiniLM does not read: "
            "the multilingual encoder is proposed.",
        )
    return EncoderProposal("minilm", share, "The text is mostly in Latin script: MiniLM (English) fits.")


TITLES_ONLY_MESSAGE = (
    "Only titles will be embedded: the catalog has no descriptions, tags or genres in the text. It works, but "
    "descriptions would help the recommendations and the cluster names."
)


def list_cell_preview(value: object) -> str:
    """Plain-text preview of any cell, lists included."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return ", ".join(map(str, value))
    return "" if not _present(value) else str(value)
