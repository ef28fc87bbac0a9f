"""Pack a view (history and settings) into URL query parameters and back, refusing anything malformed."""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Mapping
from typing import Any

MAX_PARAM_CHARS = 16_000
MAX_HISTORY_CHARS = 50_000


class ShareError(ValueError):
    """A shared link cannot be read."""


def encode_history(text: str) -> str:
    packed = zlib.compress(text.encode("utf-8"), level=9)
    return base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode_history(token: str) -> str:
    if len(token) > MAX_PARAM_CHARS:
        raise ShareError("The shared link is too long to be a vidrec link.")
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        decompressor = zlib.decompressobj()
        raw = decompressor.decompress(packed, MAX_HISTORY_CHARS * 4 + 1)
        if decompressor.unconsumed_tail or len(raw) > MAX_HISTORY_CHARS * 4:
            raise ShareError("The shared history is too large.")
        return raw.decode("utf-8")
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError) as exc:
        if isinstance(exc, ShareError):
            raise
        raise ShareError("The shared link is damaged: its history could not be read.") from exc


def _number(value: str, low: float, high: float, name: str) -> float:
    try:
        number = float(value)
    except ValueError as exc:
        raise ShareError(f"The shared link has an unreadable {name}.") from exc
    if not low <= number <= high:
        raise ShareError(f"The shared link's {name} is outside {low:g}–{high:g}.")
    return number


SHORT_NAMES = (
    ("strategy", "s"),
    ("k", "k"),
    ("diversity", "d"),
    ("calibration", "c"),
    ("half_life", "hl"),
    ("hybrid_weight", "hw"),
)


def view_to_params(view: Mapping[str, Any]) -> dict[str, str]:
    """history -> h, strategy -> s, k, diversity -> d, calibration -> c, half_life -> hl, hybrid_weight -> hw."""
    params = {"h": encode_history(view["history"])}
    for key, short in SHORT_NAMES:
        if key in view and view[key] is not None:
            params[short] = f"{view[key]:g}" if isinstance(view[key], float) else str(view[key])
    return params


def params_to_view(params: Mapping[str, str], strategies: set[str]) -> dict[str, Any]:
    """The inverse of `view_to_params`; raises ShareError with a readable message for anything malformed."""
    total = sum(len(str(k)) + len(str(v)) for k, v in params.items())
    if total > MAX_PARAM_CHARS:
        raise ShareError("The shared link is too long to be a vidrec link.")
    view: dict[str, Any] = {}
    if "h" in params:
        view["history"] = decode_history(str(params["h"]))
    if "s" in params:
        if params["s"] not in strategies:
            raise ShareError(f"The shared link names an unknown strategy “{str(params['s'])[:40]}”.")
        view["strategy"] = params["s"]
    if "k" in params:
        view["k"] = int(_number(params["k"], 1, 50, "list length"))
    if "d" in params:
        view["diversity"] = _number(params["d"], 0, 1, "diversity")
    if "c" in params:
        view["calibration"] = _number(params["c"], 0, 1, "calibration")
    if "hl" in params:
        view["half_life"] = _number(params["hl"], 0.5, 100, "half-life")
    if "hw" in params:
        view["hybrid_weight"] = _number(params["hw"], 0, 1, "hybrid weight")
    return view
