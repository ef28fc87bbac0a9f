"""The short form of the load test: 20 sessions edit at once against one server (the long form is
`python bench/load_test.py --sessions 20 --seconds 180`)."""

from __future__ import annotations

import pytest

from bench.load_test import run_load

pytestmark = pytest.mark.e2e


def test_twenty_sessions_edit_at_once_without_errors_and_memory_levels_off():
    report = run_load(sessions=20, seconds=30)
    print(f"load: {report.edits} edits, latency {report.latency_ms}, rss {report.server_rss_mib}")
    assert report.errors == []
    assert report.edits >= 20  # every session got at least one edit through, on average
    # Memory levels off: the second half of the run peaks no more than a little above the first half.
    assert report.rss_second_half_peak_mib <= report.rss_first_half_peak_mib * 1.25 + 50
