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
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from vidrec_core.catalog import Catalog, load_catalog
from vidrec_core.collab import (
    InteractionLog,
    ItemKNN,
    load_interactions,
    popularity_percentile,
    popularity_scores,
    positives_by_user,
    user_item_matrix,
)
from vidrec_core.core.atomic import write_json_atomic
from vidrec_core.errors import VidrecError
from vidrec_core.history import Event, EventKind
from vidrec_core.movielens import derived_log_path, sample_interactions_path
from vidrec_core.paths import REPO_ROOT, SAMPLE_CATALOG, SAMPLE_DIR, cache_dir

EVAL_VERSION = 1
SHIPPED_RESULT = SAMPLE_DIR / "interactions" / "evaluation_default.json"
BASELINES: dict[str, str] = {
    "random": "a uniformly random order (the floor)",
    "popular": "most-watched first, the same list for everyone",
    "item-knn": "item-to-item collaborative filtering: cosine of co-watching",
    "tfidf": "TF-IDF word overlap between catalog texts, mean of the history rows",
}
METRICS: dict[str, str] = {
    "hr": "HR@k: share of users whose held-out video is in the top k",
    "ndcg": "NDCG@k: like HR@k, but a hit at rank 1 counts 1 and lower ranks less (1/log2(rank+1))",
    "mrr": "MRR: mean of 1/rank of the held-out video over the full ranking",
    "coverage": "coverage: share of the catalog that appears in anyone's top k",
    "diversity": "diversity: mean pairwise cosine distance within each top k (first model's space)",
    "novelty": "novelty: mean -log2 of each recommended video's share of training interactions (higher = less popular)",
}
VIEWS = ("all", "cold-start")
BATCH = 128

ProgressFn = Callable[[str], None]


class EvaluationError(VidrecError):
    """The evaluation cannot run as asked (unknown method, too little data...)."""


class LeakError(AssertionError):
    """Training data contains a held-out target: every number computed from it would be inflated."""


@dataclass(frozen=True)
class EvalSettings:
    """Everything that changes the numbers; all of it goes into the cache key."""

    k: int = 10
    positive_threshold: float = 4.0
    min_positives: int = 5
    seed: int = 0
    cold_fraction: float = 0.1
    bootstrap: int = 1000
    max_users: int | None = None  # a seeded sample of the eligible users, for quick runs
    methods: tuple[str, ...] | None = None  # None: every baseline and every registered strategy
    models: tuple[str, ...] = ("minilm", "multilingual")

    def validate(self) -> None:
        if self.k < 1:
            raise EvaluationError("k must be at least 1.")
        if self.min_positives < 2:
            raise EvaluationError("min-positives must be at least 2: one for the history, one held out.")
        if not 0.0 < self.cold_fraction < 1.0:
            raise EvaluationError("The cold-start fraction must lie between 0 and 1 (0.1 holds out a tenth).")
        if self.max_users is not None and self.max_users < 1:
            raise EvaluationError("max-users must be at least 1.")
        if self.bootstrap < 10:
            raise EvaluationError("Use at least 10 bootstrap resamples (1000 is the default).")
        if not self.models:
            raise EvaluationError("Name at least one model, e.g. --models minilm.")


@dataclass(frozen=True)
class Split:
    """One view's users, their histories (item rows, oldest first) and held-out targets, and the training data."""

    users: list[str]
    histories: list[np.ndarray]
    targets: np.ndarray
    train: list[np.ndarray]  # evaluated users' histories first (same order), then everyone else's positives
    skipped_users: int = 0


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float

    def as_dict(self) -> dict[str, float]:
        return {"value": self.value, "low": self.low, "high": self.high}


