"""Command line: everything the app does, scriptable, with --json output.

python -m vidrec_core recommend --history my_history.txt --json
echo "The Martian" | python -m vidrec_core recommend --history -
python -m vidrec_core search "heist movies with a twist"
python -m vidrec_core embed --catalog my_videos.csv --model multilingual
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from vidrec_core.embed import DEFAULT_BATCH_SIZE
from vidrec_core.errors import HistoryError, VidrecError
from vidrec_core.history import EMPTY_HISTORY_MESSAGE
from vidrec_core.plaintext import visible

MAX_HISTORY_BYTES = 5_000_000


def _read_history(args: argparse.Namespace) -> str:
    if args.persona:
        from vidrec_core.personas import load_personas

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


def _progress_printer(enabled: bool):
    if not enabled:
        return None

    state = {"active": False}

    def show(done: int, total: int) -> None:
        # Silent when the cache already holds everything; a live counter while the model works.
        if done < total:
            state["active"] = True
        if state["active"]:
            print(f"\rembedding {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    return show


def _filters(args: argparse.Namespace):
    from vidrec_core.rank import Filters

    return Filters(
        include_genres=tuple(args.genre or ()),
        exclude_genres=tuple(args.exclude_genre or ()),
        year_range=(args.year_from or 0, args.year_to or 9999) if (args.year_from or args.year_to) else None,
        languages=tuple(args.language or ()),
    )


def cmd_recommend(args: argparse.Namespace) -> int:
    from vidrec_core.recommender import load_recommender

    history = _read_history(args)
    if not history.strip():
        raise HistoryError(EMPTY_HISTORY_MESSAGE)
    from vidrec_core.profile import StrategyParams

    recommender, _ = load_recommender(
        args.catalog, args.model, progress=_progress_printer(not args.json), interactions=args.interactions
    )
    params = StrategyParams(half_life=args.half_life, hybrid_weight=args.hybrid_weight)
    result = recommender.recommend(
        history, strategy=args.strategy, k=args.k, filters=_filters(args), diversity=args.diversity, params=params
    )
    if args.json:
        print(
            json.dumps({**result.as_dict(), "metrics": recommender.list_metrics(result)}, ensure_ascii=False, indent=2)
        )
        return 0
    print("History, as understood:")
    for event in result.events:
        target = f" -> {event.matched_title}" if event.matched_title else ""
        print(f"  {event.line_no:>3}. [{event.kind.value}] {event.text}{target}")
    for message in result.messages:
        print(f"note: {message}")
    print(f"\nTop {len(result.recommendations)} ({result.strategy}):")
    for rank_no, rec in enumerate(result.recommendations, start=1):
        year = f" ({rec.year})" if rec.year else ""
        print(f"{rank_no:>3}. {rec.title}{year}  score {rec.score:.3f}  [{', '.join(rec.genres)}]")
        print(f"     {rec.because}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from vidrec_core.recommender import load_recommender

    recommender, _ = load_recommender(args.catalog, args.model, progress=_progress_printer(not args.json))
    hits = recommender.search(args.query, k=args.k, filters=_filters(args))
    frame = recommender.catalog.frame
    rows = [
        {
            "id": str(frame["id"].iloc[i]),
            "title": str(frame["title"].iloc[i]),
            "year": None if frame["year"].isna().iloc[i] else int(frame["year"].iloc[i]),
            "genres": list(frame["genres"].iloc[i]),
            "score": round(score, 4),
        }
        for i, score in hits
    ]
    if args.json:
        print(json.dumps({"query": args.query, "results": rows}, ensure_ascii=False, indent=2))
    else:
        for n, row in enumerate(rows, start=1):
            print(f"{n:>3}. {row['title']} ({row['year']})  {row['score']:.3f}  [{', '.join(row['genres'])}]")
    return 0


def _embed_progress(enabled: bool):
    """count, rate and time left on one stderr line, rewritten in place; silent when everything is cached."""
    if not enabled:
        return None
    from vidrec_core.progress import RateMeter

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


def cmd_embed(args: argparse.Namespace) -> int:
    """Embed a catalog file or a kept catalog (folder, folder name or display name); resumable: what a cancelled
    or crashed run finished is reused."""
    import time

    from vidrec_core.catalog import load_catalog
    from vidrec_core.catalog_store import CatalogStore
    from vidrec_core.embed import get_encoder
    from vidrec_core.errors import EncoderError
    from vidrec_core.paths import SAMPLE_CATALOG
    from vidrec_core.recommender import embed_catalog

    if args.batch_size < 1:
        raise VidrecError("--batch-size must be at least 1.")
    store = CatalogStore()
    kept = None
    if args.catalog and not Path(args.catalog).is_file():
        kept = store.find(args.catalog)
    if kept is not None:
        catalog = load_catalog(kept.folder)
    else:
        catalog = load_catalog(args.catalog or SAMPLE_CATALOG, name=None if args.catalog else "sample")
    model = args.model or (kept.model if kept is not None else "minilm")
    if args.device.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            raise EncoderError(
                f"--device {args.device} was asked for, but this machine has no usable CUDA GPU "
                "(or torch was installed without CUDA). Use --device cpu."
            )
    encoder = get_encoder(model, device=args.device)
    started = time.monotonic()
    vectors, report = embed_catalog(
        catalog, encoder, progress=_embed_progress(not args.json), batch_size=args.batch_size
    )
    if kept is not None:
        store.mark_embedded(kept.slug, encoder.name, seconds=round(time.monotonic() - started, 1))
    summary = {
        "catalog": kept.name if kept is not None else catalog.source,
        "videos": len(catalog),
        "model": encoder.name,
        "dim": int(vectors.shape[1]),
        "reused": report.reused,
        "computed": report.computed,
        "discarded_cache_files": report.discarded_files,
    }
    print(
        json.dumps(summary, ensure_ascii=False, indent=2)
        if args.json
        else "\n".join(f"{k}: {v}" for k, v in summary.items())
    )
    return 0


def cmd_personas(args: argparse.Namespace) -> int:
    from vidrec_core.personas import load_personas

    personas = load_personas()
    if args.json:
        print(json.dumps({n: p.__dict__ for n, p in personas.items()}, ensure_ascii=False, indent=2))
    else:
        for persona in personas.values():
            print(f"{persona.name}: {persona.description}")
    return 0


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--catalog", help="catalog file (CSV, TSV, JSON, JSONL, Parquet); default: the sample")
    parser.add_argument(
        "--model", default="minilm", help="minilm | multilingual | a local sentence-transformers folder"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--genre", action="append", help="keep only these genres (repeatable)")
    parser.add_argument("--exclude-genre", action="append", help="drop these genres (repeatable)")
    parser.add_argument("--year-from", type=int)
    parser.add_argument("--year-to", type=int)
    parser.add_argument("--language", action="append", help="original language code, e.g. en (repeatable)")


def build_parser() -> argparse.ArgumentParser:
    from vidrec_core.profile import STRATEGIES

    parser = argparse.ArgumentParser(prog="python -m vidrec_core", description=__doc__.split("\n\n")[0])
    parser.add_argument("--debug", action="store_true", help="show full tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)

    rec = sub.add_parser("recommend", help="recommend videos for a viewing history")
    _add_common(rec)
    rec.add_argument("--history", help="history file, one event per line; - reads standard input")
    rec.add_argument("--persona", help="use a sample persona's history instead")
    rec.add_argument("--strategy", default="mean", choices=sorted(STRATEGIES))
    rec.add_argument("--k", type=int, default=10)
    rec.add_argument("--diversity", type=float, default=0.0, help="0 = pure relevance, 1 = most diverse")
    rec.add_argument("--half-life", type=float, default=5.0, help="recency: events until a weight halves")
    rec.add_argument("--hybrid-weight", type=float, default=0.5, help="hybrid: share of the collaborative signal")
    rec.add_argument(
        "--interactions", help="interaction log for hybrid (default for the sample: MovieLens, derived on first use)"
    )
    _add_filters(rec)
    rec.set_defaults(func=cmd_recommend)

    search = sub.add_parser("search", help="semantic search over the catalog")
    _add_common(search)
    search.add_argument("query")
    search.add_argument("--k", type=int, default=10)
    _add_filters(search)
    search.set_defaults(func=cmd_search)

    embed = sub.add_parser(
        "embed",
        help="embed a catalog into the cache (resumable)",
        description="Embed a catalog file, or a catalog kept by the app's Data page (its folder under "
        "vidrec_data/catalogs, the folder's name or its display name), into the shared cache. Interrupt it any "
        "time: the next run resumes where it stopped.",
    )
    _add_common(embed)
    embed.set_defaults(model=None)  # a kept catalog's own encoder unless --model is given; else minilm
    embed.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    embed.add_argument("--device", default="cpu", help="cpu or cuda (sentence-transformers models)")
    embed.set_defaults(func=cmd_embed)

    personas = sub.add_parser("personas", help="list the sample personas")
    personas.add_argument("--json", action="store_true")
    personas.set_defaults(func=cmd_personas)
    from vidrec_core.cli_evaluate import add_commands as add_evaluate_commands

    add_evaluate_commands(sub)
    from vidrec_core.cli_cluster import add_commands as add_cluster_commands

    add_cluster_commands(sub)
    from vidrec_core.cli_learned import add_commands as add_learned_commands

    add_learned_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "k", 1) is not None and getattr(args, "k", 1) < 1:
        parser.error("--k must be at least 1")
    try:
        return int(args.func(args))
    except VidrecError as exc:
        print(f"error: {visible(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"error: unexpected {type(exc).__name__}: {visible(exc)} (rerun with --debug for details)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
