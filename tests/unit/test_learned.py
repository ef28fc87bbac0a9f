"""The learned strategy on synthetic data whose next item is determined by the previous one."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from vidrec_core.core.vectors import zscore
from vidrec_core.learn.adapter import LearnedModel
from vidrec_core.learn.artefacts import UnavailableModel
from vidrec_core.learn.config import LearnedConfig, LearnedModelError
from vidrec_core.learn.training import build_examples
from vidrec_core.profile import learned as learned_module
from vidrec_core.profile.history import Event, EventKind
from vidrec_core.profile.learned import UNWATCHED_PENALTY
from vidrec_core.profile.registry import STRATEGIES
from vidrec_core.profile.strategies import EmbeddedHistory, StrategyContext

N_ITEMS, DIM, COLD = 40, 16, 8  # the last COLD items never appear in training
CONFIG = LearnedConfig(dim=16, max_len=8, epochs=25, batch_size=128, lr=0.02, dropout=0.0, seed=3)


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Tiny tensors: one thread is faster, and immune to a busy machine's oversubscription."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def world():
    rng = np.random.default_rng(0)
    items = rng.normal(size=(N_ITEMS, DIM)).astype(np.float32)
    items /= np.linalg.norm(items, axis=1, keepdims=True)
    warm = N_ITEMS - COLD
    cycle = rng.permutation(warm)
    successor = np.empty(warm, dtype=np.int64)  # the video watched after video i is always successor[i]
    successor[cycle] = np.roll(cycle, -1)  # one cycle through every warm video: a chain never repeats

    def chains(n, length, seed):
        r = np.random.default_rng(seed)
        out = []
        for start in r.integers(0, warm, n):
            seq = [int(start)]
            while len(seq) < length:
                seq.append(int(successor[seq[-1]]))
            out.append(np.array(seq))
        return out

    return items, successor, chains(150, 6, 1), chains(60, 4, 2)


@pytest.fixture(scope="module")
def model(world):
    items, _, train_seqs, _ = world
    return LearnedModel(CONFIG).fit(train_seqs, items, catalog_digest="digest-a", encoder="fake-encoder")


def history_of(items, rows):
    events = [
        Event(EventKind.WATCHED, f"v{i}", n, matched_id=f"v{i}", matched_title=f"v{i}") for n, i in enumerate(rows)
    ]
    return EmbeddedHistory(events=events, vectors=items[rows])


def hit_rate(items, strategy_ctx, strategy, tests, k=1):
    hits = 0
    for seq in tests:
        scores = STRATEGIES[strategy].score(history_of(items, seq[:-1]), strategy_ctx).scores.copy()
        scores[seq[:-1]] = -np.inf
        hits += int(seq[-1] in np.argsort(-scores)[:k])
    return hits / len(tests)


def test_examples_are_prefixes_and_never_future_items():
    ex = build_examples([np.array([5, 6, 7]), np.array([1])], max_len=3, user_balance=0.0)
    assert ex.target.tolist() == [6, 7]
    assert ex.history.tolist() == [[-1, -1, 5], [-1, 5, 6]]


def test_learns_a_determined_sequence_and_beats_the_mean(world, model):
    items, _, _, tests = world
    ctx = StrategyContext(items=items, learned=model)
    learned = hit_rate(items, ctx, "learned", tests)
    mean = hit_rate(items, ctx, "mean", tests)
    assert learned >= 0.8, learned
    assert learned > mean + 0.5, (learned, mean)


def test_artefact_round_trip(tmp_path, world, model):
    items, _, _, tests = world
    path = model.save(tmp_path / "m.npz")
    assert path.stat().st_size < 200_000
    back = LearnedModel.load(path, catalog_digest="digest-a", encoder="fake-encoder")
    assert back.config == model.config and back.n_items_ == N_ITEMS and back.summary_["epochs"] == CONFIG.epochs
    seq = tests[0][:-1]
    np.testing.assert_allclose(back.scores(items, items[seq]), model.scores(items, items[seq]), atol=2e-2)
    assert np.argmax(back.scores(items, items[seq])) == np.argmax(model.scores(items, items[seq]))


def test_refuses_another_catalog_or_encoder(tmp_path, model):
    path = model.save(tmp_path / "m.npz")
    with pytest.raises(LearnedModelError, match="trained for another catalog"):
        LearnedModel.load(path, catalog_digest="digest-b", encoder="fake-encoder")
    with pytest.raises(LearnedModelError, match="trained on fake-encoder embeddings, not other-encoder"):
        LearnedModel.load(path, catalog_digest="digest-a", encoder="other-encoder")
    with pytest.raises(LearnedModelError, match="not found"):
        LearnedModel.load(tmp_path / "missing.npz")


def test_same_seed_same_weights(world, model):
    items, _, train_seqs, _ = world
    again = LearnedModel(CONFIG).fit(train_seqs, items, catalog_digest="digest-a", encoder="fake-encoder")
    for name in ("item_map", "user_map", "position", "item_residual", "item_bias"):
        np.testing.assert_array_equal(again.weights_[name], model.weights_[name])
    other = LearnedModel(replace(CONFIG, seed=4, epochs=2)).fit(train_seqs, items)
    assert not np.array_equal(other.weights_["item_map"], model.weights_["item_map"])


def test_cold_items_are_scored_from_text_alone(world, model):
    items, _, _, tests = world
    cold = np.arange(N_ITEMS - COLD, N_ITEMS)
    assert not model.known_[cold].any() and model.known_[: N_ITEMS - COLD].all()
    assert not model.weights_["item_residual"][cold].any() and not model.weights_["item_bias"][cold].any()
    w = model.weights_
    seq = tests[0][:-1]
    u = model.user_vector(items[seq], np.arange(len(seq) - 1, -1, -1))
    from_text = float(w["scale"]) * (items[cold] @ w["item_map"] @ u) + items[cold] @ w["text_bias"] + w["bias0"]
    np.testing.assert_allclose(model.scores(items, items[seq])[cold], from_text, rtol=1e-4, atol=1e-4)
    # A new video with the same text as a known one gets that video's text part: text alone places it.
    assert np.isfinite(model.scores(items, items[seq])[cold]).all()


def test_free_text_events_and_fallbacks(world, model):
    items, _, _, _ = world
    typed = EmbeddedHistory(events=[Event(EventKind.INTEREST, "space", 1)], vectors=items[:1])
    assert STRATEGIES["learned"].score(typed, StrategyContext(items=items, learned=model)).scores.shape == (N_ITEMS,)
    missing = STRATEGIES["learned"].score(typed, StrategyContext(items=items))
    assert any("falls back to the mean profile" in n for n in missing.notes)
    refused = STRATEGIES["learned"].score(
        typed, StrategyContext(items=items, learned=UnavailableModel("trained elsewhere"))
    )
    assert refused.notes == ["trained elsewhere"]
    np.testing.assert_allclose(refused.scores, STRATEGIES["mean"].score(typed, StrategyContext(items=items)).scores)


def test_the_evaluation_trains_it_per_view_on_training_data_only(tmp_path, monkeypatch):
    from tests.unit.test_evaluate import planted
    from vidrec_core.evaluate.config import EvalSettings
    from vidrec_core.evaluate.run import evaluate

    monkeypatch.setenv("VIDREC_DATA_DIR", str(tmp_path / "data"))
    log_file, catalog_file, vectors = planted(tmp_path)
    settings = EvalSettings(k=1, bootstrap=50, models=("fake",), methods=("item-knn", "learned"), cold_fraction=0.2)
    # The held-out fit raises LeakError if its model learnt anything about a held-out new video.
    result = evaluate(log_file, catalog_file, settings, vectors={"fake": vectors})
    assert {(r.view, r.method) for r in result.rows} >= {("all", "learned"), ("all", "item-knn")}
    assert {(r.view, r.method) for r in result.rows} >= {("cold-start", "learned"), ("new-items", "learned")}
    # One adapter per training set: the all view's, and the held-out one the cold-start and new-items views share.
    assert len(list((tmp_path / "data" / "cache" / "learned").glob("*.npz"))) == 2


def test_typed_lines_are_read_as_content_and_videos_by_the_adapter(world, model):
    """A history of typed lines only is ranked by closeness in meaning (the adapter never saw sentences); a history
    of videos is exactly the adapter's."""
    items, _, _, tests = world
    ctx = StrategyContext(items=items, learned=model)
    typed = EmbeddedHistory(events=[Event(EventKind.INTEREST, "like v5", 1)], vectors=items[5:6])
    scores = STRATEGIES["learned"].score(typed, ctx).scores
    assert int(np.argmax(scores)) == 5  # the video whose vector the line carries
    assert np.argsort(-scores).tolist() == np.argsort(-STRATEGIES["nearest"].score(typed, ctx).scores).tolist()
    seq = tests[0][:-1]
    videos = STRATEGIES["learned"].score(history_of(items, seq), ctx).scores
    ages = np.arange(len(seq) - 1, -1, -1, dtype=np.float32)
    raw = model.scores(items, items[seq], ages, np.ones(len(seq)))
    expected = zscore(raw - UNWATCHED_PENALTY * raw.std() * ~model.known_)  # no content or log to blend
    np.testing.assert_allclose(videos, expected, rtol=1e-4, atol=1e-5)