@dataclass(frozen=True)
class ResultRow:
    view: str
    method: str
    kind: str  # "baseline" | "strategy"
    encoder: str  # the model for strategies, "-" for baselines
    users: int
    metrics: dict[str, Estimate]
    baseline: str | None = None  # the best baseline of the view this row is compared with
    ndcg_diff: Estimate | None = None  # mean per-user NDCG@k(this) - NDCG@k(baseline)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if k not in ("metrics", "ndcg_diff")}
        out["metrics"] = {name: est.as_dict() for name, est in self.metrics.items()}
        out["ndcg_diff"] = self.ndcg_diff.as_dict() if self.ndcg_diff else None
        return out

    @staticmethod
    def from_dict(data: dict) -> ResultRow:
        return ResultRow(
            view=data["view"],
            method=data["method"],
            kind=data["kind"],
            encoder=data["encoder"],
            users=int(data["users"]),
            metrics={name: Estimate(**est) for name, est in data["metrics"].items()},
            baseline=data.get("baseline"),
            ndcg_diff=Estimate(**data["ndcg_diff"]) if data.get("ndcg_diff") else None,
            seconds=float(data.get("seconds", 0.0)),
        )


@dataclass(frozen=True)
class EvalResult:
    rows: list[ResultRow]
    settings: dict
    info: dict = field(default_factory=dict)  # data description: source, match report, users, cold items, timings

    @property
    def k(self) -> int:
        return int(self.settings.get("k", 10))

    def as_dict(self) -> dict:
        return {
            "version": EVAL_VERSION,
            "settings": self.settings,
            "info": self.info,
            "rows": [r.as_dict() for r in self.rows],
        }

    @staticmethod
    def from_dict(data: dict) -> EvalResult:
        return EvalResult(
            rows=[ResultRow.from_dict(r) for r in data["rows"]], settings=data["settings"], info=data.get("info", {})
        )

    def view(self, name: str) -> list[ResultRow]:
        return [r for r in self.rows if r.view == name]


# --- the split -----------------------------------------------------------------------------------------------------


def leave_last_out(log: InteractionLog, settings: EvalSettings) -> Split:
    """Hold out each eligible user's last positive; everything else that is positive is training data."""
    positives = positives_by_user(log, settings.positive_threshold)
    eligible = [u for u, items in positives.items() if len(items) >= settings.min_positives]
    if settings.max_users is not None and len(eligible) > settings.max_users:
        rng = np.random.default_rng([settings.seed, 2])
        eligible = sorted(rng.choice(eligible, size=settings.max_users, replace=False).tolist())
    if not eligible:
        raise EvaluationError(
            f"No user has {settings.min_positives} or more positives (rating >= {settings.positive_threshold}). "
            "Lower --min-positives or --positive-threshold, or use a larger interaction log."
        )
    chosen = set(eligible)
    histories = [positives[u][:-1] for u in eligible]
    targets = np.array([positives[u][-1] for u in eligible], dtype=np.int64)
    others = [items for u, items in positives.items() if u not in chosen]
    skipped = sum(1 for items in positives.values() if len(items) < settings.min_positives)
    return Split(eligible, histories, targets, train=histories + others, skipped_users=skipped)


def cold_items(n_items: int, fraction: float, seed: int) -> np.ndarray:
    """Bool mask of the seeded random `fraction` of the catalog treated as brand new."""
    rng = np.random.default_rng([seed, 1])
    mask = np.zeros(n_items, dtype=bool)
    mask[rng.choice(n_items, size=max(1, round(fraction * n_items)), replace=False)] = True
    return mask


def cold_start_split(split: Split, cold: np.ndarray) -> Split:
    """Remove the cold items from all training data and histories; keep users whose target is cold.

    Users not scored in this view still train the models, without their targets and without cold items.
    """
    keep: list[int] = []
    histories: list[np.ndarray] = []
    for i, target in enumerate(split.targets):
        history = split.histories[i][~cold[split.histories[i]]]
        if cold[target] and len(history):
            keep.append(i)
            histories.append(history)
    kept = set(keep)
    unscored = [h[~cold[h]] for i, h in enumerate(split.histories) if i not in kept]
    others = [t[~cold[t]] for t in split.train[len(split.users) :]]
    return Split(
        users=[split.users[i] for i in keep],
        histories=histories,
        targets=split.targets[keep],
        train=histories + unscored + others,
    )


