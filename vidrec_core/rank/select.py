"""From scores to a list: the allowed candidates, then one greedy pass that fills the list's seats from its lanes.

A lane is one source of picks: the strategy's scores, or one interest's (each gets a fair share of the seats), or
one search (its fixed seats, from the videos that match it). Each pick is the lane's candidate with the best value:

    value = (1 - λ) · relevance  -  λ · KL(history's genres || the list's genres so far, with it)  -  d · similarity

Each lane chooses from its `pool_size` best candidates by score, and its scores are standardised over that pool
(z), so every strategy's scale reads the same and a vector index's candidates give the same list as the whole
catalog: relevance = exp((z - best z) / `RELEVANCE_TEMPERATURE`) (Steck's calibrated re-ranking, RecSys 2018, with
λ the `calibration` step; d the MMR `diversity`, against the most similar pick so far). With calibration on, a
video's fit to the history's genres, standardised over the pool too, joins its z (`TASTE_WEIGHT`), and the chosen
picks are shown best first by that z: calibration decides *which* videos make the list, not that a weaker one
outranks a stronger. Searches are not calibrated to the history: they answer what was asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from vidrec_core.core.metrics import MISCALIBRATION_MIX
from vidrec_core.core.vectors import top_k, zscore
from vidrec_core.data.schema import Catalog
from vidrec_core.profile.base import ListSteps
from vidrec_core.profile.genres import GenreSpace
from vidrec_core.profile.intents import Intent
from vidrec_core.rank.filters import Filters, apply_filters

# Chosen on the sample's log (docs/evaluation.md, "What made the lists follow the person"): the genre fit took the
# share of typed histories' picks in their two main genres from 0.80 to 0.87 at no cost in next titles found. 0.6
# (2026-12-07, with `UNWATCHED_PENALTY` at 1.0) took MovieLens 100K's from 0.846 to 0.856 for 0.003 of its NDCG@10.
TASTE_WEIGHT = 0.6  # a video's fit to the history's genres, in spreads of the pool, beside its score's spreads
RELEVANCE_TEMPERATURE = 2.5  # spreads of the pool per e-fold of relevance
# A list this long or longer is calibrated fully; a shorter one in proportion: three picks cannot show a seven-genre
# history's mix, and fully calibrated they were the three videos with the most genres (Knowing for a Nolan fan).
CALIBRATED_LENGTH = 10
# A search's seats go to what matches it, ordered by the search's own score plus this much of the history's: among
# horror films, the ones this viewer would pick ("search: horror" after two heist films: Saw and Red Dragon rather
# than "#Horror" for its title alone).
SEARCH_HISTORY_WEIGHT = 0.5


@dataclass
class Ranking:
    indices: list[int]
    scores: list[float]
    messages: list[str] = field(default_factory=list)
    interest_of: list[int | None] = field(default_factory=list)  # the interest each pick was chosen for
    search_of: list[int | None] = field(default_factory=list)  # the search (index into the intents) it answers
    matches: list[float] = field(default_factory=list)  # 0-1, see `match_shares`

    def __post_init__(self) -> None:
        self.interest_of = self.interest_of or [None] * len(self.indices)
        self.search_of = self.search_of or [None] * len(self.indices)
        self.matches = self.matches or [1.0] * len(self.indices)


def match_shares(scores: np.ndarray, candidates: np.ndarray, picked: Sequence[int]) -> list[float]:
    """Each pick's score as a share of the way from the typical candidate (the median: 0) to the best (1): a scale a
    person reads whatever the strategy's units (a cosine, spreads of a model's scores). A search's pick may be a
    weaker match to the history than the history's own picks, and shows it."""
    pool = np.asarray(scores, dtype=np.float64)[candidates]
    pool = pool[np.isfinite(pool)]
    if len(pool) == 0:
        return [0.0] * len(picked)
    typical, best = float(np.median(pool)), float(pool.max())
    span = best - typical
    if span <= 0:
        return [1.0] * len(picked)
    return [float(np.clip((float(scores[i]) - typical) / span, 0.0, 1.0)) for i in picked]


@dataclass(frozen=True)
class Lane:
    """One source of picks (see the module)."""

    scores: np.ndarray  # over the catalog (higher is better)
    share: float = 1.0  # interest lanes share the seats the searches leave in proportion to this
    seats: int | None = None  # a search's fixed seats
    allowed: np.ndarray | None = None  # bool (n_items): what this lane may pick (a search: what matches it)
    calibrated: bool = True
    interest: int | None = None
    search: int | None = None


