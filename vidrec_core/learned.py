"""The learned strategy: a small adapter trained on top of the frozen catalog embeddings.

The seed article's second step is to "pre-train on user data so the model learns personal interests". Fine-tuning the
text encoder is out of reach on a CPU; this module keeps the encoder frozen and learns, from interaction histories
only, a small model on top of it (in the spirit of UniSRec's text-based adapters):

- item side: `e_i = x_i A + r_i` and `b_i = x_i . w + c + d_i`, where `x_i` is the video's frozen text vector, `A`
  and `w` are shared by every video (they read text) and `r_i`, `d_i` are per-video residuals learnt only for videos
  that appear in the training interactions. A video nobody has interacted with keeps `r_i = 0`, `d_i = 0`: it is
  scored from its text alone, which is what keeps cold start alive;
- user side: the history's text vectors through `B`, pooled with learnt weights per recency position (optionally a
  small attention), so searches and typed interests work as well as watched titles;
- score: `s * <u, e_i> + b_i`, trained to predict each history's next positive from the events before it, with a
  softmax over every video seen in training (items already in the prefix are masked out, as the evaluation excludes
  a user's history from the ranking);
- optionally blended at inference with item-kNN (z-scores), the collaborative signal it complements.

Training needs torch (CPU is enough: a few minutes on the sample); inference is plain numpy, so the app's edit loop
stays fast and needs no gradients. An artefact (`.npz`) holds the weights, the config, a training summary and the
catalog digest and encoder id it was trained for; loading it for another catalog or encoder is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

import numpy as np

from vidrec_core.core.atomic import atomic_path
from vidrec_core.core.settings import LEARNED_MODEL, learned_model_path
from vidrec_core.core.vectors import zscore
from vidrec_core.errors import VidrecError
from vidrec_core.paths import SAMPLE_DIR

ARTEFACT_VERSION = 1
SHIPPED_DIR = SAMPLE_DIR / "learned"
LearnProgress = Callable[[str], None]


class LearnedModelError(VidrecError):
    """A learned-model artefact cannot be used (missing, damaged, or trained for another catalog or encoder)."""


def shipped_artefact_path(encoder: str = "minilm") -> Path:
    """Where the artefact trained on MovieLens for the sample catalog and this encoder (id or short name) lives."""
    from vidrec_core.embed import MINILM_ID, MULTILINGUAL_ID, model_slug

    short = {MINILM_ID: "minilm", MULTILINGUAL_ID: "multilingual"}.get(encoder, encoder)
    return SHIPPED_DIR / f"{model_slug(short)}_movielens.npz"


@dataclass(frozen=True)
class LearnedConfig:
    """Everything that changes the trained weights (all of it is stored in the artefact and in cache keys)."""

    dim: int = 128  # width of the adapted space
    max_len: int = 50  # the pooling reads the last max_len events
    pooling: str = "position"  # "mean" | "position" (learnt weight per recency position) | "attention"
    text_bias: bool = True  # a popularity prior read from the text (reaches new videos)
    item_bias: bool = True  # a per-video popularity residual (videos seen in training only)
    item_residual: bool = True  # a per-video vector residual (videos seen in training only)
    residual_decay: float = 1e-4  # L2 on the per-video residuals (per example)
    epochs: int = 20
    batch_size: int = 512
    lr: float = 3e-3
    weight_decay: float = 0.0
    dropout: float = 0.2  # on the pooled events
    mask_history: bool = True  # never ask the model to predict a video already in the prefix
    user_balance: float = 0.5  # each user's examples weigh n^-balance (0: every example equal, 1: every user equal)
    knn_weight: float = 0.0  # at inference: share of item-kNN in a z-score blend (0: the adapter alone)
    seed: int = 0

    def validate(self) -> None:
        if self.pooling not in ("mean", "position", "attention"):
            raise LearnedModelError(f"Unknown pooling '{self.pooling}'. Choose mean, position or attention.")
        if self.dim < 1 or self.max_len < 1 or self.epochs < 1 or self.batch_size < 1:
            raise LearnedModelError("dim, max_len, epochs and batch_size must be at least 1.")
        if not 0.0 <= self.knn_weight <= 1.0:
            raise LearnedModelError("knn_weight must lie between 0 and 1.")

    @staticmethod
    def from_dict(data: dict) -> LearnedConfig:
        names = {f.name for f in fields(LearnedConfig)}
        return LearnedConfig(**{k: v for k, v in data.items() if k in names})


# The configuration the shipped artefact and the evaluation use (chosen in the README's "Learned interest mapping"
# experiments): the adapter with per-video residuals, 10 epochs, blended 30% with item-kNN at inference.
SHIPPED_CONFIG = LearnedConfig(epochs=10, knn_weight=0.3)


# --- training examples ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Examples:
    """Every (prefix -> next positive) pair of the training sequences, as padded index arrays."""

    history: np.ndarray  # (n, max_len) item rows of the last events before the target, -1 padded, newest last
    target: np.ndarray  # (n,)
    weight: np.ndarray  # (n,) per-example weight
    seq: np.ndarray  # (n,) which sequence
    pos: np.ndarray  # (n,) target position in its sequence (its prefix is seq[:pos])
    flat: np.ndarray  # all sequences concatenated
    starts: np.ndarray  # each sequence's offset in flat


def build_examples(sequences: Sequence[np.ndarray], max_len: int, user_balance: float) -> Examples:
    seqs = [np.asarray(s, dtype=np.int64) for s in sequences if len(s) >= 2]
    if not seqs:
        raise LearnedModelError("No training history has two or more positives: nothing to learn from.")
    lengths = np.array([len(s) for s in seqs])
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    flat = np.concatenate(seqs)
    seq = np.repeat(np.arange(len(seqs)), lengths - 1)
    pos = np.concatenate([np.arange(1, n) for n in lengths])
    target = flat[starts[seq] + pos]
    offsets = np.arange(-max_len, 0)  # the last max_len positions before the target, oldest first
    idx = pos[:, None] + offsets[None, :]
    history = np.where(idx >= 0, flat[starts[seq][:, None] + np.clip(idx, 0, None)], -1)
    per_user = (lengths - 1).astype(np.float64) ** (-user_balance)
    weight = per_user[seq]
    weight = (weight / weight.mean()).astype(np.float32)
    return Examples(history, target, weight, seq, pos, flat, starts)


def prefix_mask_indices(ex: Examples, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(batch row, item) pairs of every video in each example's prefix (not just the last max_len)."""
    counts = ex.pos[rows]
    batch_rows = np.repeat(np.arange(len(rows)), counts)
    first = np.repeat(ex.starts[ex.seq[rows]], counts)
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return batch_rows, ex.flat[first + within]


