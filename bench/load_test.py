"""Many viewers at once: N sessions edit their histories against one `streamlit run` on localhost.

Two clients. `protocol` (the default) speaks Streamlit's own websocket protocol (bench/st_protocol.py), so the
figures are the server's: on the Recommend page each session adds a catalog title to its history (keeping the last
12 lines, so a long run measures a steady state rather than an ever longer history), sends the rerun, waits until
the run has finished showing recommendations, then pauses 0.2-1 s as a person typing would. At the end each session
reruns once and checks that the history the server sends back is its own. `browser` drives headless chromium pages:
each types a new `search:` line and submits it (Ctrl+Enter); the latency is timed inside the page, from the key to
the list showing the new search, painted; then it waits until the run has ended and pauses as above. On a small
machine chromium takes much of the CPU, so those latencies are partly chromium's. Reports the edit latency
percentiles, errors, and the server's memory over time (it should level off, not grow per rerun).

    python -m bench.load_test --sessions 20 --seconds 180                    # the long form
    python -m bench.load_test --sessions 20 --seconds 180 --client browser   # the long form, through chromium
    python -m bench.load_test --sessions 20 --seconds 30                     # the short form CI runs (tests/e2e)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from bench.st_protocol import Run, Session, open_session
from vidrec_core.core.paths import REPO_ROOT, SAMPLE_CATALOG
from vidrec_ui.history_state import HISTORY_KEY

CHROMIUM = os.environ.get("VIDREC_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
BASE = "Toy Story\nFinding Nemo"
SEARCHES = ("heist movies", "space adventure", "romantic comedy", "haunted house", "courtroom drama")
CLIENTS = ("protocol", "browser")
KEPT_LINES = 12
THINK_SECONDS = (0.2, 1.0)
PERCENTILES = (("p50", 50), ("p90", 90), ("p95", 95), ("p99", 99))


@dataclass
class LoadReport:
    sessions: int
    seconds: float
    client: str = "protocol"
    edits: int = 0
    whole_page_edits: int = 0  # protocol client: edits whose run redrew the whole page, not only the studio
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


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:200]}"


# Timed inside the page: from the Ctrl+Enter keydown to the first animation frame (the paint) at which the page shows
# the new search in the list; a MutationObserver asks for a look at the next frame when the page changes. Timing
# from outside (Playwright's own round trips, or waiting for the address bar, which the studio updates before it
# draws the list) measures other things.
WATCH_EDIT_JS = """(needle) => { window.vidrecEdit = new Promise(resolve => {
  let pressed = null;
  const onKey = e => { if (e.key === 'Enter' && e.ctrlKey) pressed = performance.now(); };
  document.addEventListener('keydown', onKey, true);
  const done = value => {
    observer.disconnect();
    document.removeEventListener('keydown', onKey, true);
    resolve(value);
  };
  let frame = 0;  // one look per animation frame: reading the whole page's text on every mutation would load it
  const look = () => {
    frame = 0;
    if (pressed !== null && document.body.textContent.includes(needle)) done(performance.now() - pressed);
  };
  const observer = new MutationObserver(() => { if (!frame) frame = requestAnimationFrame(look); });
  observer.observe(document.body, {childList: true, subtree: true, characterData: true});
  setTimeout(() => done(-1), 60000);
}); }"""


async def _browser_session(index: int, browser, url: str, clock: Clock, latencies: list[float], report: LoadReport):
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
            search = f"{SEARCHES[(index + edit) % len(SEARCHES)]} {index}.{edit}"  # one the list answers
            await box.fill(f"{BASE}\nsearch: {search}")
            await page.evaluate(WATCH_EDIT_JS, f"“{search}”")  # as the list quotes it
            await box.press("Control+Enter")
            elapsed = await page.evaluate("window.vidrecEdit")
            if elapsed < 0:
                report.errors.append(f"session {index}: edit {edit} did not reach the list within a minute")
                break
            latencies.append(elapsed)
            report.edits += 1
            await page.get_by_test_id("stStatusWidget").wait_for(state="hidden")
            if await page.get_by_test_id("stException").count():
                report.errors.append(f"session {index}: an exception is shown on the page")
                break
            await asyncio.sleep(random.uniform(*THINK_SECONDS))
    except Exception as exc:
        report.errors.append(f"session {index}: {_describe(exc)}")
    finally:
        if not arrived:
            clock.arrive()
        await context.close()


async def _browser_sessions(url: str, clock: Clock, latencies: list[float], report: LoadReport) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        await asyncio.gather(
            *(_browser_session(i, browser, url, clock, latencies, report) for i in range(clock.expected))
        )
        await browser.close()


class EditFailed(Exception):
    """A run that did not end with the Recommend page showing recommendations."""


def _check_recommendations(run: Run) -> None:
    if not run.succeeded:
        raise EditFailed(f"run ended with status {run.status}, exceptions {[e[:200] for e in run.exceptions]}")
    if not any("Why:" in body for body in run.markdown):
        raise EditFailed("the run showed no recommendations")
    if HISTORY_KEY not in run.widget_ids:
        raise EditFailed("the run showed no history text area")


def _with_line(history: str, line: str) -> str:
    return "\n".join([*history.splitlines(), line][-KEPT_LINES:])


async def _edit_until_deadline(
    session: Session,
    history: str,
    titles: list[str],
    rng: random.Random,
    clock: Clock,
    latencies: list[float],
    report: LoadReport,
) -> str:
    """Add one title per edit until the deadline; returns the last history sent."""
    while time.monotonic() < clock.deadline:
        history = _with_line(history, titles[rng.randrange(len(titles))])
        session.set_text(HISTORY_KEY, history)
        start = time.perf_counter()
        run = await session.rerun()
        latencies.append((time.perf_counter() - start) * 1000)
        _check_recommendations(run)
        report.edits += 1
        report.whole_page_edits += run.elements_outside_fragments > 0
        await asyncio.sleep(rng.uniform(*THINK_SECONDS))
    return history


async def _protocol_session(
    index: int, url: str, titles: list[str], clock: Clock, latencies: list[float], report: LoadReport
) -> None:
    rng = random.Random(index)
    arrived = False
    try:
        async with open_session(url) as session:
            first = await session.rerun()
            _check_recommendations(first)
            clock.arrive()
            arrived = True
            await clock.started.wait()
            history = await _edit_until_deadline(
                session, first.text_values[HISTORY_KEY], titles, rng, clock, latencies, report
            )
            held = (await session.rerun()).text_values.get(HISTORY_KEY)
            if held != history:
                report.errors.append(f"session {index}: the server holds another history ({held!r:.80})")
    except Exception as exc:
        report.errors.append(f"session {index}: {_describe(exc)}")
    finally:
        if not arrived:
            clock.arrive()


async def _protocol_sessions(url: str, clock: Clock, latencies: list[float], report: LoadReport) -> None:
    titles = pd.read_parquet(SAMPLE_CATALOG, columns=["title"])["title"].dropna().astype(str).tolist()
    await asyncio.gather(*(_protocol_session(i, url, titles, clock, latencies, report) for i in range(clock.expected)))


async def _watch_memory(clock: Clock, pid: int, report: LoadReport) -> None:
    await clock.started.wait()
    while time.monotonic() < clock.deadline + 5:
        report.server_rss_mib.append(round(_rss_mib(pid), 1))
        await asyncio.sleep(1)


def _summarize(report: LoadReport, latencies: list[float]) -> None:
    if latencies:
        values = np.array(latencies)
        report.latency_ms = {name: round(float(np.percentile(values, p)), 1) for name, p in PERCENTILES}
        report.latency_ms["max"] = round(float(values.max()), 1)
    half = len(report.server_rss_mib) // 2
    if half:
        report.rss_first_half_peak_mib = max(report.server_rss_mib[:half])
        report.rss_second_half_peak_mib = max(report.server_rss_mib[half:])


async def _drive(url: str, sessions: int, seconds: float, pid: int, client: str) -> LoadReport:
    report = LoadReport(sessions=sessions, seconds=seconds, client=client)
    latencies: list[float] = []
    clock = Clock(expected=sessions, seconds=seconds)
    drive_sessions = _protocol_sessions if client == "protocol" else _browser_sessions
    await asyncio.gather(_watch_memory(clock, pid, report), drive_sessions(url, clock, latencies, report))
    _summarize(report, latencies)
    return report


def run_load(
    sessions: int, seconds: float, client: str = "protocol", url: str | None = None, pid: int | None = None
) -> LoadReport:
    """Against `url` (with the server's `pid` for memory), or a server started here for the run."""
    if url is not None:
        return asyncio.run(_drive(url, sessions, seconds, pid or 0, client))
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
            return asyncio.run(_drive(base, sessions, seconds, server.pid, client))
        finally:
            server.terminate()
            server.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--client", choices=CLIENTS, default="protocol", help="websocket protocol, or chromium pages")
    parser.add_argument("--out", default="bench/results/load_test.json")
    args = parser.parse_args()
    report = run_load(args.sessions, args.seconds, args.client)
    summary = {k: v for k, v in asdict(report).items() if k != "server_rss_mib"}
    print(json.dumps(summary, indent=2))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(asdict(report), indent=2))
    print(f"wrote {out}")
    return 1 if report.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
