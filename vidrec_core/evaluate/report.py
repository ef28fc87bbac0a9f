"""Reading a result: tables with intervals written out, and a plain-language reading computed from the numbers."""

from __future__ import annotations

from vidrec_core.core.notice import Notice, whole
from vidrec_core.evaluate.results import VIEWS, Estimate, EvalResult, ResultRow


def _fmt(est: Estimate, digits: int = 3) -> str:
    return f"{est.value:.{digits}f} [{est.low:.{digits}f}, {est.high:.{digits}f}]"


def row_label(row: ResultRow) -> str:
    return row.method if row.encoder == "-" else f"{row.method} ({row.encoder})"


# Below this many new videos, the new-items view's result depends on which videos the seed held out (MovieLens
# 100K, 46-47 new videos: see docs/evaluation.md, "A second log").
FEW_NEW_VIDEOS = 100
VIEW_QUESTIONS = {
    "all": "all users: where does the video each one liked last land?",
    "cold-start": "cold-start users: the video each one liked last was held out as new",
    "new-items": "for videos uploaded today, which viewers should see them?",
    "on-taste": "typed histories: do the lists follow the person's genres, and does a search move them?",
    "audience": "for one video uploaded today, who is its audience: are its real viewers at the top of all users?",
}
TASTE_COLUMNS = {
    "miscalibration": "genre miscalibration (lower is better)",
    "on_taste": "on-taste share",
    "search_response": "search response (picks of 10)",
}


def _diff(row: ResultRow, name: str) -> str:
    est = row.diffs.get(name)
    return f"{est.value:+.3f} [{est.low:+.3f}, {est.high:+.3f}]" if est else "(the default)"


def taste_records(result: EvalResult) -> list[dict[str, object]]:
    """The on-taste view's rows, least miscalibrated first, each metric beside its paired difference from the
    default strategy."""
    k = result.k
    records = []
    for row in sorted(result.view("on-taste"), key=lambda r: r.metrics["miscalibration"].value):
        m = row.metrics
        record: dict[str, object] = {"method": row.method, "encoder": row.encoder, "users": row.users}
        for name, label in TASTE_COLUMNS.items():
            if name in m:
                record[label] = _fmt(m[name], 2)
                record[f"Δ {name.replace('_', ' ')} vs default"] = _diff(row, name)
        record[f"HR@{k} (next title)"] = _fmt(m["hr"])
        records.append(record)
    return records


def audience_records(result: EvalResult) -> list[dict[str, object]]:
    """The audience view's rows, highest AUC first, each metric beside its paired difference from most-active."""
    records = []
    for row in sorted(result.view("audience"), key=lambda r: -r.metrics["auc"].value):
        m, d = row.metrics, row.diffs
        records.append(
            {
                "method": row.method,
                "encoder": row.encoder,
                "Recall@10% of users": _fmt(m["recall"]),
                "AUC": _fmt(m["auc"]),
                "ΔRecall vs most-active": _fmt(d["recall"]) if "recall" in d else "(reference)",
                "ΔAUC vs most-active": _fmt(d["auc"]) if "auc" in d else "(reference)",
            }
        )
    return records


def audience_reading(result: EvalResult) -> list[str]:
    rows = result.view("audience")
    info = result.info.get("views", {}).get("audience", {})
    strategies = [r for r in rows if r.kind == "strategy"]
    if not strategies:
        return []
    best = max(strategies, key=lambda r: r.metrics["auc"].value)
    diff = best.diffs.get("recall")
    said = (
        f"The audience of a new video ({info.get('videos', '?')} held-out videos, each ranking all "
        f"{info.get('users', '?')} users): {row_label(best)} puts {best.metrics['recall'].value:.1%} of its real "
        f"viewers in the top tenth of users, AUC {best.metrics['auc'].value:.3f}"
    )
    if diff is not None:
        said += f"; {_verdict(diff)} the most active viewers first (Recall {_fmt(diff)})"
    return [said + "."]


def table_records(result: EvalResult, view: str) -> list[dict[str, object]]:
    """One flat record per row, intervals written out, for a dataframe or a markdown table."""
    if view == "on-taste":
        return taste_records(result)
    if view == "audience":
        return audience_records(result)
    k = result.k_of(view)
    records = []
    for row in sorted(result.view(view), key=lambda r: -r.metrics["ndcg"].value):
        m = row.metrics
        record: dict[str, object] = {"method": row.method, "encoder": row.encoder, "users": row.users}
        if "recall" in m:
            record[f"Recall@{k}"] = _fmt(m["recall"])
        record |= {
            f"HR@{k}": _fmt(m["hr"]),
            f"NDCG@{k}": _fmt(m["ndcg"]),
            "MRR": _fmt(m["mrr"]),
            "coverage": _fmt(m["coverage"]),
            "diversity": _fmt(m["diversity"]),
        }
        if "novelty" in m:
            record["novelty"] = _fmt(m["novelty"], 2)
        record[f"ΔNDCG@{k} vs best baseline"] = (
            f"{_fmt(row.ndcg_diff)} vs {row.baseline}" if row.ndcg_diff else "(best baseline)"
        )
        records.append(record)
    return records


def markdown_table(result: EvalResult, view: str) -> str:
    records = table_records(result, view)
    if not records:
        return "(no users in this view)"
    header = list(records[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(r[h]) for h in header) + " |" for r in records]
    return "\n".join(lines)


