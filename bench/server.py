"""A fresh `streamlit run` for a benchmark: on a free port, its health check waited for, stopped afterwards.

One home for what the cold start (`run.py`), the load test, the map at scale and Streamlit's floor all start the same
way.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Served:
    url: str
    pid: int
    healthy_s: float  # from starting the process to the health check's first answer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(
    cwd: str | Path,
    app: str = "app.py",
    env: Mapping[str, str] | None = None,
    args: Sequence[str] = (),
    timeout_s: float = 300.0,
) -> Iterator[Served]:
    """`streamlit run app` in `cwd` with `args`; yields once the server answers its health check. A server that
    exits, or does not answer within `timeout_s`, raises instead of leaving the benchmark to time a dead page."""
    port = free_port()
    start = time.perf_counter()
    command = [sys.executable, "-m", "streamlit", "run", app, "--server.port", str(port), *args]
    server = subprocess.Popen(
        command, cwd=cwd, env=None if env is None else dict(env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError(f"streamlit run {app} exited with {server.returncode}") from None
                if time.perf_counter() - start > timeout_s:
                    raise RuntimeError(f"streamlit run {app} did not answer within {timeout_s:.0f} s") from None
                time.sleep(0.1)
        yield Served(url, server.pid, time.perf_counter() - start)
    finally:
        server.terminate()
        server.wait(timeout=30)
