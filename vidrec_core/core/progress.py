"""Progress of a long job in words: count, rate and time left, shared by the command line and the Data page."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


def format_duration(seconds: float) -> str:
    """'45 s', '3 min 05 s', '2 h 10 min': precise enough to decide whether to wait."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


@dataclass(frozen=True)
class ProgressSnapshot:
    done: int
    total: int
    rate: float | None  # items per second over this run's work (what was already cached is not counted)
    seconds_left: float | None

    @property
    def fraction(self) -> float:
        return 1.0 if self.total <= 0 else min(1.0, self.done / self.total)

    def describe(self, unit: str = "videos") -> str:
        parts = [f"{self.done:,} / {self.total:,} {unit}"]
        if self.rate is not None:
            parts.append(f"{self.rate:,.1f} per second")
        if self.done >= self.total:
            parts.append("done")
        elif self.seconds_left is not None:
            parts.append(f"about {format_duration(self.seconds_left)} left")
        else:
            parts.append("estimating time left…")
        return " · ".join(parts)


class RateMeter:
    """Turns (done, total) callbacks into a snapshot with a rate and an estimate of the time left.

    The first update is the baseline: a resumed run starts with the cached part done, which took no time now.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._start: float | None = None
        self._start_done = 0

    def update(self, done: int, total: int) -> ProgressSnapshot:
        now = self._clock()
        if self._start is None:
            self._start, self._start_done = now, done
        elapsed = now - self._start
        work = done - self._start_done
        rate = work / elapsed if work > 0 and elapsed > 0 else None
        left = (total - done) / rate if rate else None
        return ProgressSnapshot(done=done, total=total, rate=rate, seconds_left=left)