def check_no_leak(split: Split, n_items: int, cold: np.ndarray | None = None) -> None:
    """Fail loudly if any evaluated user's target is in the training data the models learn from.

    The first len(users) training rows are the evaluated users' histories; their targets must not be there, nor in
    their histories; in the cold-start view no cold item may appear anywhere in training.
    """
    n = len(split.users)
    train = user_item_matrix(split.train, n_items)
    own = np.asarray(train[np.arange(n), split.targets]).ravel() if n else np.zeros(0)
    if own.any():
        raise LeakError(f"{int(own.sum())} held-out targets appear in their own user's training row.")
    if any(t in set(h.tolist()) for h, t in zip(split.histories, split.targets, strict=True)):
        raise LeakError("A held-out target appears in its user's history.")
    for i, history in enumerate(split.histories):
        if not np.array_equal(np.unique(history), np.unique(split.train[i])):
            raise LeakError(f"Training row {i} is not exactly user {split.users[i]}'s history.")
    if cold is not None:
        seen = np.asarray(train.sum(axis=0)).ravel() > 0
        if (seen & cold).any():
            raise LeakError(f"{int((seen & cold).sum())} cold-start items appear in training interactions.")


# --- scorers -------------------------------------------------------------------------------------------------------


@dataclass
class ViewModels:
    """What one view trains: popularity counts, its percentile, and item-kNN, all from the view's training data."""

    counts: np.ndarray
    percentile: np.ndarray
    knn: ItemKNN

    @staticmethod
    def fit(split: Split, n_items: int) -> ViewModels:
        counts = popularity_scores(split.train, n_items)
        return ViewModels(counts, popularity_percentile(counts), ItemKNN().fit(split.train, n_items))


BatchScorer = Callable[[Sequence[int]], np.ndarray]


def _history_matrix(split: Split, rows: Sequence[int], n_items: int) -> sp.csr_matrix:
    return user_item_matrix([split.histories[r] for r in rows], n_items)


def baseline_scorer(
    name: str, split: Split, models: ViewModels, n_items: int, tfidf: sp.csr_matrix | None, seed: int
) -> BatchScorer:
    if name == "random":

        def random_scores(rows: Sequence[int]) -> np.ndarray:
            # Seeded by the first row so a batch gets the same numbers whatever ran before it.
            return np.random.default_rng([seed, 3, int(rows[0])]).random((len(rows), n_items))

        return random_scores
    if name == "popular":
        return lambda rows: np.broadcast_to(models.counts, (len(rows), n_items)).copy()
    if name == "item-knn":
        return lambda rows: models.knn.batch_scores(_history_matrix(split, rows, n_items))
    if name == "tfidf":
        assert tfidf is not None

        def tfidf_scores(rows: Sequence[int]) -> np.ndarray:
            history = _history_matrix(split, rows, n_items)
            sizes = np.asarray(history.sum(axis=1)).ravel()
            sizes[sizes == 0] = 1.0
            profile = sp.diags(1.0 / sizes) @ history @ tfidf  # mean of the history's TF-IDF rows
            return np.asarray((profile @ tfidf.T).todense())

        return tfidf_scores
    raise EvaluationError(f"Unknown baseline '{name}'.")


