"""Sample personas: named example histories shipped with the demo (read-only)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from vidrec_core.core.paths import SAMPLE_PERSONAS


@dataclass(frozen=True)
class Persona:
    name: str
    description: str
    history: str


def load_personas(path: Path = SAMPLE_PERSONAS) -> dict[str, Persona]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {
        name: Persona(name=name, description=item.get("description", ""), history=item["history"])
        for name, item in data.items()
    }


def history_lines(text: str) -> set[str]:
    """A history's event lines as compared for resemblance: blank and comment lines dropped, spacing and case
    folded."""
    lines = (" ".join(line.split()).casefold() for line in text.splitlines())
    return {line for line in lines if line and not line.startswith("#")}


def resembles(persona_history: str, text: str) -> bool:
    """Whether an edited history is still recognisably the persona's: at least half of the persona's lines kept, and
    at least half of the history's lines the persona's. Adding a title keeps the name; replacing the history, or
    burying it under new lines, does not."""
    theirs, ours = history_lines(persona_history), history_lines(text)
    kept = len(theirs & ours)
    return bool(theirs) and kept * 2 >= len(theirs) and kept * 2 >= len(ours)
