"""Bring your own catalog: bytes and a file name in, a validated catalog and plain-language findings out.

Spreadsheet exports arrive in many shapes: UTF-8 with or without a byte-order mark, UTF-16 from Excel's "Unicode
text", GB18030/GBK from Chinese systems, `.xlsx` workbooks, sometimes a zip or a PDF renamed `.csv`. Every problem
becomes a `CatalogError` a non-engineer can act on; text that cannot be decoded is refused with the row it is in,
never passed on as mojibake.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from vidrec_core.catalog import (
    DEFAULT_TEXT_FIELDS,
    EXTRA_PREFIX,
    LIST_COLUMNS,
    SUPPORTED_SUFFIXES,
    TEXT_FIELDS,
    Catalog,
    normalise_catalog,
)
from vidrec_core.core.settings import MAX_ROWS, max_rows
from vidrec_core.errors import CatalogError

# Encodings a user can pick; "auto" tries BOM -> UTF-16 pattern -> UTF-8 -> GB18030.
ENCODINGS: dict[str, str] = {
    "auto": "Detect automatically",
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "gb18030": "GB18030 / GBK (Simplified Chinese)",
    "big5": "Big5 (Traditional Chinese)",
    "cp1252": "Windows-1252 (Western European)",
}
_CODEC_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (with BOM)",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16 (little-endian)",
    "utf-16-be": "UTF-16 (big-endian)",
    "gb18030": "GB18030",
    "gbk": "GBK",
    "big5": "Big5",
    "cp1252": "Windows-1252",
}
# Token limits of the app's encoders, known without loading them (both read at most 256 word pieces).
MODEL_MAX_TOKENS = {"minilm": 256, "multilingual": 256}
ROLE_LABELS: dict[str, str] = {
    "title": "Title (required)",
    "overview": "Description",
    "genres": "Genres",
    "keywords": "Tags / keywords",
    "year": "Year or date",
    "runtime": "Duration",
    "language": "Language",
    "id": "Id",
    "tagline": "Tagline",
    "popularity": "Popularity / views",
    "vote_average": "Rating",
    "director": "Director",
    "cast": "Cast",
}
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2e80-\u2fdf\uf900-\ufaff]")
# Undecodable bytes become lone surrogates (surrogateescape), moved to private-use characters so the parsers
# accept them, then looked for to name the row they are in.
_MARK = {0xDC80 + i: 0xF780 + i for i in range(128)}
_SURROGATE = re.compile(r"[\uf780-\uf7ff]")


def codec_label(codec: str | None) -> str:
    return _CODEC_LABELS.get(codec or "", codec or "binary")


@dataclass
class RawTable:
    """A file read into a table, before its columns are given roles."""

    frame: pd.DataFrame
    file_name: str
    format: str  # csv, tsv, json, jsonl, parquet, xlsx
    encoding: str | None = None  # the codec used for text formats; None for binary ones
    notes: list[str] = field(default_factory=list)
    sheets: tuple[str, ...] = ()  # a workbook's sheet names, in order
    sheet: str | None = None  # the sheet this table came from

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]


# ----------------------------------------------------------------------------------------------------- decoding


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: in mostly-ASCII text every other byte is zero."""
    head = data[:4000]
    if len(head) < 4:
        return None
    even_zeros = head[0::2].count(0) / max(1, len(head[0::2]))
    odd_zeros = head[1::2].count(0) / max(1, len(head[1::2]))
    if odd_zeros > 0.3 and even_zeros < 0.05:
        return "utf-16-le"
    if even_zeros > 0.3 and odd_zeros < 0.05:
        return "utf-16-be"
    return None


def _plausible_chinese(text: str) -> bool:
    """GB18030 decodes many non-Chinese byte strings into rare characters; accept it only when the non-ASCII
    characters are mostly common CJK characters and punctuation."""
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return True
    cjk = sum(1 for c in non_ascii if _CJK.match(c))
    return cjk / len(non_ascii) >= 0.8


def decode_text(data: bytes, encoding: str = "auto") -> tuple[str, str]:
    """Bytes -> (text, codec). A BOM decides; otherwise UTF-8 strictly, then GB18030; an explicit choice wins.

    Raises `UnicodeDecodeError` (from the codec that was tried last) when nothing fits.
    """
    encoding = (encoding or "auto").lower()
    if encoding != "auto":
        codec = {"utf-8": "utf-8-sig", "utf8": "utf-8-sig", "gbk": "gb18030"}.get(encoding, encoding)
        if codec == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            codec = _looks_utf16(data) or "utf-16-le"
        return data.decode(codec), codec
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    guess = _looks_utf16(data)
    if guess:
        return data.decode(guess), guess
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise utf8_error from None
        if not _plausible_chinese(text):
            raise utf8_error from None
        return text, "gb18030"