# --- the model ------------------------------------------------------------------------------------------------------


def resolve_device(device: str) -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise LearnedModelError("--device cuda was asked for but no CUDA GPU is available; use --device auto or cpu.")
    if device not in ("cpu", "cuda"):
        raise LearnedModelError(f"Unknown device '{device}'. Choose cpu, cuda or auto.")
    return device


def _make_module(config: LearnedConfig, in_dim: int, n_items: int):
    import torch
    from torch import nn

    class Adapter(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            d = config.dim
            generator = torch.Generator().manual_seed(config.seed)
            if d == in_dim:
                start = torch.eye(in_dim)
            else:  # a random orthonormal projection: scores start as cosine in a smaller space
                side = max(d, in_dim)
                q, _ = torch.linalg.qr(torch.randn(side, side, generator=generator))
                start = q[:in_dim, :d] * math.sqrt(side / d)
            self.item_map = nn.Parameter(start.clone())
            self.user_map = nn.Parameter(start.clone())
            self.position = nn.Parameter(torch.zeros(config.max_len))
            self.query = nn.Parameter(torch.zeros(d))
            self.log_scale = nn.Parameter(torch.tensor(math.log(10.0)))
            self.text_bias = nn.Parameter(torch.zeros(in_dim))
            self.bias0 = nn.Parameter(torch.zeros(()))
            self.item_bias = nn.Parameter(torch.zeros(n_items))
            self.item_residual = nn.Parameter(torch.zeros(n_items, d))

        def items(self, x: torch.Tensor, known: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            e = x @ self.item_map
            b = self.bias0.expand(x.shape[0]).clone()
            if config.text_bias:
                b = b + x @ self.text_bias
            if config.item_residual:
                e = e + self.item_residual * known[:, None]
            if config.item_bias:
                b = b + self.item_bias * known
            return e, b

        def users(self, hist_x: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
            """Pooled history. Pooling is linear, so the raw text vectors (constants) are pooled first and mapped
            once: no gradient ever flows through the (n, L, dim) gather, which keeps a CPU epoch to seconds."""
            if self.training and config.dropout > 0:  # drop whole events, so no single one is relied on
                valid = valid & (torch.rand(valid.shape, device=valid.device) >= config.dropout)
            logits = torch.zeros(valid.shape, device=hist_x.device)
            if config.pooling in ("position", "attention"):
                logits = logits + self.position[None, :]
            if config.pooling == "attention":
                logits = logits + hist_x @ (self.user_map @ self.query) / math.sqrt(self.user_map.shape[1])
            weights = torch.softmax(logits.masked_fill(~valid, -1e9), dim=1) * valid
            return torch.einsum("nl,nld->nd", weights, hist_x) @ self.user_map

    return Adapter()


@dataclass
class TrainSummary:
    examples: int
    sequences: int
    known_items: int
    epochs: int
    seconds: float
    final_loss: float
    device: str
    losses: list[float] = field(default_factory=list)


def train(
    sequences: Sequence[np.ndarray],
    item_vectors: np.ndarray,
    config: LearnedConfig | None = None,
    progress: LearnProgress | None = None,
    device: str = "cpu",
    catalog_digest: str = "",
    encoder: str = "",
) -> LearnedModel:
    """Fit the adapter on training sequences (item rows, oldest first). Seeded: same inputs, same weights."""
    import torch

    config = config or LearnedConfig()
    config.validate()
    say = progress or (lambda _message: None)
    dev = resolve_device(device)
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    started = time.perf_counter()
    n_items, in_dim = item_vectors.shape
    ex = build_examples(sequences, config.max_len, config.user_balance)
    counts = np.bincount(ex.flat, minlength=n_items)
    known_np = counts > 0
    x = torch.from_numpy(np.ascontiguousarray(item_vectors, dtype=np.float32)).to(dev)
    known = torch.from_numpy(known_np.astype(np.float32)).to(dev)
    # Padding row (index n_items) is zeros, so -1 in the history picks it.
    x_padded = torch.cat([x, torch.zeros(1, in_dim, device=dev)])
    module = _make_module(config, in_dim, n_items).to(dev)
    optimiser = torch.optim.Adam(module.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    unknown_logit = torch.where(known > 0, 0.0, -1e9)
    n = len(ex.target)
    batches = math.ceil(n / config.batch_size)
    total_steps = batches * config.epochs
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=config.lr, total_steps=total_steps)
    history_t = torch.from_numpy(np.where(ex.history < 0, n_items, ex.history)).to(dev)
    target_t = torch.from_numpy(ex.target).to(dev)
    weight_t = torch.from_numpy(ex.weight).to(dev)
    losses: list[float] = []
    say(
        f"training on {n:,} next-item examples from {len(set(ex.seq.tolist())):,} histories, "
        f"{int(known_np.sum()):,} videos seen, device {dev}"
    )
    module.train()
    for epoch in range(config.epochs):
        order = rng.permutation(n)
        total, weight_sum = 0.0, 0.0
        for b in range(batches):
            rows = order[b * config.batch_size : (b + 1) * config.batch_size]
            rows_t = torch.from_numpy(rows).to(dev)
            hist = history_t[rows_t]
            e, bias = module.items(x, known)
            u = module.users(x_padded[hist], hist < n_items)
            logits = torch.exp(module.log_scale) * (u @ e.T) + bias[None, :] + unknown_logit[None, :]
            if config.mask_history:
                br, bi = prefix_mask_indices(ex, rows)
                mask = torch.zeros_like(logits, dtype=torch.bool)
                mask[torch.from_numpy(br).to(dev), torch.from_numpy(bi).to(dev)] = True
                mask[torch.arange(len(rows), device=dev), target_t[rows_t]] = False  # a re-watch stays a target
                logits = logits.masked_fill(mask, -1e9)
            loss_each = torch.nn.functional.cross_entropy(logits, target_t[rows_t], reduction="none")
            w = weight_t[rows_t]
            loss = (loss_each * w).sum() / w.sum()
            if config.residual_decay > 0:
                loss = loss + config.residual_decay * (
                    module.item_residual.pow(2).sum() + module.item_bias.pow(2).sum()
                ) / max(1, int(known_np.sum()))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float((loss_each.detach() * w).sum())
            weight_sum += float(w.sum())
        losses.append(total / weight_sum)
        say(f"epoch {epoch + 1}/{config.epochs}: loss {losses[-1]:.4f} ({time.perf_counter() - started:.0f} s)")
    module.eval()
    weights = {
        "item_map": module.item_map.detach().cpu().numpy(),
        "user_map": module.user_map.detach().cpu().numpy(),
        "position": module.position.detach().cpu().numpy(),
        "query": module.query.detach().cpu().numpy(),
        "scale": np.float32(math.exp(float(module.log_scale.detach()))),
        "text_bias": module.text_bias.detach().cpu().numpy() if config.text_bias else np.zeros(in_dim, np.float32),
        "bias0": np.float32(float(module.bias0.detach())),
        "item_bias": (module.item_bias.detach().cpu().numpy() * known_np) if config.item_bias else None,
        "item_residual": (module.item_residual.detach().cpu().numpy() * known_np[:, None])
        if config.item_residual
        else None,
        "known": known_np,
    }
    summary = TrainSummary(
        examples=n,
        sequences=len(set(ex.seq.tolist())),
        known_items=int(known_np.sum()),
        epochs=config.epochs,
        seconds=round(time.perf_counter() - started, 1),
        final_loss=round(losses[-1], 4),
        device=dev,
        losses=[round(v, 4) for v in losses],
    )
    return LearnedModel(weights, config, catalog_digest, encoder, n_items, asdict(summary))


# --- inference (numpy) ----------------------------------------------------------------------------------------------


class LearnedModel:
    """Trained weights plus what they were trained for; scores histories with numpy only."""

    def __init__(
        self,
        weights: dict[str, np.ndarray | None],
        config: LearnedConfig,
        catalog_digest: str,
        encoder: str,
        n_items: int,
        summary: dict | None = None,
    ):
        self.weights = weights
        self.config = config
        self.catalog_digest = catalog_digest
        self.encoder = encoder
        self.n_items = n_items
        self.summary = summary or {}
        self._item_side: tuple[int, np.ndarray, np.ndarray] | None = None

    @property
    def known(self) -> np.ndarray:
        return np.asarray(self.weights["known"], dtype=bool)

    def item_side(self, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(n_items, dim) adapted item vectors and (n_items,) biases; computed once per item matrix."""
        if self._item_side is not None and self._item_side[0] == id(items):
            return self._item_side[1], self._item_side[2]
        if items.shape[0] != self.n_items:
            raise LearnedModelError(
                f"This learned model was trained for {self.n_items:,} videos; the catalog has {items.shape[0]:,}."
            )
        w = self.weights
        e = items @ w["item_map"]
        b = items @ w["text_bias"] + float(w["bias0"])
        if w.get("item_residual") is not None:
            e = e + w["item_residual"]
        if w.get("item_bias") is not None:
            b = b + w["item_bias"]
        e, b = e.astype(np.float32), b.astype(np.float32)
        self._item_side = (id(items), e, b)
        return e, b

    def user_vector(self, vectors: np.ndarray, ages: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Pool a history (oldest first) into the adapted space; `ages` 0 = newest, `weights` per event (kinds)."""
        w = self.weights
        keep = np.argsort(ages, kind="stable")[: self.config.max_len]  # the newest max_len events
        h = vectors[keep] @ w["user_map"]
        logits = np.zeros(len(keep), dtype=np.float64)
        if self.config.pooling in ("position", "attention"):
            logits += w["position"][self.config.max_len - 1 - ages[keep].astype(np.int64).clip(0, None)]
        if self.config.pooling == "attention":
            logits += h @ w["query"] / math.sqrt(h.shape[1])
        share = np.exp(logits - logits.max())
        if weights is not None:
            share = share * np.clip(weights[keep], 0.0, None)
        total = share.sum()
        if total <= 0:
            return np.zeros(h.shape[1], dtype=np.float32)
        return ((share / total) @ h).astype(np.float32)

    def scores(
        self, items: np.ndarray, vectors: np.ndarray, ages: np.ndarray | None = None, weights: np.ndarray | None = None
    ) -> np.ndarray:
        """Relevance of every catalog video for a history given by its event vectors (oldest first)."""
        n = len(vectors)
        if ages is None:
            ages = np.arange(n - 1, -1, -1, dtype=np.float32)
        e, b = self.item_side(items)
        u = self.user_vector(vectors, np.asarray(ages), weights)
        return (float(self.weights["scale"]) * (e @ u) + b).astype(np.float32)

    # --- the artefact -----------------------------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Weights in float16 where it loses nothing that matters (a few MB), metadata as JSON; written atomically."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {}
        for name, value in self.weights.items():
            if value is None:
                continue
            value = np.asarray(value)
            if name == "item_residual":
                value = value.astype(np.float16)
            arrays[name] = value
        meta = {
            "version": ARTEFACT_VERSION,
            "catalog_digest": self.catalog_digest,
            "encoder": self.encoder,
            "n_items": self.n_items,
            "config": asdict(self.config),
            "summary": self.summary,
        }
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
        with atomic_path(path) as tmp, open(tmp, "wb") as handle:
            np.savez_compressed(handle, **arrays)
        return path

    @staticmethod
    def load(path: str | Path, catalog_digest: str | None = None, encoder: str | None = None) -> LearnedModel:
        """Read an artefact; refuse one trained for another catalog or encoder than the ones given."""
        path = Path(path)
        if not path.is_file():
            raise LearnedModelError(f"Learned model not found: {path}. Train one with `python -m vidrec_core train`.")
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(bytes(data["meta"]).decode("utf-8"))
                weights: dict[str, np.ndarray | None] = {k: data[k] for k in data.files if k != "meta"}
        except (OSError, ValueError, KeyError) as exc:
            raise LearnedModelError(f"{path.name} is not a readable learned-model artefact ({exc}).") from exc
        if meta.get("version") != ARTEFACT_VERSION:
            raise LearnedModelError(f"{path.name} has artefact version {meta.get('version')}; retrain it.")
        if catalog_digest is not None and meta["catalog_digest"] != catalog_digest:
            raise LearnedModelError(
                f"{path.name} was trained for another catalog (digest {meta['catalog_digest'][:12]}…, this catalog "
                f"is {catalog_digest[:12]}…). Retrain it for this catalog: python -m vidrec_core train --catalog PATH "
                "--interactions PATH --out PATH"
            )
        if encoder is not None and meta["encoder"] != encoder:
            raise LearnedModelError(
                f"{path.name} was trained on {meta['encoder']} embeddings, not {encoder}. Pick that model or retrain "
                "with --model."
            )
        for name in ("item_residual", "item_bias"):
            if name in weights:
                weights[name] = np.asarray(weights[name], dtype=np.float32)
            else:
                weights[name] = None
        weights["known"] = np.asarray(weights["known"], dtype=bool)
        return LearnedModel(
            weights,
            LearnedConfig.from_dict(meta["config"]),
            meta["catalog_digest"],
            meta["encoder"],
            int(meta["n_items"]),
            meta.get("summary", {}),
        )


# --- finding the model for a catalog --------------------------------------------------------------------------------

NO_MODEL = "No learned model for this catalog and language model: the learned strategy falls back to the mean profile."


@dataclass(frozen=True)
class UnavailableModel:
    """Why no learned model could be used; the strategy shows it and falls back to the mean profile."""

    reason: str


def find_learned_model(catalog_digest: str, catalog_name: str | None, encoder: str) -> LearnedModel | UnavailableModel:
    """The artefact named by VIDREC_LEARNED_MODEL, else the shipped one for the sample catalog and this encoder.

    An artefact trained for another catalog or encoder is refused: its reason is kept for the strategy to show.
    """
    configured = learned_model_path()
    if configured:
        path = configured
    elif catalog_name == "sample":
        path = shipped_artefact_path(encoder)
        if not path.is_file():
            return UnavailableModel(
                f"{NO_MODEL} (none is shipped for {encoder}; train one with python -m vidrec_core train --model ...)"
            )
    else:
        return UnavailableModel(
            f"{NO_MODEL} Train one for this catalog (python -m vidrec_core train --catalog PATH "
            f"--interactions PATH --out PATH) and point {LEARNED_MODEL} at it."
        )
    try:
        return LearnedModel.load(path, catalog_digest=catalog_digest, encoder=encoder)
    except LearnedModelError as exc:
        return UnavailableModel(f"{exc} The learned strategy falls back to the mean profile.")


# --- the strategy ---------------------------------------------------------------------------------------------------


def learned_scores(history, ctx):  # (EmbeddedHistory, StrategyContext) -> ProfileResult
    """The `learned` strategy: the adapter's scores, blended with item-kNN when the model's config asks for it."""
    from vidrec_core.history import EventKind
    from vidrec_core.profile import ONLY_DISLIKES, ProfileResult, event_ages, mean_strategy

    model = ctx.learned
    if not isinstance(model, LearnedModel) or model.n_items != len(ctx.items):
        result = mean_strategy(history, ctx)
        result.notes.append(model.reason if isinstance(model, UnavailableModel) else NO_MODEL)
        return result
    positive = history.positive
    if not positive.any():
        return ProfileResult(scores=np.zeros(len(ctx.items), dtype=np.float32), notes=[ONLY_DISLIKES])
    rows = np.flatnonzero(positive)
    ages_all = event_ages(history.events)
    ages = np.argsort(np.argsort(ages_all[rows], kind="stable"), kind="stable").astype(np.float32)  # recency rank
    scores = model.scores(ctx.items, history.vectors[rows], ages, history.weights[rows])
    result = ProfileResult(scores=scores)
    w = model.config.knn_weight
    if w > 0 and ctx.collaborative is not None:
        index_of = ctx.index_of or {}
        watched = [
            index_of[e.matched_id] for e in history.events if e.kind != EventKind.DISLIKED and e.matched_id in index_of
        ]
        known = ctx.collaborative.known
        if watched and known[watched].any():
            collab = zscore(np.asarray(ctx.collaborative.scores(watched), dtype=np.float32), known)
            collab = np.where(known, collab, 0.0).astype(np.float32)
            if ctx.known_neighbours is not None:
                unknown = np.flatnonzero(~known)
                collab[unknown] = collab[ctx.known_neighbours[unknown]].mean(axis=1)
            own = zscore(scores)
            result.scores = ((1 - w) * own + w * collab).astype(np.float32)
            parts = np.abs((1 - w) * own) + np.abs(w * collab) + 1e-9
            result.collaborative_share = (np.abs(w * collab) / parts).astype(np.float32)
            result.collaborative_known = known
    return result


# --- training for an evaluation split, cached -----------------------------------------------------------------------


def _code_digest() -> str:
    return hashlib.blake2b(Path(__file__).read_bytes(), digest_size=8).hexdigest()


def sequences_digest(sequences: Sequence[np.ndarray], item_vectors: np.ndarray) -> str:
    h = hashlib.blake2b(digest_size=16)
    for s in sequences:
        h.update(np.asarray(s, dtype=np.int64).tobytes())
        h.update(b"|")
    h.update(np.ascontiguousarray(item_vectors[:: max(1, len(item_vectors) // 64)], dtype=np.float32).tobytes())
    return h.hexdigest()


def trained_for_split(
    sequences: Sequence[np.ndarray],
    item_vectors: np.ndarray,
    config: LearnedConfig,
    cache_folder: Path | None,
    catalog_digest: str,
    encoder: str,
    progress: LearnProgress | None = None,
) -> LearnedModel:
    """Train on exactly these sequences (an evaluation split's training data), or reuse the cached weights."""
    key = hashlib.blake2b(
        json.dumps(
            {
                "data": sequences_digest(sequences, item_vectors),
                "config": asdict(replace(config, knn_weight=0.0)),
                "code": _code_digest(),
                "encoder": encoder,
            },
            sort_keys=True,
        ).encode(),
        digest_size=16,
    ).hexdigest()
    path = cache_folder / f"{key}.npz" if cache_folder else None
    if path is not None and path.is_file():
        try:
            model = LearnedModel.load(path)
            model.config = config  # knn_weight is an inference setting, not part of the weights
            return model
        except LearnedModelError:
            pass
    model = train(sequences, item_vectors, config, progress, "cpu", catalog_digest, encoder)
    if path is not None:
        with contextlib.suppress(OSError):  # a read-only data folder only costs the cache
            model.save(path)
    return model
