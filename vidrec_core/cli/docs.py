"""Write the command-line reference (docs/cli.md) from the parser itself, so it cannot drift from the code.

    python -m vidrec_core.cli.docs > docs/cli.md

tests/unit/test_cli_docs.py renders it again and fails when docs/cli.md differs.
"""

from __future__ import annotations

import argparse

from vidrec_core.cli.main import build_parser

WIDTH = 100  # fixed, so the text does not depend on the terminal that renders it

HEADER = """# Command-line reference

Everything the app does, scriptable. `vidrec ...` (installed by `pip install -e .`, as `scripts/run.sh` and
`scripts/test.sh` do) and `python -m vidrec_core ...` are the same command. `--json` gives machine-readable output;
bad input gets one `error:` line on standard error and exit code 2 (130 when interrupted, 1 for a bug, with
`--debug` for its traceback).

This page is generated from the parser: `python -m vidrec_core.cli.docs > docs/cli.md` (a test fails when it is out
of date). Examples and what the output holds are in the [user guide](user-guide.md#command-line).
"""


def _help(parser: argparse.ArgumentParser) -> str:
    parser.formatter_class = lambda prog: argparse.HelpFormatter(prog, width=WIDTH)
    return parser.format_help().rstrip()


def render() -> str:
    parser = build_parser()
    sections = [HEADER, "## Commands", "", "```text", _help(parser), "```"]
    subcommands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in subcommands.choices.items():
        sections += ["", f"## {name}", "", "```text", _help(sub), "```"]
    return "\n".join(sections) + "\n"


if __name__ == "__main__":
    print(render(), end="")