def _where_undecodable(data: bytes, codec: str, suffix: str, file_name: str, exc: UnicodeDecodeError) -> str:
    """Name the row (and column) holding the first byte the codec rejects."""
    label = codec_label(codec)
    advice = "Choose the file's encoding under 'Text encoding', or save it as UTF-8 and upload it again."
    try:
        text = data.decode(codec if codec != "utf-8-sig" else "utf-8", errors="surrogateescape").translate(_MARK)
        frame = _parse_text(text, suffix, file_name)
    except Exception:
        frame = None
    if frame is not None and _SURROGATE.search("".join(map(str, frame.columns))):
        return f"The header line of {file_name} is not valid {label} text. {advice}"
    if frame is not None:
        for position, row in enumerate(frame.itertuples(index=False)):
            for column, value in zip(frame.columns, row, strict=True):
                if isinstance(value, str) and _SURROGATE.search(value):
                    readable = _SURROGATE.sub("?", value)[:60]
                    return (
                        f"Row {position + 1} of {file_name} (column '{column}', text '{readable}') is not valid "
                        f"{label} text. {advice}"
                    )
    line = data[: exc.start].count(b"\n") + 1
    return f"Line {line} of {file_name} (byte {exc.start}) is not valid {label} text. {advice}"


# ------------------------------------------------------------------------------------------------------ parsing


def _sniff_delimiter(text: str) -> str:
    """Comma unless the header line clearly uses ; tab or | (spreadsheet exports vary by locale)."""
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def _frame_from_json(data: object, file_name: str) -> pd.DataFrame:
    if isinstance(data, dict):
        # Either {"videos": [...]} or a column-oriented dict.
        lists = [v for v in data.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        data = lists[0] if lists else data
    if isinstance(data, list) and not all(isinstance(row, dict) for row in data):
        raise CatalogError(f"{file_name} must hold a list of objects, one per video.")
    return pd.DataFrame(data)


def _parse_text(text: str, suffix: str, file_name: str) -> pd.DataFrame:
    text = text.lstrip("\ufeff")
    if suffix in (".jsonl", ".ndjson"):
        return pd.read_json(io.StringIO(text), lines=True, dtype=False)
    if suffix == ".json":
        return _frame_from_json(json.loads(text), file_name)
    sep = "\t" if suffix == ".tsv" else _sniff_delimiter(text)
    return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)


def _read_xlsx(data: bytes, file_name: str, notes: list[str], sheet: str | None) -> tuple[pd.DataFrame, list[str], str]:
    """One sheet of a workbook: the one asked for, else the first that holds any row (a cover or notes sheet often
    comes first). Returns the table, every sheet's name and the name of the one read."""
    try:
        import openpyxl  # noqa: F401 - pandas needs it for .xlsx
    except ImportError as exc:
        raise CatalogError("Reading Excel files needs the package openpyxl: pip install -r requirements.txt") from exc
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=object, engine="openpyxl")
    if not sheets:
        raise CatalogError(f"{file_name} has no sheets.")
    names = [str(n) for n in sheets]
    frames = {str(n): f.dropna(how="all") for n, f in sheets.items()}
    if sheet is not None and sheet not in frames:
        raise CatalogError(f"{file_name} has no sheet named '{sheet}'. Its sheets: {', '.join(names)}")
    chosen = sheet if sheet is not None else next((n for n in names if len(frames[n])), names[0])
    if len(names) > 1 and sheet is None:
        notes.append(f"{file_name} has {len(names)} sheets; read '{chosen}'. Choose another sheet if that is not it.")
    # Excel stores numbers as floats (ids like 12 become 12.0); keep whole numbers whole, everything as text.
    return frames[chosen].map(_excel_cell), names, chosen


