"""The vector index at 1 and 5 million videos, measured through vidrec's own recommender.

    python bench/run.py --only index --json            # 1M and 5M (about 40 minutes on 2 cores), prints JSON
    python -m bench.index_scale build --n 1000000 --dir /tmp/vidrec_index_bench
    python -m bench.index_scale query --n 1000000 --dir /tmp/vidrec_index_bench --exact

Data: 384-d unit vectors in two cluster levels (256 topics x 16 sub-centres, isotropic noise so a video has cosine
about 0.7 to its sub-centre; each 100k-row chunk seeded, so the 1M set is the first million of the 5M one), a genre
tied to the topic (30 % drawn at random, Zipf-like), random years. Titles are "Synthetic video <n>", so a history of
titles matches exactly.

`build` runs in its own process (its peak memory is the build's): vectors file, `build_index` (LanceDB table,
IVF-PQ and filter indexes). `query` opens the catalog as the app would (memory-mapped vectors, MiniLM for typed
lines) and measures through `Recommender.recommend`:
- recall@10 of the final list against exact search, for 100 histories of three random catalog videos (the mean of
  three random videos sits between clusters, the hard case for an IVF index); `mean` and `nearest` unfiltered, and
  `mean` with a genre filter; exact results come from one chunked pass over the vectors file (checked against the
  recommender's exact path at 1M), `multi-interest` against the recommender's exact path at 1M only;
- the edit loop (a history growing by a typed search line or a catalog title per edit, each edit a full
  `recommend`: parse, embed the new line, retrieve, score, rank, explain), p50 and p95 over 60 edits;
- at 1M with --exact, the same edit loop with exact search (every video scored) beside it;
- memory: peak private (anonymous) and file-backed resident memory of the process, sampled.
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

DIM = 384
CHUNK = 100_000
N_TOPICS, SUBS_PER_TOPIC = 256, 16
GENRES = np.array(
    [
        "Drama", "Comedy", "Thriller", "Action", "Romance", "Adventure", "Crime", "Science Fiction", "Horror",
        "Family", "Fantasy", "Mystery", "Animation", "History", "Music", "War", "Documentary", "Western",
        "Foreign", "TV Movie",
    ]
)  # fmt: skip
FILTER = ("Horror", "Western", "Music")
ENCODER = "sentence-transformers/all-MiniLM-L6-v2"  # MiniLM's id: the encoder typed lines are embedded with
HISTORIES = 100
EDITS = 60


class Memory:
    """Peak private (RssAnon) and file-backed (RssFile: memory-mapped files, shared page cache) resident memory of
    this process, sampled every 50 ms, in GiB."""

    def __enter__(self) -> Memory:
        self.peak = {"RssAnon": 0.0, "RssFile": 0.0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    @staticmethod
    def now() -> dict[str, float]:
        out = {}
        with open("/proc/self/status") as handle:
            for line in handle:
                key = line.split(":")[0]
                if key in ("RssAnon", "RssFile"):
                    out[key] = int(line.split()[1]) / 2**20
        return out

    def _watch(self) -> None:
        while not self._stop.is_set():
            for key, value in self.now().items():
                self.peak[key] = max(self.peak[key], value)
            time.sleep(0.05)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        for key, value in self.now().items():
            self.peak[key] = max(self.peak[key], value)

    def figures(self) -> dict[str, float]:
        return {
            "peak_private_gib": round(self.peak["RssAnon"], 2),
            "peak_file_backed_gib": round(self.peak["RssFile"], 2),
        }


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def centres(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    topics = unit(rng.standard_normal((N_TOPICS, DIM)))
    noise = unit(rng.standard_normal((N_TOPICS * SUBS_PER_TOPIC, DIM)))
    return unit(np.repeat(topics, SUBS_PER_TOPIC, 0) + 0.8 * noise)


def chunk_of(n: int, start: int, subs: np.ndarray, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectors, genre numbers and years of rows [start, start + CHUNK) of the data set."""
    rng = np.random.default_rng([seed, start // CHUNK])
    m = min(CHUNK, n - start)
    cluster = rng.integers(0, len(subs), m)
    vectors = unit(subs[cluster] + unit(rng.standard_normal((m, DIM), dtype=np.float32)))
    genre = (cluster // SUBS_PER_TOPIC) % len(GENRES)
    flip = rng.random(m) < 0.3
    genre[flip] = np.minimum(rng.zipf(1.6, flip.sum()) - 1, len(GENRES) - 1)
    years = rng.integers(1950, 2025, m)
    return vectors, genre, years


def synthetic_catalog(genres: np.ndarray, years: np.ndarray):
    """The catalog table (the vectors are a file of their own); list cells are shared objects, so five million rows
    cost about 2 GiB rather than twice that."""
    from vidrec_core.data.schema import Catalog

    n = len(genres)
    lists = [[g] for g in GENRES]
    empty: list[str] = []
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "id": [f"v{i}" for i in range(n)],
            "title": [f"Synthetic video {i}" for i in range(n)],
            "year": pd.array(years, dtype="Int64"),
            "genres": [lists[g] for g in genres],
            "keywords": [empty] * n,
            "tagline": "",
            "overview": "",
            "runtime": rng.integers(60, 180, n).astype("float64"),
            "language": "en",
            "popularity": rng.random(n),
            "vote_average": np.nan,
            "director": "",
            "cast": [empty] * n,
            "creator": [empty] * n,
        }
    )
    return Catalog(frame=frame, name=f"synthetic-{n}", source="synthetic")


def digest(n: int) -> str:
    return f"{n:016d}synthetic"


# --- build -----------------------------------------------------------------------------------------------------------


def cmd_build(n: int, folder: Path) -> dict:
    os.environ["VIDREC_DATA_DIR"] = str(folder / f"n{n}")
    from vidrec_core.index.build import build_index
    from vidrec_core.index.files import index_folder, vectors_path

    out: dict = {"videos": n}
    with Memory() as memory:
        start = time.perf_counter()
        target = vectors_path(index_folder(digest(n), ENCODER))
        target.parent.mkdir(parents=True, exist_ok=True)
        vectors = np.lib.format.open_memmap(target, mode="w+", dtype=np.float32, shape=(n, DIM))
        genres, years = np.empty(n, dtype=np.int8), np.empty(n, dtype=np.int64)
        subs = centres()
        for row in range(0, n, CHUNK):
            vectors[row : row + CHUNK], genres[row : row + CHUNK], years[row : row + CHUNK] = chunk_of(n, row, subs)
        vectors.flush()
        del vectors
        np.savez(target.parent / "synthetic.npz", genres=genres, years=years)
        out["generate_vectors_s"] = round(time.perf_counter() - start, 1)
        start = time.perf_counter()
        catalog = synthetic_catalog(genres, years)
        out["catalog_table_s"] = round(time.perf_counter() - start, 1)
        marks: list[tuple[float, str]] = []
        start = time.perf_counter()
        manifest = build_index(
            catalog,
            ENCODER,
            np.load(target, mmap_mode="r"),
            say=lambda message: marks.append((time.perf_counter(), message)),
            digest=digest(n),
        )
        end = time.perf_counter()
    write_at = next(t for t, m in marks if m.startswith("writing"))
    index_at = next(t for t, m in marks if m.startswith("building"))
    out.update(
        write_table_s=round(index_at - write_at, 1),
        build_indexes_s=round(end - index_at, 1),
        build_total_s=round(end - start, 1),
        partitions=manifest.partitions,
        sub_vectors=manifest.sub_vectors,
        vectors_file_gib=round(target.stat().st_size / 2**30, 2),
        lance_dir_gib=round(sum(p.stat().st_size for p in Path(manifest.uri).rglob("*") if p.is_file()) / 2**30, 2),
        **{f"build_{k}": v for k, v in memory.figures().items()},
    )
    return out


# --- query -----------------------------------------------------------------------------------------------------------


def exact_truth(vectors: np.ndarray, histories: list[np.ndarray], mask: np.ndarray | None = None) -> dict:
    """Exact top-10 rows per history for `mean` (cosine to the mean of its videos) and `nearest` (vidrec's soft
    maximum over them), its own videos excluded, in one chunked pass over the vectors file."""
    from vidrec_core.index.files import read_rows
    from vidrec_core.profile.strategies import kernel_scores, weighted_mean

    ones = np.ones(3, dtype=np.float32)
    events = [unit(np.asarray(vectors[np.sort(h)])) for h in histories]
    profiles = np.stack([weighted_mean(e, ones) for e in events])
    best = {"mean": [[] for _ in histories], "nearest": [[] for _ in histories]}
    for start in range(0, len(vectors), CHUNK):
        block = read_rows(vectors, start, start + CHUNK)
        rows = np.arange(start, start + len(block))
        allowed = np.ones(len(block), dtype=bool) if mask is None else mask[start : start + len(block)]
        mean_scores = block @ profiles.T
        for i, history in enumerate(histories):
            keep = allowed & ~np.isin(rows, history)
            for name, scores in (("mean", mean_scores[:, i]), ("nearest", kernel_scores(events[i], ones, block))):
                s = np.where(keep, scores, -np.inf)
                top = np.argpartition(-s, 9)[:10]
                best[name][i].extend(zip(s[top].tolist(), rows[top].tolist(), strict=True))
    return {name: [[r for _, r in sorted(c, reverse=True)[:10]] for c in lists] for name, lists in best.items()}


def recall(found: list[list[str]], truth: list[list[str]]) -> float:
    return round(float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)])), 4)