def tfidf_matrix(catalog: Catalog) -> sp.csr_matrix:
    """L2-normalised TF-IDF rows of the catalog texts (the same texts the language models read)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2, dtype=np.float32)
    return vectorizer.fit_transform(catalog.texts).tocsr()


def strategy_scorer(
    name: str, split: Split, catalog: Catalog, items: np.ndarray, models: ViewModels, learned: object | None = None
) -> BatchScorer:
    """Call a registered profile strategy per user, exactly as the app would with a watched-titles history."""
    from vidrec_core.profile import STRATEGIES, EmbeddedHistory, StrategyContext
    from vidrec_core.recommender import nearest_known

    fn = STRATEGIES[name]
    context = StrategyContext(
        items=items,
        popularity=models.percentile,
        collaborative=models.knn,
        index_of=catalog.index_of,
        known_neighbours=nearest_known(items, models.knn.known),
        learned=learned,
    )
    ids, titles = catalog.ids, catalog.titles

    def scores(rows: Sequence[int]) -> np.ndarray:
        out = np.empty((len(rows), len(items)), dtype=np.float32)
        for n, row in enumerate(rows):
            history = split.histories[row]
            events = [
                Event(kind=EventKind.WATCHED, text=titles[i], line_no=pos, matched_id=ids[i], matched_title=titles[i])
                for pos, i in enumerate(history, start=1)
            ]
            embedded = EmbeddedHistory(events=events, vectors=items[history])
            out[n] = fn(embedded, context).scores
        return out

    return scores


LEARNED_STRATEGIES = ("learned",)  # strategies that need a model trained on the view's training data


def learned_for_view(
    split: Split, items: np.ndarray, encoder: str, catalog: Catalog, progress: ProgressFn, cold: np.ndarray | None
):
    """The learned strategy's adapter trained on this view's training histories only (cached on disk by their digest).

    `split.train` never holds an evaluated user's target (`check_no_leak`), and in the cold-start view no cold item;
    the check below repeats that for the trained model: a cold item must have no learnt residual.
    """
    from vidrec_core.learned import SHIPPED_CONFIG, trained_for_split

    model = trained_for_split(
        split.train, items, SHIPPED_CONFIG, cache_dir() / "learned", catalog.digest, encoder, progress=progress
    )
    if cold is not None and (model.known & cold).any():
        raise LeakError("The learned model has per-video weights for cold-start items.")
    return model


# --- metrics -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PerUser:
    """Per-user metric values plus each user's top-k list (for coverage)."""

    hr: np.ndarray
    ndcg: np.ndarray
    rr: np.ndarray
    diversity: np.ndarray
    novelty: np.ndarray
    top: np.ndarray  # (users, k) item rows


def rank_users(
    scorer: BatchScorer,
    split: Split,
    n_items: int,
    k: int,
    space: np.ndarray,
    novelty_of: np.ndarray,
    seed: int,
) -> PerUser:
    """Rank the catalog minus each history; ties broken by a seeded random key shared by every method."""
    n = len(split.users)
    ranks = np.empty(n, dtype=np.int64)
    top = np.empty((n, k), dtype=np.int64)
    for start in range(0, n, BATCH):
        rows = list(range(start, min(n, start + BATCH)))
        scores = np.asarray(scorer(rows), dtype=np.float64)
        scores = np.where(np.isnan(scores), -np.inf, scores)
        history = _history_matrix(split, rows, n_items)
        scores[history.nonzero()] = -np.inf
        tie_break = np.random.default_rng([seed, 4, start]).random(scores.shape)
        order = np.lexsort((tie_break, -scores), axis=-1)
        targets = split.targets[rows]
        ranks[rows] = np.argmax(order == targets[:, None], axis=1) + 1
        top[rows] = order[:, :k]
    return per_user_metrics(ranks, top, k, space, novelty_of)


def per_user_metrics(ranks: np.ndarray, top: np.ndarray, k: int, space: np.ndarray, novelty_of: np.ndarray) -> PerUser:
    hit = ranks <= k
    ndcg = np.where(hit, 1.0 / np.log2(ranks + 1.0), 0.0)
    vectors = space[top]  # (users, k, d)
    gram = np.einsum("ukd,ujd->ukj", vectors, vectors)
    pairs = k * (k - 1)
    diversity = (1.0 - gram).sum(axis=(1, 2)) / pairs if pairs else np.zeros(len(top))
    return PerUser(
        hr=hit.astype(np.float64),
        ndcg=ndcg,
        rr=1.0 / ranks,
        diversity=diversity.astype(np.float64),
        novelty=novelty_of[top].mean(axis=1),
        top=top,
    )


