"""Clustering and cluster names on tiny catalogs whose right answers are obvious."""

from __future__ import annotations

import numpy as np
import pytest

from vidrec_core.data.schema import catalog_from_records
from vidrec_core.explore.cluster import (
    NOISE,
    ClusterConfig,
    ClusterError,
    candidate_ks,
    central_order,
    cluster_catalog,
    describe,
)
from vidrec_core.explore.naming import ctfidf_keywords, tokenize

GROUPS = {"s": {"s1", "s2", "s3"}, "h": {"h1", "h2", "h3"}, "r": {"r1", "r2", "r3"}}


def groups_found(result, ids: list[str]) -> set[frozenset[str]]:
    found: dict[int, set[str]] = {}
    for video_id, label in zip(ids, result.labels, strict=True):
        found.setdefault(int(label), set()).add(video_id)
    return {frozenset(members) for members in found.values()}


def test_kmeans_recovers_the_three_groups_exactly(tiny_recommender):
    result = cluster_catalog(tiny_recommender.catalog, tiny_recommender.items, ClusterConfig(k=3, n_titles=3))
    assert groups_found(result, tiny_recommender.catalog.ids) == {frozenset(g) for g in GROUPS.values()}
    assert result.k == 3
    assert [c.size for c in result.clusters] == [3, 3, 3]
    assert result.agreement.nmi_genre == pytest.approx(1.0)
    assert result.agreement.silhouette > 0.2
    assert result.agreement.noise_share == 0


def test_planted_keywords_name_the_clusters(tiny_recommender):
    result = cluster_catalog(tiny_recommender.catalog, tiny_recommender.items, ClusterConfig(k=3))
    by_genre = {c.top_genres[0]: c for c in result.clusters}
    assert {"astronaut", "space"} <= set(by_genre["Science Fiction"].keywords[:3])
    assert "terror" in by_genre["Horror"].label
    assert {"love", "kiss", "romance"} <= set(by_genre["Romance"].keywords[:3])
    assert by_genre["Romance"].label == " · ".join(by_genre["Romance"].keywords[:3])
    assert set(by_genre["Horror"].titles) == {"Ghost Manor", "The Cellar", "Night Whispers"}
    assert by_genre["Science Fiction"].median_year == 2010
    assert len({c.label for c in result.clusters}) == 3


def test_automatic_k_picks_three_by_silhouette(tiny_recommender):
    result = cluster_catalog(tiny_recommender.catalog, tiny_recommender.items, ClusterConfig(k=None, k_range=(2, 30)))
    assert result.k == 3
    assert max(result.k_scores, key=result.k_scores.get) == 3
    assert set(result.k_scores) == set(range(2, 9))
    assert result.as_dict()["auto_k"] is True


def test_hdbscan_marks_outliers_unclustered(tiny_recommender):
    odd = np.zeros((1, tiny_recommender.items.shape[1]), dtype=np.float32)
    odd[0, 0] = 1.0
    catalog = catalog_from_records(
        [*tiny_recommender.catalog.frame.to_dict("records"), {"id": "x", "title": "Odd One", "genres": "Music"}]
    )
    vectors = np.vstack([tiny_recommender.items, odd])
    result = cluster_catalog(catalog, vectors, ClusterConfig(method="hdbscan", min_cluster_size=3))
    assert result.labels[-1] == NOISE
    assert result.clusters[-1].id == NOISE and result.clusters[-1].label == "Unclustered"
    clustered = {frozenset(g) for g in groups_found(result, catalog.ids) if "x" not in g}
    assert clustered == {frozenset(g) for g in GROUPS.values()}
    assert result.agreement.noise_share == pytest.approx(0.1)


def test_hdbscan_can_measure_density_in_another_space(tiny_recommender):
    space = np.repeat(np.eye(3) * 10, 3, axis=0) + np.random.default_rng(0).normal(0, 0.01, (9, 3))
    result = cluster_catalog(
        tiny_recommender.catalog, tiny_recommender.items, ClusterConfig(method="hdbscan", min_cluster_size=2), space
    )
    assert groups_found(result, tiny_recommender.catalog.ids) == {frozenset(g) for g in GROUPS.values()}


def test_chinese_catalog_gets_chinese_keywords():
    records = [
        {
            "id": "a1",
            "title": "星际远航",
            "overview": "宇航员驾驶飞船前往火星，在太空中寻找新的家园。",
            "genres": "科幻",
        },
        {"id": "a2", "title": "火星救援", "overview": "一名宇航员被困火星，必须在太空基地独自生存。", "genres": "科幻"},
        {"id": "a3", "title": "轨道", "overview": "宇航员在太空站遭遇事故，火星任务岌岌可危。", "genres": "科幻"},
        {"id": "b1", "title": "婚礼季节", "overview": "一对恋人在巴黎相遇，爱情和婚礼让他们幸福。", "genres": "爱情"},
        {
            "id": "b2",
            "title": "夏日情书",
            "overview": "夏天的情书记录了一段甜蜜的爱情，恋人最终举行婚礼。",
            "genres": "爱情",
        },
        {"id": "b3", "title": "心动", "overview": "两个恋人重逢，爱情再次开花，婚礼即将到来。", "genres": "爱情"},
    ]
    catalog = catalog_from_records(records, name="zh")
    labels = np.array([0, 0, 0, 1, 1, 1])
    vectors = np.repeat(np.eye(2, 8, dtype=np.float32), 3, axis=0)
    infos = describe(catalog, vectors, labels, n_keywords=5)
    space, love = infos
    assert {"宇航员", "火星", "太空"} <= set(space.keywords[:4])
    assert {"爱情", "婚礼", "恋人"} <= set(love.keywords[:4])
    assert all(len(word) >= 2 for info in infos for word in info.keywords)
    assert "宇航员" in space.label and space.top_genres == ("科幻",)