def edit_loop(recommender, strategy: str, index: str, seed: int) -> dict:
    """p50/p95 of whole edits (parse, embed the new line, retrieve, score, rank, explain) and of the same answer
    from the parsed history (retrieve, score, rank, explain: what the index changes)."""
    import vidrec_core.index.lance as lance

    rng = np.random.default_rng(seed)
    n = len(recommender.catalog)
    text = "\n".join(f"Synthetic video {i}" for i in rng.integers(0, n, 3))
    recommender.recommend(text, strategy=strategy, index=index)
    times, ranking, in_lance, spent = [], [], [], [0.0]
    search = lance.search

    def timed_search(*args, **kwargs):  # how much of an answer is LanceDB's own search
        start = time.perf_counter()
        try:
            return search(*args, **kwargs)
        finally:
            spent[0] += (time.perf_counter() - start) * 1000

    lance.search = timed_search
    for i in range(EDITS):
        text += (
            f"\nsearch: {strategy} topic number {i} of {seed}" if i % 2 == 0 else f"\nSynthetic video {rng.integers(n)}"
        )
        start = time.perf_counter()
        result = recommender.recommend(text, strategy=strategy, k=10, index=index)
        times.append((time.perf_counter() - start) * 1000)
        spent[0] = 0.0
        start = time.perf_counter()
        recommender.recommend(result.events, strategy=strategy, k=10, index=index)
        ranking.append((time.perf_counter() - start) * 1000)
        in_lance.append(spent[0])
    lance.search = search
    return {
        "edits": EDITS,
        "lancedb_search_p50_ms": round(statistics.median(in_lance), 1),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(float(np.percentile(times, 95)), 1),
        "ranking_only_p50_ms": round(statistics.median(ranking), 1),
        "ranking_only_p95_ms": round(float(np.percentile(ranking, 95)), 1),
    }


