"""Kept catalogs survive restarts, can be renamed and deleted, and a damaged one is skipped, never a crash."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from vidrec_core.core.errors import CatalogError
from vidrec_core.core.notice import whole
from vidrec_core.data.kept import KeptCatalogs, catalogs_dir, is_kept_catalog
from vidrec_core.data.load import load_catalog
from vidrec_core.data.prepare import prepare_catalog


def prepared(titles=("Alpha", "Beta", "Gamma")):
    frame = pd.DataFrame({"name": list(titles), "plot": ["space", "ghosts", "love"][: len(titles)], "ch": "TV"})
    return prepare_catalog(frame, {"title": "name", "overview": "plot"}, ["title", "extra:ch", "overview"], name="x")


def test_add_list_and_reopen_in_a_new_store():
    catalog = prepared().catalog
    kept = KeptCatalogs().add(
        catalog, name="My videos", file_name="v.csv", roles={"title": "name"}, encoding="gb18030", model="multilingual"
    )
    assert kept.folder.parent == catalogs_dir() and is_kept_catalog(kept.folder) and is_kept_catalog(kept.path)
    again = KeptCatalogs().list()  # a fresh object, as after a restart
    assert [k.name for k in again] == ["My videos"]
    meta = again[0].meta
    assert (meta["file_name"], meta["encoding"], meta["model"], meta["rows"]) == ("v.csv", "gb18030", "multilingual", 3)
    assert meta["text_fields"] == ["title", "extra:ch", "overview"] and meta["roles"] == {"title": "name"}
    reopened = load_catalog(kept.path)
    assert reopened.texts == catalog.texts and reopened.digest == catalog.digest
    assert reopened.max_tokens == 256 and reopened.name == kept.slug


def test_names_are_unique_and_rename_keeps_the_folder():
    store = KeptCatalogs()
    first = store.add(prepared().catalog, name="Videos")
    second = store.add(prepared().catalog, name="Videos")
    assert second.name == "Videos (2)"
    renamed = store.rename(first.slug, "  Kids   shows ")
    assert renamed.name == "Kids shows" and renamed.folder == first.folder
    assert [k.name for k in KeptCatalogs().list()] == ["Kids shows", "Videos (2)"]
    with pytest.raises(CatalogError, match="already called"):
        store.rename(second.slug, "Kids shows")
    with pytest.raises(CatalogError, match="Give the catalog a name"):
        store.rename(second.slug, "   ")


def test_delete_removes_it_for_good():
    store = KeptCatalogs()
    kept = store.add(prepared().catalog, name="Gone soon")
    store.delete(kept.slug)
    assert KeptCatalogs().list() == [] and not kept.folder.exists()
    assert not any(p.name.startswith(".") for p in catalogs_dir().iterdir())
    with pytest.raises(CatalogError, match="No kept catalog"):
        store.delete(kept.slug)


def test_corrupt_meta_is_skipped_with_a_message():
    store = KeptCatalogs()
    good = store.add(prepared().catalog, name="Good")
    bad = store.add(prepared().catalog, name="Bad")
    (bad.folder / "meta.json").write_text("{not json")
    lost = store.add(prepared().catalog, name="Lost")
    lost.path.unlink()
    (catalogs_dir() / "stray-folder").mkdir()
    listed = store.list()
    assert [k.slug for k in listed] == [good.slug]
    assert len(store.problems) == 3
    assert any("meta.json is unreadable" in whole(p) for p in store.problems)
    assert any("lost its videos" in p for p in store.problems)


def test_embedded_flag_and_find():
    store = KeptCatalogs()
    kept = store.add(prepared().catalog, name="Shows", model="multilingual")
    assert not kept.is_embedded("multilingual")
    store.mark_embedded(kept.slug, "google/universal-sentence-encoder-multilingual-3")
    again = store.find("Shows")
    assert again is not None and again.is_embedded("multilingual") and not again.is_embedded("minilm")
    assert store.find(kept.slug).slug == kept.slug and store.find(str(kept.folder)).slug == kept.slug
    assert store.find("nothing like it") is None


def test_cli_embeds_a_kept_catalog_and_resumes(capsys):
    from vidrec_core.cli.main import main

    kept = KeptCatalogs().add(prepared().catalog, name="Shows", model="fake-32")
    assert main(["embed", "--catalog", "Shows", "--json"]) == 0
    first = capsys.readouterr().out
    assert '"computed": 3' in first and '"model": "fake-hash-32"' in first
    assert KeptCatalogs().get(kept.slug).is_embedded("fake-hash-32")
    assert main(["embed", "--catalog", str(kept.folder), "--json"]) == 0
    assert '"computed": 0' in capsys.readouterr().out
    assert main(["embed", "--catalog", "no such catalog"]) == 2
    assert capsys.readouterr().err.startswith("error: Catalog file not found")


@pytest.mark.usefixtures("unwritable_data_dir")
def test_an_unwritable_data_folder_gets_a_message_and_lists_nothing():
    store = KeptCatalogs()
    assert store.list() == [] and store.problems == []
    with pytest.raises(CatalogError, match="Saving the catalog 'Mine' failed: the app's data") as refused:
        store.add(prepared().catalog, name="Mine")
    assert re.search(r"Cannot write to .*VIDREC_DATA_DIR", whole(refused.value.message))  # for engineers


def test_a_full_disk_leaves_kept_catalogs_as_they_were(monkeypatch):
    import errno

    store = KeptCatalogs()
    before = store.add(prepared().catalog, name="Before")

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full_disk)
    with pytest.raises(CatalogError, match=r"No space left on device.*Catalogs kept before are unchanged"):
        store.add(prepared().catalog, name="After")
    monkeypatch.setattr("vidrec_core.core.atomic.os.fsync", full_disk)
    with pytest.raises(CatalogError, match="Updating the catalog 'Before' failed"):
        store.rename(before.slug, "Renamed")
    assert [k.name for k in KeptCatalogs().list()] == ["Before"]
    assert sorted(p.name for p in catalogs_dir().rglob("*")) == sorted([before.slug, "catalog.parquet", "meta.json"]), (
        "no staging folder or temporary meta file is left behind"
    )


def _add_forever(folder: str) -> None:
    import os

    os.environ["VIDREC_DATA_DIR"] = folder
    store = KeptCatalogs()
    big = prepared([f"Title {i}" for i in range(3)]).catalog
    i = 0
    while True:
        kept = store.add(big, name=f"c{i}")
        store.rename(kept.slug, f"renamed {i}")
        i += 1


def test_kill_during_saves_keeps_every_catalog_saved_before(tmp_path, monkeypatch):
    import multiprocessing
    import os
    import signal

    monkeypatch.setenv("VIDREC_DATA_DIR", str(tmp_path))
    precious = KeptCatalogs().add(prepared().catalog, name="Precious")
    process = multiprocessing.get_context("spawn").Process(target=_add_forever, args=(str(tmp_path),))
    process.start()
    try:
        for _ in range(400):
            if len(KeptCatalogs().list()) > 8:
                break
            process.join(0.05)
    finally:
        os.kill(process.pid, signal.SIGKILL)  # kill -9, wherever it is
        process.join()
    store = KeptCatalogs()
    kept = store.list()
    assert len(kept) > 8 and store.problems == []
    assert kept[0].slug == precious.slug and kept[0].name == "Precious"
    for each in kept:  # every listed catalog opens whole
        assert load_catalog(each.path).titles
    assert load_catalog(precious.path).texts == prepared().catalog.texts


def test_leftovers_of_a_killed_save_are_swept_once_stale(monkeypatch):
    import os
    import time

    store = KeptCatalogs()
    store.add(prepared().catalog, name="First")
    stale, fresh = catalogs_dir() / ".staging-old", catalogs_dir() / ".staging-new"
    for leftover in (stale, fresh):
        leftover.mkdir()
        (leftover / "catalog.parquet").write_bytes(b"half")
    an_hour_ago = time.time() - 2 * 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    store.add(prepared().catalog, name="Second")
    assert not stale.exists() and fresh.exists()  # a fresh one may be another session's save in progress
    assert [k.name for k in store.list()] == ["First", "Second"]
