"""The short form of the load test: 20 sessions edit at once against one server, through Streamlit's own websocket
protocol so that the server is measured, not chromium (the long form is `python -m bench.load_test --sessions 20
--seconds 180`, add `--client browser` to go through chromium pages)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from vidrec_core.core.paths import REPO_ROOT

pytestmark = pytest.mark.e2e


def test_twenty_sessions_edit_at_once_without_errors_and_memory_levels_off(tmp_path):
    out = tmp_path / "load.json"
    # Its own process: the load test runs its sessions on asyncio, the browser tests hold a sync Playwright loop.
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.load_test",
            "--client",
            "protocol",
            "--sessions",
            "20",
            "--seconds",
            "30",
            "--out",
            str(out),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    report = json.loads(out.read_text())
    latency = ", ".join(f"{name} {ms:.0f} ms" for name, ms in report["latency_ms"].items())
    print(
        f"load ({report['client']}): {report['edits']} edits, latency {latency}, "
        f"rss peak {report['rss_first_half_peak_mib']:.0f} -> {report['rss_second_half_peak_mib']:.0f} MiB"
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert report["errors"] == []
    assert report["edits"] >= 20  # every session got at least one edit through, on average
    # An edit reruns the studio alone (its fragment); the whole page runs again only when the persona's label
    # changes, which a session's growing history does at most twice ("Your history, from …", then its own).
    assert report["whole_page_edits"] <= 2 * 20 < report["edits"]
    # Memory levels off: the second half of the run peaks no more than a little above the first half.
    assert report["rss_second_half_peak_mib"] <= report["rss_first_half_peak_mib"] * 1.25 + 50
