"""Training the learned adapter (torch, CPU is enough): prefixes of each history predict its next positive.

`train` returns plain numpy weights and a summary; `vidrec_core.learn.adapter.LearnedModel.fit` wraps them. torch is
imported only here and only when training runs, so the app's inference never needs it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from vidrec_core.core.errors import Cancelled
from vidrec_core.learn.config import LearnedConfig, LearnedModelError, LearnProgress

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
    should_stop: Callable[[], bool] | None = None,
) -> tuple[dict[str, np.ndarray | None], dict]:
    """Fit the adapter on training sequences (item rows, oldest first); returns its numpy weights and a summary of
    the run. Seeded: same inputs, same weights. `should_stop` is asked between epochs (raises `Cancelled`)."""
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
        if should_stop is not None and should_stop():
            raise Cancelled(f"Training stopped after {epoch} of {config.epochs} epochs; nothing was kept.")
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
    return weights, asdict(summary)
