"""Content fusion: the language model's reading of a video beside exact evidence, weighed by what viewers did.

Any video with text gets the same features: how close in meaning it is to the history's videos (kept apart, not
averaged), word overlap with them, shared people per field (director, cast, creator), shared tags and genres, the
gap to the years the person watches, the share of the history in its language, and, where the catalog has a viewing
log, a likability prior read from its text. Each feature is standardised over the catalog for one person and held
within three spreads, so a weight means "one spread of this feature is worth w", whatever the catalog, and a name
shared with one video among thousands cannot drown the rest. The weights come from a listwise (softmax) ranking
model fitted on warm videos only: some watched videos are set aside as if they were new, and the model learns which
features rank the ones each person liked first among all set-aside videos (no weight below zero: evidence only
adds); its regularisation is chosen by validation across the set-aside splits. No feature needs a video to have been
watched, so the same weights rank new videos and catalogs with no viewing log at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from vidrec_core.core.atomic import write_json_atomic
from vidrec_core.core.metrics import ndcg_at
from vidrec_core.core.notice import Notice, joined
from vidrec_core.core.vectors import soft_max_similarity
from vidrec_core.data.lexical import PEOPLE_FIELDS, LexicalIndex

FEATURES: tuple[str, ...] = (
    "meaning_kernel",
    "meaning_top3",
    "meaning_mean",
    "words_max",
    "words_mean",
    "people",
    "people_max",
    *(f"{f}_bm25" for f in PEOPLE_FIELDS),
    "tags",
    "genres",
    "genre_share",
    "year_gap",
    "year_z",
    "language",
    "text_prior",
)
FEATURE_LABELS = {
    "meaning_kernel": "close in meaning to the history's videos (a soft maximum over them)",
    "meaning_top3": "mean similarity to the three closest history videos",
    "meaning_mean": "similarity to the history's average (the article's profile)",
    "words_max": "TF-IDF word overlap with the closest history video or typed line",
    "words_mean": "TF-IDF word overlap with the history's videos on average",
    "people": "BM25 of shared people, every people/creator field together",
    "people_max": "shared people with the single closest history video",
    "director_bm25": "BM25 of shared directors",
    "cast_bm25": "BM25 of shared cast",
    "creator_bm25": "BM25 of shared creators, channels, uploaders or authors",
    "tags": "shared tags / keywords",
    "genres": "genre overlap",
    "genre_share": "share of the video's genres that the history watches",
    "year_gap": "closeness to the years the history watches",
    "year_z": "closeness to the history's years, relative to their spread",
    "language": "share of the history in the video's language",
    "text_prior": "how many viewers such a text attracts (fitted on the catalog's viewing log)",
}
# Feature groups an explanation can name, and the features that make up each.
EVIDENCE_GROUPS: dict[str, tuple[str, ...]] = {
    "people": ("people", "people_max", *(f"{f}_bm25" for f in PEOPLE_FIELDS)),
    "meaning": ("meaning_kernel", "meaning_top3", "meaning_mean"),
    "words": ("words_max", "words_mean", "tags"),
    "genres": ("genres", "genre_share"),
    "years": ("year_gap", "year_z"),
}
# The ranking model's L2 strength (in histories' worth of evidence), chosen per fit by validation among these. Strong
# priors keep the weights smooth across catalogs; on both logs measured, the choice lands at 300 or 1,000.
FUSION_REGULARISATION: tuple[float, ...] = (30.0, 100.0, 300.0, 1000.0)
Z_CLIP = 3.0  # a feature counts at most this many spreads from a person's mean (see `standardised`)
CHUNK = 65_536  # candidates per dense block: a history of 2,000 events over a million videos stays bounded
REFERENCE_VIDEOS = 20_000  # pseudo-new features are standardised over the catalog, or this many videos of it


@dataclass(frozen=True)
class HistoryInput:
    """One history as fusion reads it: `rows` are the catalog rows of its (positive) videos; `vectors`/`weights`
    cover every positive event, videos and typed lines; `texts` are the typed lines, read for words and names."""

    rows: np.ndarray
    vectors: np.ndarray
    weights: np.ndarray
    texts: tuple[str, ...] = ()

    @staticmethod
    def of_rows(rows: Sequence[int], items: np.ndarray) -> HistoryInput:
        rows = np.asarray(rows, dtype=np.int64)
        return HistoryInput(rows, items[rows], np.ones(len(rows), dtype=np.float32))


def zscore_rows(matrix: np.ndarray) -> np.ndarray:
    """Standardise each row (one person's candidates); a constant row becomes zeros."""
    mean = matrix.mean(axis=1, keepdims=True)
    spread = matrix.std(axis=1, keepdims=True)
    spread[spread < 1e-9] = 1.0
    return (matrix - mean) / spread


def standardised(features: dict[str, np.ndarray], names: Sequence[str]) -> np.ndarray:
    """(histories, candidates, len(names)) of per-history z-scores, held within ±`Z_CLIP`. Sparse evidence has a
    long tail: a director shared with 3 of 5,000 videos stands 40 spreads out, so unclipped it outweighs every
    other feature together (a horror fan got Furious 7 for its director, James Wan)."""
    z = np.stack([zscore_rows(np.nan_to_num(features[n].astype(np.float64))) for n in names], axis=-1)
    return np.clip(z, -Z_CLIP, Z_CLIP, out=z)


class FusionFeatures:
    """The fusion features of many histories over a candidate set. Read-only; `prior` is the text prior (or None
    for a catalog without a viewing log)."""

    def __init__(self, lexical: LexicalIndex, items: np.ndarray, prior: np.ndarray | None = None):
        self.lexical = lexical
        self.items = items
        self.prior = prior
        frame = lexical.catalog.frame
        self.years = frame["year"].astype("float64").to_numpy()
        self.languages = frame["language"].to_numpy(dtype=object)
        self._full_columns: dict[str, sp.csc_matrix] = {}
        self._presence: sp.csr_matrix | None = None

    @property
    def year_spread(self) -> float:
        """Standard deviation of the catalog's years (0 with fewer than two dated videos): how much a year gap can
        say here (see `year_trust`)."""
        years = self.years[~np.isnan(self.years)]
        return float(years.std()) if len(years) > 1 else 0.0

    def compute(self, histories: Sequence[HistoryInput], candidates: np.ndarray) -> dict[str, np.ndarray]:
        """Raw features, each (len(histories), len(candidates)) float32."""
        candidates = np.asarray(candidates, dtype=np.int64)
        if len(candidates) > CHUNK:
            parts = [self.compute(histories, candidates[s : s + CHUNK]) for s in range(0, len(candidates), CHUNK)]
            return {name: np.concatenate([p[name] for p in parts], axis=1) for name in FEATURES}
        n, m = len(histories), len(candidates)
        out = {name: np.zeros((n, m), dtype=np.float32) for name in FEATURES}
        for u, history in enumerate(histories):
            self._dense(history, candidates, out, u)
            self._per_history_sparse(history, candidates, out, u)
        self._people(histories, candidates, out)
        tags = self.lexical.keywords
        if not tags.empty:
            query = tags.query_from_rows([h.rows for h in histories])
            query.data[:] = 1.0  # a tag shared with several history videos counts once
            out["tags"] = tags.scores(query, self._subset(candidates))
        if self.prior is not None:
            out["text_prior"] = np.broadcast_to(self.prior[candidates], (n, m)).astype(np.float32)
        return out

    def _genre_presence(self) -> sp.csr_matrix:
        """Which genres each video has (0/1), for `genre_share`."""
        if self._presence is None:
            self._presence = (self.lexical.genres > 0).astype(np.float32).tocsr()
        return self._presence

    def _subset(self, candidates: np.ndarray) -> np.ndarray | None:
        """None for the whole catalog in order (no slicing needed), else the candidates."""
        full = len(candidates) == len(self.items) and (candidates == np.arange(len(candidates))).all()
        return None if full else candidates

    def _columns(self, name: str, matrix: sp.csr_matrix, candidates: np.ndarray) -> sp.csc_matrix:
        """The candidates' rows of a sparse matrix, transposed for products. Scoring the whole catalog (the app and
        the evaluation's all view, one history at a time) reuses one transposed copy instead of slicing per call."""
        if len(candidates) == matrix.shape[0] and (candidates == np.arange(len(candidates))).all():
            cached = self._full_columns.get(name)
            if cached is None:
                cached = self._full_columns[name] = matrix.T.tocsc()
            return cached
        return matrix[candidates].T.tocsc()

    def _dense(self, history: HistoryInput, candidates: np.ndarray, out: dict[str, np.ndarray], u: int) -> None:
        if not len(history.vectors):
            return
        subset = self._subset(candidates)
        cand_items = self.items if subset is None else self.items[subset]
        sims = history.vectors @ cand_items.T
        out["meaning_kernel"][u] = soft_max_similarity(sims, history.weights)
        k = min(3, len(sims))
        top = sims if len(sims) <= k else np.partition(sims, len(sims) - k, axis=0)[-k:]
        out["meaning_top3"][u] = top.mean(axis=0)
        w = np.clip(np.asarray(history.weights, dtype=np.float64), 0.0, None)
        profile = (w / w.sum() if w.sum() > 0 else np.full(len(w), 1.0 / len(w))) @ history.vectors
        norm = float(np.linalg.norm(profile))
        if norm > 1e-9:
            out["meaning_mean"][u] = cand_items @ (profile / norm).astype(np.float32)

    def _per_history_sparse(
        self, history: HistoryInput, candidates: np.ndarray, out: dict[str, np.ndarray], u: int
    ) -> None:
        tfidf = self.lexical.tfidf
        rows = history.rows
        if len(rows):
            words = (tfidf[rows] @ self._columns("tfidf", tfidf, candidates)).toarray()
            out["words_max"][u] = words.max(axis=0)
            out["words_mean"][u] = words.mean(axis=0)
            genres = self.lexical.genres
            genre_columns = self._columns("genres", genres, candidates)
            out["genres"][u] = (genres[rows] @ genre_columns).toarray().mean(axis=0)
            presence = self._genre_presence()
            present = self._columns("genre_presence", presence, candidates)
            watched = np.asarray(presence[rows].mean(axis=0)).ravel()  # share of the history in each genre
            per_video = np.asarray(present.sum(axis=0)).ravel()
            out["genre_share"][u] = (present.T @ watched) / np.maximum(per_video, 1.0)
            people = self.lexical.people.get("people")
            if people is not None:
                shared = people.counts[rows] @ self._columns("people", people.weights, candidates)
                out["people_max"][u] = shared.toarray().max(axis=0)
            years = self.years[rows]
            years = years[~np.isnan(years)]
            if len(years):
                gap = np.abs(self.years[candidates] - np.median(years))
                gap = np.where(np.isnan(gap), np.nanmean(gap) if np.isfinite(gap).any() else 0.0, gap)
                out["year_gap"][u] = -np.log1p(gap)
                out["year_z"][u] = -gap / (years.std() + 3.0)
            langs = self.languages[rows]
            out["language"][u] = (langs[:, None] == self.languages[candidates][None, :]).mean(axis=0)
        if history.texts:
            typed = self.lexical.tfidf_of(list(history.texts))
            if typed.nnz:
                overlap = (typed @ self._columns("tfidf", tfidf, candidates)).toarray().max(axis=0)
                out["words_max"][u] = np.maximum(out["words_max"][u], overlap)

    def _people(self, histories: Sequence[HistoryInput], candidates: np.ndarray, out: dict[str, np.ndarray]) -> None:
        """BM25 of each people field: a query is the names of the history's videos plus the names typed lines
        mention ("anything with Tom Hardy")."""
        named = [self.lexical.names_in_text(" ".join(h.texts)) if h.texts else [] for h in histories]
        rows = [h.rows for h in histories]
        for name, index in self.lexical.people.items():
            query = index.query_from_rows(rows)
            if any(named):
                query = (query + sp.vstack([index.query_from_tokens(keys) for keys in named])).tocsr()
            out["people" if name == "people" else f"{name}_bm25"] = index.scores(query, self._subset(candidates))


@dataclass
class FusionModel:
    """Feature weights in z-score units. `fit` learns them on warm videos; `scores` applies them."""

    weights: dict[str, float] = field(default_factory=dict)
    info: dict = field(default_factory=dict)

    def _names(self, features: dict[str, np.ndarray]) -> list[str]:
        return [n for n, w in self.weights.items() if w != 0 and n in features]

    def contributions(self, features: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Each feature's part of the score (weight x per-history z-score)."""
        names = self._names(features)
        if not names:
            return {}
        z = standardised(features, names)
        return {n: (z[..., i] * self.weights[n]).astype(np.float32) for i, n in enumerate(names)}

    def with_year_trust(self, trust: float) -> FusionModel:
        """These weights with the year features' scaled by `trust` (see `year_trust`)."""
        if trust >= 1.0:
            return self
        years = EVIDENCE_GROUPS["years"]
        weights = {n: round(w * trust, 6) if n in years else w for n, w in self.weights.items()}
        return FusionModel(weights, {**self.info, "year_trust": round(trust, 3)})

    def scores(self, features: dict[str, np.ndarray]) -> np.ndarray:
        parts = self.contributions(features)
        if not parts:
            return np.zeros(next(iter(features.values())).shape, dtype=np.float32)
        return np.sum(list(parts.values()), axis=0).astype(np.float32)

    def fit(
        self,
        train_histories: Sequence[np.ndarray],
        builder: Callable[[np.ndarray], FusionFeatures],
        n_items: int,
        seeds: Sequence[int] = (1, 2, 3),
        fraction: float = 0.1,
        min_history: int = 3,
        regularisation: float | None = None,
        use_prior: bool = True,
    ) -> FusionModel:
        """Fit the weights on pseudo-new videos (see `pseudo_new_examples`); `regularisation` None chooses it."""
        examples = pseudo_new_examples(train_histories, builder, n_items, seeds, fraction, min_history)
        names = [n for n in FEATURES if use_prior or n != "text_prior"]
        strength = examples.choose_regularisation(names) if regularisation is None else regularisation
        self.weights = examples.fit(names, strength)
        self.info = {**examples.info, "regularisation": strength}
        return self


@dataclass(frozen=True)
class Split:
    """One pseudo-new split: per-history z-scored features of the set-aside videos (histories, candidates,
    features, in `FEATURES` order) and which of them each person liked."""

    z: np.ndarray
    liked: np.ndarray


@dataclass(frozen=True)
class Examples:
    """The pseudo-new splits a fit learns from."""

    splits: list[Split]
    info: dict

    def fit(
        self, names: Sequence[str], regularisation: float, splits: Sequence[Split] | None = None
    ) -> dict[str, float]:
        """Weights (z-score units) of the named features: a softmax over each person's candidates, fitted so the
        videos they liked come first (listwise, like the ranking it serves), with an L2 prior of `regularisation`."""
        columns = [FEATURES.index(n) for n in names]
        used = self.splits if splits is None else splits
        z = np.concatenate([part.z[..., columns] for part in used])
        target = np.concatenate([part.liked for part in used]).astype(np.float64)
        target /= target.sum(axis=1, keepdims=True)
        return {n: round(float(w), 6) for n, w in zip(names, softmax_ranking(z, target, regularisation), strict=True)}

    def choose_regularisation(self, names: Sequence[str], choices: Sequence[float] = FUSION_REGULARISATION) -> float:
        """The strength whose weights, fitted without one split, rank that split's liked videos best (NDCG@20),
        summed over the splits left out in turn. With a single split there is nothing to validate on."""
        if len(self.splits) < 2:
            return float(choices[len(choices) // 2])
        columns = [FEATURES.index(n) for n in names]
        quality = []
        for strength in choices:
            total = 0.0
            for left_out, split in enumerate(self.splits):
                rest = [part for n, part in enumerate(self.splits) if n != left_out]
                weights = np.array(list(self.fit(names, strength, rest).values()))
                total += float(ndcg_at(split.z[..., columns] @ weights, split.liked, 20).sum())
            quality.append(total)
        return float(choices[int(np.argmax(quality))])


def softmax_ranking(z: np.ndarray, target: np.ndarray, regularisation: float) -> np.ndarray:
    """Weights w >= 0 minimising, over histories, the cross-entropy between `target` (each row sums to 1) and the
    softmax of z @ w across that history's candidates, plus regularisation/2 * |w|^2.

    Every feature measures evidence for a video (closer, shared, likelier), so no weight may be negative: more
    evidence never counts against a video. Unbounded, the fit on MovieLens gave the history's language -0.15 and
    paired year features of opposite signs, quirks of one log that would misrank elsewhere (a Chinese viewer's
    Chinese videos pushed down); bounded, the sample's new-videos score was the same (0.2996 against 0.2992)."""
    from scipy.optimize import minimize

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        scores = z @ w
        scores -= scores.max(axis=1, keepdims=True)
        log_total = np.log(np.exp(scores).sum(axis=1))
        p = np.exp(scores - log_total[:, None])
        value = float((log_total - (target * scores).sum(axis=1)).sum()) + regularisation / 2 * float(w @ w)
        return value, np.einsum("um,umf->f", p - target, z) + regularisation * w

    bounds = [(0.0, None)] * z.shape[-1]
    return minimize(loss, np.zeros(z.shape[-1]), jac=True, method="L-BFGS-B", bounds=bounds).x


def reference_rows(candidates: np.ndarray, n_items: int, seed: int) -> np.ndarray:
    """The videos a split standardises over: the whole catalog as the app scores it, or, above
    `REFERENCE_VIDEOS`, the candidates and a seeded sample of the rest (the spreads barely move; the cost does)."""
    if n_items <= REFERENCE_VIDEOS:
        return np.arange(n_items)
    others = np.setdiff1d(np.arange(n_items), candidates)
    sample = np.random.default_rng([seed, 9]).choice(others, REFERENCE_VIDEOS - len(candidates), replace=False)
    return np.sort(np.concatenate([candidates, sample]))


def pseudo_new_examples(
    train_histories: Sequence[np.ndarray],
    builder: Callable[[np.ndarray], FusionFeatures],
    n_items: int,
    seeds: Sequence[int] = (1, 2, 3),
    fraction: float = 0.1,
    min_history: int = 3,
) -> Examples:
    """Training splits from warm videos only. For each seed, a `fraction` of the videos seen in `train_histories` is
    set aside as if new; each person's other videos are the history, and the set-aside videos they liked are the
    positives among all set-aside candidates. Features are standardised over the catalog, as when the app scores
    it, and the candidates' columns kept. `builder(set_aside)` returns the features with any log-fitted part (the
    text prior) fitted without the set-aside videos."""
    histories_all = [np.asarray(h, dtype=np.int64) for h in train_histories]
    seen = np.unique(np.concatenate([h for h in histories_all if len(h)] or [np.zeros(0, np.int64)]))
    if len(seen) < 2:
        raise ValueError("The viewing log holds fewer than two videos: no fusion weights can be learned from it.")
    splits: list[Split] = []
    users = positives = 0
    for seed in seeds:
        held = np.zeros(n_items, dtype=bool)
        held[np.random.default_rng([seed, 7]).choice(seen, size=max(1, round(fraction * len(seen))), replace=False)] = (
            True
        )
        candidates = np.flatnonzero(held)
        features = builder(held)
        histories, targets = [], []
        for h in histories_all:
            mask = held[h]
            if (~mask).sum() >= min_history and mask.any():
                histories.append(HistoryInput.of_rows(h[~mask], features.items))
                targets.append(np.unique(h[mask]))
        if not histories:
            continue
        reference = reference_rows(candidates, n_items, seed)
        columns = np.searchsorted(reference, candidates)
        step = max(1, 1_000_000 // len(reference))  # histories per block: about 1M cells per feature at a time
        z = np.concatenate(
            [
                standardised(features.compute(histories[s : s + step], reference), FEATURES)[:, columns]
                for s in range(0, len(histories), step)
            ]
        )
        splits.append(Split(z.astype(np.float32), np.stack([np.isin(candidates, t) for t in targets])))
        users += len(histories)
        positives += int(sum(len(t) for t in targets))
    if not splits or not any(part.liked.any() for part in splits):
        raise ValueError(
            f"No history has {min_history} or more other videos and a set-aside one: too little viewing to learn "
            "fusion weights from."
        )
    info = {
        "pseudo_new_splits": len(splits),
        "users": users,
        "positives": positives,
        "pairs": int(sum(part.liked.size for part in splits)),
        "fraction": fraction,
        "seeds": list(seeds),
        "objective": "softmax over each history's set-aside videos",
        "year_spread": round(features.year_spread, 3),  # the catalog's: the same in every split
    }
    return Examples(splits, info)


def fit_fusion_weights(
    train_histories: Sequence[np.ndarray],
    builder: Callable[[np.ndarray], FusionFeatures],
    n_items: int,
    regularisation: float | None = None,
    **kwargs,
) -> FusionWeights:
    """Both weight sets (with and without the text prior) from one set of pseudo-new examples; `regularisation`
    None chooses it by validation for each set."""
    examples = pseudo_new_examples(train_histories, builder, n_items, **kwargs)
    models = []
    for names in (list(FEATURES), [n for n in FEATURES if n != "text_prior"]):
        strength = examples.choose_regularisation(names) if regularisation is None else regularisation
        models.append(FusionModel(examples.fit(names, strength), {**examples.info, "regularisation": strength}))
    return FusionWeights(models[0], models[1], models[0].info)


def text_prior(
    items: np.ndarray, counts: np.ndarray, excluded: np.ndarray | None = None, alpha: float = 10.0
) -> np.ndarray:
    """A likability prior read from the text: ridge regression from each video's vector to log(1 + its likes),
    fitted on the videos not `excluded`, so a new video gets a prediction from its text alone."""
    from sklearn.linear_model import Ridge

    rows = np.arange(len(items)) if excluded is None else np.flatnonzero(~excluded)
    ridge = Ridge(alpha=alpha).fit(items[rows], np.log1p(np.asarray(counts, dtype=np.float64)[rows]))
    return ridge.predict(items).astype(np.float32)


def like_counts(histories: Sequence[Sequence[int]], n_items: int) -> np.ndarray:
    """How many histories hold each video (a video twice in one history counts once)."""
    counts = np.zeros(n_items, dtype=np.float64)
    for h in histories:
        counts[np.unique(np.asarray(h, dtype=np.int64))] += 1
    return counts


# --- the weights a catalog uses ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FusionWeights:
    """Two weight sets learned together: with the text prior (a catalog that has a viewing log) and without it."""

    with_prior: FusionModel
    without_prior: FusionModel
    info: dict = field(default_factory=dict)

    def for_catalog(self, has_log: bool) -> FusionModel:
        return self.with_prior if has_log else self.without_prior

    def save(self, path: str | Path) -> Path:
        data = {"with_prior": self.with_prior.weights, "without_prior": self.without_prior.weights, "info": self.info}
        write_json_atomic(Path(path), data)
        return Path(path)

    @staticmethod
    def load(path: str | Path) -> FusionWeights:
        """Read a weights file; a damaged or foreign file raises ValueError with the reason."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            sets = [{str(k): float(v) for k, v in data[key].items()} for key in ("with_prior", "without_prior")]
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{path.name} is not a fusion weights file ({type(exc).__name__}: {exc}).") from exc
        unknown = sorted(set(sets[0]) - set(FEATURES))
        if unknown:
            raise ValueError(f"{path.name} weighs features this version does not compute: {', '.join(unknown)}.")
        info = dict(data.get("info", {}))
        return FusionWeights(FusionModel(sets[0], info), FusionModel(sets[1], info), info)


def year_trust(catalog_spread: float, fitted_spread: float | None) -> float:
    """How much of the fitted year weights a catalog keeps: all of them where its years spread as widely as on the
    catalog the weights were fitted on, proportionally less where they spread less. Features are standardised per
    catalog, so without this a one-year gap among this year's uploads would weigh what decades of film history
    weighed on MovieLens (year_gap is the largest shipped weight). Weights with no recorded spread keep theirs."""
    if not fitted_spread or fitted_spread <= 0:
        return 1.0
    return float(min(1.0, max(0.0, catalog_spread) / fitted_spread))


@dataclass(frozen=True)
class FusionScorer:
    """What the fusion strategy holds for one catalog and encoder: its features, the weights, and where the weights
    were learned (`note`, shown when they come from another catalog or encoder)."""

    features: FusionFeatures
    model: FusionModel
    note: str = ""

    @staticmethod
    def of(features: FusionFeatures, model: FusionModel, note: str = "") -> FusionScorer:
        """The scorer for this catalog, its year weights scaled by `year_trust` (and the note saying so)."""
        fitted = model.info.get("year_spread")
        trust = year_trust(features.year_spread, fitted)
        if trust < 1.0:
            said = Notice(
                "Release years count less here: this catalog's videos are closer together in time than the "
                "catalog the weights were learned on.",
                f"Year evidence counts {trust:.0%} of its fitted weight: this catalog's years spread "
                f"{features.year_spread:.1f} years (standard deviation) against {fitted:.1f} where the weights "
                "were learned.",
            )
            note = joined(note, said)
        return FusionScorer(features, model.with_year_trust(trust), note)

    def score(self, history: HistoryInput, candidates: np.ndarray | None = None) -> tuple[np.ndarray, dict]:
        """(scores over the candidates, {evidence group: its part of each score})."""
        if candidates is None:
            candidates = np.arange(len(self.features.items))
        parts = self.model.contributions(self.features.compute([history], candidates))
        if not parts:
            return np.zeros(len(candidates), dtype=np.float32), {}
        total = np.sum([p[0] for p in parts.values()], axis=0).astype(np.float32)
        evidence = {
            group: np.sum([parts[n][0] for n in names if n in parts], axis=0).astype(np.float32)
            for group, names in EVIDENCE_GROUPS.items()
            if any(n in parts for n in names)
        }
        return total, evidence
