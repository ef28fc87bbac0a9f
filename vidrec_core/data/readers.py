"""The one table reader: bytes or a file in, a table out, for catalogs and interaction logs alike.

Spreadsheet exports arrive in many shapes: UTF-8 with or without a byte-order mark, UTF-16 from Excel's "Unicode
text", GB18030/GBK from Chinese systems, `.xlsx` workbooks, sometimes a zip or a PDF renamed `.csv`. Every problem
becomes an error a non-engineer can act on (a `CatalogError` for a catalog; each `TableKind` names its own), and a
parser's failure is said in plain words with its line and column (`vidrec_core.data.file_errors`). A text
file with a few damaged rows (a NUL in a title, a stray byte that does not decode) is read, and each damaged row is
reported and cleaned (`vidrec_core.data.damage`); text in another encoding (many rows that do not decode) is refused
with the row it is in, never passed on as mojibake; only files that are not text at all are called binary.
"""

from __future__ import annotations

import io
import json
import re
import warnings
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from vidrec_core.core.errors import CatalogError, VidrecError
from vidrec_core.core.notice import Notice
from vidrec_core.core.settings import MAX_ROWS
from vidrec_core.data.damage import Damage, has_undecodable, mark, repair, shown_plainly, without_rows
from vidrec_core.data.file_errors import (
    FORMAT_NAMES,
    csv_problem,
    damaged_workbook,
    detail,
    extra_fields,
    json_kind,
    json_problem,
    jsonl_problem,
    one_more_field,
    unreadable,
)

SUPPORTED_SUFFIXES = (".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson", ".parquet", ".pq", ".xlsx")

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
CHINESE_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2e80-\u2fdf\uf900-\ufaff]")


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
    damage: Damage = field(default_factory=Damage)  # damaged cells found, already cleaned
    damaged_dropped: bool = False  # True when the damaged rows were left out instead

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]

    def without_damaged_rows(self) -> RawTable:
        """The same table with the damaged rows left out rather than cleaned."""
        if self.damaged_dropped or not self.damage.rows:
            return self
        return replace(self, frame=without_rows(self.frame, self.damage.rows), damaged_dropped=True)

    @property
    def all_notes(self) -> list[str]:
        """The reader's notes, and what was done to damaged rows, in words."""
        return self.notes + ([self.damage.summary(self.file_name, self.damaged_dropped)] if self.damage else [])


@dataclass(frozen=True)
class TableKind:
    """What a file is read as: the words its messages use, the suffixes it may have and the error it raises."""

    noun: str  # "catalog"
    label: str  # "Catalog file": how a missing file is named
    what: str  # "a catalog file": what to give instead of a folder
    suffixes: tuple[str, ...]
    formats: str  # what to export it as instead of a binary file, in words
    error: type[VidrecError]


CATALOG_TABLES = TableKind(
    noun="catalog",
    label="Catalog file",
    what="a catalog file",
    suffixes=SUPPORTED_SUFFIXES,
    formats="CSV, Excel (.xlsx), JSON or Parquet",
    error=CatalogError,
)


def check_input_file(path: Path, table: TableKind) -> str:
    """The checks every input file gets before it is read (catalogs, interaction logs); returns its suffix."""
    if not path.exists():
        raise table.error(f"{table.label} not found: {path}")
    if path.is_dir():
        raise table.error(f"{path} is a folder; give the path of {table.what}.")
    suffix = path.suffix.lower()
    if suffix not in table.suffixes:
        raise table.error(
            f"Unsupported {table.noun} format '{suffix or path.name}'. Use one of: " + ", ".join(table.suffixes)
        )
    return suffix


def read_table(path: str | Path, encoding: str = "auto", table: TableKind = CATALOG_TABLES) -> pd.DataFrame:
    """Read a file by its suffix; every failure becomes `table.error` with a message that says what to do.

    The bytes go through `read_bytes_table`, so the command line and the Data page read files the same way
    (encoding detection, Excel, binary files refused clearly).
    """
    return read_raw_table(path, encoding, table).frame


