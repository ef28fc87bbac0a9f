"""EASE on a checkerboard whose right answer is known, and its λ chosen on training data only."""

from __future__ import annotations

import numpy as np
import pytest

from vidrec_core.learn.collaborative import (
    EASE,
    EaseTooLarge,
    _symmetric_inverse,
    choose_regularisation,
    user_item_matrix,
)

# Users 0-9 watch items 0-3, users 10-19 items 4-7; item 8 is in the catalog but nobody watched it.
CHECKERBOARD = [[0, 1, 2, 3]] * 10 + [[4, 5, 6, 7]] * 10
N_ITEMS = 9


def test_scores_stay_inside_the_block_and_unseen_items_score_zero():
    model = EASE(regularisation=1.0).fit(user_item_matrix(CHECKERBOARD, N_ITEMS))
    scores = model.scores(user_item_matrix([[0, 1]], N_ITEMS))[0]
    assert min(scores[2], scores[3]) > max(scores[4:8].max(), 0.0)
    assert scores[8] == 0 and not model.known_[8] and model.known_[:8].all()


def test_weights_are_the_closed_form_least_squares_solution():
    model = EASE(regularisation=5.0).fit(user_item_matrix(CHECKERBOARD, N_ITEMS))
    x = user_item_matrix(CHECKERBOARD, N_ITEMS).toarray()[:, :8].astype(np.float64)
    b = model.weights_.astype(np.float64)
    assert np.allclose(np.diag(b), 0.0)
    # Stationarity of ||X - XB||² + λ||B||² with diag(B) = 0: off-diagonal gradient entries vanish.
    gradient = -2 * x.T @ (x - x @ b) + 2 * 5.0 * b
    off = ~np.eye(8, dtype=bool)
    assert np.abs(gradient[off]).max() < 1e-3


def test_refuses_more_items_than_it_may_hold():
    with pytest.raises(EaseTooLarge):
        EASE(max_items=4).fit(user_item_matrix(CHECKERBOARD, N_ITEMS))


def test_scores_before_fit_say_so():
    with pytest.raises(RuntimeError, match="fit"):
        EASE().scores(user_item_matrix([[0]], N_ITEMS))


def test_regularisation_is_chosen_from_the_grid_on_training_histories():
    rng = np.random.default_rng(0)
    histories = [rng.permutation(4) + 4 * (u % 2) for u in range(40)]
    choice = choose_regularisation(histories, 8, grid=(1.0, 10.0, 1000.0))
    assert choice.regularisation in (1.0, 10.0, 1000.0)
    assert set(choice.ndcg) == {1.0, 10.0, 1000.0} and choice.users == 40
    assert choice.ndcg[choice.regularisation] == max(choice.ndcg.values())


def test_the_cholesky_inverse_matches_the_general_inverse_and_falls_back_when_not_positive_definite():
    rng = np.random.default_rng(1)
    x = rng.random((30, 12))
    spd = x.T @ x + 3.0 * np.eye(12)
    assert np.allclose(_symmetric_inverse(spd.copy()), np.linalg.inv(spd))
    indefinite = np.diag([2.0, -1.0, 4.0])  # Cholesky fails on it; the general inverse still exists
    assert np.allclose(_symmetric_inverse(indefinite.copy()), np.diag([0.5, -1.0, 0.25]))


def test_weights_are_row_major_float32():
    """scipy's sparse @ dense copies a matrix of any other layout on every call (27 ms per answer on the sample)."""
    model = EASE(regularisation=5.0).fit(user_item_matrix(CHECKERBOARD, N_ITEMS))
    assert model.weights_.dtype == np.float32 and model.weights_.flags["C_CONTIGUOUS"]