def test_a_video_nobody_watched_is_ranked_lower_but_keeps_its_order_among_new_ones(world, model, monkeypatch):
    """The adapter never weighed unwatched videos against watched ones; the log's silence lowers them, and a list of
    new videos only is ranked as before."""
    items, _, _, tests = world
    ctx = StrategyContext(items=items, learned=model)
    cold = ~model.known_
    history = history_of(items, tests[0][:-1])
    penalised = STRATEGIES["learned"].score(history, ctx).scores
    monkeypatch.setattr(learned_module, "UNWATCHED_PENALTY", 0.0)
    plain = STRATEGIES["learned"].score(history, ctx).scores

    def ranks(scores):
        return np.argsort(np.argsort(-scores))

    assert ranks(penalised)[cold].mean() > ranks(plain)[cold].mean()
    assert np.argsort(-penalised[cold]).tolist() == np.argsort(-plain[cold]).tolist()
    assert np.argsort(-penalised[~cold]).tolist() == np.argsort(-plain[~cold]).tolist()


def test_two_unrelated_tastes_of_two_videos_each_get_seats_of_their_own(world, model):
    items, _, _, _ = world
    a = np.array([1.0, 0.0] + [0.0] * (DIM - 2), dtype=np.float32)
    b = np.array([0.0, 1.0] + [0.0] * (DIM - 2), dtype=np.float32)
    vectors = np.stack([a, a * 0.99 + b * 0.01, b, b * 0.99 + a * 0.01])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    events = [Event(EventKind.WATCHED, f"v{i}", i, matched_id=f"v{i}", matched_title=f"v{i}") for i in range(4)]
    result = STRATEGIES["learned"].score(EmbeddedHistory(events, vectors), StrategyContext(items=items, learned=model))
    assert sorted(i.event_rows for i in result.interests) == [(0, 1), (2, 3)]
    assert result.interest_scores.shape == (2, N_ITEMS)
    single = STRATEGIES["learned"].score(
        EmbeddedHistory(events[:3], vectors[:3]), StrategyContext(items=items, learned=model)
    )
    assert single.interests == []  # one video alone is not a taste: it joins no split
