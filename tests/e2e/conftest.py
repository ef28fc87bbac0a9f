"""Start `streamlit run app.py` on a free port and drive it with Debian's chromium through Playwright."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from vidrec_core.core.paths import REPO_ROOT

CHROMIUM = os.environ.get("VIDREC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def wait_until_still(page, checks: int = 480) -> None:
    """Wait until the app has stopped running for a second (no running indicator four checks in a row)."""
    still = 0
    for _ in range(checks):
        running = page.locator('[data-testid="stStatusWidget"]').filter(has_text=re.compile("Running|Stop"))
        still = still + 1 if running.count() == 0 else 0
        if still >= 4:
            return
        page.wait_for_timeout(250)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not become healthy at {url}")


@contextmanager
def started_app(data_dir, extra_env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """`streamlit run app.py` on a free port with its own data folder; yields the base URL and the process."""
    port = free_port()
    env = {**os.environ, "VIDREC_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", **(extra_env or {})}
    log = open(data_dir / f"streamlit-{port}.log", "w")  # noqa: SIM115 - closed after the process ends
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(REPO_ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, process)
        yield url, process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


@contextmanager
def running_app(data_dir, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """`started_app` for tests that only need the URL."""
    with started_app(data_dir, extra_env) as (url, _):
        yield url


@pytest.fixture(scope="session")
def app_server(tmp_path_factory) -> Iterator[str]:
    with running_app(tmp_path_factory.mktemp("e2e_data")) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=120_000)  # the first page view loads the model
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, app_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)
    yield page
    context.close()
