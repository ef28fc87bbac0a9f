"""The `evaluate` command: the offline comparison of strategies and baselines on an interaction log.

python -m vidrec_core evaluate                         # MovieLens, every baseline and strategy, both models
python -m vidrec_core evaluate --strategies mean,popular --models minilm --json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from vidrec_core.cli.options import comma_names, say
from vidrec_core.evaluate.config import EvalSettings, EvaluationError
from vidrec_core.evaluate.report import format_report
from vidrec_core.evaluate.run import evaluate, save_result
from vidrec_core.evaluate.scorers import BASELINES


def cmd_evaluate(args: argparse.Namespace) -> int:
    settings = EvalSettings(
        k=args.k,
        positive_threshold=args.positive_threshold,
        min_positives=args.min_positives,
        seed=args.seed,
        cold_fraction=args.cold_fraction,
        new_items_k=args.new_items_k,
        min_history=args.min_history,
        bootstrap=args.bootstrap,
        max_users=args.max_users,
        taste_history=args.taste_history,
        taste_users=args.taste_users,
        taste_search_share=args.taste_search_share,
        methods=comma_names(args.strategies) if args.strategies else None,
        models=comma_names(args.models),
    )

    def progress(message: str, fraction: float) -> None:
        if not args.json:
            say(f"[{fraction:4.0%}] {message}")

    result = evaluate(args.interactions, args.catalog, settings, use_cache=not args.no_cache, progress=progress)
    if args.save:
        try:
            save_result(result, Path(args.save))
        except OSError as exc:
            raise EvaluationError(f"Could not write {args.save}: {exc.strerror or exc}. Pick a writable path.") from exc
    if args.json:
        print(json.dumps([row.as_dict() for row in result.rows], ensure_ascii=False, indent=2))
    else:
        print(format_report(result))
    return 0


def add_evaluate(sub: argparse._SubParsersAction) -> None:
    ev = sub.add_parser(
        "evaluate",
        help="offline evaluation on an interaction log: all users, cold start, new videos and on taste; strategies "
        "vs baselines",
        description="Four views: hold out each user's last liked video (all users; cold start when it is one of the "
        "videos held out as new) and measure how high every method ranks it; rank only the held-out new videos "
        "for every user with liked new videos (new-items: for videos uploaded today, which viewers should see them); "
        "and type users' last liked titles as a history (on-taste: does the list follow their genres, and does a "
        "search line move it?).",
    )
    ev.add_argument(
        "--interactions",
        help="interaction log (CSV/TSV/Parquet/JSONL: user_id, timestamp, item_id or title+year, optional rating); "
        "default: the MovieLens log derived for the sample catalog",
    )
    ev.add_argument("--catalog", help="catalog file the log refers to; default: the sample")
    ev.add_argument("--k", type=int, default=10, help="list length for HR@k, NDCG@k, coverage, diversity")
    ev.add_argument(
        "--strategies",
        help=f"comma-separated methods: baselines ({', '.join(BASELINES)}) and/or profile strategies; default: all",
    )
    ev.add_argument("--models", default="minilm,multilingual", help="comma-separated encoders for the strategies")
    ev.add_argument("--seed", type=int, default=0, help="seeds the new videos, ties, bootstrap, user sample")
    ev.add_argument("--min-positives", type=int, default=5, help="skip users with fewer liked videos")
    ev.add_argument("--positive-threshold", type=float, default=4.0, help="a rating at least this counts as liked")
    ev.add_argument(
        "--cold-fraction",
        type=float,
        default=0.1,
        help="share of the liked videos held out as new (cold start, new items)",
    )
    ev.add_argument("--new-items-k", type=int, default=20, help="list length of the new-items view (Recall@k, NDCG@k)")
    ev.add_argument("--min-history", type=int, default=3, help="new-items view: other liked videos a user needs")
    ev.add_argument("--bootstrap", type=int, default=1000, help="resamples for the 95%% intervals")
    ev.add_argument("--max-users", type=int, help="evaluate a seeded sample of this many users (quick runs)")
    ev.add_argument(
        "--taste-history", type=int, default=10, help="on-taste view: the last this many liked titles are the history"
    )
    ev.add_argument("--taste-users", type=int, default=300, help="on-taste view: a seeded sample of at most this many")
    ev.add_argument(
        "--taste-search-share",
        type=float,
        default=0.5,
        help="on-taste view: share of its users whose history gets a search line aimed at a genre they hardly watch",
    )
    ev.add_argument("--no-cache", action="store_true", help="recompute even when a cached result exists")
    ev.add_argument("--save", help="also write the whole result (settings, data report, rows) to this JSON file")
    ev.add_argument("--json", action="store_true", help="print the result rows as a JSON list")
    ev.set_defaults(func=cmd_evaluate)
