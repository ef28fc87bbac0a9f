"""Find the catalog video a typed title means, tolerating typos: exact first, then fuzzy with a strict cut-off."""

from __future__ import annotations

import functools
import re

import numpy as np
from rapidfuzz import fuzz, process

from vidrec_core.data.schema import Catalog
from vidrec_core.data.titles import normalise_title

PARALLEL_FUZZY_FROM = 200_000  # titles; below this one thread is faster than starting several
SUGGESTIONS = 3
SUGGEST_CUTOFF = 60.0  # WRatio, 0-100: below it a suggestion would be a guess
_YEAR_SUFFIX = re.compile(r"^(.*\S)\s*[\(\[]\s*((?:18|19|20|21)\d\d)\s*[\)\]]\s*$")


class TitleMatcher:
    """Finds the catalog video a typed title means: exact first, then fuzzy with a strict cut-off."""

    def __init__(self, catalog: Catalog, cutoff: float = 86.0):
        self.catalog = catalog
        self.cutoff = cutoff
        self._norm = [normalise_title(t) for t in catalog.titles]
        self._years = catalog.frame["year"].astype("float64").tolist()  # a missing year: NaN, never equal
        popularity = catalog.frame["popularity"].fillna(0.0).to_numpy()
        self._popularity = popularity
        self._remembered = functools.lru_cache(maxsize=16_384)(self._match)
        self._suggested = functools.lru_cache(maxsize=1_024)(self._suggest)
        self._exact: dict[str, list[int]] = {}
        for i, norm in enumerate(self._norm):
            if norm:
                self._exact.setdefault(norm, []).append(i)

    def _best_of(self, candidates: list[int], year: int | None) -> int:
        if year is not None:
            same_year = [i for i in candidates if self._years[i] == year]
            if same_year:
                candidates = same_year
        return max(candidates, key=lambda i: self._popularity[i])

    def match(self, text: str, cutoff: float | None = None) -> tuple[int, float] | None:
        """Index of the matched video and a 0-100 score, or None. Remembered: an edit re-matches only new lines."""
        return self._remembered(text, cutoff)

    def suggest(self, text: str, limit: int = SUGGESTIONS) -> tuple[int, ...]:
        """The catalog titles closest to a line that matched none, most alike first (ties: the more popular), as
        one-click fixes: "Godfather" finds "The Godfather". Word order and extra words count less than in `match`.
        Remembered, like `match`."""
        return self._suggested(text, limit)

    def _suggest(self, text: str, limit: int) -> tuple[int, ...]:
        year_match = _YEAR_SUFFIX.match(text)
        norm = normalise_title(year_match.group(1) if year_match else text)
        if not norm or len(norm) > 200:
            return ()
        found = process.extract(norm, self._norm, scorer=fuzz.WRatio, score_cutoff=SUGGEST_CUTOFF, limit=limit * 4)
        ranked = sorted(found, key=lambda hit: (-round(hit[1]), -self._popularity[hit[2]]))
        picked: list[int] = []
        for _, _, index in ranked:
            if len(self._norm[index]) < 3:  # "H." and "O" sit inside any word: no suggestion
                continue
            if all(self._norm[index] != self._norm[other] for other in picked):  # one row per title
                picked.append(index)
            if len(picked) == limit:
                break
        return tuple(picked)

    def _match(self, text: str, cutoff: float | None) -> tuple[int, float] | None:
        year = None
        year_match = _YEAR_SUFFIX.match(text)
        if year_match:
            text, year = year_match.group(1), int(year_match.group(2))
        norm = normalise_title(text)
        if not norm or len(norm) > 200:
            return None
        exact = self._exact.get(norm)
        if exact:
            return self._best_of(exact, year), 100.0
        cutoff = self.cutoff if cutoff is None else cutoff
        # Short strings make fuzzy matches unreliable ("Up" vs "Us"): demand exactness there.
        if len(norm) < 4:
            return None
        if len(self._norm) > PARALLEL_FUZZY_FROM:  # huge catalogs: score every title on all cores
            scores = process.cdist([norm], self._norm, scorer=fuzz.ratio, score_cutoff=cutoff, workers=-1)[0]
            best = float(scores.max())
            if best < cutoff:
                return None
            return self._best_of(np.flatnonzero(scores >= best - 1e-3).tolist(), year), round(best, 4)
        found = process.extract(norm, self._norm, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5)
        if not found:
            return None
        best_score = found[0][1]
        candidates = [index for _, score, index in found if score >= best_score - 1e-9]
        return self._best_of(candidates, year), round(float(best_score), 4)
