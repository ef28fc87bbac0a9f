"""Server-side jobs: long work that belongs to the server process, not to the browser tab that asked for it.

A Streamlit script run lives and dies with its session: embedding a 200,000-video catalog (about 70 minutes on two
cores) used to need one tab open the whole time. A `JobRunner` runs each job in its own daemon thread instead, so
the work goes on when the tab closes, and any session can see it, cancel it and pick up its result. No Streamlit
here: the app holds one runner per server (`vidrec_ui.jobs.job_runner()`, an `st.cache_resource`), a script or a
test can make its own.

How to use it:

    def work(ctx: JobContext) -> Report:           # runs in the job's thread; engine code only, no st.*
        ctx.note("Loading the catalog…")             # a phase, shown until the first progress
        for done in range(0, total, 128):
            if ctx.should_stop():                    # poll the cancel flag between steps
                raise JobCancelled                   # (InterruptedError counts too once Cancel was pressed)
            ...                                      # one step of work
            ctx.progress(done + 128, total)          # count, rate and time left (core.progress.RateMeter)
        return report                                # kept as job.result

    runner = JobRunner(heavy_slots=1)
    job = runner.submit(("evaluate", settings_digest), work, title="Evaluating 5 strategies", unit="users",
                        heavy=True, meta={"settings": settings})  # meta: anything the UI shows about it later
    runner.submit(("evaluate", settings_digest), work, ...)   # same key while queued or running: the same job
    job = runner.get(("evaluate", settings_digest))           # the latest job under that key, or None
    job.state                  # JobState.QUEUED / RUNNING / FINISHED / FAILED / CANCELLED; job.active, job.ended
    job.describe()             # "Evaluating 5 strategies: 120 / 645 users · 9.5 per second · about 55 s left"
    job.result, job.error      # the work's return value; a readable message when it failed
    runner.position(job)       # heavy jobs ahead of a queued one
    runner.cancel(key)         # sets the flag should_stop() reads; a queued job never starts
    job.wait(timeout)          # block until it ended (tests, scripts)
    runner.forget(key)         # drop an ended job's record

Rules: one job per key at a time (a second submit joins the running one); at most `heavy_slots` heavy jobs run at
once and the others wait in order, saying so (`QUEUED`, `position`); light jobs (`heavy=False`) start at once. A
job that raises `VidrecError` fails with its message; any other exception fails with its type and message (the
traceback goes to the log). Jobs live as long as the process: a restart loses them, so work meant to survive one
keeps its own progress on disk (the embedding store keeps every finished chunk) and is simply submitted again.
"""

from __future__ import annotations

import enum
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from vidrec_core.core.errors import VidrecError
from vidrec_core.core.notice import Notice, detail_of
from vidrec_core.core.progress import ProgressSnapshot, RateMeter, format_duration

log = logging.getLogger(__name__)
JobKey = tuple[Hashable, ...]
KEEP_ENDED = 50  # ended jobs remembered per runner (the oldest are forgotten first)


def unexpected(exc: BaseException) -> Notice:
    """A bug's failure: plain words for the page, the exception's type and text for engineers (the traceback is in
    the server's log)."""
    return Notice("an unexpected error in the app stopped it", f"unexpected {type(exc).__name__}: {exc}")


