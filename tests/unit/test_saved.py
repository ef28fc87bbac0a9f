import multiprocessing
import os
import signal
import sqlite3

import numpy as np
import pytest

from vidrec_core.rank.listmetrics import genre_spread, intra_list_diversity, popularity_novelty
from vidrec_core.saved.histories import SavedHistories, SavedHistoryError
from vidrec_core.saved.links import ShareError, decode_history, encode_history, params_to_view, view_to_params

STRATEGIES = {"mean", "recency", "multi-interest", "hybrid"}


def test_save_load_rename_delete(tmp_path):
    store = SavedHistories(tmp_path / "h.sqlite3")
    store.save("Mine", "Alien\nsearch: space", {"strategy": "recency"})
    assert store.names() == ["Mine"]
    saved = store.load("Mine")
    assert saved.text == "Alien\nsearch: space" and saved.settings == {"strategy": "recency"}
    store.save("Mine", "Alien")  # overwrite
    assert store.load("Mine").text == "Alien"
    store.rename("Mine", "Ours")
    assert store.names() == ["Ours"]
    with pytest.raises(SavedHistoryError, match="No saved history"):
        store.load("Mine")
    store.delete("Ours")
    assert store.names() == []
    assert store.integrity_ok()


def test_histories_survive_a_new_store_object(tmp_path):
    SavedHistories(tmp_path / "h.sqlite3").save("Kept", "Up")
    assert SavedHistories(tmp_path / "h.sqlite3").load("Kept").text == "Up"


def test_personas_are_read_only(tmp_path):
    store = SavedHistories(tmp_path / "h.sqlite3", read_only=frozenset({"Horror fan"}))
    with pytest.raises(SavedHistoryError, match="read-only"):
        store.save("Horror fan", "x")
    store.save("A", "x")
    with pytest.raises(SavedHistoryError, match="read-only"):
        store.rename("A", "Horror fan")


@pytest.mark.parametrize("name, message", [("   ", "Give the history a name"), ("x" * 81, "limited to 80")])
def test_bad_names(tmp_path, name, message):
    with pytest.raises(SavedHistoryError, match=message):
        SavedHistories(tmp_path / "h.sqlite3").save(name, "x")


def test_rename_onto_an_existing_name_is_refused(tmp_path):
    store = SavedHistories(tmp_path / "h.sqlite3")
    store.save("A", "1")
    store.save("B", "2")
    with pytest.raises(SavedHistoryError, match="already exists"):
        store.rename("A", "B")
    assert store.load("B").text == "2"


def test_read_only_folder_gives_a_clear_message(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.geteuid() == 0:  # root ignores permissions; use a path under a file instead
            (tmp_path / "file").write_text("")
            target = tmp_path / "file" / "h.sqlite3"
        else:
            target = locked / "sub" / "h.sqlite3"
        with pytest.raises(SavedHistoryError, match="VIDREC_DATA_DIR"):
            SavedHistories(target)
    finally:
        locked.chmod(0o700)


def _save_forever(path: str) -> None:
    store = SavedHistories(path)
    i = 0
    while True:
        store.save(f"h{i % 50}", "line\n" * 500)
        i += 1


def test_kill_during_saves_loses_nothing_saved_before(tmp_path):
    path = tmp_path / "h.sqlite3"
    store = SavedHistories(path)
    store.save("Precious", "Interstellar\nlike: Alien")
    process = multiprocessing.get_context("spawn").Process(target=_save_forever, args=(str(path),))
    process.start()
    try:
        for _ in range(100):
            if len(SavedHistories(path).names()) > 5:
                break
            process.join(0.05)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.join()
    reopened = SavedHistories(path)
    assert reopened.integrity_ok()
    assert reopened.load("Precious").text == "Interstellar\nlike: Alien"
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"


def test_share_round_trip():
    view = {"history": "Alien\n你好 🎬\ndislike: Saw", "strategy": "recency", "k": 12, "diversity": 0.3}
    params = view_to_params(view)
    assert params_to_view(params, STRATEGIES) == view
    assert decode_history(encode_history("x" * 1000)) == "x" * 1000


@pytest.mark.parametrize(
    "params, message",
    [
        ({"h": "!!!not base64!!!"}, "damaged"),
        ({"h": "A" * 20_000}, "too long"),
        ({"s": "<script>"}, "unknown strategy"),
        ({"k": "many"}, "unreadable list length"),
        ({"k": "1000"}, "outside"),
        ({"d": "nan"}, "outside"),
        ({"x": "y" * 20_000}, "too long"),
    ],
)
def test_malformed_links_are_refused_with_a_message(params, message):
    with pytest.raises(ShareError, match=message):
        params_to_view(params, STRATEGIES)


def test_zip_bomb_links_are_refused():
    import base64
    import zlib

    bomb = base64.urlsafe_b64encode(zlib.compress(b"a" * 10_000_000, 9)).decode().rstrip("=")
    with pytest.raises(ShareError):
        params_to_view({"h": bomb}, STRATEGIES)


def test_list_metrics_by_hand():
    same = np.array([[1.0, 0.0], [1.0, 0.0]])
    orthogonal = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert intra_list_diversity(same) == pytest.approx(0.0)
    assert intra_list_diversity(orthogonal) == pytest.approx(1.0)
    assert genre_spread([["A"], ["B"]]) == pytest.approx(1.0)
    assert genre_spread([["A"], ["A"]]) == pytest.approx(0.0)
    assert popularity_novelty(np.array([1.0, 0.0, 0.5]), [0, 1]) == pytest.approx(0.5)


def test_csv_export_neutralises_formulas():
    import pandas as pd

    from vidrec_core.core.exports import safe_csv

    frame = pd.DataFrame({"title": ['=HYPERLINK("x")', "+1", "-2", "@cmd", "Alien", "<img src=x>"], "n": range(6)})
    text = safe_csv(frame).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n'+1," in text and "\n'-2," in text and "\n'@cmd," in text
    assert "\nAlien," in text and "<img src=x>" in text


def test_an_edited_history_resembles_its_persona_until_replaced_or_buried():
    from vidrec_core.data.personas import resembles

    persona = "Interstellar\nThe Martian\nGravity\nsearch: astronauts"
    assert resembles(persona, persona + "\nToy Story")
    assert resembles(persona, "interstellar\n  The   Martian\n\n# a comment\nGravity")  # spacing, case, comments
    assert not resembles(persona, "Heat\nRonin\nThe Italian Job")  # replaced
    assert not resembles(persona, "Interstellar\nHeat\nRonin\nThe Town\nThe Italian Job")  # one line of five left
    assert not resembles(persona, persona + "\nA\nB\nC\nD\nE")  # buried under new lines
    assert not resembles("", "Heat")
