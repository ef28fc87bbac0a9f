"""The short form of the load test: 20 sessions edit at once against one server (the long form is
`python bench/load_test.py --sessions 20 --seconds 180`)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from vidrec_core.paths import REPO_ROOT

pytestmark = pytest.mark.e2e


def test_twenty_sessions_edit_at_once_without_errors_and_memory_levels_off(tmp_path):
    out = tmp_path / "load.json"
    # Its own process: the load test drives the browser with asyncio, the other browser tests hold a sync loop.
    done = subprocess.run(
        [sys.executable, "bench/load_test.py", "--sessions", "20", "--seconds", "30", "--out", str(out)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    report = json.loads(out.read_text())
    print(f"load: {report['edits']} edits, latency {report['latency_ms']}, rss {report['server_rss_mib']}")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert report["errors"] == []
    assert report["edits"] >= 20  # every session got at least one edit through, on average
    # Memory levels off: the second half of the run peaks no more than a little above the first half.
    assert report["rss_second_half_peak_mib"] <= report["rss_first_half_peak_mib"] * 1.25 + 50
