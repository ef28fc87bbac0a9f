"""Offline evaluation: how well does each strategy predict what real people watched next?

Protocol (leave-last-out over ratings):
- an interaction is a *positive* when its rating is at least `positive_threshold` (every row counts when the log has
  no ratings); per user, positives in time order: all but the last form the history, the last is the target;
  users with fewer than `min_positives` positives are skipped;
- every method ranks the whole catalog minus the user's history; the target's rank gives HR@k, NDCG@k and MRR;
- collaborative baselines (popularity, item-kNN) and the popularity/collaborative inputs of the strategies learn only
  from training interactions: every positive except the evaluated users' targets (`check_no_leak` proves it);
- cold-start view: a seeded random tenth of the catalog is removed from every training interaction and history, and
  only users whose target is one of those items are scored. This is where content understanding should earn its keep.

Every metric carries a 95% bootstrap interval over users, and each row is compared, user by user, with the best
baseline of its view (the mean difference in NDCG@k with its own interval), so "better" means more than noise.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from vidrec_core.core.atomic import write_json_atomic
from vidrec_core.core.paths import REPO_ROOT, SAMPLE_DIR, cache_dir
from vidrec_core.data.interactions import load_interactions
from vidrec_core.data.load import open_catalog
from vidrec_core.data.movielens import derived_log_path, sample_interactions_path
from vidrec_core.data.schema import Catalog
from vidrec_core.embed.registry import get_encoder
from vidrec_core.evaluate.config import EvalSettings, EvaluationError
from vidrec_core.evaluate.metrics import PerUser, bootstrap_means, novelty_bits, rank_users, summarise
from vidrec_core.evaluate.results import EVAL_VERSION, EvalResult, ResultRow
from vidrec_core.evaluate.scorers import (
    BASELINES,
    LEARNED_STRATEGIES,
    ViewModels,
    baseline_scorer,
    learned_for_view,
    strategy_scorer,
    tfidf_matrix,
)
from vidrec_core.evaluate.split import check_no_leak, cold_items, cold_start_split, leave_last_out
from vidrec_core.learn.adapter import LearnedModel
from vidrec_core.profile.registry import STRATEGIES
from vidrec_core.recommender import embed_catalog

SHIPPED_RESULT = SAMPLE_DIR / "interactions" / "evaluation_default.json"

ProgressFn = Callable[[str], None]


def resolve_methods(methods: Sequence[str] | None) -> list[str]:
    """Baselines and registered strategies by name; None means all of them (strategies read from the registry)."""
    known = [*BASELINES, *STRATEGIES]
    if methods is None:
        return known
    chosen = [m.strip() for m in methods if m.strip()]
    unknown = [m for m in chosen if m not in known]
    if unknown:
        raise EvaluationError(f"Unknown method(s): {', '.join(unknown)}. Choose from: {', '.join(known)}")
    if not chosen:
        raise EvaluationError(f"Name at least one method. Choose from: {', '.join(known)}")
    return list(dict.fromkeys(chosen))


def _file_digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _code_digest() -> str:
    """Results depend on the evaluation's code, the strategies' and the models', so editing any of them invalidates
    cached results."""
    h = hashlib.blake2b(digest_size=16)
    for room in ("learn", "profile", "evaluate"):
        for source in sorted((Path(__file__).parents[1] / room).glob("*.py")):
            h.update(source.read_bytes())
    return h.hexdigest()


def cache_key(interactions: Path, catalog: Catalog, settings: EvalSettings, methods: Sequence[str]) -> str:
    payload = {
        "version": EVAL_VERSION,
        "interactions": _file_digest(interactions),
        "catalog": catalog.digest,
        "settings": asdict(replace(settings, methods=tuple(methods))),
        "code": _code_digest(),
    }
    return hashlib.blake2b(json.dumps(payload, sort_keys=True).encode(), digest_size=16).hexdigest()


def cached_result_path(key: str) -> Path:
    return cache_dir() / "evaluation" / f"{key}.json"


def load_result(path: Path) -> EvalResult | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != EVAL_VERSION:
            return None
        return EvalResult.from_dict(data)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_result(result: EvalResult, path: Path) -> None:
    """Written atomically: a crash never leaves half a JSON that a later run would trust."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(path, result.as_dict(), indent=1)


def stored_result(
    interactions: str | Path | None = None, catalog_path: str | Path | None = None, settings: EvalSettings | None = None
) -> EvalResult | None:
    """The disk-cached result for exactly these inputs and this code, or None; computes nothing."""
    if interactions is None and not derived_log_path().is_file():
        return None
    interactions = Path(interactions) if interactions else derived_log_path()
    if not interactions.is_file():
        return None
    settings = settings or EvalSettings()
    catalog = open_catalog(catalog_path)
    return load_result(
        cached_result_path(cache_key(interactions, catalog, settings, resolve_methods(settings.methods)))
    )


def _shown_path(path: Path) -> str:
    """Repository files are named relative to it, so a shipped result does not carry this machine's paths."""
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def item_vectors(catalog: Catalog, model: str) -> np.ndarray:
    vectors, _ = embed_catalog(catalog, get_encoder(model))
    return np.ascontiguousarray(vectors, dtype=np.float32)