def fair_share_quotas(shares: np.ndarray, k: int) -> np.ndarray:
    """Seats per interest in a list of k: proportional to share (largest remainder), at least one each when k allows."""
    shares = np.asarray(shares, dtype=np.float64)
    if k <= 0:
        return np.zeros(len(shares), dtype=int)
    exact = shares / shares.sum() * k
    quotas = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - quotas), kind="stable")[: k - quotas.sum()]:
        quotas[i] += 1
    for i in np.argsort(-shares, kind="stable"):  # every interest gets a seat, taken from the largest
        if quotas[i] == 0 and quotas.max() > 1:
            quotas[i] += 1
            quotas[int(np.argmax(quotas))] -= 1
    return quotas


def pool_size(k: int) -> int:
    """How many of each lane's best candidates calibration, diversity and fair shares choose from."""
    return max(k * 10, 100)


def mmr_select(scores: np.ndarray, candidates: np.ndarray, items: np.ndarray, k: int, diversity: float) -> list[int]:
    """Maximal marginal relevance: trade relevance against similarity to what is already picked (0: relevance
    alone; 1: after the first pick, only distance from the picks)."""
    lane = Lane(scores=np.asarray(scores, dtype=np.float32))
    picked, _ = select(
        [lane], candidates, items, k, ListSteps(calibration=0.0, diversity=diversity), None, None, order=False
    )
    return picked


def _quotas(lanes: Sequence[Lane], k: int) -> np.ndarray:
    fixed = np.array([lane.seats or 0 for lane in lanes])
    shared = [n for n, lane in enumerate(lanes) if lane.seats is None]
    quotas = fixed.copy()
    if shared:
        rest = max(0, k - int(fixed.sum()))
        quotas[shared] = fair_share_quotas(np.array([lanes[n].share for n in shared]), rest)
    return quotas


def select(
    lanes: Sequence[Lane],
    candidates: np.ndarray,
    items: np.ndarray,
    k: int,
    steps: ListSteps,
    target: np.ndarray | None,
    genres: GenreSpace | None,
    order: bool = True,
) -> tuple[list[int], list[int]]:
    """Pick k videos from the lanes (see the module): the picked rows and, for each, its lane. `target` is the
    history's genre distribution (None: no calibration). `order` shows the picks best first by their lane's
    standardised score, each lane's best before any lane's second (the history's before the searches')."""
    quotas = _quotas(lanes, k)
    calibration = 0.0
    if target is not None and genres is not None:  # a short list cannot show a genre mix: it is asked for less
        calibration = float(np.clip(steps.calibration, 0.0, 1.0)) * min(1.0, k / CALIBRATED_LENGTH)
    diversity = float(np.clip(steps.diversity, 0.0, 1.0))
    fit = genres.fit(target) if calibration > 0 else None
    pools, standing, relevance = [], [], []
    for lane in lanes:
        allowed = candidates if lane.allowed is None else candidates[lane.allowed[candidates]]
        rows = top_k(lane.scores, allowed, pool_size(k))
        z = zscore(np.nan_to_num(lane.scores[rows].astype(np.float32), nan=-1e9)) if len(rows) else np.zeros(0)
        if fit is not None and lane.calibrated and len(rows):
            z = z + TASTE_WEIGHT * zscore(fit[rows].astype(np.float32))
        pools.append(rows)
        standing.append(dict(zip(rows.tolist(), z.tolist(), strict=True)))
        relevance.append(np.exp((z - z.max()) / RELEVANCE_TEMPERATURE) if len(z) else z)
    pool = np.unique(np.concatenate(pools)) if pools else np.zeros(0, dtype=np.int64)
    pool_rows = [np.searchsorted(pool, rows) for rows in pools]
    shares = genres.shares[pool].toarray() if calibration > 0 else None
    present = target > 0 if calibration > 0 else None
    pool_vectors = items[pool] if diversity > 0 else None
    max_sim = np.full(len(pool), -np.inf, dtype=np.float32)
    available = np.ones(len(pool), dtype=bool)
    listed = np.zeros(len(target) if target is not None else 0)
    n_calibrated = 0
    picked: list[int] = []
    lane_of: list[int] = []
    filled = np.zeros(len(lanes), dtype=int)
    exhausted = np.zeros(len(lanes), dtype=bool)
    while len(picked) < min(k, len(pool)):
        open_lanes = [n for n in range(len(lanes)) if not exhausted[n] and filled[n] < quotas[n]]
        if not open_lanes:  # a lane ran out of candidates (or the quotas are spent): the shared lanes take the seats
            live = [n for n in range(len(lanes)) if not exhausted[n] and lanes[n].seats is None] or [
                n for n in range(len(lanes)) if not exhausted[n]
            ]
            if not live:
                break
            quotas[live] += 1
            continue
        n = min(open_lanes, key=lambda m: (filled[m] / max(quotas[m], 1), lanes[m].seats is None, -lanes[m].share))
        usable = available[pool_rows[n]]
        rows = pool_rows[n][usable]
        if len(rows) == 0:
            exhausted[n] = True
            continue
        value = relevance[n][usable].astype(np.float64)
        if calibration > 0 and lanes[n].calibrated:
            mixed = (listed[None, :] + shares[rows]) / (n_calibrated + 1)
            mixed = (1.0 - MISCALIBRATION_MIX) * mixed + MISCALIBRATION_MIX * target[None, :]
            divergence = (target[present] * np.log(target[present] / mixed[:, present])).sum(axis=1)
            value = (1.0 - calibration) * value - calibration * divergence
        if diversity > 0 and picked:
            value = (1.0 - diversity) * value - diversity * max_sim[rows]
        best = int(rows[int(np.argmax(value))])
        picked.append(int(pool[best]))
        lane_of.append(n)
        filled[n] += 1
        available[best] = False
        if calibration > 0 and lanes[n].calibrated:
            listed += shares[best]
            n_calibrated += 1
        if pool_vectors is not None:
            max_sim = np.maximum(max_sim, pool_vectors @ pool_vectors[best])
    if order and picked:
        relevance_of = [standing[n][row] for row, n in zip(picked, lane_of, strict=True)]
        place = {}
        for n in set(lane_of):  # each lane's best first; at each place the history's lanes before the searches'
            mine = sorted((i for i, m in enumerate(lane_of) if m == n), key=lambda i: -relevance_of[i])
            place.update({i: (position, lanes[n].seats is not None, n) for position, i in enumerate(mine)})
        shown = sorted(range(len(picked)), key=lambda i: place[i])
        picked, lane_of = [picked[i] for i in shown], [lane_of[i] for i in shown]
    return picked, lane_of


