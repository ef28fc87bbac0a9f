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