def evaluate(
    interactions: str | Path | None = None,
    catalog_path: str | Path | None = None,
    settings: EvalSettings | None = None,
    use_cache: bool = True,
    progress: ProgressFn | None = None,
    vectors: dict[str, np.ndarray] | None = None,
) -> EvalResult:
    """Run (or fetch from the disk cache) the whole comparison. `vectors` injects item embeddings (tests)."""
    settings = settings or EvalSettings()
    settings.validate()
    say = progress or (lambda _message: None)
    interactions = Path(interactions) if interactions else sample_interactions_path()
    if not interactions.is_file():
        raise EvaluationError(f"Interaction log not found: {interactions} (give a CSV, TSV, Parquet or JSONL file).")
    catalog = open_catalog(catalog_path)
    methods = resolve_methods(settings.methods)
    key = cache_key(interactions, catalog, settings, methods) if vectors is None else None
    if use_cache and key:
        cached = load_result(cached_result_path(key))
        if cached is not None:
            say("using the cached result")
            return cached

    started = time.perf_counter()
    log = load_interactions(interactions, catalog)
    n_items = len(catalog)
    split = leave_last_out(log, settings)
    check_no_leak(split, n_items)
    cold = cold_items(n_items, settings.cold_fraction, settings.seed)
    cold_split = cold_start_split(split, cold)
    check_no_leak(cold_split, n_items, cold)
    views = {"all": split, "cold-start": cold_split}

    # Loaded even when only baselines run: diversity is measured in the first model's space for every row.
    spaces: dict[str, np.ndarray] = {}
    for model in settings.models:
        say(f"loading the {model} embeddings")
        spaces[model] = vectors[model] if vectors and model in vectors else item_vectors(catalog, model)
        if spaces[model].shape[0] != n_items:
            raise EvaluationError(f"The {model} embeddings have {spaces[model].shape[0]} rows, not {n_items}.")
    diversity_space = spaces[settings.models[0]]
    tfidf = tfidf_matrix(catalog) if "tfidf" in methods else None

    rows: list[ResultRow] = []
    info_views: dict[str, dict] = {}
    learned_models: dict[tuple[str, str], LearnedModel] = {}
    for view, data in views.items():
        if not data.users:
            info_views[view] = {"users": 0}
            continue
        models = ViewModels.fit(data, n_items)
        novelty_of = novelty_bits(models.popularity.counts_)
        samples = np.random.default_rng([settings.seed, 5]).integers(
            0, len(data.users), (settings.bootstrap, len(data.users))
        )
        per_user: dict[tuple[str, str], PerUser] = {}
        timings: dict[tuple[str, str], float] = {}
        for method in methods:
            encoders = ["-"] if method in BASELINES else list(settings.models)
            for encoder in encoders:
                say(f"{view}: {method}" + ("" if encoder == "-" else f" ({encoder})"))
                t0 = time.perf_counter()
                if method in BASELINES:
                    scorer = baseline_scorer(method, data, models, n_items, tfidf, settings.seed)
                else:
                    learned = None
                    if method in LEARNED_STRATEGIES:
                        if (view, encoder) not in learned_models:
                            learned_models[(view, encoder)] = learned_for_view(
                                data,
                                spaces[encoder],
                                encoder,
                                catalog,
                                lambda m, v=view: say(f"{v}: learned: {m}"),
                                cold if view == "cold-start" else None,
                            )
                        learned = learned_models[(view, encoder)]
                    scorer = strategy_scorer(method, data, catalog, spaces[encoder], models, learned)
                per_user[(method, encoder)] = rank_users(
                    scorer, data, n_items, settings.k, diversity_space, novelty_of, settings.seed
                )
                timings[(method, encoder)] = time.perf_counter() - t0
        baselines = [key for key in per_user if key[0] in BASELINES]
        best = max(baselines, key=lambda key: per_user[key].ndcg.mean()) if baselines else None
        for (method, encoder), per in per_user.items():
            diff = None
            if best is not None and (method, encoder) != best:
                diff = bootstrap_means(per.ndcg - per_user[best].ndcg, samples)
            rows.append(
                ResultRow(
                    view=view,
                    method=method,
                    kind="baseline" if method in BASELINES else "strategy",
                    encoder=encoder,
                    users=len(data.users),
                    metrics=summarise(per, n_items, samples),
                    baseline=best[0] if best is not None and diff is not None else None,
                    ndcg_diff=diff,
                    seconds=round(timings[(method, encoder)], 3),
                )
            )
        info_views[view] = {
            "users": len(data.users),
            "training_interactions": int(sum(len(t) for t in data.train)),
            "best_baseline": best[0] if best else None,
        }
    info = {
        "interactions": _shown_path(interactions),
        "catalog": _shown_path(Path(catalog.source)),
        "catalog_items": n_items,
        "match_report": log.report.lines(),
        "skipped_users": split.skipped_users,
        "cold_items": int(cold.sum()),
        "views": info_views,
        "seconds": round(time.perf_counter() - started, 1),
        "created": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "strategies_registered": list(STRATEGIES),
    }
    result = EvalResult(rows=rows, settings=asdict(replace(settings, methods=tuple(methods))), info=info)
    if key:
        with contextlib.suppress(OSError):  # a read-only data folder only costs the cache
            save_result(result, cached_result_path(key))
    return result
