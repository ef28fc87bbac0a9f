"""Server-side time from a history edit to new recommendations, as the Recommend page does it.

Each edit changes the typed history (a new free-text line, so one text is embedded; or a new title, which costs a
fuzzy match), then parses it and ranks the catalog. Prints the median and 95th percentile per strategy and writes
JSON. Run: `python bench/edit_loop.py [--edits 60] [--out bench/results/edit_loop.json]`.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from vidrec_core.personas import load_personas
from vidrec_core.profile import STRATEGIES
from vidrec_core.recommender import load_recommender

TOPICS = ["heist", "space opera", "haunted house", "romantic comedy", "courtroom drama", "dinosaurs", "jazz", "war"]
TITLES = ["Alien", "Up", "Heat", "Jaws", "Toy Story", "Inception", "Titanic", "Se7en", "Fargo", "Gravity"]


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def edits(base: str, n: int, tag: str) -> list[str]:
    """A realistic sequence: every other edit adds a typed sentence (never seen before), the rest a title."""
    out, text = [], base
    for i in range(n):
        line = f"search: {TOPICS[i % len(TOPICS)]} {tag} {i}" if i % 2 == 0 else TITLES[i % len(TITLES)]
        text = f"{text}\n{line}"
        out.append(text)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=60)
    parser.add_argument("--model", default="minilm")
    parser.add_argument("--out", default="bench/results/edit_loop.json")
    args = parser.parse_args()

    recommender, _ = load_recommender(model=args.model)
    recommender.recommend("Alien")  # warm caches that any server has warm after its first page view
    base = load_personas()["Space sci-fi fan"].history
    rows = []
    for strategy in STRATEGIES:
        times = []
        for text in edits(base, args.edits, tag=strategy):
            start = time.perf_counter()
            recommender.recommend(text, strategy=strategy, k=10, diversity=0.3)
            times.append((time.perf_counter() - start) * 1000)
        rows.append(
            {
                "strategy": strategy,
                "edits": len(times),
                "median_ms": round(statistics.median(times), 1),
                "p95_ms": round(percentile(times, 95), 1),
                "max_ms": round(max(times), 1),
            }
        )
    result = {
        "benchmark": "edit loop (parse + embed new lines + rank, MMR diversity 0.3, k=10)",
        "catalog_videos": len(recommender.catalog),
        "model": recommender.encoder.name,
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, {__import__('os').cpu_count()} cores",
        "date": time.strftime("%Y-%m-%d"),
        "rows": rows,
    }
    print(f"{'strategy':<16}{'edits':>6}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}")
    for row in rows:
        print(f"{row['strategy']:<16}{row['edits']:>6}{row['median_ms']:>11}{row['p95_ms']:>9}{row['max_ms']:>9}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
