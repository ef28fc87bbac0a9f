"""The `learned` strategy: the trained adapter's scores (vidrec_core.learn.adapter), blended on bounded scales with
the content fusion's reading of the history and with the catalog's collaborative model (EASE): see `Blend`.

The adapter was trained on histories of watched videos, one pooled vector per person. Two kinds of history lie
outside that training, and get content where the adapter would guess:

- typed lines (searches, comments, stated tastes): their share of the history's weight is given to content
  (`profile.intents.typed_scores`: closeness in meaning, the genres and the people they name), so "I love films about
  astronauts" is read, not mapped through a model never trained on sentences; typed lines alone: content alone;
- several separate tastes of two or more events each (`find_interests`, as multi-interest finds them): each taste
  is scored on its own and gets a fair share of the list, so a romance-and-horror history is not pooled into neither.

A history of watched videos with one taste (every evaluation history that does not split) is scored exactly as the
adapter and its blend were measured.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from vidrec_core.core.vectors import zscore
from vidrec_core.learn.adapter import LearnedModel
from vidrec_core.learn.artefacts import NO_MODEL, UnavailableModel
from vidrec_core.profile.fusion import history_input
from vidrec_core.profile.intents import typed_scores, typed_share
from vidrec_core.profile.strategies import (
    ONLY_DISLIKES,
    Z_UNIT,
    EmbeddedHistory,
    Interest,
    ProfileResult,
    StrategyContext,
    bounded_collaborative,
    event_ages,
    find_interests,
    mean_strategy,
    weighted_mean,
)


@dataclass(frozen=True)
class Blend:
    """What the adapter's scores (one spread = 1) are blended with at inference, each on a bounded scale: the content
    fusion's reading of the history (standardised) and co-viewing (EASE, standardised and held within
    `COLLABORATIVE_CLIP` spreads, so Forrest Gump's 9-spread tail cannot take a space fan's list).

    Content counts more in a short history: four titles say little to a model of what viewers watch next, which
    then leans on what everybody watched (a space fan's four films gave Forrest Gump and Shawshank first), while the
    titles' own content says as much as ever. Its weight is `content + content_short * exp(-(n - 1) / fades)` for
    n events: 1.0 for one, 0.63 for four, 0.38 for ten, 0.3 from about twenty. With `fades` 8 instead of 4 the
    weight lasts longer and cost MovieLens 100K's all-users NDCG@10 0.007 (0.105 against 0.111)."""

    content: float = 0.3
    content_short: float = 0.7
    fades: float = 4.0  # events
    collaborative: float = 0.35

    def content_weight(self, events: int) -> float:
        return self.content + self.content_short * float(np.exp(-(max(events, 1) - 1) / self.fades))


# Measured on the sample's log (docs/evaluation.md, "What made the lists follow the person"): all users' NDCG@10
# 0.062 for the adapter alone, 0.065 with clipped co-viewing, 0.073 with content too, before the list steps.
BLEND = Blend()

# A video nobody in the log watched is scored this many spreads lower by the adapter: it was trained with a softmax over
# the watched videos only, so its scores for the others (text alone) were never weighed against them, and the log's
# silence about a video is evidence too. On MovieLens 100K, which watches 468 of the sample's 4,803 films, 27% of
# the default's picks were films nobody in the log watched; at 1.0 spread all users' NDCG@10 rose from 0.111 to 0.118.
# With the genre fit at 0.6 (`rank.select.TASTE_WEIGHT`), 1.0 gave 0.116, 1.5 0.118 and 2.0 0.118, the interval
# against EASE above zero only at 1.5. A list of new videos only (the new-items view, the audience) is unchanged: they
# all move together.
UNWATCHED_PENALTY = 1.5  # spreads of the adapter's scores

# Tastes are kept apart only when nearly unrelated in meaning and genres together (their groups' mean similarity
# below this): a romance-and-horror history splits, a long MovieLens history rarely does (79 of 645 evaluated).
TASTE_SPLIT = 0.08


@dataclass(frozen=True)
class TasteScores:
    scores: np.ndarray  # in spreads of the adapter's own scores
    collaborative_share: np.ndarray | None = None
    collaborative_known: np.ndarray | None = None
    evidence: dict[str, np.ndarray] = field(default_factory=dict)


def learned_strategy(history: EmbeddedHistory, ctx: StrategyContext) -> ProfileResult:
    """An adapter trained on interaction histories over the frozen embeddings; the mean profile, with the reason,
    when no model fits this catalog and encoder."""
    model = ctx.learned
    if not isinstance(model, LearnedModel) or model.n_items_ != len(ctx.items):
        result = mean_strategy(history, ctx)
        result.notes.append(model.reason if isinstance(model, UnavailableModel) else NO_MODEL)
        return result
    positive = history.positive
    if not positive.any():
        return ProfileResult(scores=np.zeros(len(ctx.items), dtype=np.float32), notes=[ONLY_DISLIKES])
    rows = np.flatnonzero(positive)
    # The adapter has no single profile vector; the history's kind-weighted centre stands in for the map and for
    # "similarity to profile".
    centre = weighted_mean(history.vectors[rows], history.weights[rows])
    taste_params = replace(ctx.params, split_similarity=min(ctx.params.split_similarity, TASTE_SPLIT))
    interests = tastes_of_two_or_more(history, find_interests(taste_space(history, ctx), taste_params))
    if len(interests) < 2:
        taste = _taste_scores(model, history, ctx)
        return ProfileResult(
            scores=taste.scores,
            profile=centre,
            collaborative_share=taste.collaborative_share,
            collaborative_known=taste.collaborative_known,
            evidence=taste.evidence,
            score_unit=Z_UNIT,
        )
    tastes = [_taste_scores(model, _sub_history(history, i.event_rows), ctx) for i in interests]
    interest_scores = np.stack([t.scores for t in tastes])
    best = interest_scores.argmax(axis=0)
    share = known = None
    if all(t.collaborative_share is not None for t in tastes):
        share = np.choose(best, [t.collaborative_share for t in tastes]).astype(np.float32)
        known = tastes[0].collaborative_known
    groups = {group for t in tastes for group in t.evidence}
    evidence = {
        group: np.choose(best, [np.broadcast_to(t.evidence.get(group, 0.0), best.shape) for t in tastes]).astype(
            np.float32
        )
        for group in groups
    }
    return ProfileResult(
        scores=interest_scores.max(axis=0),
        profile=centre,
        interests=interests,
        interest_scores=interest_scores,
        collaborative_share=share,
        collaborative_known=known,
        evidence=evidence,
        score_unit=Z_UNIT,
    )


def taste_space(history: EmbeddedHistory, ctx: StrategyContext) -> EmbeddedHistory:
    """The history with each video's vector joined by its genres (half meaning, half genres), where the catalog's
    genres are at hand: two romances read far apart by a sentence encoder are still one taste, and an animated
    film about fish is still with the other animated films."""
    if ctx.fusion is None or not ctx.index_of:
        return history
    genres = ctx.fusion.features.lexical.genres
    extra = np.zeros((len(history.events), genres.shape[1]), dtype=np.float32)
    for n, event in enumerate(history.events):
        if event.matched_id in ctx.index_of:
            extra[n] = genres[ctx.index_of[event.matched_id]].toarray()[0]
    return EmbeddedHistory(history.events, np.hstack([history.vectors, extra]) / np.sqrt(2.0))


def tastes_of_two_or_more(history: EmbeddedHistory, interests: list[Interest]) -> list[Interest]:
    """A single event is not a taste to give seats to: it joins the closest taste of two or more events. Fewer than
    two such tastes means one taste (an empty list)."""
    tastes = [i for i in interests if len(i.event_rows) >= 2]
    if len(tastes) < 2:
        return []
    rows = {n: list(t.event_rows) for n, t in enumerate(tastes)}
    for single in (i for i in interests if len(i.event_rows) < 2):
        closest = int(np.argmax([float(t.centroid @ single.centroid) for t in tastes]))
        rows[closest] += list(single.event_rows)
    weights = np.abs(history.weights)
    total = float(sum(weights[r].sum() for r in rows.values())) or 1.0
    return [
        replace(t, event_rows=tuple(sorted(rows[n])), share=float(weights[rows[n]].sum()) / total)
        for n, t in enumerate(tastes)
    ]


def _sub_history(history: EmbeddedHistory, rows: tuple[int, ...]) -> EmbeddedHistory:
    keep = list(rows)
    return EmbeddedHistory(events=[history.events[r] for r in keep], vectors=history.vectors[keep])


def _taste_scores(model: LearnedModel, history: EmbeddedHistory, ctx: StrategyContext) -> TasteScores:
    """One taste's scores: the adapter over its events (the typed lines' share given to content), plus, each on a
    bounded scale, the content fusion's reading of the taste and what co-viewers of its videos watched."""
    rows = np.flatnonzero(history.positive)
    share = typed_share(history)
    ages_all = event_ages(history.events)
    ages = np.argsort(np.argsort(ages_all[rows], kind="stable"), kind="stable").astype(np.float32)  # recency rank
    raw = model.scores(ctx.items, history.vectors[rows], ages, history.weights[rows])
    adapter = zscore(raw - UNWATCHED_PENALTY * float(raw.std()) * ~model.known_)
    evidence: dict[str, np.ndarray] = {"viewing": (1 - share) * adapter}
    scores = adapter.copy()
    if share > 0:
        typed = typed_scores(history, ctx)
        scores = ((1 - share) * adapter + share * typed).astype(np.float32)
        evidence["meaning"] = share * typed
    if ctx.fusion is not None:
        fused, parts = ctx.fusion.score(history_input(history, ctx))
        spread = float(fused.std()) or 1.0
        scale = BLEND.content_weight(len(rows)) / spread
        scores += scale * (fused - float(fused.mean()))
        for group, part in parts.items():
            evidence[group] = evidence.get(group, 0.0) + scale * part
    collab = bounded_collaborative(history, ctx) if BLEND.collaborative > 0 else None
    if collab is None or isinstance(collab, str):
        return TasteScores(scores.astype(np.float32), evidence=evidence)
    weighted = BLEND.collaborative * collab.scores
    scores += weighted
    evidence["viewing"] = evidence["viewing"] + weighted
    share_of_collab = np.abs(weighted) / (np.abs(scores - weighted) + np.abs(weighted) + 1e-9)
    return TasteScores(scores.astype(np.float32), share_of_collab.astype(np.float32), collab.known, evidence)