def rank(
    catalog: Catalog,
    items: np.ndarray,
    scores: np.ndarray,
    exclude: np.ndarray,
    k: int = 10,
    filters: Filters | None = None,
    steps: ListSteps | None = None,
    interest_scores: np.ndarray | None = None,
    interest_shares: np.ndarray | None = None,
    intents: Sequence[Intent] = (),
    target: np.ndarray | None = None,
    genres: GenreSpace | None = None,
) -> Ranking:
    """The list for one history: the allowed videos (filters, exclusions), then `select` over the lanes: each
    search's seats, and each interest's fair share of the rest (or the scores, with one)."""
    steps = steps or ListSteps.none()
    allowed, messages = apply_filters(catalog, filters)
    allowed &= ~exclude
    candidates = np.flatnonzero(allowed)
    if len(candidates) == 0:
        if not messages:
            messages.append("Every video in the catalog is already in the history.")
        return Ranking([], [], messages)
    k = max(1, int(k))
    own = zscore(np.nan_to_num(np.asarray(scores, dtype=np.float32)[candidates], nan=-1e9)) if intents else None
    lanes = []
    for n, intent in enumerate(intents):  # what matches the search, and of that what suits the history
        lane_scores = np.full(len(scores), -np.inf, dtype=np.float32)
        lane_scores[candidates] = zscore(intent.scores[candidates]) + SEARCH_HISTORY_WEIGHT * own
        lanes.append(Lane(lane_scores, seats=intent.seats, allowed=intent.matches, calibrated=False, search=n))
    if not (steps.calibration > 0 and target is not None and genres is not None and target.sum() > 0):
        target = None
    several = interest_scores is not None and len(interest_scores) > 1
    for n, lane_scores in enumerate(interest_scores if several else [scores]):
        lanes.append(
            Lane(
                np.asarray(lane_scores, dtype=np.float32),
                share=float(interest_shares[n]) if several else 1.0,
                interest=n if several else None,
            )
        )
    if not intents and target is None and steps.diversity <= 0 and not several and len(candidates) > k:
        picked = top_k(scores, candidates, k).tolist()  # the scores' own order: a partial sort is enough
        return Ranking(
            picked, [float(scores[i]) for i in picked], messages, matches=match_shares(scores, candidates, picked)
        )
    picked, lane_of = select(lanes, candidates, items, k, steps, target, genres)
    return Ranking(
        picked,
        [float(scores[i]) for i in picked],
        messages,
        [lanes[n].interest for n in lane_of],
        [lanes[n].search for n in lane_of],
        match_shares(scores, candidates, picked),
    )
