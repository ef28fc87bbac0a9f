"""Embedding on Ray (a local Ray, the fake encoder): the same store as the local path, only missing texts sent,
and a stopped run keeps its finished batches. The real model on Ray is in tests/integration/test_scale_real.py."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

# The test command installs requirements-scale.txt: a missing scale dependency fails here, never skips.
import ray

from vidrec_core.core.paths import REPO_ROOT
from vidrec_core.embed.encoders import FakeEncoder
from vidrec_core.embed.ray_engine import embed_on_ray
from vidrec_core.embed.store import EmbeddingStore, embed_texts, text_hash

TEXTS = [f"video {i} about {['space', 'ghosts', 'love', 'courts'][i % 4]} and topic {i % 37}" for i in range(400)]


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray for the module (starting one takes seconds); embed_on_ray uses it and leaves it running."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=200 * 2**20)
    yield
    ray.shutdown()


def store_at(folder) -> EmbeddingStore:
    return EmbeddingStore(FakeEncoder().name, FakeEncoder().dim, folder)


@pytest.mark.usefixtures("local_ray")
def test_ray_writes_what_the_local_path_writes_and_a_rerun_sends_nothing(tmp_path):
    texts = [*TEXTS, TEXTS[0], TEXTS[5]]  # repeated texts are embedded once
    report = embed_on_ray("fake", texts, store_at(tmp_path / "ray"), batch_size=16, shard_rows=100)
    assert (report.embedded, report.skipped, report.total) == (400, 0, 402) and report.shards_written == 4
    local, _ = embed_texts(FakeEncoder(), texts, store_at(tmp_path / "local"))
    from_ray, found = store_at(tmp_path / "ray").lookup([text_hash(t) for t in texts])
    assert found.all() and np.abs(from_ray - local).max() < 1e-3  # both kept as float16
    again = embed_on_ray("fake", texts, store_at(tmp_path / "ray"))
    assert (again.embedded, again.skipped, again.workers) == (0, 402, 0)  # Ray was not needed
    edited = [*texts[:-3], "a brand new text"]
    assert embed_on_ray("fake", edited, store_at(tmp_path / "ray")).embedded == 1


@pytest.mark.usefixtures("local_ray")
def test_a_stopped_ray_run_keeps_its_finished_batches(tmp_path):
    batches = {"n": 0}

    def stop_after_three_batches() -> bool:
        batches["n"] += 1
        return batches["n"] >= 3

    report = embed_on_ray(
        "fake", TEXTS, store_at(tmp_path), batch_size=16, shard_rows=16, should_stop=stop_after_three_batches
    )
    kept = int(store_at(tmp_path).contains([text_hash(t) for t in TEXTS]).sum())
    assert 0 < report.embedded < len(TEXTS) and kept == report.embedded
    resumed = embed_on_ray("fake", TEXTS, store_at(tmp_path), batch_size=16)
    assert resumed.skipped == kept and resumed.embedded == len(TEXTS) - kept


def run_cli(data_dir, *args: str) -> subprocess.Popen:
    env = {**os.environ, "VIDREC_DATA_DIR": str(data_dir)}
    return subprocess.Popen(
        [sys.executable, "-m", "vidrec_core", "embed", "--model", "fake", "--engine", "ray", "--json", *args],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A suite started in the background by a non-interactive shell inherits SIGINT ignored, and so would the
        # command; as typed in a terminal, Ctrl-C must reach it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def test_ctrl_c_stops_the_cli_keeps_finished_shards_and_a_rerun_embeds_the_rest(tmp_path):
    """The whole command on its own local Ray: Ctrl-C mid-run exits 130 with finished shards kept, and the rerun's
    JSON says how many it skipped and embedded. The texts are long, so each of Ray's eight blocks takes the fake
    encoder seconds: the run is still going when the first shard appears."""
    videos = 800
    catalog = tmp_path / "long.csv"
    pd.DataFrame(
        {
            "title": [f"Video {i}" for i in range(videos)],
            "overview": [f"number {i} " + "space ghosts love courts " * 750 for i in range(videos)],
        }
    ).to_csv(catalog, index=False)
    shards = tmp_path / "cache" / "embeddings" / "fake-hash-64"
    child = run_cli(tmp_path, "--catalog", str(catalog), "--shard-rows", "16", "--batch-size", "16")
    deadline = time.monotonic() + 240
    while not list(shards.glob("shard-*.npz")) and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=120)
    assert child.returncode == 130, err[-2000:]
    assert "error: interrupted" in err
    kept = len(list(shards.glob("shard-*.npz")))
    assert kept >= 1
    rerun = run_cli(tmp_path, "--catalog", str(catalog))
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err[-2000:]
    summary = json.loads(out)
    assert summary["engine"] == "ray" and summary["videos"] == videos
    assert 16 <= summary["skipped"] < videos and summary["embedded"] == videos - summary["skipped"]
    assert isinstance(summary["seconds"], float)


def test_the_app_and_the_command_line_load_neither_ray_nor_lancedb():
    code = (
        "import sys, vidrec_core.cli.main, vidrec_core.recommender, vidrec_ui.resources, vidrec_ui.sidebar; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'ray', 'lancedb'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
