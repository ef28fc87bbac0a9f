"""The documentation agrees with the code: the command-line reference is the parser's help, the column tables are
the synonym tables, every setting is described, the README stays one screen, and every link leads somewhere."""

from __future__ import annotations

import re

import pytest

from vidrec_core.cli.docs import render
from vidrec_core.cli.main import build_parser
from vidrec_core.core.paths import REPO_ROOT
from vidrec_core.core.settings import SETTINGS
from vidrec_core.data.interactions import INTERACTION_COLUMNS
from vidrec_core.data.schema import COLUMN_SYNONYMS

DOCS = REPO_ROOT / "docs"
PAGES = ("user-guide.md", "cli.md", "architecture.md", "evaluation.md", "speed-and-scale.md", "hardening.md")


def test_docs_cli_md_is_generated_from_the_parser():
    written = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert written == render(), "docs/cli.md is out of date: python -m vidrec_core.cli.docs > docs/cli.md"


def test_every_command_and_option_is_in_the_reference():
    text = render()
    for action in build_parser()._subparsers._group_actions:
        for name, sub in action.choices.items():
            assert f"\n## {name}\n" in text
            for option in sub._actions:
                for flag in option.option_strings:
                    assert flag in text, f"{name} {flag}"


def table_after(text: str, heading: str) -> dict[str, tuple[str, ...]]:
    """The `| `role` ... | a, b, c |` rows of the first table after `heading`."""
    section = text[text.index(heading) :]
    rows = {}
    for line in section[section.index("| role |") :].splitlines()[2:]:
        if not line.startswith("|"):
            break
        role_cell, names_cell = (cell.strip() for cell in line.strip("|").split("|"))
        rows[re.search(r"`([^`]+)`", role_cell).group(1)] = tuple(n.strip() for n in names_cell.split(","))
    return rows


def test_the_column_tables_are_the_code_s():
    guide = (DOCS / "user-guide.md").read_text(encoding="utf-8")
    assert table_after(guide, "## Your own catalog") == COLUMN_SYNONYMS
    assert table_after(guide, "### Interaction logs") == INTERACTION_COLUMNS


def test_every_setting_is_described():
    guide = (DOCS / "user-guide.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"| `{setting.name}` | {setting.default} | {setting.meaning} |" in guide


def test_the_readme_is_about_one_screen():
    assert len((REPO_ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 200


@pytest.mark.parametrize("page", ["README.md", *(f"docs/{p}" for p in PAGES)])
def test_links_lead_to_files_and_headings_that_exist(page: str):
    path = REPO_ROOT / page
    text = re.sub(r"```.*?```|`[^`\n]*`", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)  # code is not links
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if target.startswith(("http://", "https://")):
            continue
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        assert linked.exists(), f"{page} links to {target}"
        if anchor:
            headings = re.findall(r"^#+ (.+)$", linked.read_text(encoding="utf-8"), flags=re.MULTILINE)
            slugs = {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}
            assert anchor in slugs, f"{page} links to a missing heading: {target}"