def interactive_checks(recommender, n: int) -> dict:
    """What else a page does at this size: a mistyped title matched fuzzily against every title (a new line; lines
    seen before are remembered), and the Catalog page's search by meaning with and without a genre filter."""
    from vidrec_core.rank.filters import Filters

    fuzzy = []
    for i in range(5):
        start = time.perf_counter()
        found = recommender.matcher.match(f"Synthetic vdeo {n // 7 + i}")
        fuzzy.append((time.perf_counter() - start) * 1000)
    searches, filtered = [], []
    for i in range(30):
        start = time.perf_counter()
        recommender.search(f"videos about topic {i}", k=50, index="lance")
        searches.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        recommender.search(f"films about theme {i}", k=50, filters=Filters(include_genres=FILTER), index="lance")
        filtered.append((time.perf_counter() - start) * 1000)
    from vidrec_core.rank.filters import apply_filters

    browse = {}
    for label, filters in (("", Filters()), ("_genre_filter", Filters(include_genres=FILTER))):
        start = time.perf_counter()  # the Catalog page without a query: the filters, then the 500 most popular
        allowed, _ = apply_filters(recommender.catalog, filters)
        recommender.catalog.frame.loc[allowed, "popularity"].fillna(0).nlargest(500)
        browse[f"catalog_browse{label}_ms"] = round((time.perf_counter() - start) * 1000, 1)
    return {
        **browse,
        "fuzzy_title_match_ms_median": round(statistics.median(fuzzy), 1),
        "fuzzy_title_match_found": found is not None,
        "catalog_search_p50_ms": round(statistics.median(searches), 1),
        "catalog_search_p95_ms": round(float(np.percentile(searches, 95)), 1),
        "catalog_search_genre_filter_p50_ms": round(statistics.median(filtered), 1),
        "catalog_search_genre_filter_p95_ms": round(float(np.percentile(filtered, 95)), 1),
    }


