"""Offline evaluation: how well does each strategy predict what real people watched next?

Protocol (leave-last-out over ratings):
- an interaction is a *positive* when its rating is at least `positive_threshold` (every row counts when the log has
  no ratings); per user, positives in time order: all but the last form the history, the last is the target;
  users with fewer than `min_positives` positives are skipped;
- every method ranks the whole catalog minus the user's history; the target's rank gives HR@k, NDCG@k and MRR;
- collaborative baselines (popularity, item-kNN) and the popularity/collaborative inputs of the strategies learn only
  from training interactions: every positive except the evaluated users' targets (`check_no_leak` proves it);
- cold-start view: a seeded tenth of the liked videos is held out as new (removed from every training interaction
  and history), and only users whose target is one of them are scored;
- new-items view: the same held-out videos; every user with three or more other liked videos and one or more liked
  new videos ranks only the new videos (Recall@20, NDCG@20): for videos uploaded today, which viewers should see
  them. This is where content understanding has to earn its keep, and with hundreds of users it can tell methods
  apart where the cold-start view's few dozen cannot.

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
from vidrec_core.core.errors import Cancelled
from vidrec_core.core.paths import REPO_ROOT, SHIPPED_EVALUATION, cache_dir, data_dir
from vidrec_core.core.vectors import closeness_floor
from vidrec_core.data.interactions import load_interactions, positives_by_user
from vidrec_core.data.lexical import LexicalIndex
from vidrec_core.data.load import open_catalog
from vidrec_core.data.movielens import derived_log_path, sample_interactions_path
from vidrec_core.data.schema import Catalog
from vidrec_core.embed.registry import DEFAULT_ENCODER, get_encoder
from vidrec_core.evaluate.audience import audience_rows
from vidrec_core.evaluate.config import EvalSettings, EvaluationError
from vidrec_core.evaluate.metrics import (
    PerUser,
    bootstrap_means,
    novelty_bits,
    rank_candidates,
    rank_users,
    summarise,
)
from vidrec_core.evaluate.results import EVAL_VERSION, EvalResult, ResultRow
from vidrec_core.evaluate.scorers import (
    BASELINES,
    Fit,
    available_baselines,
    baseline_scorer,
    fusion_for,
    fusion_weights_for,
    learned_for_fit,
    strategy_context,
    strategy_scorer,
)
from vidrec_core.evaluate.split import (
    check_new_items,
    check_no_leak,
    cold_start_split,
    held_out_new,
    leave_last_out,
    new_items_split,
    taste_split,
)
from vidrec_core.evaluate.taste import (
    TASTE_METRICS,
    baseline_lists,
    nan_bootstrap,
    per_user_taste,
    search_text,
    strategy_lists,
)
from vidrec_core.profile.genres import GenreSpace
from vidrec_core.profile.registry import STRATEGIES, default_strategy
from vidrec_core.recommender import embed_catalog

SHIPPED_RESULT = SHIPPED_EVALUATION

EvalProgress = Callable[[str, float], None]  # (what is running, fraction of the whole run done)


def resolve_methods(methods: Sequence[str] | None, lexical: LexicalIndex | None = None) -> list[str]:
    """Baselines and registered strategies by name; None means all of them (strategies read from the registry,
    BM25 baselines for the people fields the catalog fills)."""
    known = [*(available_baselines(lexical) if lexical is not None else BASELINES), *STRATEGIES]
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
    """Results depend on the evaluation's code, the strategies', the list steps' and the models', and on how a log is
    matched and the catalog's words are read, so editing any of them invalidates cached results."""
    h = hashlib.blake2b(digest_size=16)
    package = Path(__file__).parents[1]
    rooms = ("learn", "profile", "rank", "evaluate")
    sources = [source for room in rooms for source in sorted((package / room).glob("*.py"))]
    sources += [package / "data" / name for name in ("interactions.py", "titles.py", "lexical.py")]
    for source in sources:
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
    methods = resolve_methods(settings.methods, LexicalIndex(catalog))
    return load_result(cached_result_path(cache_key(interactions, catalog, settings, methods)))


