"""Filters: optional constraints on the catalog (genres, year, runtime, language) that say which one emptied a list."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vidrec_core.data.schema import Catalog


@dataclass(frozen=True)
class Filters:
    """Optional constraints; empty means 'no constraint'."""

    include_genres: tuple[str, ...] = ()
    exclude_genres: tuple[str, ...] = ()
    year_range: tuple[int, int] | None = None
    runtime_range: tuple[float, float] | None = None
    languages: tuple[str, ...] = ()

    def masks(self, catalog: Catalog) -> list[tuple[str, np.ndarray]]:
        """One (description, passing rows) pair per active filter, so an empty result can name its cause."""
        frame = catalog.frame
        out: list[tuple[str, np.ndarray]] = []
        if self.include_genres:
            wanted = set(self.include_genres)
            out.append(
                (
                    f"genre is one of {', '.join(self.include_genres)}",
                    frame["genres"].map(lambda g: bool(wanted.intersection(g))).to_numpy(bool),
                )
            )
        if self.exclude_genres:
            unwanted = set(self.exclude_genres)
            out.append(
                (
                    f"genre is none of {', '.join(self.exclude_genres)}",
                    frame["genres"].map(lambda g: not unwanted.intersection(g)).to_numpy(bool),
                )
            )
        if self.year_range is not None:
            low, high = self.year_range
            years = frame["year"].astype("float64").to_numpy()
            out.append((f"year between {low} and {high}", (years >= low) & (years <= high)))
        if self.runtime_range is not None:
            low, high = self.runtime_range
            runtime = frame["runtime"].to_numpy(dtype="float64", na_value=np.nan)
            out.append((f"runtime between {low:g} and {high:g} min", (runtime >= low) & (runtime <= high)))
        if self.languages:
            out.append(
                (
                    f"language is one of {', '.join(self.languages)}",
                    frame["language"].isin(self.languages).to_numpy(bool),
                )
            )
        return out


def apply_filters(catalog: Catalog, filters: Filters | None) -> tuple[np.ndarray, list[str]]:
    """Rows passing every filter; if none pass, messages say which filter emptied the list."""
    allowed = np.ones(len(catalog), dtype=bool)
    messages: list[str] = []
    if filters is None:
        return allowed, messages
    for description, mask in filters.masks(catalog):
        narrowed = allowed & mask
        if not narrowed.any() and allowed.any():
            alone = int(mask.sum())
            messages.append(
                f"No video is left after the filter “{description}” "
                f"({alone} videos pass it on its own, none together with the other filters)."
            )
        allowed = narrowed
    return allowed, messages
