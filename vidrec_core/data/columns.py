"""The one column-role guesser: which source column plays which role, from the column names alone.

Catalogs and interaction logs both use it, each with its own synonym table and its own way of comparing names.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import TypeVar

Column = TypeVar("Column", bound=Hashable)


def lower_key(name: object) -> str:
    """Catalog columns: compared lower-cased, surrounding spaces ignored ("Title " is "title")."""
    return str(name).strip().lower()


def compact_key(name: object) -> str:
    """Log columns: compared lower-cased with "_", "-" and spaces removed ("userId" is "user_id")."""
    return "".join(ch for ch in str(name).lower() if ch not in "_- ")


def guess_roles(
    columns: Iterable[Column],
    synonyms: Mapping[str, tuple[str, ...]],
    key: Callable[[object], str] = lower_key,
) -> dict[str, Column]:
    """Each role -> the first source column whose compared name is one of the role's synonyms (tried in order).

    Where two columns compare equal the first one counts, and a column plays at most one role: the role listed
    first in `synonyms` gets it, and a later role falls through to its next synonym.
    """
    by_key: dict[str, Column] = {}
    for column in columns:
        by_key.setdefault(key(column), column)
    roles: dict[str, Column] = {}
    used: set[Column] = set()
    for role, names in synonyms.items():
        for name in names:
            source = by_key.get(name)
            if source is not None and source not in used:
                roles[role] = source
                used.add(source)
                break
    return roles
