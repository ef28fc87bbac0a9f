"""The `hybrid` strategy: content (fusion, or closeness in meaning) blended with what co-viewers did and a
popularity prior. A video nobody has watched borrows the collaborative part of its nearest watched videos."""

from __future__ import annotations

import numpy as np

from vidrec_core.core.vectors import zscore
from vidrec_core.profile.fusion import fusion_strategy
from vidrec_core.profile.strategies import (
    Z_UNIT,
    EmbeddedHistory,
    ProfileResult,
    StrategyContext,
    blend_collaborative,
    nearest_strategy,
)


def hybrid_strategy(history: EmbeddedHistory, ctx: StrategyContext) -> ProfileResult:
    """Content similarity blended with collaborative signal (see `blend_collaborative`) and a popularity prior."""
    content = fusion_strategy(history, ctx) if ctx.fusion is not None else nearest_strategy(history, ctx)
    if not history.positive.any():
        return content
    weight = float(np.clip(ctx.params.hybrid_weight, 0.0, 1.0))
    blend = blend_collaborative(content.scores, history, ctx, weight)
    if isinstance(blend, str):
        content.notes.append(blend)
        return content
    blended = blend.scores
    if ctx.popularity is not None:
        blended = blended + ctx.params.popularity_weight * zscore(ctx.popularity)
    return ProfileResult(
        scores=blended.astype(np.float32),
        profile=content.profile,
        collaborative_share=blend.collaborative_share,
        collaborative_known=blend.collaborative_known,
        notes=content.notes,
        evidence=content.evidence,
        score_unit=Z_UNIT,
    )
