"""Many viewers at once: N browser sessions edit their histories against one `streamlit run` on localhost.

Each session types a new history line, submits it and waits until the page has rerun (the address bar carries the
new history and Streamlit's running indicator is gone). Reports the edit latency percentiles seen by the sessions,
errors, and the server's memory over time (it should level off, not grow per rerun).

    python bench/load_test.py --sessions 20 --seconds 180        # the long form
    python bench/load_test.py --sessions 20 --seconds 30         # the short form CI runs (tests/e2e/test_load.py)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from vidrec_core.paths import REPO_ROOT
from vidrec_core.share import encode_history

CHROMIUM = os.environ.get("VIDREC_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
BASE = "Toy Story\nFinding Nemo"


@dataclass
class LoadReport:
    sessions: int
    seconds: float
    edits: int = 0
    errors: list[str] = field(default_factory=list)
    latency_ms: dict[str, float] = field(default_factory=dict)
    server_rss_mib: list[float] = field(default_factory=list)
    rss_first_half_peak_mib: float = 0.0
    rss_second_half_peak_mib: float = 0.0


def _rss_mib(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass
class Clock:
    """Sessions open their pages first (the model loads once); the timed part starts when all are ready."""

    expected: int
    ready: int = 0
    started: asyncio.Event = field(default_factory=asyncio.Event)
    deadline: float = 0.0
    seconds: float = 0.0

    def arrive(self) -> None:
        self.ready += 1
        if self.ready == self.expected:
            self.deadline = time.monotonic() + self.seconds
            self.started.set()


async def _session(index: int, browser, url: str, clock: Clock, latencies: list[float], report: LoadReport):
    context = await browser.new_context()
    page = await context.new_page()
    page.set_default_timeout(120_000)
    arrived = False
    try:
        await page.goto(url)
        await page.get_by_text("Why:").first.wait_for(timeout=300_000)
        box = page.get_by_role("textbox", name="Viewing history, one event per line")
        clock.arrive()
        arrived = True
        await clock.started.wait()
        edit = 0
        while time.monotonic() < clock.deadline:
            edit += 1
            text = f"{BASE}\nsearch: session {index} edit {edit}"
            token = encode_history(text)
            await box.fill(text)
            start = time.perf_counter()
            await box.press("Control+Enter")
            await page.wait_for_url(lambda u, token=token: token in u)
            await page.get_by_test_id("stStatusWidget").wait_for(state="hidden")
            latencies.append((time.perf_counter() - start) * 1000)
            report.edits += 1
            if await page.get_by_test_id("stException").count():
                report.errors.append(f"session {index}: an exception is shown on the page")
                break
    except Exception as exc:
        report.errors.append(f"session {index}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    finally:
        if not arrived:
            clock.arrive()
        await context.close()


async def _drive(url: str, sessions: int, seconds: float, pid: int) -> LoadReport:
    from playwright.async_api import async_playwright

    report = LoadReport(sessions=sessions, seconds=seconds)
    latencies: list[float] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        clock = Clock(expected=sessions, seconds=seconds)

        async def watch_memory() -> None:
            await clock.started.wait()
            while time.monotonic() < clock.deadline + 5:
                report.server_rss_mib.append(round(_rss_mib(pid), 1))
                await asyncio.sleep(1)

        await asyncio.gather(
            watch_memory(),
            *(_session(i, browser, url, clock, latencies, report) for i in range(sessions)),
        )
        await browser.close()
    if latencies:
        values = np.array(latencies)
        report.latency_ms = {q: round(float(np.percentile(values, p)), 1) for q, p in (("p50", 50), ("p95", 95))}
        report.latency_ms["max"] = round(float(values.max()), 1)
    half = len(report.server_rss_mib) // 2
    if half:
        report.rss_first_half_peak_mib = max(report.server_rss_mib[:half])
        report.rss_second_half_peak_mib = max(report.server_rss_mib[half:])
    return report


def run_load(sessions: int, seconds: float, url: str | None = None, pid: int | None = None) -> LoadReport:
    """Against `url` (with the server's `pid` for memory), or a server started here for the run."""
    if url is not None:
        return asyncio.run(_drive(url, sessions, seconds, pid or 0))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as data_dir:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
            cwd=REPO_ROOT,
            env={**os.environ, "VIDREC_DATA_DIR": data_dir},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(600):
                try:
                    urllib.request.urlopen(f"{base}/_stcore/health", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            return asyncio.run(_drive(base, sessions, seconds, server.pid))
        finally:
            server.terminate()
            server.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--out", default="bench/results/load_test.json")
    args = parser.parse_args()
    report = run_load(args.sessions, args.seconds)
    summary = {k: v for k, v in asdict(report).items() if k != "server_rss_mib"}
    print(json.dumps(summary, indent=2))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(asdict(report), indent=2))
    print(f"wrote {out}")
    return 1 if report.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
