"""The catalog's words and names as sparse vectors: BM25 per field (text, tags, each people/creator field) and TF-IDF.

A sentence encoder blurs exact evidence: two films by the same director, or with the same lead actor, are not
necessarily close in meaning, yet they are what a viewer follows. So names are kept as whole tokens ("Christopher
Nolan" is one token, never "Christopher" + "Nolan"), scored with BM25 (as `bm25s` scores, `bm25_weights`), beside the
dense model.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import logging
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from vidrec_core.core.paths import SAMPLE_CUTS
from vidrec_core.data.schema import Catalog
from vidrec_core.embed.store import text_hash

# The people/creator fields a catalog may have (canonical columns), in the order they are shown.
PEOPLE_FIELDS = ("director", "cast", "creator")
_NAME_SPLIT = re.compile(r"\s*(?:[,;|/]|\band\b|&)\s*", re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W\d_][\w'-]*[^\W_]|[^\W\d_]", re.UNICODE)


def _identity(doc: list[str]) -> list[str]:
    return doc


_NON_WORD = re.compile(r"\W+")


def person_key(name: str) -> str:
    """One token per person: case and accents folded, everything but letters and digits joined by '_'.

    ASCII names skip the Unicode folding (it changes nothing in ASCII); `person_keys` remembers the names of one
    build: the sample's 60,000 cast, crew and keyword cells took 0.9 s of a cold start's first list, most of them
    names seen before."""
    text = str(name)
    if text.isascii():
        text = text.casefold()
    else:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return _NON_WORD.sub("_", text).strip("_")


def person_keys(cells: Iterable[Iterable[str]]) -> list[list[str]]:
    """Each cell's names as person keys, each distinct name keyed once (a plain dict of strings, dropped after the
    build: nothing long-lived for the garbage collector to walk)."""
    keys: dict[str, str] = {}
    out = []
    for names in cells:
        row = []
        for name in names:
            key = keys.get(name)
            if key is None:
                key = keys[name] = person_key(name)
            row.append(key)
        out.append(row)
    return out


def split_names(value: object) -> list[str]:
    """A people cell as a list of names: lists stay lists; a string is split on , ; | / & and 'and'."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, np.ndarray)):
        items: Iterable[object] = value
    else:
        if isinstance(value, float) and np.isnan(value):
            return []
        items = _NAME_SPLIT.split(str(value))
    return [str(item).strip() for item in items if str(item).strip()]


@functools.cache
def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def words(text: str) -> list[str]:
    """The words of a text, lower-cased: jieba cuts Chinese runs into words, a word pattern reads the rest. The one
    word splitter: retrieval (`tokenize`) and cluster naming (`explore.naming`) filter its output their own way."""
    text = str(text)
    if _CJK.search(text):
        pieces = [w.strip().lower() for w in jieba_cut(text)]
        return [w for w in pieces if w and (_CJK.search(w) or _WORD.fullmatch(w))]
    return _WORD.findall(text.lower())


def jieba_cut(text: str) -> list[str]:
    """jieba's cut of a text: the stored cut for the sample's texts, else jieba's own. Loading jieba's dictionary
    takes about a second, for the sample's two overviews with Chinese in them, on every cold start."""
    stored = _stored_cuts().get(text_hash(text))
    if stored is not None:
        return list(stored)
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba.lcut(text)


@functools.cache
def _stored_cuts() -> dict[str, list[str]]:
    """The shipped cuts (`scripts/cut_sample_texts.py`), by text hash: used only with the jieba they were made with,
    since another version's dictionary may cut differently."""
    try:
        stored = json.loads(SAMPLE_CUTS.read_text(encoding="utf-8"))
        if stored["jieba"] != importlib.metadata.version("jieba"):
            return {}
        return {h: list(cut) for h, cut in stored["cuts"].items()}
    except (OSError, ValueError, KeyError, TypeError, importlib.metadata.PackageNotFoundError):
        return {}


def tokenize(text: str) -> list[str]:
    """Words for retrieval: English stop words and one-letter words dropped (a Chinese character stays)."""
    stop = _stop_words()
    return [w for w in words(text) if w not in stop and (len(w) > 1 or _CJK.match(w))]


