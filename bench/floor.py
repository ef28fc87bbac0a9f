"""Streamlit's own floor on this machine: the same two measures as issue #22's, taken on a page that does nothing.

Why: a figure for vidrec means little without the part no app code can remove. This serves a Streamlit page of
three elements (a title, a text area, one line quoting the text area's last line) and measures, exactly as
`bench/run.py --only cold` and `bench/load_test.py --client browser` measure vidrec:

- cold start: `streamlit run` (fresh process) to the line visible in chromium, chromium launched once the server
  answers its health check;
- an edit: Ctrl+Enter in the text area to the first animation frame showing the new line, timed inside the page.

Run: python -m bench.floor [--starts 5] [--edits 40] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.load_test import ARGS, CHROMIUM, THINK_SECONDS, WATCH_EDIT_JS

APP = """import streamlit as st

st.title("Recommendation studio")
text = st.text_area("Viewing history, one event per line", "Interstellar")
st.write("Why: the last line is", "“" + (text.splitlines() or [""])[-1] + "”")
"""
LABEL = "Viewing history, one event per line"


@contextmanager
def serve(folder: Path) -> Iterator[tuple[str, float]]:
    """A fresh `streamlit run` of the floor page; yields its address and the seconds to a healthy server."""
    (folder / "app.py").write_text(APP)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    start = time.perf_counter()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    command += ["--server.headless", "true", "--server.address", "127.0.0.1"]
    server = subprocess.Popen(command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError("the floor page's server exited") from None
                time.sleep(0.1)
        yield url, time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=20)


def cold_start(folder: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    start = time.perf_counter()
    with serve(folder) as (url, healthy), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page()
        tab.goto(url)
        tab.get_by_text("Why:").first.wait_for(timeout=120_000)
        first = time.perf_counter() - start
        browser.close()
    return {"server_healthy_s": round(healthy, 2), "first_text_visible_s": round(first, 2)}


def edits(folder: Path, count: int) -> list[float]:
    """Milliseconds from Ctrl+Enter to the new line on screen, `count` edits with vidrec's load-test pauses."""
    from playwright.sync_api import sync_playwright

    rng = random.Random(0)
    latencies = []
    with serve(folder) as (url, _), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page()
        tab.goto(url)
        tab.get_by_text("Why:").first.wait_for(timeout=120_000)
        box = tab.get_by_role("textbox", name=LABEL)
        for edit in range(count):
            line = f"search: heist movies {edit}"
            box.fill(f"Interstellar\n{line}")
            tab.evaluate(WATCH_EDIT_JS, f"“{line}”")
            box.press("Control+Enter")
            elapsed = tab.evaluate("window.vidrecEdit")
            if elapsed < 0:
                raise RuntimeError(f"edit {edit} did not reach the page within a minute")
            latencies.append(elapsed)
            time.sleep(rng.uniform(*THINK_SECONDS))
        browser.close()
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--starts", type=int, default=5, help="cold starts (median)")
    parser.add_argument("--edits", type=int, default=40, help="edits in one page")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        starts = [cold_start(Path(folder)) for _ in range(args.starts)]
        latencies = edits(Path(folder), args.edits)
    firsts = [run["first_text_visible_s"] for run in starts]
    result = {
        "cold_start_median_s": round(statistics.median(firsts), 2),
        "cold_starts": starts,
        "edit_ms": {
            "p50": round(statistics.median(latencies), 1),
            "p90": round(statistics.quantiles(latencies, n=10)[-1], 1),
            "edits": len(latencies),
        },
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"floor page cold start: median {result['cold_start_median_s']} s of {firsts}")
        print(f"floor page edit in chromium: p50 {result['edit_ms']['p50']} ms, p90 {result['edit_ms']['p90']} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
