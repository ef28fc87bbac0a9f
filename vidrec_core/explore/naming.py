"""Naming groups of videos in plain words: class-based TF-IDF, as BERTopic does, over each video's content words.

The words frequent in one group's texts and rare in the others name it. Chinese text is split into words with jieba
first, so a Chinese catalog gets Chinese keywords.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from vidrec_core.data.lexical import words
from vidrec_core.data.schema import Catalog

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W\d_][\w'-]*[^\W_]|[^\W\d_]", re.UNICODE)
# Words common to every movie blurb; c-TF-IDF already discounts them, this just keeps labels crisper.
_DOMAIN_STOP = {
    "film", "films", "movie", "movies", "story", "stories", "based", "true", "new", "life", "man", "men", "woman",
    "women", "young", "world", "just", "way", "big", "he's", "she's", "it's", "set", "finds", "named", "years",
    "lives", "takes", "gets", "help", "tries", "begins", "comes", "make", "makes", "time", "day", "soon", "old",
}  # fmt: skip
# TMDB production tags that say how a film was made, not what it is about.
_META_TAGS = {
    "woman director", "independent film", "duringcreditsstinger", "aftercreditsstinger", "sequel", "remake",
    "3d", "imax", "based on novel", "based on novel or book", "biography", "based on true story",
}  # fmt: skip
_CHINESE_STOP = {
    "一个", "一部", "一名", "一位", "一些", "一次", "一直", "一起", "他们", "她们", "我们", "你们", "它们", "自己",
    "这个", "那个", "这些", "那些", "这部", "没有", "什么", "因为", "所以", "但是", "然而", "如果", "为了", "可以",
    "已经", "开始", "之后", "之前", "以及", "其中", "还有", "就是", "不是", "这样", "那样", "他的", "她的", "电影",
    "影片", "故事", "讲述", "并且", "由于", "随着", "一场", "一段", "终于", "成为", "发现", "决定",
}  # fmt: skip


def tokenize(text: str) -> list[str]:
    """Content words of one text for naming: Chinese words of two or more characters, other words of three or more
    letters, stop words (English, Chinese and the domain's) dropped."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    out = []
    for token in words(text):
        if _CJK.search(token):
            # Single characters are mostly particles (的, 了, 在); keep words of two or more characters.
            if len(token) >= 2 and token not in _CHINESE_STOP:
                out.append(token)
        elif _WORD.fullmatch(token) and len(token) >= 3 and token not in ENGLISH_STOP_WORDS | _DOMAIN_STOP:
            out.append(token)
    return out


def document_terms(catalog: Catalog) -> list[list[str]]:
    """Terms per video for naming: words of title, tagline and overview, plus each catalog keyword tag whole
    ("time travel"). Genres are left out: they are shown beside the keywords already."""
    frame = catalog.frame
    docs = []
    for title, tagline, overview, keywords in zip(
        frame["title"], frame["tagline"], frame["overview"], frame["keywords"], strict=True
    ):
        text = " ".join(str(part) for part in (title, tagline, overview) if part)
        terms = set(tokenize(text))
        tags = (" ".join(str(k).lower().split()) for k in keywords)
        terms.update(t for t in tags if t and t not in _META_TAGS)
        docs.append(sorted(terms))
    return docs


def ctfidf_keywords(docs: Sequence[Sequence[str]], labels: np.ndarray, top_n: int = 8) -> dict[int, list[str]]:
    """Class-based TF-IDF (BERTopic): tf of a term within a class x log(1 + mean class size / its total count).

    Each video counts a term at most once, so a name repeated in one overview cannot name a whole cluster. Terms
    used by a single video are ignored when the catalog is big enough for that to be noise.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    classes = sorted(set(labels.tolist()))
    if not classes:
        return {}
    min_df = 2 if len(docs) >= 50 else 1
    vectorizer = CountVectorizer(analyzer=lambda terms: terms, binary=True, min_df=min_df)
    try:
        counts = vectorizer.fit_transform(docs)
    except ValueError:  # no term at all (empty texts)
        return {c: [] for c in classes}
    vocab = vectorizer.get_feature_names_out()
    column = {c: i for i, c in enumerate(classes)}
    membership = sparse.csr_matrix(
        (np.ones(len(labels)), (np.array([column[int(lab)] for lab in labels]), np.arange(len(labels)))),
        shape=(len(classes), len(labels)),
    )
    per_class = np.asarray((membership @ counts).todense(), dtype=np.float64)
    term_totals = per_class.sum(axis=0)
    class_words = per_class.sum(axis=1, keepdims=True)
    tf = per_class / np.maximum(class_words, 1.0)
    idf = np.log1p(class_words.mean() / np.maximum(term_totals, 1.0))
    scores = tf * idf
    out: dict[int, list[str]] = {}
    for c, row, raw in zip(classes, scores, per_class, strict=True):
        order = np.argsort(-row, kind="stable")
        out[c] = [str(vocab[i]) for i in order[:top_n] if raw[i] > 0]
    return out