def read_raw_table(path: str | Path, encoding: str = "auto", table: TableKind = CATALOG_TABLES) -> RawTable:
    """`read_table`, keeping what the reader noted (sheets, damaged rows) beside the table."""
    path = Path(path)
    check_input_file(path, table)
    return read_bytes_table(path.read_bytes(), path.name, encoding=encoding, table=table)


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
    cjk = sum(1 for c in non_ascii if CHINESE_CHAR.match(c))
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
        text = mark(data.decode(codec if codec != "utf-8-sig" else "utf-8", errors="surrogateescape"))
        frame = _parse_text(text, suffix, file_name, CatalogError)
    except Exception:
        frame = None
    if frame is not None and has_undecodable("".join(map(str, frame.columns))):
        return f"The header line of {file_name} is not valid {label} text. {advice}"
    if frame is not None:
        for position, row in enumerate(frame.itertuples(index=False)):
            for column, value in zip(frame.columns, row, strict=True):
                if isinstance(value, str) and has_undecodable(value):
                    readable = shown_plainly(value)[:60]
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


def _frame_from_json(data: object, file_name: str, error: type[VidrecError]) -> pd.DataFrame:
    """A parsed JSON document as a table: a list of objects, a dict holding one (`{"videos": [...]}`), or a dict
    of columns. Any other shape is refused with what the document holds instead."""
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        data = lists[0] if lists else data
    if isinstance(data, list):
        odd = next(((n, row) for n, row in enumerate(data, start=1) if not isinstance(row, dict)), None)
        if odd is not None:
            raise error(
                f"{file_name} must hold a list of objects, one per row; item {odd[0]} of its list is "
                f'{json_kind(odd[1])}. Put each row in braces: {{"title": "..."}}.'
            )
        return pd.DataFrame(data)
    if not isinstance(data, dict):
        raise error(f"{file_name} must hold a list of objects, one per row; it holds only {json_kind(data)}.")
    if not any(isinstance(v, list | dict) for v in data.values()):
        raise error(
            f"{file_name} holds a single object, not a list of objects, one per row. Put the rows in a list: "
            '[{"title": "..."}, {"title": "..."}].'
        )
    try:
        return pd.DataFrame(data)
    except ValueError as exc:  # a dict of columns whose lists differ in length
        lengths = ", ".join(f"'{k}' has {len(v)}" for k, v in data.items() if isinstance(v, list))
        raise error(
            f"Could not read {file_name}: its columns hold different numbers of values ({lengths}). Give every "
            "column one value per row.",
            detail=detail(exc),
        ) from exc


def _read_json_lines(text: str, file_name: str, error: type[VidrecError]) -> pd.DataFrame:
    """One object per line. pandas names neither the line nor the problem when a line is bad, so the lines are
    parsed again one by one to say which; a single JSON list saved under a JSON Lines name is read as that list."""
    try:
        return pd.read_json(io.StringIO(text), lines=True, dtype=False)
    except Exception as exc:
        if text.lstrip().startswith("["):
            try:
                data = json.loads(text)
            except json.JSONDecodeError:
                data = None
            if isinstance(data, list):
                return _frame_from_json(data, file_name, error)
        message = jsonl_problem(text, file_name) or unreadable(file_name, "jsonl", exc)
        raise error(message, detail=detail(exc)) from exc


def _read_csv(text: str, sep: str, fmt: str, file_name: str, error: type[VidrecError]) -> pd.DataFrame:
    """pandas' CSV reader with its failures in plain words. When the first data line has one field more than the
    header, pandas quietly takes the first column as row names and moves every value one column over (a title
    would be read as the description); that is kept only for a file written with row names, an empty last field
    on every line is dropped, and otherwise the line with the stray separator is named."""
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise error(csv_problem(text, sep, file_name, fmt, str(exc)), detail=detail(exc)) from exc
    if isinstance(frame.index, pd.RangeIndex) or frame.empty:
        return frame
    shape = one_more_field(text, sep)
    if shape == "row names":
        return frame.reset_index(drop=True)
    if shape == "trailing":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, index_col=False)
    raise error(extra_fields(text, sep, file_name) or unreadable(file_name, fmt))


