"""The evaluation read from the studio's side: the strategy and language model it runs on the sample by default, how
that does, and, wherever another row scores higher, why the studio still does not run that one.

A result can name a different winner from the studio's default (the multilingual encoder's `learned` did, in an
earlier run). Saying so plainly, with the reason, keeps the Evaluate page and the studio telling one story. The
words are for a product manager; the figures behind them are each line's `Notice.detail`.
"""

from __future__ import annotations

from vidrec_core.core.notice import Notice
from vidrec_core.embed.registry import DEFAULT_ENCODER, ENCODERS
from vidrec_core.evaluate.report import row_label
from vidrec_core.evaluate.results import Estimate, EvalResult, ResultRow
from vidrec_core.learn.artefacts import shipped_artefact_path
from vidrec_core.profile.registry import STRATEGIES, default_strategy

SCORED_VIEWS = ("all", "new-items", "cold-start")  # the views ranked by NDCG (on taste is read separately)
WHAT_IS_FOUND = {
    "all": "the video each person liked last",
    "cold-start": "a liked video new to the models",
    "new-items": "the new videos each viewer went on to like",
}
VIEW_NAMES = {"all": "For all users", "new-items": "For new videos", "cold-start": "For cold-start users"}


def studio_default() -> tuple[str, str]:
    """(strategy, encoder) the studio runs on the sample catalog unless told otherwise: the sample has a viewing log,
    and a trained model when one is shipped for the default encoder (`Recommender.default_strategy` decides the
    same way from what it loaded)."""
    has_model = shipped_artefact_path(DEFAULT_ENCODER).is_file()
    return default_strategy(has_viewing=True, has_model=has_model).name, DEFAULT_ENCODER


def model_words(encoder: str) -> str:
    """A language model as a person reads it: 'MiniLM (English)'."""
    spec = ENCODERS.get(encoder)
    return f"{spec.title} ({spec.languages})" if spec else encoder


def _row(rows: list[ResultRow], method: str, encoder: str) -> ResultRow | None:
    return next((r for r in rows if r.method == method and r.encoder == encoder), None)


def _overlap(a: Estimate, b: Estimate) -> bool:
    return a.low <= b.high and b.low <= a.high


def _figure(view: str, k: int, row: ResultRow) -> str:
    ndcg = row.metrics["ndcg"]
    return f"{row_label(row)} NDCG@{k} {ndcg.value:.3f} [{ndcg.low:.3f}, {ndcg.high:.3f}] ({view})"


def _defaults_elsewhere() -> dict[str, str]:
    """{strategy: the kind of catalog it is the studio's default for}, from the registry's own rule."""
    kinds = {
        "a catalog without a viewing log": (False, False),
        "a catalog with a viewing log but no trained model": (True, False),
    }
    return {default_strategy(*needs).name: kind for kind, needs in kinds.items()}


def why_not(row: ResultRow, strategy: str, encoder: str, default_wins_all: bool) -> str:
    """Why the studio does not run this row by default, as a clause after "because", from what is known about it
    (never a new figure). `default_wins_all`: the default scores above this row for all users."""
    if row.kind == "baseline":
        return (
            "it is a standard method kept for comparison, which ranks from the videos watched alone and cannot read "
            "the searches and sentences a history in the studio holds"
        )
    if row.method == strategy and row.encoder != encoder:
        return (
            f"the studio's language model is {model_words(encoder)}, and {model_words(row.encoder)} is offered for "
            "catalogs in other languages (it can be picked in the sidebar)"
        )
    better = f", and {strategy} does better for all users" if default_wins_all else ""
    elsewhere = _defaults_elsewhere().get(row.method)
    if elsewhere:
        return f"it is the studio's default for {elsewhere}; the sample has a log and a trained model{better}"
    if row.method in STRATEGIES:
        return f"the default is chosen by how well it does for all users{better}; this one is in the strategy menu"
    return "it is not one of the studio's strategies"


