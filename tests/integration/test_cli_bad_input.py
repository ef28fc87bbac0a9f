"""The command line answers every bad catalog file with one `error:` line and a non-zero exit, never a traceback."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.bad_cases import CATALOG_FILES, HISTORIES, write_case
from vidrec_core.core.paths import REPO_ROOT

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("name", [n for n, (_, _, message) in CATALOG_FILES.items() if message is not None])
def test_cli_refuses_bad_catalogs_in_one_line(tmp_path, name):
    message = CATALOG_FILES[name][2]
    path = write_case(tmp_path, name)
    done = subprocess.run(
        [sys.executable, "-m", "vidrec_core", "recommend", "--catalog", str(path), "--history", "-", "--json"],
        input="Alien\n",
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert re.search(message, lines[0]), lines[0]
    assert "Traceback" not in done.stderr and done.stdout == ""


@pytest.mark.parametrize("name", list(HISTORIES))
def test_cli_answers_every_bad_history(monkeypatch, capsys, name):
    """In-process (the model loads once): `main` is what `python -m vidrec_core` runs, exit code included."""
    import io
    import json
    import types

    from vidrec_core.cli.main import main

    text, expected = HISTORIES[name]
    monkeypatch.setattr("sys.stdin", types.SimpleNamespace(buffer=io.BytesIO(text.encode("utf-8"))))
    code = main(["recommend", "--history", "-", "--json", "--k", "5"])
    out, err = capsys.readouterr()
    if expected == "empty":
        assert code == 2 and out == ""
        assert err.startswith("error: The history is empty") and len(err.strip().splitlines()) == 1
        return
    assert code == 0, err
    answer = json.loads(out)
    assert len(answer["recommendations"]) == 5
    if name == "100,000 lines":
        assert any("only the last 2,000 were used" in m for m in answer["messages"])