def _shown_path(path: Path) -> str:
    """Repository and data-folder files are named relative to those, so a shipped result does not carry this
    machine's paths (the derived sample log lives in the data folder's cache, wherever `VIDREC_DATA_DIR` puts it)."""
    resolved = path.resolve()
    for root, shown in ((REPO_ROOT, ""), (data_dir().resolve(), "<data dir>/")):
        with contextlib.suppress(ValueError):
            return f"{shown}{resolved.relative_to(root)}"
    return str(path)


def item_vectors(catalog: Catalog, model: str) -> np.ndarray:
    vectors, _ = embed_catalog(catalog, get_encoder(model))
    return np.ascontiguousarray(vectors, dtype=np.float32)


class Plan:
    """Counts the evaluation's steps, weighted by their rough cost, so progress can say how far it got; and asks
    `should_stop` between steps."""

    def __init__(self, total: float, progress: EvalProgress, should_stop: Callable[[], bool]):
        self.total, self.done = max(total, 1.0), 0.0
        self.progress, self.should_stop = progress, should_stop

    def step(self, message: str, weight: float = 1.0) -> None:
        if self.should_stop():
            raise Cancelled(
                f"Evaluation cancelled at {self.done / self.total:.0%}; nothing was saved as a result, but trained "
                "adapters are cached and the next run reuses them."
            )
        self.progress(message, self.done / self.total)
        self.done += weight

    def say(self, message: str) -> None:
        self.progress(message, self.done / self.total)


STEP_WEIGHTS = {"fit": 3.0, "fusion": 10.0, "learned": 25.0, "multi-interest": 3.0, "fusion-rows": 2.0}


