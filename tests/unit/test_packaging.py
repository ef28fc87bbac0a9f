"""vidrec is a real package: `pip install -e .` gives the `vidrec` command, and bench/ and scripts/ import it without
editing sys.path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from vidrec_core.core.paths import REPO_ROOT


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "100"}
    )


def test_the_vidrec_command_is_the_module_command():
    vidrec = Path(sys.executable).parent / "vidrec"
    assert vidrec.is_file(), "no `vidrec` command: install the package with `.venv/bin/pip install -e . --no-deps`"
    by_command, by_module = _run(str(vidrec), "--help"), _run(sys.executable, "-m", "vidrec_core", "--help")
    assert by_command.returncode == by_module.returncode == 0, by_command.stderr + by_module.stderr
    assert by_command.stdout.startswith("usage: python -m vidrec_core")
    assert by_command.stdout == by_module.stdout
    missing = _run(str(vidrec), "recommend", "--history", "no/such/history.txt")
    assert missing.returncode == 2 and missing.stderr == "error: History file not found: no/such/history.txt\n"


def test_bench_and_scripts_do_not_edit_sys_path():
    for path in sorted([*(REPO_ROOT / "bench").glob("*.py"), *(REPO_ROOT / "scripts").glob("*.py")]):
        assert "sys.path" not in path.read_text(encoding="utf-8"), f"{path.name} edits sys.path"
