"""The `recommend`, `search` and `personas` commands: the studio's answers, scriptable.

python -m vidrec_core recommend --history my_history.txt --json
echo "The Martian" | python -m vidrec_core recommend --history -
python -m vidrec_core search "heist movies with a twist"
"""

from __future__ import annotations

import argparse
import json

from vidrec_core.cli.options import (
    add_common,
    add_filters,
    add_index_mode,
    filters_from_args,
    progress_printer,
    read_history,
)
from vidrec_core.core.errors import HistoryError
from vidrec_core.core.notice import whole
from vidrec_core.data.personas import load_personas
from vidrec_core.profile.base import CALIBRATION, StrategyParams
from vidrec_core.profile.history import EMPTY_HISTORY_MESSAGE, title_unmatched
from vidrec_core.profile.registry import KNOBS, STRATEGIES
from vidrec_core.recommender import load_recommender


def cmd_recommend(args: argparse.Namespace) -> int:
    history = read_history(args)
    if not history.strip():
        raise HistoryError(EMPTY_HISTORY_MESSAGE)
    recommender, _ = load_recommender(
        args.catalog, args.model, progress=progress_printer(not args.json), interactions=args.interactions
    )
    params = StrategyParams(**{name: getattr(args, name) for name in KNOBS})
    result = recommender.recommend(
        history,
        strategy=args.strategy,
        k=args.k,
        filters=filters_from_args(args),
        diversity=args.diversity,
        params=params,
        index=args.index,
        calibration=args.calibration,
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
        if title_unmatched(event):
            closest = f" Did you mean: {'; '.join(event.suggestions)}?" if event.suggestions else ""
            print(f"       not in this catalog: read as an interest.{closest}")
    for message in result.messages:
        print(f"note: {whole(message)}")
    if result.strategy_reason:
        print(f"strategy: {result.strategy} (the default for this catalog: {whole(result.strategy_reason)})")
    if result.retrieval:
        print(f"retrieval: {result.retrieval}")
    print(f"\nTop {len(result.recommendations)} ({result.strategy}):")
    for rank_no, rec in enumerate(result.recommendations, start=1):
        year = f" ({rec.year})" if rec.year else ""
        genres = ", ".join(rec.genres)
        print(f"{rank_no:>3}. {rec.title}{year}  match {rec.match:.0%} (score {rec.score:.3f})  [{genres}]")
        print(f"     {rec.because}")
        if rec.search:
            print(f"     (answers the search “{rec.search}”)")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    recommender, _ = load_recommender(args.catalog, args.model, progress=progress_printer(not args.json))
    hits = recommender.search(args.query, k=args.k, filters=filters_from_args(args), index=args.index)
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


def cmd_personas(args: argparse.Namespace) -> int:
    personas = load_personas()
    if args.json:
        print(json.dumps({n: p.__dict__ for n, p in personas.items()}, ensure_ascii=False, indent=2))
    else:
        for persona in personas.values():
            print(f"{persona.name}: {persona.description}")
    return 0


def add_recommend(sub: argparse._SubParsersAction) -> None:
    rec = sub.add_parser("recommend", help="recommend videos for a viewing history")
    add_common(rec)
    rec.add_argument("--history", help="history file, one event per line; - reads standard input")
    rec.add_argument("--persona", help="use a sample persona's history instead")
    rec.add_argument(
        "--strategy",
        choices=sorted(STRATEGIES),
        help="default: the best measured strategy this catalog can run (learned, hybrid or fusion; the JSON's "
        "strategy_reason says why); mean is the article's baseline",
    )
    rec.add_argument("--k", type=int, default=10)
    rec.add_argument("--diversity", type=float, default=0.0, help="0 = pure relevance, 1 = most diverse")
    rec.add_argument(
        "--calibration",
        type=float,
        help="0..1: how closely the list follows the history's genres (Steck's calibration; default: the "
        f"strategy's own, {CALIBRATION:g} for all but the article's mean, which lists by score alone)",
    )
    for name, knob in KNOBS.items():
        users = ", ".join(s.name for s in STRATEGIES.values() if knob in s.knobs)
        rec.add_argument(f"--{name.replace('_', '-')}", type=float, default=knob.default, help=f"{users}: {knob.help}")
    rec.add_argument(
        "--interactions", help="interaction log for hybrid (default for the sample: MovieLens, derived on first use)"
    )
    add_filters(rec)
    add_index_mode(rec)
    rec.set_defaults(func=cmd_recommend)


def add_search(sub: argparse._SubParsersAction) -> None:
    search = sub.add_parser("search", help="semantic search over the catalog")
    add_common(search)
    search.add_argument("query")
    search.add_argument("--k", type=int, default=10)
    add_filters(search)
    add_index_mode(search)
    search.set_defaults(func=cmd_search)


def add_personas(sub: argparse._SubParsersAction) -> None:
    personas = sub.add_parser("personas", help="list the sample personas")
    personas.add_argument("--json", action="store_true")
    personas.set_defaults(func=cmd_personas)