def _excel_cell(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    return str(value) if not isinstance(value, str) else value


def _kind_of(data: bytes) -> str | None:
    """Recognise binary containers by their first bytes, whatever the file is called."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "zip"
    if data.startswith(b"PAR1"):
        return "parquet"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if data.startswith(b"\x1f\x8b"):
        return "gzip"
    if data.startswith(b"%PDF"):
        return "pdf"
    if data[:8] in (b"\x89PNG\r\n\x1a\n",) or data.startswith((b"\xff\xd8\xff", b"GIF8", b"7z\xbc\xaf", b"Rar!")):
        return "binary"
    return None


def _is_xlsx_zip(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(name.startswith("xl/") for name in archive.namelist())
    except zipfile.BadZipFile:
        return False


def _looks_binary(text: str) -> bool:
    sample = text[:20_000]
    if "\x00" in sample:
        return True
    control = sum(1 for c in sample if ord(c) < 32 and c not in "\t\r\n\f\v")
    return control > max(2, len(sample) // 100)


def read_bytes_table(
    data: bytes, file_name: str, encoding: str = "auto", limit: int | None = None, sheet: str | None = None
) -> RawTable:
    """Read an uploaded (or on-disk) file into a raw table; `limit` refuses files with more rows, `sheet` picks a
    workbook's sheet by name."""
    name = Path(file_name).name or "catalog"
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise CatalogError(
            f"Unsupported catalog format '{suffix or name}'. Use one of: " + ", ".join(SUPPORTED_SUFFIXES)
        )
    if not data.strip():
        raise CatalogError(f"{name} is empty: it has no header and no rows.")
    notes: list[str] = []
    sheets: list[str] = []
    kind = _kind_of(data)
    fmt = {".pq": "parquet", ".ndjson": "jsonl", ".txt": "csv"}.get(suffix, suffix[1:])
    codec: str | None = None
    try:
        if kind == "zip":
            if not _is_xlsx_zip(data):
                raise CatalogError(
                    f"{name} is a zip archive, not a {fmt.upper()} file. Unzip it and upload the catalog inside."
                )
            if fmt != "xlsx":
                notes.append(f"{name} is an Excel workbook although its name ends in {suffix}; read it as Excel.")
            fmt = "xlsx"
            frame, sheets, sheet = _read_xlsx(data, name, notes, sheet)
        elif fmt == "xlsx":
            hint = " It is an old Excel (.xls) file: save it as .xlsx or CSV." if kind == "ole" else ""
            raise CatalogError(f"{name} is not an Excel workbook (.xlsx).{hint}")
        elif kind == "parquet" or fmt == "parquet":
            if kind != "parquet":
                raise CatalogError(f"Could not read {name} as parquet: it does not start like a Parquet file.")
            if fmt != "parquet":
                notes.append(f"{name} is a Parquet file although its name ends in {suffix}; read it as Parquet.")
            fmt = "parquet"
            frame = pd.read_parquet(io.BytesIO(data))
        elif kind is not None:
            what = {
                "ole": "an old Excel (.xls) or other Office file: save it as .xlsx or CSV",
                "gzip": "compressed (gzip): decompress it first",
                "pdf": "a PDF document, not a table",
            }.get(kind, "an image or archive, not a table")
            raise CatalogError(f"{name} is {what}.")
        else:
            try:
                text, codec = decode_text(data, encoding)
            except UnicodeDecodeError as exc:
                tried = encoding if encoding != "auto" else (exc.encoding or "utf-8")
                raise CatalogError(_where_undecodable(data, tried, suffix, name, exc)) from exc
            except LookupError as exc:
                raise CatalogError(f"Unknown text encoding '{encoding}'. Use one of: {', '.join(ENCODINGS)}") from exc
            if _looks_binary(text):
                raise CatalogError(
                    f"{name} does not look like a text table (it holds binary data). Export the catalog as CSV, "
                    "Excel (.xlsx), JSON or Parquet."
                )
            frame = _parse_text(text, suffix, name)
    except CatalogError:
        raise
    except pd.errors.EmptyDataError as exc:
        raise CatalogError(f"{name} is empty: it has no header and no rows.") from exc
    except Exception as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CatalogError(f"Could not read {name} as {fmt}: {first_line}") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    if limit is not None and len(frame) > limit:
        suggestion = max(limit * 2, int(len(frame) * 1.1) // 1000 * 1000 + 1000)
        raise CatalogError(
            f"{name} has {len(frame):,} rows; the limit is {limit:,} videos per catalog. Upload a smaller file, or "
            f"raise the limit by starting the app with the setting {MAX_ROWS}={suggestion} "
            "(larger catalogs take longer to embed and need more memory)."
        )
    return RawTable(
        frame=frame,
        file_name=name,
        format=fmt,
        encoding=codec,
        notes=notes,
        sheets=tuple(sheets),
        sheet=sheet if sheets else None,
    )


# --------------------------------------------------------------------------------------------------- validating


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
            f"{source} has {len(frame):,} rows; the limit is {limit:,} videos per catalog. Upload a smaller file, "
            f"or raise the limit by starting the app with the setting {MAX_ROWS}=<number>."
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
            f"{truncated:,} text(s) are longer than the language model reads (about {max_tokens} word pieces) "
            "and were shortened to that length."
        )
    notes = list(raw.notes) if isinstance(raw, RawTable) else []
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
        cjk = sum(1 for t in rows["title"] if _CJK.search(str(t)))
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


__all__ = [
    "ENCODINGS",
    "LIST_COLUMNS",
    "MODEL_MAX_TOKENS",
    "ROLE_LABELS",
    "EncoderProposal",
    "PreparedCatalog",
    "RawTable",
    "codec_label",
    "decode_text",
    "default_text_fields",
    "prepare_catalog",
    "propose_encoder",
    "read_bytes_table",
    "text_field_choices",
]