def _parse_text(text: str, suffix: str, file_name: str, error: type[VidrecError]) -> pd.DataFrame:
    text = text.lstrip("\ufeff")
    if suffix in (".jsonl", ".ndjson"):
        return _read_json_lines(text, file_name, error)
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise error(json_problem(exc, file_name), detail=detail(exc)) from exc
        return _frame_from_json(data, file_name, error)
    if suffix == ".tsv":
        return _read_csv(text, "\t", "tsv", file_name, error)
    return _read_csv(text, _sniff_delimiter(text), "csv", file_name, error)


def _read_xlsx(
    data: bytes, file_name: str, notes: list[str], sheet: str | None, error: type[VidrecError]
) -> tuple[pd.DataFrame, list[str], str]:
    """One sheet of a workbook: the one asked for, else the first that holds any row (a cover or notes sheet often
    comes first). Returns the table, every sheet's name and the name of the one read."""
    try:
        import openpyxl  # noqa: F401 - pandas needs it for .xlsx
    except ImportError as exc:
        raise error("Reading Excel files needs the package openpyxl: pip install -r requirements.txt") from exc
    try:
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl's and zipfile's own words (KeyError, BadZipFile, XML errors) say no more
        raise error(damaged_workbook(file_name), detail=detail(exc)) from exc
    if not sheets:
        raise error(f"{file_name} has no sheets.")
    names = [str(n) for n in sheets]
    frames = {str(n): f.dropna(how="all") for n, f in sheets.items()}
    if sheet is not None and sheet not in frames:
        raise error(f"{file_name} has no sheet named '{sheet}'. Its sheets: {', '.join(names)}")
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


def _zip_names(data: bytes) -> list[str] | None:
    """The names inside a zip archive (an .xlsx workbook is one); None when it is damaged or cut short."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None


def _old_office(data: bytes, name: str) -> str:
    """What to say about an Office file of the old kind: Excel keeps a password-protected .xlsx in one too."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        return (
            f"{name} is protected with a password, so it cannot be read. Open it in Excel, remove the password "
            "(File > Info > Protect Workbook), save it and upload it again, or export the sheet as CSV."
        )
    return f"{name} is an old Excel (.xls) or other Office file: save it as .xlsx or CSV."