def test_tokenize_drops_stop_words_and_keeps_words_whole():
    assert tokenize("The astronauts and THE rocket, 2001!") == ["astronauts", "rocket"]
    assert tokenize("他们的宇航员在火星上") == ["宇航员", "火星"]


def test_ctfidf_prefers_words_that_set_a_class_apart():
    docs = [["space", "common"], ["space", "common"], ["ghost", "common"], ["ghost", "common"]]
    keywords = ctfidf_keywords(docs, np.array([0, 0, 1, 1]), top_n=2)
    assert keywords == {0: ["space", "common"], 1: ["ghost", "common"]}


def test_candidate_ks_are_clamped_and_thinned():
    assert candidate_ks((2, 30), 9) == list(range(2, 9))
    assert candidate_ks(ClusterConfig().k_range, 5000)[0] == 5
    ks = candidate_ks((2, 30), 5000)
    assert ks[:11] == list(range(2, 13)) and ks[-1] == 30 and 13 not in ks


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (ClusterConfig(k=1), "between 2 and 8"),
        (ClusterConfig(k=9), "between 2 and 8"),
        (ClusterConfig(method="dbscan"), "Unknown clustering method"),  # type: ignore[arg-type]
        (ClusterConfig(method="hdbscan", min_cluster_size=50), "lower the minimum cluster size"),
    ],
)
def test_bad_settings_say_what_to_do(tiny_recommender, config, message):
    with pytest.raises(ClusterError, match=message):
        cluster_catalog(tiny_recommender.catalog, tiny_recommender.items, config)


def test_result_serialises_for_the_command_line(tiny_recommender):
    data = cluster_catalog(tiny_recommender.catalog, tiny_recommender.items, ClusterConfig(k=3)).as_dict()
    assert set(data) >= {"method", "k", "nmi_genre", "silhouette", "clusters"}
    first = data["clusters"][0]
    assert set(first) == {"id", "label", "keywords", "size", "top_genres", "median_year", "titles"}
    assert isinstance(first["keywords"], list) and isinstance(first["titles"], list)


def test_members_are_ordered_most_central_first():
    vectors = np.array([[1.0, 0.0], [0.6, 0.8], [0.8, 0.6], [0.0, 1.0]], dtype=np.float32)
    members = np.array([0, 1, 2])  # their mean direction is nearest to row 2, then row 1, then row 0
    assert central_order(vectors, members).tolist() == [2, 1, 0]


def test_a_group_opens_into_named_sub_groups_of_its_own_videos():
    from vidrec_core.explore.drill import sub_groups

    # One "space" group of twelve videos: six about Mars, six about the Moon; two sub-groups split them exactly.
    records = (
        [
            {"id": f"m{i}", "title": f"Mars {i}", "overview": "astronauts colony on the red planet mars dust storm"}
            for i in range(6)
        ]
        + [
            {"id": f"l{i}", "title": f"Moon {i}", "overview": "astronauts landing on the moon lunar crater base"}
            for i in range(6)
        ]
        + [{"id": "x", "title": "Elsewhere", "overview": "a cooking contest in a small town bakery"}]
    )
    catalog = catalog_from_records(records)
    rng = np.random.default_rng(0)
    mars, moon, other = rng.normal(size=(3, 16))
    vectors = np.stack([mars + 0.05 * rng.normal(size=16) for _ in range(6)]
                       + [moon + 0.05 * rng.normal(size=16) for _ in range(6)] + [other])  # fmt: skip
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels = np.array([0] * 12 + [1])
    (space, _) = describe(catalog, vectors, labels)
    subs = sub_groups(catalog, vectors, space, k=2)
    assert {frozenset(catalog.ids[i] for i in s.members) for s in subs} == {
        frozenset(f"m{i}" for i in range(6)),
        frozenset(f"l{i}" for i in range(6)),
    }
    for sub in subs:  # each is named by a word of its own videos that its sibling lacks
        own = records[sub.members[0]]["overview"].split()
        sibling = next(records[s.members[0]]["overview"].split() for s in subs if s is not sub)
        assert sub.keywords[0] in own and sub.keywords[0] not in sibling
    assert len(sub_groups(catalog, vectors, space, k=4)) == 2  # at least five videos per part: two parts of six
