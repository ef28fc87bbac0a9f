"""The vector index (LanceDB IVF-PQ) behind retrieval, on a small catalog with fake-encoder vectors: asked to re-score
enough candidates it returns what exact search returns, filters, dislikes, diversity and explanations included; it is
used from VIDREC_INDEX_FROM videos, says when it is missing, and the command line builds and uses it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# The test command installs requirements-scale.txt: a missing scale dependency fails here, never skips.
import lancedb  # noqa: F401
import numpy as np
import pytest

from vidrec_core.core.errors import VidrecError
from vidrec_core.core.notice import whole
from vidrec_core.core.paths import REPO_ROOT
from vidrec_core.data.schema import catalog_from_records
from vidrec_core.embed.encoders import FakeEncoder
from vidrec_core.embed.store import embed_texts
from vidrec_core.index.build import build_index, find_index, vectors_from_store
from vidrec_core.index.lance import VectorIndexError
from vidrec_core.index.retrieve import RetrievalSettings, VectorIndex
from vidrec_core.index.where import prefilter
from vidrec_core.rank.filters import Filters
from vidrec_core.recommender import Recommender

TOPICS = {
    "Science Fiction": "astronaut rocket orbit planet station alien mars launch",
    "Horror": "ghost haunted demon scream cellar night terror curse",
    "Romance": "love wedding kiss paris letters bride summer heart",
    "Western": "cowboy sheriff saloon desert horse outlaw gold frontier",
    "Documentary": "history archive interview nature ocean climate science city",
}
N = 2400


def records(n: int = N) -> list[dict]:
    rng = np.random.default_rng(7)
    names = list(TOPICS)
    out = []
    for i in range(n):
        topic = names[i % len(names)]
        words = rng.choice(TOPICS[topic].split(), size=4, replace=False).tolist()
        other = names[int(rng.integers(len(names)))]
        words += rng.choice(TOPICS[other].split(), size=1).tolist()
        out.append(
            {
                "id": f"v{i}",
                "title": f"{words[0].title()} {words[1]} {i}",
                "overview": " ".join(words),
                "genres": topic if i % 3 else f"{topic}|{other}",
                "year": 1950 + i % 70,
                "runtime": 80 + i % 60,
                "language": "en" if i % 4 else "fr",
                "popularity": float(i % 97),
            }
        )
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The catalog, its exact recommender, and its index asked to probe every partition for 400 candidates."""
    data = tmp_path_factory.mktemp("index_data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIDREC_DATA_DIR", str(data))
        catalog = catalog_from_records(records(), name="synthetic")
        encoder = FakeEncoder(dim=64)
        vectors, _ = embed_texts(encoder, catalog.texts)
        manifest = build_index(catalog, encoder.name, vectors)
        found = find_index(catalog, encoder.name, encoder.dim)
    assert manifest.kind == "ivf_pq" and found is not None
    index = VectorIndex(found.manifest, found.vectors, RetrievalSettings(candidates=400, nprobes=manifest.partitions))
    return catalog, encoder, Recommender(catalog, found.vectors, encoder, index=index)


HISTORIES = {
    "space": "astronaut rocket orbit\nlike: Rocket launch 10\nsearch: planet station",
    "mixed": "ghost haunted cellar\nlove wedding kiss\ncowboy saloon outlaw\ndislike: mars alien",
    "dislikes only": "dislike: ghost haunted demon",
}


@pytest.mark.parametrize("strategy", ["mean", "recency", "nearest", "multi-interest"])
@pytest.mark.parametrize("history", list(HISTORIES))
def test_the_index_returns_the_exact_top_10(built, strategy, history):
    _, _, recommender = built
    exact = recommender.recommend(HISTORIES[history], strategy=strategy, k=10, index="exact")
    lance = recommender.recommend(HISTORIES[history], strategy=strategy, k=10, index="lance")
    assert exact.retrieval is None and lance.retrieval.startswith("vector index: ")
    if history == "dislikes only":  # every video far from the dislikes ties at 0: any ten of them are right
        assert [r.score for r in lance.recommendations] == [r.score for r in exact.recommendations] == [0.0] * 10
        return
    assert [r.id for r in lance.recommendations] == [r.id for r in exact.recommendations]
    assert np.allclose([r.score for r in lance.recommendations], [r.score for r in exact.recommendations], atol=1e-5)
    assert [r.because for r in lance.recommendations] == [r.because for r in exact.recommendations]


@pytest.mark.parametrize(
    "filters",
    [
        Filters(include_genres=("Western",)),
        Filters(exclude_genres=("Horror", "Romance"), year_range=(1960, 1990)),
        Filters(languages=("fr",), runtime_range=(90, 120)),
        Filters(include_genres=("Documentary",), year_range=(2000, 2010), languages=("fr",)),
    ],
)
def test_filters_diversity_and_dislikes_agree_with_exact_search(built, filters):
    _, _, recommender = built
    history = HISTORIES["mixed"]
    for diversity in (0.0, 0.5):
        exact = recommender.recommend(history, "mean", k=10, filters=filters, diversity=diversity, index="exact")
        lance = recommender.recommend(history, "mean", k=10, filters=filters, diversity=diversity, index="lance")
        assert [r.id for r in lance.recommendations] == [r.id for r in exact.recommendations]
        assert len(exact.recommendations) == 10