def novelty_bits(counts: np.ndarray) -> np.ndarray:
    """-log2 of each item's share of training interactions, add-one smoothed so unseen items stay finite."""
    return -np.log2((counts + 1.0) / (counts.sum() + len(counts)))


def bootstrap_means(values: np.ndarray, samples: np.ndarray) -> Estimate:
    means = values[samples].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return Estimate(float(values.mean()), float(low), float(high))


def coverage_estimate(top: np.ndarray, n_items: int, samples: np.ndarray) -> Estimate:
    """Share of the catalog in anyone's top k, with a re-centred bootstrap interval.

    A resample repeats some users and misses others (about 37%), so it always reaches fewer items than the full set:
    the raw percentile interval would sit below the estimate. The spread of the resamples is kept and moved to be
    centred on the estimate (a bias-corrected percentile interval).
    """
    users = top.shape[0]
    incidence = sp.csr_matrix(
        (np.ones(top.size, dtype=np.float32), (np.repeat(np.arange(users), top.shape[1]), top.ravel())),
        shape=(users, n_items),
    )
    weights = np.zeros((samples.shape[0], users), dtype=np.float32)
    np.add.at(weights, (np.repeat(np.arange(samples.shape[0]), samples.shape[1]), samples.ravel()), 1.0)
    reached = np.asarray((incidence.T @ weights.T) > 0).sum(axis=0) / n_items
    value = len(np.unique(top)) / n_items
    low, high = np.percentile(reached, [2.5, 97.5]) + (value - reached.mean())
    return Estimate(float(value), float(max(low, 0.0)), float(min(high, 1.0)))


def summarise(per: PerUser, n_items: int, samples: np.ndarray) -> dict[str, Estimate]:
    return {
        "hr": bootstrap_means(per.hr, samples),
        "ndcg": bootstrap_means(per.ndcg, samples),
        "mrr": bootstrap_means(per.rr, samples),
        "coverage": coverage_estimate(per.top, n_items, samples),
        "diversity": bootstrap_means(per.diversity, samples),
        "novelty": bootstrap_means(per.novelty, samples),
    }


# --- the run -------------------------------------------------------------------------------------------------------


def resolve_methods(methods: Sequence[str] | None) -> list[str]:
    """Baselines and registered strategies by name; None means all of them (strategies read from the registry)."""
    from vidrec_core.profile import STRATEGIES

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
    """Results depend on this code and the strategies', so editing either invalidates cached results."""
    from vidrec_core import collab, learned, profile

    h = hashlib.blake2b(digest_size=16)
    for module in (collab, profile, learned):
        h.update(Path(module.__file__).read_bytes())
    h.update(Path(__file__).read_bytes())
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
    catalog = load_catalog(catalog_path or SAMPLE_CATALOG, name=None if catalog_path else "sample")
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
    from vidrec_core.embed import get_encoder
    from vidrec_core.recommender import embed_catalog

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
    catalog = load_catalog(catalog_path or SAMPLE_CATALOG, name=None if catalog_path else "sample")
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

    from vidrec_core.profile import STRATEGIES

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
    learned_models: dict[tuple[str, str], object] = {}
    for view, data in views.items():
        if not data.users:
            info_views[view] = {"users": 0}
            continue
        models = ViewModels.fit(data, n_items)
        novelty_of = novelty_bits(models.counts)
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


# --- reading the result --------------------------------------------------------------------------------------------


def _fmt(est: Estimate, digits: int = 3) -> str:
    return f"{est.value:.{digits}f} [{est.low:.{digits}f}, {est.high:.{digits}f}]"


def row_label(row: ResultRow) -> str:
    return row.method if row.encoder == "-" else f"{row.method} ({row.encoder})"