def studio_reading(result: EvalResult, strategy: str, encoder: str) -> list[Notice]:
    """The headline (what the studio runs and how it does for all users), then one line per view where another row
    scores higher, and the on-taste leaders set against their accuracy. Empty lines are never returned."""
    runs = f"The studio runs {strategy} with the {model_words(encoder)} language model on the sample catalog"
    all_rows = result.view("all")
    mine = _row(all_rows, strategy, encoder)
    if mine is None:
        return [Notice(f"{runs}; this result has no row for it (run the evaluation to measure it).")]
    lines = [_headline(result, runs, mine)]
    for view in SCORED_VIEWS:
        line = _higher_elsewhere(result, view, strategy, encoder)
        if line:
            lines.append(line)
    taste = _taste_leaders(result, strategy, encoder)
    if taste:
        lines.append(taste)
    return lines


def _headline(result: EvalResult, runs: str, mine: ResultRow) -> Notice:
    k = result.k
    rows = result.view("all")
    best = max(rows, key=lambda r: r.metrics["ndcg"].value)
    share = mine.metrics["hr"].value
    found = f"{WHAT_IS_FOUND['all']} is in its top {k} for {share:.1%} of them"
    against = ""
    if mine.ndcg_diff is not None and mine.baseline:
        diff = mine.ndcg_diff
        verdict = "better than" if diff.low > 0 else "worse than" if diff.high < 0 else "level with"
        against = f" and {verdict} the best standard method ({mine.baseline})"
    detail = _figure("all", k, mine)
    if mine.ndcg_diff is not None:
        d = mine.ndcg_diff
        detail += f"; paired difference with {mine.baseline} {d.value:+.3f} [{d.low:+.3f}, {d.high:+.3f}]"
    if best is mine:
        return Notice(f"{runs}. For all users it ranks highest of every method here{against}: {found}.", detail)
    return Notice(f"{runs}. For all users {found}{against}; another row scores higher (below).", detail)


def _higher_elsewhere(result: EvalResult, view: str, strategy: str, encoder: str) -> Notice | None:
    rows = result.view(view)
    mine = _row(rows, strategy, encoder)
    if mine is None:
        return None
    ours = mine.metrics["ndcg"]
    higher = sorted((r for r in rows if r.metrics["ndcg"].value > ours.value), key=lambda r: -r.metrics["ndcg"].value)
    if not higher:
        return None
    k = result.k_of(view)
    top = higher[0]
    others = f" ({len(higher) - 1} more rows also score above the default here)" if len(higher) > 1 else ""
    chance = (
        " The two are within each other's 95% intervals: the gap may be chance."
        if _overlap(top.metrics["ndcg"], ours)
        else ""
    )
    accuracy = {(r.method, r.encoder): r.metrics["ndcg"].value for r in result.view("all")}
    default_wins_all = accuracy.get((strategy, encoder), 0.0) > accuracy.get((top.method, top.encoder), 0.0)
    words = (
        f"{VIEW_NAMES[view]}, {row_label(top)} finds {WHAT_IS_FOUND[view]} best{others}. The studio does not run it "
        f"by default because {why_not(top, strategy, encoder, default_wins_all)}.{chance}"
    )
    return Notice(words, f"{_figure(view, k, top)} against {_figure(view, k, mine)}")


def _taste_leaders(result: EvalResult, strategy: str, encoder: str) -> Notice | None:
    """On typed histories: the rows that follow a person's genres better than the default, and what they give up in
    accuracy for all users (the figure the default is chosen by)."""
    taste = result.view("on-taste")
    mine = _row(taste, strategy, encoder)
    accuracy = {(r.method, r.encoder): r.metrics["ndcg"] for r in result.view("all")}
    ours = accuracy.get((strategy, encoder))
    if mine is None or ours is None:
        return None
    leaders = {
        "the least miscalibrated": min(taste, key=lambda r: r.metrics["miscalibration"].value),
        "the most on taste": max(taste, key=lambda r: r.metrics["on_taste"].value),
    }
    said, figures = [], []
    for what, row in leaders.items():
        if row is mine or (row.method, row.encoder) not in accuracy:
            continue
        theirs = accuracy[(row.method, row.encoder)]
        if theirs.value >= ours.value:
            continue
        said.append(f"{row_label(row)} is {what}")
        figures.append(f"{row_label(row)} NDCG@{result.k} {theirs.value:.3f} (all)")
    if not said:
        return None
    finds = "both find" if len(said) > 1 else "it finds"
    return Notice(
        f"On typed histories {' and '.join(said)}, but {finds} the video each person liked last less often for all "
        "users, which is what the studio's default is chosen by.",
        "; ".join([*figures, f"{row_label(mine)} {ours.value:.3f}"]),
    )