def test_the_history_s_own_videos_are_excluded_and_searches_agree(built):
    catalog, _, recommender = built
    history = "\n".join(catalog.titles[:40:5])
    lance = recommender.recommend(history, "nearest", k=10, index="lance")
    assert not {r.id for r in lance.recommendations} & set(catalog.ids[:40:5])
    assert [r.id for r in lance.recommendations] == [
        r.id for r in recommender.recommend(history, "nearest", k=10, index="exact").recommendations
    ]
    western = Filters(include_genres=("Western",))
    lance_hits = recommender.search("cowboy desert gold", k=15, filters=western, index="lance")
    exact_hits = recommender.search("cowboy desert gold", k=15, filters=western, index="exact")
    assert [i for i, _ in lance_hits] == [i for i, _ in exact_hits]
    assert np.allclose([s for _, s in lance_hits], [s for _, s in exact_hits], atol=1e-6)


def test_fusion_with_the_index_ranks_candidates_and_names_its_evidence(built):
    catalog, encoder, recommender = built
    from vidrec_core.learn.artefacts import find_fusion_weights

    fused = Recommender(catalog, recommender.items, encoder, fusion=find_fusion_weights("synthetic", "minilm"))
    fused.index = recommender.index
    result = fused.recommend(HISTORIES["space"], "fusion", k=10, index="lance")
    assert len(result.recommendations) == 10 and result.retrieval
    assert all(r.because.startswith("because") for r in result.recommendations)
    exact = fused.recommend(HISTORIES["space"], "fusion", k=10, index="exact")
    overlap = {r.id for r in result.recommendations} & {r.id for r in exact.recommendations}
    assert len(overlap) >= 5  # standardised over the candidates, not the whole catalog: close, not equal


def test_auto_uses_the_index_from_the_setting_and_says_when_it_is_missing(built, monkeypatch):
    catalog, encoder, recommender = built
    monkeypatch.setenv("VIDREC_INDEX_FROM", str(N + 1))
    assert not recommender.uses_index("auto")
    monkeypatch.setenv("VIDREC_INDEX_FROM", "2,000")
    assert recommender.uses_index("auto") and not recommender.uses_index("exact")
    assert recommender.recommend(HISTORIES["space"], "mean", k=5).retrieval
    bare = Recommender(catalog, recommender.items, encoder)
    result = bare.recommend(HISTORIES["space"], "mean", k=5)
    assert result.retrieval is None and any("vidrec index --catalog" in whole(m) for m in result.messages)
    with pytest.raises(VidrecError, match="no search index"):
        bare.recommend(HISTORIES["space"], "mean", k=5, index="lance")
    with pytest.raises(VidrecError, match="Unknown index mode"):
        bare.recommend(HISTORIES["space"], "mean", k=5, index="faiss")
    monkeypatch.setenv("VIDREC_INDEX_FROM", "0")
    assert not recommender.uses_index("auto") and recommender.uses_index("lance")


def test_an_edited_catalog_has_no_index_until_it_is_built_again(built):
    _, encoder, _ = built
    edited = records()
    edited[3]["overview"] = "an edited description"
    assert find_index(catalog_from_records(edited, name="synthetic"), encoder.name, encoder.dim) is None


def test_the_vectors_file_needs_every_video_embedded(tmp_path):
    from vidrec_core.embed.store import EmbeddingStore, text_hash

    encoder = FakeEncoder(dim=16)
    store = EmbeddingStore(encoder.name, encoder.dim, tmp_path / "store")
    texts = ["one text", "two texts", "three texts"]
    embed_texts(encoder, texts[:2], store)
    with pytest.raises(VectorIndexError, match=r"1 of 3 videos are not embedded .* run `vidrec embed"):
        vectors_from_store([text_hash(t) for t in texts], store, tmp_path / "vectors.npy")
    assert not (tmp_path / "vectors.npy").exists()
    vectors = vectors_from_store([text_hash(t) for t in texts[:2]], store, tmp_path / "vectors.npy")
    assert isinstance(vectors, np.memmap) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)


def test_filters_become_a_quoted_prefilter():
    assert prefilter(None) is None and prefilter(Filters()) is None
    where = prefilter(
        Filters(
            include_genres=("Sci-Fi", "O'Brien"),
            exclude_genres=("Horror",),
            year_range=(1980, 2000),
            runtime_range=(60, 90.5),
            languages=("en",),
        )
    )
    assert where == (
        "array_has_any(genres, ['Sci-Fi', 'O''Brien']) AND NOT array_has_any(genres, ['Horror']) AND year BETWEEN "
        "1980.0 AND 2000.0 AND runtime BETWEEN 60.0 AND 90.5 AND language IN ('en')"
    )