@dataclass(frozen=True)
class FieldIndex:
    """BM25 over one field. `weights` (documents x vocabulary) holds each term's BM25 score in each document, so
    a query's scores are one sparse product; `counts` holds each document's own terms, to build queries from
    history videos."""

    name: str
    vocabulary: dict[str, int]
    weights: sp.csr_matrix
    counts: sp.csr_matrix

    @property
    def empty(self) -> bool:
        return self.weights.nnz == 0

    def query_from_rows(self, rows: Sequence[Sequence[int]]) -> sp.csr_matrix:
        """One query per history: the summed terms of its videos (a name in three of them counts three times)."""
        n = len(rows)
        flat = np.fromiter((r for group in rows for r in group), dtype=np.int64)
        owner = np.repeat(np.arange(n), [len(group) for group in rows])
        pick = sp.csr_matrix((np.ones(len(flat), np.float32), (owner, flat)), shape=(n, self.counts.shape[0]))
        return (pick @ self.counts).tocsr()

    def query_from_tokens(self, tokens: Sequence[str]) -> sp.csr_matrix:
        ids = [self.vocabulary[t] for t in tokens if t in self.vocabulary]
        data = np.ones(len(ids), dtype=np.float32)
        return sp.csr_matrix((data, (np.zeros(len(ids), dtype=np.int64), ids)), shape=(1, len(self.vocabulary)))

    def scores(self, queries: sp.csr_matrix, candidates: np.ndarray | None = None) -> np.ndarray:
        """BM25 of every candidate document for every query: dense (queries x candidates)."""
        columns = self.columns if candidates is None else self.weights[candidates].T.tocsr()
        return np.asarray((queries @ columns).todense(), dtype=np.float32)

    @cached_property
    def columns(self) -> sp.csr_matrix:
        """The weights transposed once (vocabulary x documents), for scoring the whole catalog query by query."""
        return self.weights.T.tocsr()

    @staticmethod
    def build(name: str, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> FieldIndex:
        vocabulary: dict[str, int] = {}
        for doc in documents:
            for token in doc:
                vocabulary.setdefault(token, len(vocabulary))
        n_docs = len(documents)
        lengths = np.array([len(d) for d in documents], dtype=np.int64)
        rows = np.repeat(np.arange(n_docs), lengths)
        cols = np.fromiter((vocabulary[t] for d in documents for t in d), dtype=np.int64, count=len(rows))
        counts = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(n_docs, len(vocabulary)))
        counts.sum_duplicates()
        if not vocabulary:
            return FieldIndex(name, vocabulary, sp.csr_matrix((n_docs, 0), dtype=np.float32), counts)
        return FieldIndex(name, vocabulary, bm25_weights(counts, lengths, k1, b), counts)


def bm25_weights(counts: sp.csr_matrix, lengths: np.ndarray, k1: float, b: float) -> sp.csr_matrix:
    """Each term's BM25 score in each document (Lucene's idf), as `bm25s.BM25.build_index_from_ids` computes it, bit
    for bit: the same float64 arithmetic, element by element, rounded to float32 (tests/unit/test_lexical_bm25.py
    holds bm25s to it). Whole arrays instead of bm25s' loop over documents, and no numba import: about half a second
    of a cold start's first list. `counts`: canonical (documents x vocabulary) term counts; `lengths`: tokens per
    document."""
    n_docs = counts.shape[0]
    average = lengths.mean()  # float64, as bm25s takes it
    frequency = np.bincount(counts.indices, minlength=counts.shape[1])  # documents holding each term
    seen, term_seen = np.unique(frequency, return_inverse=True)
    idf_seen = np.array([math.log(1 + (n_docs - df + 0.5) / (df + 0.5)) for df in seen.tolist()])  # Python floats
    idf = idf_seen[term_seen].astype(np.float32)
    norm = k1 * ((1 - b) + b * lengths / average)  # per document
    tf = counts.data.astype(np.float64)
    tfc = tf / (np.repeat(norm, np.diff(counts.indptr)) + tf)
    scores = (idf[counts.indices].astype(np.float64) * tfc).astype(np.float32)
    return sp.csr_matrix((scores, counts.indices.copy(), counts.indptr.copy()), shape=counts.shape)


