"""Strategy and ranking controls; every value lives in session_state so links and saved views can restore it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from vidrec_core.data.schema import Catalog
from vidrec_core.profile.base import CALIBRATION, StrategyParams
from vidrec_core.profile.registry import ARTICLE_BASELINE, KNOBS, STRATEGIES
from vidrec_core.rank.filters import Filters
from vidrec_core.recommender import DefaultStrategy
from vidrec_ui.history_state import bind, get, put
from vidrec_ui.notices import plain
from vidrec_ui.text import md_escape

DEFAULTS = {
    "strategy": ARTICLE_BASELINE,
    "k": 10,
    "diversity": 0.0,
    "calibration": CALIBRATION,
    **{name: knob.default for name, knob in KNOBS.items()},
}
VIEW_KEYS = tuple(DEFAULTS)
FOLLOWS_DEFAULT = "strategy_is_default"  # the strategy is the catalog's default, not the viewer's pick
CALIBRATION_FOLLOWS = "calibration_is_default"  # the calibration is the strategy's own, not the viewer's setting


def follow_default(prefix: str, default: DefaultStrategy | None) -> None:
    """Until the viewer picks a strategy, it is the catalog's default, and it follows the catalog when that
    changes; a pick (or a shared link naming one) is kept."""
    if default is not None and (get(prefix + "strategy") is None or get(prefix + FOLLOWS_DEFAULT)):
        put(prefix + "strategy", default.name)
        put(prefix + FOLLOWS_DEFAULT, True)


def _picked(prefix: str = "") -> None:
    put(prefix + FOLLOWS_DEFAULT, False)


def keep_restored(keys: set[str] | dict, prefix: str = "") -> None:
    """A strategy or calibration restored from a saved history or a link is the viewer's pick: the catalog's
    default (or the strategy's own calibration) must not replace it."""
    if "strategy" in keys:
        _picked(prefix)
    if "calibration" in keys:
        put(prefix + CALIBRATION_FOLLOWS, False)


def follow_strategy_steps(prefix: str, strategy: str) -> None:
    """Until the viewer moves the calibration slider, it shows the strategy's own (none for the article's
    baseline), and follows the strategy when that changes."""
    if get(prefix + "calibration") is None or get(prefix + CALIBRATION_FOLLOWS, True):
        put(prefix + "calibration", STRATEGIES[strategy].steps.calibration)
        put(prefix + CALIBRATION_FOLLOWS, True)


@dataclass(frozen=True)
class Choice:
    """What the strategy controls chose: the strategy, its knobs, and the list's length and steps."""

    strategy: str
    k: int
    diversity: float
    calibration: float
    params: StrategyParams


def strategy_label(name: str, missing: dict[str, str]) -> str:
    """The menu's words for a strategy: its name, and why it cannot run as designed here."""
    return f"{name} ({missing[name]})" if name in missing else name


def strategy_controls(
    prefix: str = "",
    label: str = "Interest strategy",
    default: DefaultStrategy | None = None,
    missing: dict[str, str] | None = None,
) -> Choice:
    """Strategy, its own knobs, list length, diversity and calibration. `prefix` keeps two sets apart (A/B);
    `default` is the catalog's best measured strategy, used (and explained) until the viewer picks another;
    `missing` says why a strategy cannot run as designed on this catalog (it is marked in the menu)."""
    missing = missing or {}
    follow_default(prefix, default)
    strategy = st.selectbox(
        label,
        list(STRATEGIES),
        format_func=lambda name: strategy_label(name, missing),
        **bind(prefix + "strategy", DEFAULTS["strategy"], on_change=lambda: _picked(prefix)),
        help="\n".join(f"- **{s.name}**: {s.description}" for s in STRATEGIES.values()),
    )
    if default is not None:
        if strategy == default.name:
            st.caption(f"Chosen for this catalog. {md_escape(plain(default.reason))}")
        elif strategy == ARTICLE_BASELINE:
            st.caption(
                f"`{ARTICLE_BASELINE}` is the article's method, kept as the baseline; this catalog's default is "
                f"`{default.name}`."
            )
        elif strategy in missing:
            st.caption(f"`{strategy}` {missing[strategy]}, so it runs in a simpler form here.")
        else:
            st.caption(f"This catalog's default is `{default.name}`; you picked another.")
    for knob in STRATEGIES[strategy].knobs:
        st.slider(
            knob.label, knob.low, knob.high, step=knob.step, **bind(prefix + knob.name, knob.default), help=knob.help
        )
    follow_strategy_steps(prefix, strategy)
    st.slider(
        "Follow my genres",
        0.0,
        1.0,
        step=0.05,
        **bind(prefix + "calibration", CALIBRATION, on_change=lambda: put(prefix + CALIBRATION_FOLLOWS, False)),
        help="Calibration: 0 lists by score alone; higher values keep the list's genres in the proportions of the "
        "history's (and prefer videos in the genres it watches), trading a little relevance for a list that "
        "looks like the person.",
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
    return Choice(
        strategy,
        int(get(prefix + "k")),
        float(get(prefix + "diversity")),
        float(get(prefix + "calibration")),
        chosen_strategy(prefix)[1],
    )


def chosen_strategy(prefix: str = "", default: DefaultStrategy | None = None) -> tuple[str, StrategyParams]:
    """The strategy and its knobs as the studio (or the A/B side `prefix`) last set them; other pages read this."""
    follow_default(prefix, default)
    params = StrategyParams(**{name: float(get(prefix + name, knob.default)) for name, knob in KNOBS.items()})
    return str(get(prefix + "strategy", DEFAULTS["strategy"])), params


def chosen_calibration(prefix: str = "") -> float | None:
    """The calibration the studio last set (None: the strategy's own)."""
    if get(prefix + CALIBRATION_FOLLOWS, True):
        return None
    value = get(prefix + "calibration")
    return None if value is None else float(value)


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