def cmd_query(n: int, folder: Path, with_exact: bool) -> dict:
    os.environ["VIDREC_DATA_DIR"] = str(folder / f"n{n}")
    from vidrec_core.embed.registry import get_encoder
    from vidrec_core.index.files import IndexManifest, index_folder, open_vectors
    from vidrec_core.index.retrieve import VectorIndex
    from vidrec_core.rank.filters import Filters
    from vidrec_core.recommender import Recommender

    out: dict = {"videos": n, "machine_load_1m_before": os.getloadavg()[0]}
    with Memory() as memory:
        start = time.perf_counter()
        place = index_folder(digest(n), ENCODER)
        with np.load(place / "synthetic.npz") as meta:
            catalog = synthetic_catalog(meta["genres"], meta["years"])
        encoder = get_encoder("minilm")
        manifest = IndexManifest.load(place)
        vectors = open_vectors(place, n, DIM)
        index = VectorIndex(manifest, vectors)
        recommender = Recommender(catalog, vectors, encoder, index=index)
        out["open_s"] = round(time.perf_counter() - start, 1)
        out["nprobes"], out["partitions"] = index.nprobes, manifest.partitions
        out["candidates_per_profile_query"] = index.settings.candidates
        start = time.perf_counter()
        recommender.recommend("Synthetic video 1\nSynthetic video 2", strategy="mean", index="lance")
        out["first_answer_s"] = round(time.perf_counter() - start, 2)  # title index, table and ANN index load
        gc.freeze()  # as the app does once its recommender is loaded (vidrec_ui/resources.py)

        rng = np.random.default_rng(42)
        histories = [np.sort(rng.choice(n, 3, replace=False)) for _ in range(HISTORIES)]
        texts = ["\n".join(f"Synthetic video {i}" for i in h) for h in histories]
        genre_mask = catalog.frame["genres"].map(lambda g: g[0] in FILTER).to_numpy(bool)
        start = time.perf_counter()
        truth = exact_truth(vectors, histories)
        truth_filtered = exact_truth(vectors, histories, genre_mask)["mean"]
        out["exact_truth_pass_s"] = round(time.perf_counter() - start, 1)
        ids = catalog.ids
        truth_ids = {k: [[ids[r] for r in rows] for rows in v] for k, v in truth.items()}
        filtered_ids = [[ids[r] for r in rows] for rows in truth_filtered]
        horror = Filters(include_genres=FILTER)
        for label, strategy, filters, expected in (
            ("mean", "mean", None, truth_ids["mean"]),
            ("nearest", "nearest", None, truth_ids["nearest"]),
            ("mean_genre_filter", "mean", horror, filtered_ids),
        ):
            found, times, pools = [], [], []
            for text in texts:
                t0 = time.perf_counter()
                result = recommender.recommend(text, strategy=strategy, k=10, filters=filters, index="lance")
                times.append((time.perf_counter() - t0) * 1000)
                found.append([r.id for r in result.recommendations])
                pools.append(int(result.retrieval.split(": ")[1].split(" ")[0].replace(",", "")))
            out[f"recall10_{label}"] = recall(found, expected)
            out[f"answer_{label}_p50_ms"] = round(statistics.median(times), 1)
            out[f"answer_{label}_p95_ms"] = round(float(np.percentile(times, 95)), 1)
            out[f"candidates_{label}_median"] = int(np.median(pools))
        out["filter_share_of_catalog"] = round(float(genre_mask.mean()), 3)
        if with_exact:  # the recommender's own exact path: checks the chunked truth, and multi-interest
            sample = texts[:40]
            exact_mean = [
                [r.id for r in recommender.recommend(t, "mean", index="exact").recommendations] for t in sample
            ]
            out["truth_check_mean_vs_recommender_exact"] = recall(exact_mean, truth_ids["mean"][:40])
            exact_multi, lance_multi = [], []
            mixed = [f"{a}\n{b}" for a, b in zip(sample[:20], sample[20:40], strict=True)]  # two separate tastes
            for text in mixed:
                exact_multi.append(
                    [r.id for r in recommender.recommend(text, "multi-interest", index="exact").recommendations]
                )
                lance_multi.append(
                    [r.id for r in recommender.recommend(text, "multi-interest", index="lance").recommendations]
                )
            out["recall10_multi_interest_vs_recommender_exact"] = recall(lance_multi, exact_multi)
        out.update(interactive_checks(recommender, n))
        out["edit_loop_index"] = {s: edit_loop(recommender, s, "lance", 7) for s in ("mean", "multi-interest")}
        if with_exact:
            out["edit_loop_exact"] = {s: edit_loop(recommender, s, "exact", 8) for s in ("mean", "multi-interest")}
    out.update(memory.figures())
    out["machine_load_1m_after"] = os.getloadavg()[0]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("build", "query", "clean"))
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--dir", default="/tmp/vidrec_index_bench")
    parser.add_argument("--exact", action="store_true", help="query: also the exact edit loop and checks")
    args = parser.parse_args()
    folder = Path(args.dir)
    if args.command == "clean":
        shutil.rmtree(folder / f"n{args.n}", ignore_errors=True)
        return
    result = cmd_build(args.n, folder) if args.command == "build" else cmd_query(args.n, folder, args.exact)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