def table_records(result: EvalResult, view: str) -> list[dict[str, object]]:
    """One flat record per row, intervals written out, for a dataframe or a markdown table."""
    k = result.k
    records = []
    for row in sorted(result.view(view), key=lambda r: -r.metrics["ndcg"].value):
        m = row.metrics
        records.append(
            {
                "method": row.method,
                "encoder": row.encoder,
                "users": row.users,
                f"HR@{k}": _fmt(m["hr"]),
                f"NDCG@{k}": _fmt(m["ndcg"]),
                "MRR": _fmt(m["mrr"]),
                "coverage": _fmt(m["coverage"]),
                "diversity": _fmt(m["diversity"]),
                "novelty": _fmt(m["novelty"], 2),
                f"ΔNDCG@{k} vs best baseline": (
                    f"{_fmt(row.ndcg_diff)} vs {row.baseline}" if row.ndcg_diff else "(best baseline)"
                ),
            }
        )
    return records


def markdown_table(result: EvalResult, view: str) -> str:
    records = table_records(result, view)
    if not records:
        return "(no users in this view)"
    header = list(records[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(r[h]) for h in header) + " |" for r in records]
    return "\n".join(lines)


def _verdict(diff: Estimate) -> str:
    if diff.low > 0:
        return "better than"
    if diff.high < 0:
        return "worse than"
    return "not distinguishable from"


def reading(result: EvalResult) -> list[str]:
    """A plain-language reading computed from the numbers: who wins, by how much, and whether it is more than noise."""
    k = result.k
    lines: list[str] = []
    for view in VIEWS:
        rows = result.view(view)
        if not rows:
            continue
        users = rows[0].users
        best_row = max(rows, key=lambda r: r.metrics["ndcg"].value)
        scope = "all users" if view == "all" else "cold-start users (the held-out video is new to the models)"
        hr = best_row.metrics["hr"].value
        lines.append(
            f"{scope.capitalize()} ({users:,}): {row_label(best_row)} ranks highest, NDCG@{k} "
            f"{best_row.metrics['ndcg'].value:.3f}; it puts the held-out video in the top {k} for {hr:.1%} of users."
        )
        baseline = next((r.baseline for r in rows if r.baseline), None)
        strategies = [r for r in rows if r.kind == "strategy" and r.ndcg_diff is not None]
        if baseline and strategies:
            best_strategy = max(strategies, key=lambda r: r.metrics["ndcg"].value)
            diff = best_strategy.ndcg_diff
            assert diff is not None
            lines.append(
                f"The best vidrec strategy, {row_label(best_strategy)}, is {_verdict(diff)} the best baseline "
                f"({baseline}): NDCG@{k} differs by {diff.value:+.3f} "
                f"(95% interval {diff.low:+.3f} to {diff.high:+.3f})."
            )
            losing = [r for r in strategies if r.ndcg_diff and r.ndcg_diff.high < 0]
            if losing:
                lines.append(f"{len(losing)} of {len(strategies)} strategy rows score clearly below {baseline} here.")
        elif baseline is None and strategies:
            lines.append("No baseline was run, so the strategies are not compared with one.")
        by_cov = max(rows, key=lambda r: r.metrics["coverage"].value)
        lines.append(
            f"Widest catalog coverage: {row_label(by_cov)} ({by_cov.metrics['coverage'].value:.1%} of the catalog "
            f"appears in someone's top {k})."
        )
    return lines


def format_report(result: EvalResult) -> str:
    """The command line's text output."""
    parts = []
    info = result.info
    if info:
        parts += [*info.get("match_report", []), f"cold-start items: {info.get('cold_items', 0):,}"]
    for view in VIEWS:
        if result.view(view):
            parts += ["", f"## {view}", markdown_table(result, view)]
    parts += ["", *reading(result)]
    if info.get("seconds") is not None:
        parts.append(f"(computed in {info['seconds']} s on {info.get('created', '?')})")
    return "\n".join(parts)
