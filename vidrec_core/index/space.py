"""The candidates as a small catalog of their own, so the whole ranking runs on them unchanged.

A strategy, the dislike penalty, the filters, exclusions, diversity, fair shares and explanations all take a catalog
and its vectors; given the candidates' sub-catalog and vectors they score and rank only those, exactly, and the
picks are mapped back to catalog rows at the end. The history's own videos are always among the candidates, so
explanations can still name them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from vidrec_core.data.schema import Catalog
from vidrec_core.learn.artefacts import UnavailableModel
from vidrec_core.learn.fusion import FusionScorer, HistoryInput
from vidrec_core.profile.genres import GenreSpace
from vidrec_core.profile.strategies import StrategyContext, StrategyParams
from vidrec_core.rank.explain import Recommendation

NO_LEARNED_WITH_INDEX = (
    "The learned model scores every video of the catalog, so it is not used with the vector index: ranked by the "
    "mean profile among the index's candidates."
)
NO_COLLABORATIVE_WITH_INDEX = (
    "With the vector index the viewing log's signal is left out: videos are ranked by content among the candidates."
)


@dataclass(frozen=True)
class CandidateFusion(FusionScorer):
    """Fusion over the candidates only: the history's rows and the candidates are mapped back to catalog rows, where
    the fusion features live. Standardisation is then over the candidates, not the whole catalog."""

    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def score(self, history: HistoryInput, candidates: np.ndarray | None = None) -> tuple[np.ndarray, dict]:
        in_catalog = HistoryInput(self.rows[history.rows], history.vectors, history.weights, history.texts)
        return super().score(in_catalog, self.rows if candidates is None else self.rows[candidates])


@dataclass(frozen=True)
class CandidateSpace:
    """The candidates' sub-catalog (its row i is catalog row `rows[i]`), their vectors and popularity."""

    rows: np.ndarray
    catalog: Catalog
    items: np.ndarray
    popularity: np.ndarray

    @staticmethod
    def of(rows: np.ndarray, catalog: Catalog, items: np.ndarray, popularity: np.ndarray) -> CandidateSpace:
        rows = np.unique(np.asarray(rows, dtype=np.int64))  # sorted: reads the memory-mapped vectors in order
        frame = catalog.frame.iloc[rows].reset_index(drop=True)
        sub = dataclasses.replace(catalog, frame=frame)
        vectors = np.ascontiguousarray(items[rows], dtype=np.float32)
        return CandidateSpace(rows, sub, vectors, np.asarray(popularity)[rows])

    def context(
        self,
        params: StrategyParams | None,
        fusion: FusionScorer | None,
        genres: GenreSpace | None = None,
        meaning_floor: float = 0.3,
    ) -> StrategyContext:
        """What the strategies read, for the candidates. The viewing log's models score the whole catalog, so they
        are left out (a catalog this large could not fit EASE's dense matrix anyway)."""
        return StrategyContext(
            items=self.items,
            popularity=self.popularity,
            collaborative=None,
            params=params or StrategyParams(),
            index_of=self.catalog.index_of,
            known_neighbours=None,
            learned=UnavailableModel(NO_LEARNED_WITH_INDEX),
            fusion=None
            if fusion is None
            else CandidateFusion(fusion.features, fusion.model, fusion.note, rows=self.rows),
            genres=genres,
            meaning_floor=meaning_floor,
        )

    def places(self, rows: np.ndarray) -> np.ndarray:
        """Where the catalog rows `rows` that are among the candidates stand in the sub-catalog (others are left out:
        what was not retrieved cannot be listed anyway)."""
        rows = np.asarray(rows, dtype=np.int64)
        at = np.searchsorted(self.rows, rows)
        found = at < len(self.rows)
        found[found] = self.rows[at[found]] == rows[found]
        return at[found]

    def in_catalog(self, recommendations: list[Recommendation]) -> list[Recommendation]:
        """The picks with their catalog rows instead of their places among the candidates."""
        return [dataclasses.replace(r, index=int(self.rows[r.index])) for r in recommendations]