def _looks_binary(text: str) -> bool:
    """Not text at all: control characters are more than a stray few (over 1% of the start, and more than 2).
    A NUL or two in a long file is damage to repair, not a reason to refuse the file."""
    sample = text[:20_000]
    control = sum(1 for c in sample if ord(c) < 32 and c not in "\t\r\n\f\v")
    return control > max(2, len(sample) // 100)


def _too_many(rows: int, total: int) -> bool:
    """More rows that do not decode than stray damage explains (over a tenth of the rows, or over 5 and over 1%):
    the file is in another encoding, so it is refused with the advice to choose it rather than cleaned."""
    return rows * 10 > total or rows > max(5, total // 100)


def read_bytes_table(
    data: bytes,
    file_name: str,
    encoding: str = "auto",
    limit: int | None = None,
    sheet: str | None = None,
    table: TableKind = CATALOG_TABLES,
) -> RawTable:
    """Read an uploaded (or on-disk) file into a raw table; `limit` refuses files with more rows, `sheet` picks a
    workbook's sheet by name, `table` says what the file should be (a catalog unless told)."""
    error = table.error
    name = Path(file_name).name or table.noun
    suffix = Path(name).suffix.lower()
    if suffix not in table.suffixes:
        raise error(f"Unsupported {table.noun} format '{suffix or name}'. Use one of: " + ", ".join(table.suffixes))
    if not data.strip():
        raise error(f"{name} is empty: it has no header and no rows.")
    notes: list[str] = []
    sheets: list[str] = []
    kind = _kind_of(data)
    fmt = {".pq": "parquet", ".ndjson": "jsonl", ".txt": "csv"}.get(suffix, suffix[1:])
    codec: str | None = None
    undecodable: UnicodeDecodeError | None = None
    try:
        if kind == "zip":
            names = _zip_names(data)
            if names is None:
                if fmt == "xlsx":
                    raise error(damaged_workbook(name))
                raise error(f"{name} is a damaged or incomplete zip archive, not {FORMAT_NAMES.get(fmt, fmt)}.")
            if not any(n.startswith("xl/") for n in names):
                raise error(
                    f"{name} is a zip archive, not {FORMAT_NAMES.get(fmt, fmt)}. Unzip it and upload the "
                    f"{table.noun} inside."
                )
            if fmt != "xlsx":
                notes.append(f"{name} is an Excel workbook although its name ends in {suffix}; read it as Excel.")
            fmt = "xlsx"
            frame, sheets, sheet = _read_xlsx(data, name, notes, sheet, error)
        elif fmt == "xlsx":
            if kind == "ole":
                raise error(_old_office(data, name))
            raise error(
                f"{name} is not an Excel workbook (.xlsx). If it is a table saved as text, give it the matching "
                "name (.csv), or open it in Excel and save it as .xlsx."
            )
        elif kind == "parquet" or fmt == "parquet":
            if kind != "parquet":
                raise error(
                    f"Could not read {name}: it is not a Parquet file (every Parquet file starts with the letters "
                    "PAR1). If it is a table saved as text, give it the matching name (.csv, .json), or export it "
                    "as Parquet again."
                )
            if fmt != "parquet":
                notes.append(f"{name} is a Parquet file although its name ends in {suffix}; read it as Parquet.")
            fmt = "parquet"
            frame = pd.read_parquet(io.BytesIO(data))
        elif kind is not None:
            if kind == "ole":
                raise error(_old_office(data, name))
            what = {
                "gzip": "compressed (gzip): decompress it first",
                "pdf": "a PDF document, not a table",
            }.get(kind, "an image or archive, not a table")
            raise error(f"{name} is {what}.")
        else:
            try:
                text, codec = decode_text(data, encoding)
            except UnicodeDecodeError as exc:  # kept as lone surrogates, to repair if only a few rows hold them
                undecodable, codec = exc, exc.encoding or "utf-8"
                text = data.decode(codec, errors="surrogateescape")
            except LookupError as exc:
                raise error(f"Unknown text encoding '{encoding}'. Use one of: {', '.join(ENCODINGS)}") from exc
            if _looks_binary(text):
                raise error(
                    f"{name} does not look like a text table (it holds binary data). Export the {table.noun} as "
                    f"{table.formats}."
                )
            frame = _parse_text(mark(text), suffix, name, error)
    except VidrecError:
        raise
    except pd.errors.EmptyDataError as exc:
        raise error(f"{name} is empty: it has no header and no rows.") from exc
    except Exception as exc:  # a library's own words explain nothing to the user: they go to `detail`
        raise error(unreadable(name, fmt, exc), detail=detail(exc)) from exc
    frame, damage = repair(frame, codec_label(codec) if codec else "UTF-8")
    if undecodable is not None and (damage.header_bytes or _too_many(len(damage.byte_rows), len(frame))):
        tried = encoding if encoding != "auto" else (undecodable.encoding or "utf-8")
        raise error(_where_undecodable(data, tried, suffix, name, undecodable)) from undecodable
    frame.columns = [str(c).strip() for c in frame.columns]
    if limit is not None and len(frame) > limit:
        suggestion = max(limit * 2, int(len(frame) * 1.1) // 1000 * 1000 + 1000)
        raise error(
            Notice(
                f"{name} has {len(frame):,} rows; the limit is {limit:,} videos per catalog. Upload a smaller file, "
                "or ask whoever runs this app to raise the limit (larger catalogs take longer to embed and need more "
                "memory).",
                f"Raise it by starting the app with the setting {MAX_ROWS}={suggestion}.",
            )
        )
    return RawTable(
        frame=frame,
        file_name=name,
        format=fmt,
        encoding=codec,
        notes=notes,
        sheets=tuple(sheets),
        sheet=sheet if sheets else None,
        damage=damage,
    )