def run(data_dir, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "VIDREC_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "vidrec_core", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        input=stdin,
    )


def test_the_command_line_builds_and_uses_the_index(tmp_path):
    catalog = tmp_path / "videos.json"
    catalog.write_text(json.dumps(records(1500)))
    common = ["--catalog", str(catalog), "--model", "fake", "--json"]
    missing = run(tmp_path, "index", *common)
    assert missing.returncode == 2 and "not embedded with fake-hash-64 yet: run `vidrec embed" in missing.stderr
    no_index = run(tmp_path, "search", "cowboy saloon", *common, "--index", "lance")
    assert no_index.returncode == 2 and "vidrec index --catalog" in no_index.stderr
    assert run(tmp_path, "embed", *common).returncode == 0
    built = run(tmp_path, "index", *common)
    assert built.returncode == 0, built.stderr
    summary = json.loads(built.stdout)
    assert summary["videos"] == 1500 and summary["kind"] == "ivf_pq" and summary["partitions"] == 1
    answers = {}
    for mode in ("lance", "exact"):
        out = run(
            tmp_path, "recommend", "--history", "-", *common, "--index", mode, "--strategy", "mean", stdin="cowboy"
        )
        assert out.returncode == 0, out.stderr
        answers[mode] = out
    lance, exact = (json.loads(answers[m].stdout) for m in ("lance", "exact"))
    assert lance["retrieval"].startswith("vector index") and "retrieval" not in exact
    assert [r["id"] for r in lance["recommendations"]] == [r["id"] for r in exact["recommendations"]]
    again = run(tmp_path, "index", *common)
    assert again.returncode == 0 and "reusing the table" in again.stderr
    bad = run(tmp_path, "recommend", "--persona", "Space sci-fi fan", *common, "--index", "faiss")
    assert bad.returncode == 2 and "invalid choice: 'faiss'" in bad.stderr


def test_a_table_at_a_shared_uri_is_built_once_and_read_by_a_second_server(tmp_path, monkeypatch):
    catalog = catalog_from_records(records(1200), name="shared")
    encoder = FakeEncoder(dim=32)
    vectors, _ = embed_texts(encoder, catalog.texts)
    uri = f"file://{tmp_path / 'shared-index'}"
    said: list[str] = []
    monkeypatch.setenv("VIDREC_DATA_DIR", str(tmp_path / "server-1"))
    first = build_index(catalog, encoder.name, vectors, uri=uri, say=said.append)
    monkeypatch.setenv("VIDREC_DATA_DIR", str(tmp_path / "server-2"))
    monkeypatch.setenv("VIDREC_INDEX_URI", uri)  # the second server is only told where the tables live
    second = build_index(catalog, encoder.name, vectors, say=said.append)
    assert first.uri == second.uri == uri and any(m.startswith("reusing the table") for m in said)
    index = find_index(catalog, encoder.name, encoder.dim)
    assert index is not None and index.manifest.uri == uri
    recommender = Recommender(catalog, index.vectors, encoder, index=index)
    lance = recommender.recommend("cowboy saloon outlaw", "mean", k=5, index="lance")
    exact = recommender.recommend("cowboy saloon outlaw", "mean", k=5, index="exact")
    assert [r.id for r in lance.recommendations] == [r.id for r in exact.recommendations]


def test_with_the_index_another_row_of_a_watched_title_is_not_recommended(tmp_path):
    """The same rule as without the index (`test_recommend`): the copy is among the candidates and still excluded."""
    from tests.unit.test_recommend import same_title_records
    from vidrec_core.index.space import CandidateSpace

    catalog = catalog_from_records(same_title_records(), name="copies")
    encoder = FakeEncoder(dim=64)
    vectors, _ = embed_texts(encoder, catalog.texts)
    manifest = build_index(catalog, encoder.name, vectors)
    found = find_index(catalog, encoder.name, encoder.dim)
    assert manifest.kind == "flat" and found is not None
    index = VectorIndex(found.manifest, found.vectors, RetrievalSettings(candidates=400))
    recommender = Recommender(catalog, found.vectors, encoder, index=index)
    for history, gone, kept in (("Interstellar", {"i1", "i2"}, set()), ("Dune (1984)", {"d1", "d0"}, {"d2"})):
        for strategy in ("mean", "nearest", "fusion"):
            lance = recommender.recommend(history, strategy, k=10, index="lance")
            exact = recommender.recommend(history, strategy, k=10, index="exact")
            assert lance.retrieval is not None
            listed = {r.id for r in lance.recommendations}
            assert not gone & listed and kept <= listed
            assert [r.id for r in lance.recommendations] == [r.id for r in exact.recommendations]
    space = CandidateSpace.of(np.array([2, 5, 9]), catalog, found.vectors, np.zeros(len(catalog)))
    assert space.places(np.array([0, 5, 9, 12])).tolist() == [1, 2]  # rows not retrieved are left out