class LexicalIndex:
    """Every sparse view of one catalog, built once (a second or two for the sample) and read-only after."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog

    def warm(self) -> LexicalIndex:
        """Build now what every fusion answer reads (the words' TF-IDF, the people and keyword indexes, the genres,
        the names' first words), rather than on a first answer: the app does it on a thread while the viewing model
        is fitted, whose matrix inverse leaves Python's interpreter lock free."""
        _ = self.tfidf, self.people, self.person_vocabulary, self.keywords, self.genres
        return self

    @cached_property
    def text_tokens(self) -> list[list[str]]:
        return [tokenize(text) for text in self.catalog.texts]

    @cached_property
    def text(self) -> FieldIndex:
        """BM25 over the text the language model reads."""
        return FieldIndex.build("text", self.text_tokens)

    @cached_property
    def _tfidf_fitted(self):
        from sklearn.feature_extraction.text import TfidfVectorizer

        for min_df in (2, 1):  # a tiny catalog may have no word in two documents
            vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=min_df, dtype=np.float32)
            try:
                return vectorizer, vectorizer.fit_transform(self.text_tokens).tocsr()
            except ValueError:
                continue
        return None, sp.csr_matrix((len(self.catalog), 0), dtype=np.float32)

    @property
    def tfidf(self) -> sp.csr_matrix:
        """L2-normalised TF-IDF rows of the embedded text (sublinear tf), for cosine word overlap."""
        return self._tfidf_fitted[1]

    def tfidf_of(self, texts: Sequence[str]) -> sp.csr_matrix:
        """TF-IDF rows for typed texts, in the catalog's vocabulary (unknown words are dropped)."""
        vectorizer = self._tfidf_fitted[0]
        if vectorizer is None:
            return sp.csr_matrix((len(texts), 0), dtype=np.float32)
        return vectorizer.transform([tokenize(t) for t in texts]).tocsr()

    def _names(self, field: str) -> list[list[str]]:
        frame = self.catalog.frame
        if field not in frame.columns:
            return [[] for _ in range(len(frame))]
        return person_keys(split_names(v) for v in frame[field])

    @cached_property
    def people(self) -> dict[str, FieldIndex]:
        """One BM25 index per people/creator field the catalog fills, and "people" for all of them together."""
        out: dict[str, FieldIndex] = {}
        combined: list[list[str]] = [[] for _ in range(len(self.catalog))]
        for field in PEOPLE_FIELDS:
            names = self._names(field)
            if any(names):
                out[field] = FieldIndex.build(field, names)
                for doc, more in zip(combined, names, strict=True):
                    doc.extend(more)
        if out:
            out["people"] = FieldIndex.build("people", combined)
        return out

    @cached_property
    def keywords(self) -> FieldIndex:
        frame = self.catalog.frame
        return FieldIndex.build("keywords", person_keys(frame["keywords"]))

    @cached_property
    def genres(self) -> sp.csr_matrix:
        """One-hot genres, L2-normalised, weighted by inverse frequency (a rare genre says more)."""
        frame = self.catalog.frame
        onehot = self.catalog.genre_presence
        idf = np.log((1 + len(frame)) / (1 + np.asarray(onehot.sum(axis=0)).ravel())) + 1
        weighted = onehot @ sp.diags(idf.astype(np.float32))
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return (sp.diags(1.0 / norms) @ weighted).tocsr().astype(np.float32)

    @cached_property
    def person_vocabulary(self) -> dict[str, list[str]]:
        """Person keys by their first word, to find names inside typed text ("films by christopher nolan")."""
        out: dict[str, list[str]] = {}
        for index in self.people.values():
            for key in index.vocabulary:
                first = key.split("_", 1)[0]
                out.setdefault(first, []).append(key)
        return out

    def names_in_text(self, text: str) -> list[str]:
        """Person keys named in a typed line: every run of 1-4 words that is a known name."""
        words = [person_key(w) for w in re.findall(r"[\w'-]+", text)]
        words = [w for w in words if w]
        found: list[str] = []
        for start, word in enumerate(words):
            for key in self.person_vocabulary.get(word, ()):
                size = key.count("_") + 1
                if "_".join(words[start : start + size]) == key and key not in found:
                    found.append(key)
        return found