def evaluate(
    interactions: str | Path | None = None,
    catalog_path: str | Path | None = None,
    settings: EvalSettings | None = None,
    use_cache: bool = True,
    progress: EvalProgress | None = None,
    vectors: dict[str, np.ndarray] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> EvalResult:
    """Run (or fetch from the disk cache) the whole comparison. `progress(message, fraction)` hears each step;
    `should_stop()` is asked between steps and cancels with `Cancelled`. `vectors` injects embeddings (tests)."""
    settings = settings or EvalSettings()
    settings.validate()
    report = progress or (lambda _message, _fraction: None)
    interactions = Path(interactions) if interactions else sample_interactions_path()
    if not interactions.is_file():
        raise EvaluationError(f"Interaction log not found: {interactions} (give a CSV, TSV, Parquet or JSONL file).")
    catalog = open_catalog(catalog_path)
    lexical = LexicalIndex(catalog)
    methods = resolve_methods(settings.methods, lexical)
    key = cache_key(interactions, catalog, settings, methods) if vectors is None else None
    if use_cache and key:
        cached = load_result(cached_result_path(key))
        if cached is not None:
            report("using the cached result", 1.0)
            return cached

    started = time.perf_counter()
    log = load_interactions(interactions, catalog)
    n_items = len(catalog)
    positives = positives_by_user(log, settings.positive_threshold)
    split = leave_last_out(log, settings)
    check_no_leak(split, n_items)
    new = held_out_new(positives, n_items, settings.cold_fraction, settings.seed)
    cold_split = cold_start_split(split, new)
    check_no_leak(cold_split, n_items, new)
    new_split = new_items_split(
        positives, new, cold_split.train, settings.min_history, settings.max_users, settings.seed
    )
    check_new_items(new_split, new, n_items)
    taste = taste_split(
        split,
        catalog.genre_presence,
        settings.taste_history,
        settings.taste_users,
        settings.taste_search_share,
        settings.seed,
    )
    views = {"all": split, "cold-start": cold_split, "new-items": new_split, "on-taste": taste}
    if not catalog.genre_names:  # taste is read from genres
        views["on-taste"] = replace(taste, users=[])
    fit_of_view = {"all": "all", "cold-start": "held-out", "new-items": "held-out", "on-taste": "all"}

    baselines = [m for m in methods if m in BASELINES]
    strategies = [m for m in methods if m in STRATEGIES]
    models = list(settings.models)
    fit_names = [n for n in ("all", "held-out") if any(fit_of_view[v] == n and views[v].users for v in views)]
    plan = Plan(
        _plan_weight(views, baselines, strategies, models, len(fit_names)),
        report,
        should_stop or (lambda: False),
    )
    # Loaded even when only baselines run: diversity is measured in the first model's space for every row.
    spaces: dict[str, np.ndarray] = {}
    for model in models:
        plan.say(f"loading the {model} embeddings")
        spaces[model] = vectors[model] if vectors and model in vectors else item_vectors(catalog, model)
        if spaces[model].shape[0] != n_items:
            raise EvaluationError(f"The {model} embeddings have {spaces[model].shape[0]} rows, not {n_items}.")
    diversity_space = spaces[models[0]]
    names = tuple(catalog.genre_names)
    searches = sorted({g for g in taste.search_genre if g is not None}) if views["on-taste"].users else []
    genres: dict[str, GenreSpace | None] = {}
    search_vectors: dict[str, dict[int, np.ndarray]] = {}
    for model in models:
        if not names:
            genres[model] = None
            continue
        name_vectors = None
        if searches and strategies:  # the typed search lines and the genre names are read by the encoder
            plan.say(f"loading the {model} language model for the on-taste view's search lines")
            encoder = get_encoder(model)
            search_vectors[model] = dict(
                zip(searches, encoder.encode([search_text(names[g]) for g in searches]), strict=True)
            )
            name_vectors = encoder.encode(list(names))
        genres[model] = GenreSpace.of(names, catalog.genre_presence, spaces[model], name_vectors)
    floors = {model: closeness_floor(spaces[model]) for model in models}

    fits: dict[str, Fit] = {}
    training = {"all": (split.train, None), "held-out": (cold_split.train, new)}
    for name in fit_names:
        plan.step(f"{name} training data: popularity, item-kNN, EASE (λ on a validation split)", STEP_WEIGHTS["fit"])
        train, held_out = training[name]
        fits[name] = Fit.of(train, n_items, held_out)
    fusion_info: dict[str, dict] = {}
    if "held-out" in fits and any(STRATEGIES[m].reads_fusion for m in strategies):
        for model in models:
            plan.step(
                f"fusion weights ({model}): fitted on videos set aside from training data", STEP_WEIGHTS["fusion"]
            )
            weights, fusion_info[model] = fusion_weights_for(fits["held-out"], lexical, spaces[model], new)
            for fit in fits.values():
                fit.fusion[model] = fusion_for(fit, lexical, spaces[model], weights)
    if any(STRATEGIES[m].needs_model for m in strategies):
        for name, fit in fits.items():
            for model in models:
                plan.step(f"{name}: training the learned adapter ({model})", STEP_WEIGHTS["learned"])
                fit.learned[model] = learned_for_fit(
                    fit,
                    spaces[model],
                    model,
                    catalog,
                    lambda m, n=name: plan.say(f"{n}: learned: {m}"),
                    fit.held_out,
                    plan.should_stop,
                )

    rows: list[ResultRow] = []
    info_views: dict[str, dict] = {}
    for view, data in views.items():
        if not data.users:
            info_views[view] = {"users": 0}
            continue
        fit = fits[fit_of_view[view]]
        k = settings.new_items_k if view == "new-items" else settings.k
        novelty_of = novelty_bits(fit.popularity.counts_)
        samples = np.random.default_rng([settings.seed, 5]).integers(
            0, len(data.users), (settings.bootstrap, len(data.users))
        )
        contexts = {
            model: strategy_context(catalog, spaces[model], fit, model, genres[model], floors[model])
            for model in models
        }
        if view == "on-taste":
            taste_rows = _taste_rows(
                data, baselines, strategies, models, fit, lexical, contexts, search_vectors, catalog, k, samples,
                settings, plan,
            )  # fmt: skip
            rows += taste_rows
            searched = sum(g is not None for g in data.search_genre)
            info_views[view] = {
                "users": len(data.users),
                "k": k,
                "history": settings.taste_history,
                "users_with_a_search": searched,
                "compared_with": next((r.baseline for r in taste_rows if r.baseline), None),
            }
            continue
        per_user: dict[tuple[str, str], PerUser] = {}
        timings: dict[tuple[str, str], float] = {}
        new_video_scores: dict[tuple[str, str], np.ndarray] = {}  # the audience view reads the new-items scores
        for method in [*baselines, *strategies]:
            for encoder in ["-"] if method in BASELINES else models:
                label = f"{view}: {method}" + ("" if encoder == "-" else f" ({encoder})")
                plan.step(label, _row_weight(method))
                t0 = time.perf_counter()
                if method in BASELINES:
                    scorer = baseline_scorer(method, data, fit, lexical, settings.seed)
                else:
                    candidates = new_split.candidates if view == "new-items" else None
                    scorer = strategy_scorer(method, data, catalog, contexts[encoder], k, candidates)
                if view == "new-items":
                    kept: list[np.ndarray] = []
                    per = rank_candidates(scorer, data, k, diversity_space, settings.seed, kept)
                    new_video_scores[(method, encoder)] = np.vstack(kept)
                else:
                    per = rank_users(scorer, data, n_items, k, diversity_space, novelty_of, settings.seed)
                per_user[(method, encoder)] = per
                timings[(method, encoder)] = time.perf_counter() - t0
        view_rows, best = _rows(view, data, per_user, timings, n_items, samples)
        rows += view_rows
        info_views[view] = {
            "users": len(data.users),
            "k": k,
            "training_interactions": int(sum(len(t) for t in data.train)),
            "best_baseline": best,
        }
        if view == "new-items":
            info_views[view] |= {
                "candidates": len(new_split.candidates),
                "liked_new_videos": int(sum(len(t) for t in new_split.targets)),
            }
            plan.say("audience: every user ranked for each new video")
            kinds = {m: "baseline" if m in BASELINES else "strategy" for m, _ in new_video_scores}
            audience, info_views["audience"] = audience_rows(
                new_video_scores, kinds, data, settings.seed, settings.bootstrap
            )
            rows += audience
    plan.say("done")
    info = {
        "interactions": _shown_path(interactions),
        "catalog": _shown_path(Path(catalog.source)),
        "catalog_items": n_items,
        "match_report": log.report.lines(),
        "skipped_users": split.skipped_users,
        "cold_items": int(new.sum()),
        "views": info_views,
        "ease": {
            name: {
                "lambda": fit.regularisation.regularisation,
                "validation_ndcg@10": fit.regularisation.ndcg,
                "validation_users": fit.regularisation.users,
            }
            for name, fit in fits.items()
        },
        "fusion": fusion_info,
        "seconds": round(time.perf_counter() - started, 1),
        "created": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "strategies_registered": list(STRATEGIES),
    }
    result = EvalResult(rows=rows, settings=asdict(replace(settings, methods=tuple(methods))), info=info)
    if key:
        with contextlib.suppress(OSError):  # a read-only data folder only costs the cache
            save_result(result, cached_result_path(key))
    return result


def _row_weight(method: str) -> float:
    if method == "multi-interest":
        return STEP_WEIGHTS["multi-interest"]
    return STEP_WEIGHTS["fusion-rows"] if method in STRATEGIES and STRATEGIES[method].reads_fusion else 1.0


def _plan_weight(views: dict, baselines: list[str], strategies: list[str], models: list[str], fits: int) -> float:
    rows = sum(
        len(baselines) + sum(_row_weight(m) for m in strategies) * len(models) for data in views.values() if data.users
    )
    fixed = fits * STEP_WEIGHTS["fit"]
    if any(STRATEGIES[m].reads_fusion for m in strategies):
        fixed += STEP_WEIGHTS["fusion"] * len(models)
    if any(STRATEGIES[m].needs_model for m in strategies):
        fixed += fits * STEP_WEIGHTS["learned"] * len(models)
    return rows + fixed


def _rows(
    view: str,
    data,
    per_user: dict[tuple[str, str], PerUser],
    timings: dict[tuple[str, str], float],
    n_items: int,
    samples: np.ndarray,
) -> tuple[list[ResultRow], str | None]:
    """One row per method, compared user by user with the view's best baseline (NDCG); and that baseline."""
    baselines = [key for key in per_user if key[0] in BASELINES]
    best = max(baselines, key=lambda key: per_user[key].ndcg.mean()) if baselines else None
    rows = []
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
    return rows, best[0] if best is not None else None


def _taste_rows(
    data,
    baselines: list[str],
    strategies: list[str],
    models: list[str],
    fit: Fit,
    lexical: LexicalIndex,
    contexts: dict,
    search_vectors: dict[str, dict[int, np.ndarray]],
    catalog: Catalog,
    k: int,
    samples: np.ndarray,
    settings: EvalSettings,
    plan: Plan,
) -> list[ResultRow]:
    """The on-taste view (`evaluate.taste`): one row per method, each metric compared user by user with the default
    strategy as the studio runs it (its encoder when evaluated, else the first)."""
    per_user, timings = {}, {}
    for method in [m for m in baselines if m in TASTE_BASELINES] + strategies:
        for encoder in ["-"] if method in BASELINES else models:
            plan.step(f"on-taste: {method}" + ("" if encoder == "-" else f" ({encoder})"), _row_weight(method))
            t0 = time.perf_counter()
            if method in BASELINES:
                lists = baseline_lists(baseline_scorer(method, data, fit, lexical, settings.seed), data, fit.n_items, k)
            else:
                vectors = search_vectors.get(encoder, {})
                lists = strategy_lists(method, data, catalog, contexts[encoder], k, vectors, catalog.genre_names)
            per_user[(method, encoder)] = per_user_taste(lists, data, catalog.genre_presence, k).values
            timings[(method, encoder)] = time.perf_counter() - t0
    default = default_strategy(has_viewing=True, has_model=any(STRATEGIES[m].needs_model for m in strategies))
    encoder = DEFAULT_ENCODER if DEFAULT_ENCODER in models else models[0]
    reference = (default.name, encoder) if (default.name, encoder) in per_user else None
    rows = []
    for (method, encoder), values in per_user.items():
        metrics = {
            name: estimate
            for name in (*TASTE_METRICS, "hr", "ndcg")
            if (estimate := nan_bootstrap(values[name], samples)) is not None
        }
        diffs = {}
        if reference is not None and (method, encoder) != reference:
            diffs = {
                name: estimate
                for name in (*TASTE_METRICS, "ndcg")
                if (estimate := nan_bootstrap(values[name] - per_user[reference][name], samples)) is not None
            }
        rows.append(
            ResultRow(
                view="on-taste",
                method=method,
                kind="baseline" if method in BASELINES else "strategy",
                encoder=encoder,
                users=len(data.users),
                metrics=metrics,
                baseline=f"{reference[0]} ({reference[1]})" if diffs and reference else None,
                seconds=round(timings[(method, encoder)], 3),
                diffs=diffs,
            )
        )
    return rows


TASTE_BASELINES = ("popular", "item-knn", "ease")  # the collaborative baselines: the accuracy references