class JobState(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE = (JobState.QUEUED, JobState.RUNNING)


class JobCancelled(Exception):
    """Raised by a work function that saw `should_stop()`: the job ends as cancelled."""


class Job:
    """One submitted piece of work: its state, progress, result or error, and its cancel flag. Thread-safe to
    read from any session; only the runner and the job's own thread change it."""

    def __init__(self, key: JobKey, title: str, heavy: bool, unit: str, number: int, meta: Mapping[str, Any]):
        self.key = key
        self.title = title
        self.heavy = heavy
        self.unit = unit
        self.meta = dict(meta)  # what the submitter wants to show about it later (a catalog's name, say)
        self.number = number  # submission order, unique per runner
        self.submitted_at = time.time()
        self.started_at: float | None = None
        self.ended_at: float | None = None
        self.result: Any = None
        self.error: str | None = None
        self._state = JobState.QUEUED
        self._progress: ProgressSnapshot | None = None
        self._note = ""
        self._stop = threading.Event()
        self._ended = threading.Event()
        self._lock = threading.Lock()
        self._meter = RateMeter()

    # ------------------------------------------------------------------------------------------------ reading

    @property
    def state(self) -> JobState:
        return self._state

    @property
    def active(self) -> bool:
        return self._state in ACTIVE

    @property
    def ended(self) -> bool:
        return not self.active

    @property
    def progress(self) -> ProgressSnapshot | None:
        return self._progress

    @property
    def note(self) -> str:
        return self._note

    @property
    def cancel_requested(self) -> bool:
        return self._stop.is_set()

    def elapsed(self) -> float:
        """Seconds it has run (0 while queued)."""
        if self.started_at is None:
            return 0.0
        return (self.ended_at or time.time()) - self.started_at

    def describe(self) -> str:
        """The title and where it stands, in one line: progress with rate and time left while running."""
        snapshot = self._progress
        if self._state is JobState.QUEUED:
            return f"{self.title}: waiting for another job to finish"
        if self._state is JobState.RUNNING:
            if self.cancel_requested:
                return f"{self.title}: stopping after the current step"
            if snapshot is not None and snapshot.total > 0:
                return f"{self.title}: {snapshot.describe(self.unit)}"
            return f"{self.title}: {self._note or 'starting'} ({format_duration(self.elapsed())} so far)"
        if self._state is JobState.FINISHED:
            return f"{self.title}: finished in {format_duration(self.elapsed())}"
        if self._state is JobState.CANCELLED:
            done = f" after {snapshot.done:,} of {snapshot.total:,} {self.unit}" if snapshot and snapshot.total else ""
            return f"{self.title}: cancelled{done}"
        return Notice(f"{self.title}: failed ({self.error})", detail_of(self.error))

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job ended; False if `timeout` seconds passed first."""
        return self._ended.wait(timeout)

    # ------------------------------------------------------------------------------------------------ changing

    def cancel(self) -> None:
        self._stop.set()

    def _set_progress(self, done: int, total: int) -> None:
        with self._lock:
            self._progress = self._meter.update(done, total)

    def _set_note(self, note: str) -> None:
        self._note = note

    def _start(self) -> None:
        with self._lock:
            self.started_at = time.time()
            self._state = JobState.RUNNING

    def _end(self, state: JobState, result: Any = None, error: str | None = None) -> None:
        with self._lock:
            self.result, self.error = result, error
            self.ended_at = time.time()
            if self.started_at is None:
                self.started_at = self.ended_at
            self._state = state
        self._ended.set()

    def __repr__(self) -> str:
        return f"Job({self.key!r}, {self._state.value})"


class JobContext:
    """What a work function gets: report progress and a phase, and poll the cancel flag."""

    def __init__(self, job: Job):
        self._job = job

    def progress(self, done: int, total: int) -> None:
        self._job._set_progress(done, total)

    def note(self, text: str) -> None:
        self._job._set_note(text)

    def should_stop(self) -> bool:
        return self._job.cancel_requested


Work = Callable[[JobContext], Any]


class JobRunner:
    """Runs jobs in daemon threads: one per key at a time, at most `heavy_slots` heavy ones at once, in order."""

    def __init__(self, heavy_slots: int = 1, keep_ended: int = KEEP_ENDED):
        self.heavy_slots = max(1, int(heavy_slots))
        self.keep_ended = keep_ended
        self._jobs: dict[JobKey, Job] = {}  # the latest job per key, oldest submission first
        self._waiting: deque[Job] = deque()  # heavy jobs waiting for a slot, first come first served
        self._running_heavy = 0
        self._numbers = itertools.count(1)
        self._changed = threading.Condition()

    def submit(
        self,
        key: JobKey,
        work: Work,
        *,
        title: str,
        heavy: bool = True,
        unit: str = "items",
        meta: Mapping[str, Any] | None = None,
    ) -> Job:
        """Start `work` under `key`, or return the job already queued or running under it (the work is then not
        started again). `title` names it in messages, `unit` is what progress counts, `meta` is kept for the UI."""
        key = tuple(key)
        with self._changed:
            current = self._jobs.get(key)
            if current is not None and current.active:
                return current
            job = Job(key, title, heavy, unit, next(self._numbers), meta or {})
            self._jobs.pop(key, None)
            self._jobs[key] = job
            if heavy:
                self._waiting.append(job)
            self._forget_oldest_ended()
        threading.Thread(target=self._run, args=(job, work), name=f"vidrec-job-{job.number}", daemon=True).start()
        return job

    def get(self, key: JobKey) -> Job | None:
        with self._changed:
            return self._jobs.get(tuple(key))

    def jobs(self) -> list[Job]:
        """Every remembered job, oldest submission first."""
        with self._changed:
            return list(self._jobs.values())

    def active(self) -> list[Job]:
        return [job for job in self.jobs() if job.active]

    def position(self, job: Job) -> int:
        """How many heavy jobs run or wait ahead of this queued one (0 once it runs)."""
        with self._changed:
            if job not in self._waiting:
                return 0
            return self._running_heavy + list(self._waiting).index(job)

    def cancel(self, key: JobKey) -> Job | None:
        job = self.get(key)
        if job is not None and job.active:
            job.cancel()
            with self._changed:
                self._changed.notify_all()  # a queued job wakes up and ends
        return job

    def forget(self, key: JobKey) -> None:
        """Drop an ended job's record (an active job is kept: cancel it first)."""
        with self._changed:
            job = self._jobs.get(tuple(key))
            if job is not None and job.ended:
                del self._jobs[tuple(key)]

    # ----------------------------------------------------------------------------------------------- running

    def _run(self, job: Job, work: Work) -> None:
        if job.heavy and not self._wait_for_slot(job):
            job._end(JobState.CANCELLED)
            return
        job._start()
        try:
            result = work(JobContext(job))
        except (JobCancelled, InterruptedError) as exc:
            if job.cancel_requested or isinstance(exc, JobCancelled):
                job._end(JobState.CANCELLED)
            else:
                job._end(JobState.FAILED, error=str(exc) or "interrupted")
        except VidrecError as exc:
            job._end(JobState.FAILED, error=exc.notice)
        except Exception as exc:  # a bug: say what it was, keep the traceback in the log, keep the server up
            log.exception("job %s failed", job.key)
            job._end(JobState.FAILED, error=unexpected(exc))
        else:
            job._end(JobState.FINISHED, result=result)
        finally:
            if job.heavy:
                with self._changed:
                    self._running_heavy -= 1
                    self._changed.notify_all()

    def _wait_for_slot(self, job: Job) -> bool:
        """Wait until this heavy job is at the front of the queue and a slot is free; False if cancelled first."""
        with self._changed:
            while True:
                if job.cancel_requested:
                    self._waiting.remove(job)
                    self._changed.notify_all()
                    return False
                ahead = list(self._waiting).index(job)
                if self._running_heavy + ahead < self.heavy_slots:
                    self._waiting.remove(job)
                    self._running_heavy += 1
                    return True
                self._changed.wait(timeout=1.0)  # also notices a Job.cancel() made without the runner

    def _forget_oldest_ended(self) -> None:
        ended = [key for key, job in self._jobs.items() if job.ended]
        for key in ended[: max(0, len(ended) - self.keep_ended)]:
            del self._jobs[key]
