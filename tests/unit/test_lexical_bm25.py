"""The words index's BM25 weights are bm25s' own, bit for bit, without bm25s at run time."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from vidrec_core.data.lexical import PEOPLE_FIELDS, FieldIndex, LexicalIndex, person_key
from vidrec_core.data.load import open_catalog


def bm25s_weights(documents: list[list[str]], vocabulary: dict[str, int], k1: float, b: float) -> sp.csr_matrix:
    """What the index was built with before 2026-12-06: bm25s' `build_index_from_ids`."""
    import bm25s

    ids = [[vocabulary[t] for t in doc] for doc in documents]
    scores = bm25s.BM25(k1=k1, b=b).build_index_from_ids(list(range(len(vocabulary))), ids, show_progress=False)
    shape = (len(documents), len(vocabulary))
    return sp.csc_matrix((scores["data"], scores["indices"], scores["indptr"]), shape=shape).tocsr().astype(np.float32)


def assert_same(ours: FieldIndex, documents: list[list[str]], k1: float = 1.2, b: float = 0.75) -> None:
    theirs = bm25s_weights(documents, ours.vocabulary, k1, b)
    assert ours.weights.dtype == np.float32 and ours.weights.shape == theirs.shape
    assert np.array_equal(ours.weights.indptr, theirs.indptr)
    assert np.array_equal(ours.weights.indices, theirs.indices)
    assert np.array_equal(ours.weights.data, theirs.data)  # bit for bit, not approximately


def test_the_samples_fields_score_as_bm25s_scores_them():
    lexical = LexicalIndex(open_catalog(None))
    combined: list[list[str]] = [[] for _ in range(len(lexical.catalog))]
    for field in PEOPLE_FIELDS:
        if field in lexical.people:
            names = lexical._names(field)
            assert_same(lexical.people[field], names)
            for doc, more in zip(combined, names, strict=True):
                doc.extend(more)
    assert_same(lexical.people["people"], combined)
    assert_same(lexical.keywords, [[person_key(k) for k in ks] for ks in lexical.catalog.frame["keywords"]])
    assert_same(lexical.text, lexical.text_tokens)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_corpora_score_as_bm25s_scores_them(seed):
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(300)]
    documents = [[str(w) for w in rng.choice(words, size=int(rng.integers(0, 40)))] for _ in range(500)]
    documents[3] = []  # a document with no words
    for k1, b in ((1.2, 0.75), (1.5, 0.3), (0.9, 1.0)):
        assert_same(FieldIndex.build("f", documents, k1=k1, b=b), documents, k1, b)
