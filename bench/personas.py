"""How on-taste are the lists? On-genre picks of 10 for each sample persona, per strategy, on the sample (viewing log
and trained adapter) and on the same movies uploaded as a file with no log (the no-log default, `fusion`).

    python -m bench.personas                         # MiniLM, default + every content and log strategy
    python -m bench.personas --model multilingual --strategies default,learned --show "Horror fan"

A pick is on taste when it has one of the genres named for its persona below: a judgement, written down so that
anyone can rerun it and disagree. Nothing here is asserted; tests/integration/test_defaults_real.py pins the
default's floor.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from vidrec_core.data.load import write_sample_as_upload
from vidrec_core.data.personas import load_personas
from vidrec_core.recommender import load_recommender

ON_TASTE: dict[str, tuple[str, ...]] = {
    "Space sci-fi fan": ("Science Fiction",),
    "Horror fan": ("Horror",),
    "Family-animation parent": ("Animation", "Family"),
    "Free-text newcomer": ("Romance", "Comedy"),
    "Two unrelated tastes": ("Romance", "Horror"),
    "Seed article example": ("Science Fiction", "Comedy", "Action"),
    "Heist and crime buff": ("Crime", "Thriller"),
}


def on_taste_counts(catalog: Path | None, model: str, strategies: list[str], show: set[str]) -> dict:
    """{strategy: {"ran": what ran, "counts": {persona: on-genre picks of 10}, "off": {persona: off titles}}}"""
    recommender, _ = load_recommender(catalog_path=catalog, model=model)
    out = {}
    for strategy in strategies:
        counts, off, ran = {}, {}, ""
        for name, persona in load_personas().items():
            result = recommender.recommend(persona.history, k=10, strategy=None if strategy == "default" else strategy)
            ran = result.strategy
            genres = ON_TASTE.get(name, ())
            counts[name] = sum(bool(set(genres) & set(r.genres)) for r in result.recommendations)
            if name in show:
                off[name] = [r.title for r in result.recommendations if not set(genres) & set(r.genres)]
        out[strategy] = {"ran": ran, "counts": counts, "total": sum(counts.values()), "off": off}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="minilm")
    parser.add_argument("--strategies", default="default,mean,nearest,fusion,hybrid,learned")
    parser.add_argument("--show", action="append", default=[], help="print the off-taste titles of this persona")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    strategies = args.strategies.split(",")
    with tempfile.TemporaryDirectory() as folder:
        results = {
            "sample": on_taste_counts(None, args.model, strategies, set(args.show)),
            "no log": on_taste_counts(
                write_sample_as_upload(folder), args.model, [s for s in strategies if s not in ("hybrid", "learned")],
                set(args.show),
            ),
        }  # fmt: skip
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    names = list(ON_TASTE)
    print(f"on-genre picks of 10 ({args.model}); personas: " + "; ".join(f"{i + 1} {n}" for i, n in enumerate(names)))
    for catalog, rows in results.items():
        for strategy, row in rows.items():
            counts = " ".join(f"{row['counts'].get(n, 0):2d}" for n in names)
            label = f"{catalog}: {strategy}" + (f" ({row['ran']})" if strategy == "default" else "")
            print(f"  {label:28s} {counts}   total {row['total']} of {10 * len(row['counts'])}")
            for persona, titles in row["off"].items():
                print(f"      {persona}: off taste: {', '.join(titles) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
