"""A Chinese catalog end to end: a GB18030 spreadsheet export, the multilingual encoder, a Chinese history,
Chinese cluster keywords."""

from __future__ import annotations

import pandas as pd
import pytest

from vidrec_core.data.kept import KeptCatalogs
from vidrec_core.data.load import load_catalog
from vidrec_core.data.prepare import prepare_catalog, propose_encoder
from vidrec_core.data.readers import read_bytes_table
from vidrec_core.data.schema import guess_column_roles
from vidrec_core.embed.registry import get_encoder
from vidrec_core.explore.cluster import ClusterConfig, cluster_catalog
from vidrec_core.recommender import Recommender, embed_catalog

pytestmark = pytest.mark.integration

ROWS = [
    # space
    ("星际穿越", "宇航员驾驶飞船穿越虫洞，在遥远的星球上寻找人类的新家园。", "科幻"),
    ("流浪地球", "太阳即将毁灭，人类建造发动机推动地球飞向新的星系。", "科幻"),
    ("火星救援", "一名宇航员被困在火星上，靠种土豆活下去等待救援飞船。", "科幻"),
    ("太空站", "空间站发生事故，宇航员在太空中想办法返回地球。", "科幻"),
    # cooking
    ("舌尖上的中国", "走遍全国寻找美食，讲述厨师和家常菜的故事。", "纪录片"),
    ("面条的故事", "一位厨师学习手工拉面，在小店里为客人做美食。", "纪录片"),
    ("饺子大赛", "全村的厨师比赛包饺子，看谁做的美食最好吃。", "纪录片"),
    ("火锅之城", "重庆的火锅店老板和厨师一起研究麻辣美食的秘方。", "纪录片"),
    # football
    ("绿茵少年", "一支乡村足球队的少年们努力训练，参加全国足球比赛。", "体育"),
    ("点球大战", "足球决赛进入点球大战，守门员扑出关键一球。", "体育"),
    ("足球教练", "一位退役球员当上足球教练，带领球队冲击冠军。", "体育"),
    ("世界杯之梦", "年轻的足球运动员梦想参加世界杯，为国家队进球。", "体育"),
]


@pytest.fixture(scope="module")
def kept_catalog_path(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:  # module scope runs before the per-test data folder exists
        patch.setenv("VIDREC_DATA_DIR", str(tmp_path_factory.mktemp("chinese_data")))
        yield _keep_chinese_catalog()


def _keep_chinese_catalog():
    frame = pd.DataFrame(ROWS, columns=["片名", "简介", "类型"])
    raw = read_bytes_table(frame.to_csv(index=False).encode("gb18030"), "中文视频.csv")
    assert raw.encoding == "gb18030"
    roles = guess_column_roles(raw.columns)
    assert roles == {"title": "片名", "overview": "简介", "genres": "类型"}
    prepared = prepare_catalog(raw, roles, name="中文视频")
    assert propose_encoder(prepared.catalog.frame).model == "multilingual"
    kept = KeptCatalogs().add(prepared.catalog, name="中文视频", file_name=raw.file_name, model="multilingual")
    return kept.path


@pytest.fixture(scope="module")
def recommender(kept_catalog_path, tmp_path_factory):
    catalog = load_catalog(kept_catalog_path)
    encoder = get_encoder("multilingual")
    vectors, report = embed_catalog(catalog, encoder)
    assert report.computed == len(catalog) == 12
    return Recommender(catalog, vectors, encoder)


def test_a_chinese_history_gets_chinese_recommendations(recommender):
    result = recommender.recommend("流浪地球\n我喜欢宇航员和太空探险的电影", k=3)
    assert result.events[0].matched_title == "流浪地球"
    titles = [r.title for r in result.recommendations]
    assert set(titles) <= {"星际穿越", "火星救援", "太空站"}, titles
    food = recommender.recommend("舌尖上的中国\nsearch: 厨师做美食", k=3)
    assert {r.title for r in food.recommendations} <= {"面条的故事", "饺子大赛", "火锅之城"}


def test_titles_the_catalog_lacks_become_interests(recommender):
    """A sample persona's history on this catalog: its titles are read as free text, never dropped."""
    result = recommender.recommend("watched: Interstellar\nlike: Alien\nThe Martian\n点球大战", k=3)
    kinds = [e.kind.value for e in result.events]
    assert kinds[:3] == ["interest", "liked", "interest"] and result.events[3].matched_title == "点球大战"
    assert all(e.matched_id is None for e in result.events[:3])
    assert "no catalog title matched; read as an interest" in result.events[0].note
    assert result.recommendations


def test_cluster_keywords_are_chinese_words(recommender):
    clusters = cluster_catalog(recommender.catalog, recommender.items, ClusterConfig(k=3))
    keywords = [w for c in clusters.clusters for w in c.keywords]
    assert keywords and all(any("\u4e00" <= ch <= "\u9fff" for ch in w) for w in keywords), keywords
    assert {"宇航员", "厨师", "足球"} & set(keywords), keywords
    genres = [set(recommender.catalog.frame["genres"].iloc[c.members].map(tuple).sum()) for c in clusters.clusters]
    assert sorted(len(g) for g in genres) == [1, 1, 1], genres
