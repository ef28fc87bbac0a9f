"""An evaluation's result: estimates with their intervals, one row per method and view, kept as JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

EVAL_VERSION = 5
VIEWS = ("all", "cold-start", "new-items", "audience", "on-taste")


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float

    def as_dict(self) -> dict[str, float]:
        return {"value": self.value, "low": self.low, "high": self.high}


@dataclass(frozen=True)
class ResultRow:
    view: str
    method: str
    kind: str  # "baseline" | "strategy"
    encoder: str  # the model for strategies, "-" for baselines
    users: int
    metrics: dict[str, Estimate]
    baseline: str | None = None  # the best baseline of the view this row is compared with
    ndcg_diff: Estimate | None = None  # mean per-user NDCG@k(this) - NDCG@k(baseline)
    seconds: float = 0.0
    # The on-taste and audience views: per metric, the mean paired difference from `baseline` (on taste: the
    # default strategy, per user; audience: the most-active-viewers baseline, per new video)
    diffs: dict[str, Estimate] = field(default_factory=dict)

    def as_dict(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if k not in ("metrics", "ndcg_diff", "diffs")}
        out["metrics"] = {name: est.as_dict() for name, est in self.metrics.items()}
        out["ndcg_diff"] = self.ndcg_diff.as_dict() if self.ndcg_diff else None
        if self.diffs:
            out["diffs"] = {name: est.as_dict() for name, est in self.diffs.items()}
        return out

    @staticmethod
    def from_dict(data: dict) -> ResultRow:
        return ResultRow(
            view=data["view"],
            method=data["method"],
            kind=data["kind"],
            encoder=data["encoder"],
            users=int(data["users"]),
            metrics={name: Estimate(**est) for name, est in data["metrics"].items()},
            baseline=data.get("baseline"),
            ndcg_diff=Estimate(**data["ndcg_diff"]) if data.get("ndcg_diff") else None,
            seconds=float(data.get("seconds", 0.0)),
            diffs={name: Estimate(**est) for name, est in data.get("diffs", {}).items()},
        )


@dataclass(frozen=True)
class EvalResult:
    rows: list[ResultRow]
    settings: dict
    info: dict = field(default_factory=dict)  # data description: source, match report, users, cold items, timings

    @property
    def k(self) -> int:
        return int(self.settings.get("k", 10))

    def k_of(self, view: str) -> int:
        """The list length a view's metrics use: the new-items view ranks with its own k (20 by default)."""
        return int(self.settings.get("new_items_k", 20)) if view == "new-items" else self.k

    def as_dict(self) -> dict:
        return {
            "version": EVAL_VERSION,
            "settings": self.settings,
            "info": self.info,
            "rows": [r.as_dict() for r in self.rows],
        }

    @staticmethod
    def from_dict(data: dict) -> EvalResult:
        return EvalResult(
            rows=[ResultRow.from_dict(r) for r in data["rows"]], settings=data["settings"], info=data.get("info", {})
        )

    def view(self, name: str) -> list[ResultRow]:
        return [r for r in self.rows if r.view == name]
