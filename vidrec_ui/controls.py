"""Strategy and ranking controls; every value lives in session_state so links and saved views can restore it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from vidrec_core.data.schema import Catalog
from vidrec_core.profile.registry import ARTICLE_BASELINE, STRATEGIES, STRATEGY_DESCRIPTIONS
from vidrec_core.profile.strategies import StrategyParams
from vidrec_core.rank.filters import Filters
from vidrec_core.recommender import DefaultStrategy
from vidrec_ui.history_state import bind, get, put

DEFAULTS = {"strategy": ARTICLE_BASELINE, "k": 10, "diversity": 0.0, "half_life": 5.0, "hybrid_weight": 0.5}
VIEW_KEYS = tuple(DEFAULTS)
FOLLOWS_DEFAULT = "strategy_is_default"  # the strategy is the catalog's default, not the viewer's pick


def follow_default(prefix: str, default: DefaultStrategy | None) -> None:
    """Until the viewer picks a strategy, it is the catalog's default, and it follows the catalog when that
    changes; a pick (or a shared link naming one) is kept."""
    if default is not None and (get(prefix + "strategy") is None or get(prefix + FOLLOWS_DEFAULT)):
        put(prefix + "strategy", default.name)
        put(prefix + FOLLOWS_DEFAULT, True)


def _picked(prefix: str = "") -> None:
    put(prefix + FOLLOWS_DEFAULT, False)


def keep_picked_strategy(prefix: str = "") -> None:
    """A strategy restored from a saved history or a link is the viewer's pick: the catalog's default must not
    replace it."""
    _picked(prefix)


@dataclass(frozen=True)
class Settings:
    strategy: str
    k: int
    diversity: float
    params: StrategyParams
    filters: Filters


def strategy_controls(
    prefix: str = "", label: str = "Interest strategy", default: DefaultStrategy | None = None
) -> tuple[str, int, float, StrategyParams]:
    """Strategy, list length, diversity and the strategy's own knob. `prefix` keeps two sets apart (A/B); `default`
    is the catalog's best measured strategy, used (and explained) until the viewer picks another."""
    follow_default(prefix, default)
    strategy = st.selectbox(
        label,
        list(STRATEGIES),
        **bind(prefix + "strategy", DEFAULTS["strategy"], on_change=lambda: _picked(prefix)),
        help="\n".join(f"- **{name}**: {text}" for name, text in STRATEGY_DESCRIPTIONS.items()),
    )
    if default is not None:
        if strategy == default.name:
            st.caption(f"Chosen for this catalog. {default.reason}")
        elif strategy == ARTICLE_BASELINE:
            st.caption(
                f"`{ARTICLE_BASELINE}` is the article's method, kept as the baseline; this catalog's default is "
                f"`{default.name}`."
            )
        else:
            st.caption(f"This catalog's default is `{default.name}`; you picked another.")
    if strategy == "recency":
        st.slider(
            "Half-life (events)",
            0.5,
            30.0,
            step=0.5,
            **bind(prefix + "half_life", DEFAULTS["half_life"]),
            help="How many events back an event counts half as much as the newest one.",
        )
    if strategy == "hybrid":
        st.slider(
            "Collaborative share",
            0.0,
            1.0,
            step=0.05,
            **bind(prefix + "hybrid_weight", DEFAULTS["hybrid_weight"]),
            help="0 = content similarity only; 1 = only what viewers with similar histories watched.",
        )
    st.slider(
        "Diversity",
        0.0,
        1.0,
        step=0.05,
        **bind(prefix + "diversity", DEFAULTS["diversity"]),
        help="Maximal marginal relevance: 0 ranks by relevance alone, higher values avoid near-duplicates.",
    )
    st.slider("How many recommendations", 5, 30, **bind(prefix + "k", DEFAULTS["k"]))
    return strategy, int(get(prefix + "k")), float(get(prefix + "diversity")), chosen_strategy(prefix)[1]


def chosen_strategy(prefix: str = "", default: DefaultStrategy | None = None) -> tuple[str, StrategyParams]:
    """The strategy and its knobs as the studio (or the A/B side `prefix`) last set them; other pages read this."""
    follow_default(prefix, default)
    params = StrategyParams(
        half_life=float(get(prefix + "half_life", DEFAULTS["half_life"])),
        hybrid_weight=float(get(prefix + "hybrid_weight", DEFAULTS["hybrid_weight"])),
    )
    return str(get(prefix + "strategy", DEFAULTS["strategy"])), params


def filter_controls(catalog: Catalog) -> Filters:
    """Genre, year, runtime and language filters; an untouched control is no filter."""
    frame = catalog.frame
    with st.expander("Filters"):
        left, right = st.columns(2)
        include = left.multiselect("Only these genres", catalog.genre_names, **bind("f_include", []))
        exclude = right.multiselect("Never these genres", catalog.genre_names, **bind("f_exclude", []))
        year_range = _range_slider("Year", frame["year"], "f_year", left)
        runtime_range = _range_slider("Runtime (minutes)", frame["runtime"], "f_runtime", right)
        languages = st.multiselect("Languages", catalog.languages, **bind("f_languages", []))
    return Filters(
        include_genres=tuple(include),
        exclude_genres=tuple(exclude),
        year_range=year_range,
        runtime_range=runtime_range,
        languages=tuple(languages),
    )


def _range_slider(label: str, values: pd.Series, key: str, container) -> tuple[int, int] | None:
    present = pd.to_numeric(values, errors="coerce").dropna()
    if present.empty:
        return None
    low, high = int(present.min()), int(present.max())
    if low >= high:
        return None
    if get(key) is not None and not (low <= get(key)[0] <= get(key)[1] <= high):
        put(key, None)  # another catalog's range
    chosen = container.slider(label, low, high, **bind(key, (low, high)))
    return None if tuple(chosen) == (low, high) else (int(chosen[0]), int(chosen[1]))


def current_view(history: str, prefix: str = "") -> dict:
    view = {key: get(prefix + key, DEFAULTS[key]) for key in VIEW_KEYS}
    view["history"] = history
    return view
