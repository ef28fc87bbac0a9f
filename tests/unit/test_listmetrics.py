"""The list figures above the studio's cards, on lists whose right answer is known."""

from __future__ import annotations

import numpy as np

from vidrec_core.rank.listmetrics import genre_spread, intra_list_diversity


def test_genre_spread_counts_bits_and_a_single_genre_is_a_plain_zero():
    assert genre_spread([["Drama"], ["Comedy"]]) == 1.0
    one_genre = genre_spread([["Drama"], ["Drama"], ["Drama"]])
    assert f"{one_genre:.2f}" == "0.00"  # not "-0.00", as the page showed for a list of one genre


def test_diversity_of_identical_videos_is_a_plain_zero():
    vector = np.full((1, 3), 1 / np.sqrt(3), dtype=np.float32)
    assert f"{intra_list_diversity(np.repeat(vector, 4, axis=0)):.2f}" == "0.00"
    assert intra_list_diversity(np.eye(3, dtype=np.float32)) == 1.0
