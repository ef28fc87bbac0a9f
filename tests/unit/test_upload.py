"""Bring your own catalog: every format and encoding round-trips, every bad file gets a message people understand."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest

from vidrec_core.core.errors import CatalogError
from vidrec_core.core.notice import whole
from vidrec_core.core.progress import RateMeter, format_duration
from vidrec_core.core.settings import max_rows
from vidrec_core.data.load import load_catalog
from vidrec_core.data.prepare import prepare_catalog, propose_encoder
from vidrec_core.data.readers import decode_text, read_bytes_table
from vidrec_core.data.schema import build_text, guess_column_roles, truncate_text
from vidrec_core.embed.encoders import FakeEncoder
from vidrec_core.embed.store import EmbeddingStore, embed_texts

ROWS = [
    {"标题": "星际穿越", "简介": "宇航员穿越虫洞寻找新家园", "类型": "科幻|冒险", "编号": "c1"},
    {"标题": "流浪地球", "简介": "人类推动地球逃离太阳系", "类型": "科幻", "编号": "c2"},
    {"标题": "Café Society", "简介": "a love story in the 1930s", "类型": "Romance", "编号": "c3"},
]


def csv_text(sep: str = ",") -> str:
    return pd.DataFrame(ROWS).to_csv(index=False, sep=sep)


def as_file(fmt: str) -> tuple[bytes, str]:
    frame = pd.DataFrame(ROWS)
    if fmt == "xlsx":
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False)
        return buffer.getvalue(), "videos.xlsx"
    if fmt == "parquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer)
        return buffer.getvalue(), "videos.parquet"
    if fmt == "json":
        return json.dumps(ROWS, ensure_ascii=False).encode(), "videos.json"
    if fmt == "jsonl":
        return frame.to_json(orient="records", lines=True, force_ascii=False).encode(), "videos.jsonl"
    if fmt == "tsv":
        return csv_text("\t").encode(), "videos.tsv"
    return csv_text().encode(), "videos.csv"


def check_rows(frame: pd.DataFrame) -> None:
    prepared = prepare_catalog(frame, guess_column_roles(frame.columns), name="t")
    catalog = prepared.catalog
    assert catalog.titles == ["星际穿越", "流浪地球", "Café Society"]
    assert catalog.ids == ["c1", "c2", "c3"]
    assert catalog.frame["genres"].tolist() == [["科幻", "冒险"], ["科幻"], ["Romance"]]
    assert catalog.texts[0] == "星际穿越. 宇航员穿越虫洞寻找新家园. Genres: 科幻, 冒险"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xlsx", "json", "jsonl", "parquet"])
def test_every_format_round_trips(fmt):
    data, name = as_file(fmt)
    raw = read_bytes_table(data, name)
    assert raw.format == fmt
    check_rows(raw.frame)


@pytest.mark.parametrize(
    "codec, expected",
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),  # with BOM, as Excel's "Unicode text" writes it
        ("utf-16-le", "utf-16-le"),  # without BOM
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),
    ],
)
def test_every_encoding_is_detected(codec, expected):
    data = csv_text().encode(codec)
    raw = read_bytes_table(data, "videos.csv")
    assert raw.encoding == expected
    check_rows(raw.frame)


def test_an_explicit_encoding_overrides_detection():
    data = csv_text().encode("gb18030")
    raw = read_bytes_table(data, "videos.csv", encoding="gbk")
    check_rows(raw.frame)
    with pytest.raises(CatalogError, match=r"header line of videos\.csv is not valid UTF-8"):
        read_bytes_table(data, "videos.csv", encoding="utf-8")


def test_undecodable_text_names_its_row_and_column():
    good = b"title,overview\nAlpha,fine\nBeta,also fine\n"
    bad = good + b"Gamma,caf\xe9 \xff broken\n"
    with pytest.raises(CatalogError, match=r"Row 3 of videos\.csv \(column 'overview'.*not valid UTF-8") as info:
        read_bytes_table(bad, "videos.csv")
    assert "Text encoding" in str(info.value)


def test_latin1_text_is_not_read_as_chinese_mojibake():
    data = "title,overview\nCafé,crème brûlée à Paris\n".encode("cp1252")
    with pytest.raises(CatalogError, match="not valid UTF-8"):
        read_bytes_table(data, "videos.csv")
    assert read_bytes_table(data, "videos.csv", encoding="cp1252").frame["title"].tolist() == ["Café"]


def test_decode_text_prefers_the_bom():
    assert decode_text("\ufeffa,b".encode()) == ("a,b", "utf-8-sig")
    assert decode_text("a,b".encode("utf-16")) == ("a,b", "utf-16")


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"", "videos.csv", "is empty"),
        (b"   \n", "videos.csv", "is empty"),
        (None, "videos.csv", r"zip archive, not a CSV file\. Unzip it"),
        (b"%PDF-1.4 junk", "videos.csv", "PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "videos.csv", "image or archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "videos.xlsx", r"old Excel \(\.xls\)"),
        (b"title,overview\nok,\x00\x01\x02\x03\x04\x05\x06\x07", "videos.csv", "binary data"),
        (b"not a workbook", "videos.xlsx", r"not an Excel workbook"),
        (b"x", "videos.docx", "Unsupported catalog format"),
    ],
)
def test_junk_files_get_clear_messages(data, name, message):
    if data is None:  # a zip renamed .csv
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("videos.csv", "title\nA\n")
        data = buffer.getvalue()
    with pytest.raises(CatalogError, match=message):
        read_bytes_table(data, name)


def test_an_xlsx_renamed_csv_is_read_as_excel():
    data, _ = as_file("xlsx")
    raw = read_bytes_table(data, "videos.csv")
    assert raw.format == "xlsx" and "Excel workbook" in raw.notes[0]
    check_rows(raw.frame)


def test_the_row_limit_is_refused_with_the_limit_and_how_to_raise_it(monkeypatch):
    data = ("title\n" + "".join(f"video {i}\n" for i in range(12))).encode()
    with pytest.raises(CatalogError, match=r"12 rows; the limit is 10 videos") as refused:
        read_bytes_table(data, "videos.csv", limit=10)
    assert "VIDREC_MAX_ROWS=" in whole(refused.value.message)  # the setting: for engineers, and on the command line
    monkeypatch.setenv("VIDREC_MAX_ROWS", "10")
    assert max_rows() == 10
    frame = read_bytes_table(data, "videos.csv").frame
    with pytest.raises(CatalogError, match=r"limit is 10 ") as refused:
        prepare_catalog(frame, {"title": "title"})
    assert "VIDREC_MAX_ROWS" in refused.value.notice.detail
    monkeypatch.delenv("VIDREC_MAX_ROWS")
    assert max_rows() == 200_000


def test_validation_messages_for_a_messy_file():
    frame = pd.DataFrame(
        {
            "name": ["A", "", "B", "C", "  ", "D"],
            "id": ["1", "2", "1", "3", "4", "3"],
            "plot": ["x", "y", "z", "w" * 3000, "v", "u"],
        }
    )
    prepared = prepare_catalog(frame, {"title": "name", "id": "id", "overview": "plot"}, max_tokens=256)
    assert (prepared.empty_titles, prepared.duplicate_ids, prepared.truncated) == (2, 2, 1)
    text = " ".join(prepared.messages)
    assert "2 row(s) have an empty title and were dropped" in text
    assert "2 row(s) repeat an id" in text and "first row of each id is kept" in text
    assert "1 long text(s) were shortened to what the language model reads" in text
    assert prepared.catalog.titles == ["A", "C"]
    assert len(prepared.catalog.texts[1]) <= 256 * 4
    renumbered = prepare_catalog(frame, {"title": "name", "id": "id"}, duplicates="renumber")
    assert renumbered.catalog.titles == ["A", "B", "C", "D"] and renumbered.duplicate_ids == 0


def test_no_title_column_and_empty_titles_are_refused():
    frame = pd.DataFrame({"headline": ["a"], "plot": ["b"]})
    with pytest.raises(CatalogError, match=r"Choose which column holds the titles.*headline, plot"):
        prepare_catalog(frame, guess_column_roles(frame.columns))
    with pytest.raises(CatalogError, match="every row has an empty title"):
        prepare_catalog(pd.DataFrame({"title": ["", " "]}), {"title": "title"})
    with pytest.raises(CatalogError, match="header but no rows"):
        prepare_catalog(read_bytes_table(b"title,overview\n", "v.csv").frame, {"title": "title"})


def test_text_fields_choose_the_parts_and_their_order():
    frame = pd.DataFrame({"title": ["Alien"], "plot": ["A crew meets a creature"], "channel": ["SciFi TV"]})
    roles = {"title": "title", "overview": "plot"}
    default = prepare_catalog(frame, roles).catalog
    assert default.texts == [build_text({"title": "Alien", "overview": "A crew meets a creature"})]
    custom = prepare_catalog(frame, roles, ["title", "extra:channel", "overview"]).catalog
    assert custom.texts == ["Alien. channel: SciFi TV. A crew meets a creature"]
    with pytest.raises(CatalogError, match="must include the title"):
        prepare_catalog(frame, roles, ["overview"])


def test_titles_only_is_noticed():
    prepared = prepare_catalog(pd.DataFrame({"title": ["A", "B"]}), {"title": "title"})
    assert prepared.titles_only and prepared.catalog.texts == ["A", "B"]


def test_truncation_counts_chinese_characters_as_tokens():
    assert truncate_text("短" * 100, 256) == ("短" * 100, False)
    cut, was_cut = truncate_text("长" * 1000, 256)
    assert was_cut and len(cut) == 256
    cut, was_cut = truncate_text("word " * 400, 256)
    assert was_cut and len(cut) <= 1024


def test_the_multilingual_encoder_is_proposed_for_chinese():
    chinese = pd.DataFrame({"title": ["星际穿越", "流浪地球", "Alien"], "overview": ["太空", "地球", "space"]})
    assert propose_encoder(chinese).model == "multilingual"
    assert "Chinese" in propose_encoder(chinese).reason
    english = pd.DataFrame({"title": ["Alien", "Heat"], "overview": ["space", "crime"]})
    assert propose_encoder(english).model == "minilm"


def test_a_cancelled_embedding_resumes_without_recomputing(tmp_path, tiny_catalog):
    texts = [f"video number {i} about {w}" for i, w in enumerate(["space", "ghosts", "love"] * 20)]
    encoder = FakeEncoder(dim=32)
    store = EmbeddingStore(encoder.name, encoder.dim, tmp_path)
    calls = {"n": 0}

    def stop_after_two_chunks() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    with pytest.raises(InterruptedError):
        embed_texts(encoder, texts, store, chunk_size=10, should_stop=stop_after_two_chunks)
    assert encoder.texts_encoded == 20
    resumed = FakeEncoder(dim=32)
    vectors, report = embed_texts(resumed, texts, EmbeddingStore(encoder.name, encoder.dim, tmp_path), chunk_size=10)
    assert (report.reused, report.computed, resumed.texts_encoded) == (20, 40, 40)
    fresh, _ = embed_texts(FakeEncoder(dim=32), texts)
    assert np.allclose(vectors, fresh, atol=2e-3)  # the store keeps float16


def test_load_catalog_reads_new_encodings_from_disk(tmp_path):
    path = tmp_path / "videos.csv"
    path.write_bytes(csv_text().encode("gb18030"))
    assert load_catalog(path).titles[0] == "星际穿越"


def test_progress_reports_count_rate_and_time_left():
    ticks = iter([0.0, 10.0, 20.0])
    meter = RateMeter(clock=lambda: next(ticks))
    assert "estimating" in meter.update(100, 1100).describe()  # resumed: 100 were cached
    snapshot = meter.update(200, 1100)
    assert snapshot.rate == pytest.approx(10.0)
    assert snapshot.describe() == "200 / 1,100 videos · 10.0 per second · about 1 min 30 s left"
    assert meter.update(1100, 1100).describe().endswith("done")
    assert format_duration(7322) == "2 h 02 min"


def workbook(sheets: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


SHEETS = {
    "About": pd.DataFrame(),
    "Films": pd.DataFrame({"title": ["Alpha", "Beta"]}),
    "Series": pd.DataFrame({"name": ["Gamma"], "plot": ["a long voyage"]}),
}


def test_a_workbook_reads_its_first_sheet_with_rows_or_the_sheet_asked_for():
    data = workbook(SHEETS)
    raw = read_bytes_table(data, "shows.xlsx")
    assert raw.sheets == ("About", "Films", "Series") and raw.sheet == "Films"
    assert raw.frame["title"].tolist() == ["Alpha", "Beta"]
    assert "has 3 sheets; read 'Films'" in raw.notes[0]
    series = read_bytes_table(data, "shows.xlsx", sheet="Series")
    assert series.sheet == "Series" and series.columns == ["name", "plot"] and series.notes == []
    with pytest.raises(CatalogError, match=r"no sheet named 'Nope'\. Its sheets: About, Films, Series"):
        read_bytes_table(data, "shows.xlsx", sheet="Nope")
    assert read_bytes_table(b"title\nA\n", "a.csv").sheets == ()
