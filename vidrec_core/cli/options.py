"""What several commands share: the catalog/model/json options, the filters, reading a history, progress lines."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from vidrec_core.core.errors import VidrecError
from vidrec_core.core.progress import RateMeter
from vidrec_core.data.personas import load_personas
from vidrec_core.embed.registry import DEFAULT_ENCODER
from vidrec_core.rank.filters import Filters

MAX_HISTORY_BYTES = 5_000_000
ProgressPrinter = Callable[[int, int], None]


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--catalog", help="catalog file (CSV, TSV, JSON, JSONL, Parquet); default: the sample")
    parser.add_argument(
        "--model", default=DEFAULT_ENCODER, help="minilm | multilingual | a local sentence-transformers folder"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--genre", action="append", help="keep only these genres (repeatable)")
    parser.add_argument("--exclude-genre", action="append", help="drop these genres (repeatable)")
    parser.add_argument("--year-from", type=int)
    parser.add_argument("--year-to", type=int)
    parser.add_argument("--language", action="append", help="original language code, e.g. en (repeatable)")


def add_index_mode(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--index",
        choices=("auto", "exact", "lance"),
        default="auto",
        help="auto: the vector index from VIDREC_INDEX_FROM videos when it is built; exact: score every video; "
        "lance: the vector index at any size (`vidrec index` builds it)",
    )


def filters_from_args(args: argparse.Namespace) -> Filters:
    return Filters(
        include_genres=tuple(args.genre or ()),
        exclude_genres=tuple(args.exclude_genre or ()),
        year_range=(args.year_from or 0, args.year_to or 9999) if (args.year_from or args.year_to) else None,
        languages=tuple(args.language or ()),
    )


def comma_names(text: str) -> tuple[str, ...]:
    """'mean, popular,' -> ('mean', 'popular')."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def read_history(args: argparse.Namespace) -> str:
    """The history text from --persona, --history PATH or --history - (standard input), at most 5 MB."""
    if args.persona:
        personas = load_personas()
        if args.persona not in personas:
            raise VidrecError(f"No persona named '{args.persona}'. Known: {', '.join(personas)}")
        return personas[args.persona].history
    if args.history is None:
        raise VidrecError("Give a history with --history PATH (or - for standard input) or --persona NAME.")
    if args.history == "-":
        data = sys.stdin.buffer.read(MAX_HISTORY_BYTES + 1)
    else:
        path = Path(args.history)
        if not path.is_file():
            raise VidrecError(f"History file not found: {path}")
        data = path.read_bytes()[: MAX_HISTORY_BYTES + 1]
    if len(data) > MAX_HISTORY_BYTES:
        raise VidrecError(f"The history is larger than {MAX_HISTORY_BYTES:,} bytes; shorten it.")
    return data.decode("utf-8-sig", errors="replace")


def progress_printer(enabled: bool) -> ProgressPrinter | None:
    """'embedding done/total' on one stderr line; silent when the cache already holds everything."""
    if not enabled:
        return None

    state = {"active": False}

    def show(done: int, total: int) -> None:
        if done < total:
            state["active"] = True
        if state["active"]:
            print(f"\rembedding {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    return show


def rate_printer(enabled: bool) -> ProgressPrinter | None:
    """Count, rate and time left on one stderr line, rewritten in place; silent when everything is cached."""
    if not enabled:
        return None
    meter = RateMeter()
    state = {"active": False, "width": 0}

    def show(done: int, total: int) -> None:
        snapshot = meter.update(done, total)
        if done < total:
            state["active"] = True
        if state["active"]:
            line = f"embedding {snapshot.describe()}"
            padded, state["width"] = line.ljust(state["width"]), max(state["width"], len(line))
            print(f"\r{padded}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    return show


def say(message: str) -> None:
    """A progress line for long commands, on stderr so --json output stays clean."""
    print(f"... {message}", file=sys.stderr, flush=True)
