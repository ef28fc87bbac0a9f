"""Titles compared as people mean them: case, accents, punctuation and "Matrix, The" folded away."""

from __future__ import annotations

import re
import unicodedata

_AKA = re.compile(r"^\s*(a\.?k\.?a\.?|aka)\s+", re.IGNORECASE)
_ARTICLE_SUFFIX = re.compile(r"^(.*),\s*(the|a|an|le|la|les|l'|el|il|der|die|das)$", re.IGNORECASE)


def normalise_title(title: str) -> str:
    """Lower-case, accents and punctuation folded, "Matrix, The" read as "the matrix"."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower().strip()
    match = _ARTICLE_SUFFIX.match(text)
    if match:
        text = f"{match.group(2)} {match.group(1)}"
    text = text.replace("&", " and ")
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def title_keys(title: str) -> list[str]:
    """Normalised forms a log's title may match under: as written, without a trailing alternate title, and as
    that alternate title alone.

    MovieLens writes "Emperor and the Assassin, The (Jing ke ci qin wang)" and "Seven (Se7en)": the bracket is the
    original-language or the better-known title, and the article moved to the end is handled by `normalise_title`.
    """
    title = str(title).strip()
    keys = [normalise_title(title)]
    opening = title.rfind("(")
    if title.endswith(")") and opening >= 0:
        base = title[:opening].strip()
        if base:
            keys.append(normalise_title(base))
        # "Seven (Se7en)", "Nikita (La Femme Nikita)": the bracket may be the title the catalog uses
        keys.append(normalise_title(_AKA.sub("", title[opening + 1 : -1])))
    return [k for k in dict.fromkeys(keys) if k]