def _verdict(diff: Estimate) -> str:
    if diff.low > 0:
        return "better than"
    if diff.high < 0:
        return "worse than"
    return "not distinguishable from"


def reading(result: EvalResult) -> list[str]:
    """A plain-language reading computed from the numbers: who wins, by how much, and whether it is more than noise."""
    lines: list[str] = []
    for view in VIEWS:
        rows = result.view(view)
        if not rows:
            continue
        if view == "on-taste":
            lines += taste_reading(result)
            continue
        if view == "audience":
            lines += audience_reading(result)
            continue
        k = result.k_of(view)
        users = rows[0].users
        best_row = max(rows, key=lambda r: r.metrics["ndcg"].value)
        if view == "new-items":
            recall = best_row.metrics["recall"].value
            lines.append(
                f"For videos uploaded today, which viewers should see them ({users:,} users ranking only the new "
                f"videos): {row_label(best_row)} ranks highest, NDCG@{k} {best_row.metrics['ndcg'].value:.3f}; "
                f"{recall:.1%} of each viewer's liked new videos are in their top {k}."
            )
        else:
            scope = "all users" if view == "all" else "cold-start users (the held-out video is new to the models)"
            hr = best_row.metrics["hr"].value
            lines.append(
                f"{scope.capitalize()} ({users:,}): {row_label(best_row)} ranks highest, NDCG@{k} "
                f"{best_row.metrics['ndcg'].value:.3f}; it puts the held-out video in the top {k} for {hr:.1%} of "
                "users."
            )
        baseline = next((r.baseline for r in rows if r.baseline), None)
        strategies = [r for r in rows if r.kind == "strategy" and r.ndcg_diff is not None]
        if baseline and strategies:
            best_strategy = max(strategies, key=lambda r: r.metrics["ndcg"].value)
            diff = best_strategy.ndcg_diff
            assert diff is not None
            lines.append(
                f"The best vidrec strategy, {row_label(best_strategy)}, is {_verdict(diff)} the best baseline "
                f"({baseline}): NDCG@{k} differs by {diff.value:+.3f} "
                f"(95% interval {diff.low:+.3f} to {diff.high:+.3f})."
            )
            losing = [r for r in strategies if r.ndcg_diff and r.ndcg_diff.high < 0]
            if losing:
                lines.append(f"{len(losing)} of {len(strategies)} strategy rows score clearly below {baseline} here.")
        elif baseline is None and strategies:
            lines.append("No baseline was run, so the strategies are not compared with one.")
        candidates = result.info.get("views", {}).get(view, {}).get("candidates")
        if view == "new-items" and candidates is not None and candidates < FEW_NEW_VIDEOS:
            lines.append(
                Notice(
                    f"Only {candidates:,} videos were held out as new: which ones moves this view more than its "
                    "intervals show (they resample users, not videos). Measure it again with other random draws "
                    "before trusting an ordering.",
                    "Rerun with other seeds: `vidrec evaluate --seed N`.",
                )
            )
        by_cov = max(rows, key=lambda r: r.metrics["coverage"].value)
        what = "the new videos" if view == "new-items" else "the catalog"
        lines.append(
            f"Widest coverage: {row_label(by_cov)} ({by_cov.metrics['coverage'].value:.1%} of {what} appears in "
            f"someone's top {k})."
        )
    return lines


def taste_reading(result: EvalResult) -> list[str]:
    """The on-taste view in words: the default's three figures, and who does best on each."""
    rows = result.view("on-taste")
    info = result.info.get("views", {}).get("on-taste", {})
    default = next((r.baseline for r in rows if r.baseline), None)
    reference = next((r for r in rows if default and row_label(r) == default), None)
    lines = []
    if reference is not None:
        m = reference.metrics
        said = [f"genre miscalibration {_fmt(m['miscalibration'], 2)}", f"on-taste share {_fmt(m['on_taste'], 2)}"]
        if "search_response" in m:
            response = m["search_response"]
            said.append(
                f"search response {response.value:+.1f} picks of {result.k} [{response.low:+.1f}, {response.high:+.1f}]"
            )
        lines.append(
            f"Typed histories ({reference.users:,} users, their last {info.get('history', '?')} liked titles; "
            f"{info.get('users_with_a_search', '?')} given a search line): the default, {default}, has "
            + ", ".join(said)
            + "."
        )
    best = {
        "miscalibration": min(rows, key=lambda r: r.metrics["miscalibration"].value),
        "on_taste": max(rows, key=lambda r: r.metrics["on_taste"].value),
    }
    lines.append(
        f"Least miscalibrated: {row_label(best['miscalibration'])} "
        f"({best['miscalibration'].metrics['miscalibration'].value:.2f}); most on taste: {row_label(best['on_taste'])} "
        f"({best['on_taste'].metrics['on_taste'].value:.2f})."
    )
    return lines


def format_report(result: EvalResult) -> str:
    """The command line's text output."""
    parts = []
    info = result.info
    if info:
        parts += [*info.get("match_report", []), f"videos held out as new: {info.get('cold_items', 0):,}"]
    for view in VIEWS:
        if result.view(view):
            parts += ["", f"## {view}: {VIEW_QUESTIONS[view]}", markdown_table(result, view)]
    parts += ["", *(whole(line) for line in reading(result))]
    if info.get("seconds") is not None:
        parts.append(f"(computed in {info['seconds']} s on {info.get('created', '?')})")
    return "\n".join(parts)
