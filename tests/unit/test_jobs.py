"""The job runner: one job per key, bounded heavy jobs in order, progress, cancel, results and readable errors.

Work functions here block on events the test sets, so every ordering is forced, never timed.
"""

from __future__ import annotations

import threading

import pytest

from vidrec_core.core.errors import CatalogError
from vidrec_core.core.jobs import JobCancelled, JobContext, JobRunner, JobState
from vidrec_core.core.notice import detail_of

WAIT = 30  # a safety net against a hung test, never a measurement


def gated(release: threading.Event, started: threading.Event | None = None, result: object = "done"):
    def work(ctx: JobContext) -> object:
        if started is not None:
            started.set()
        assert release.wait(WAIT)
        return result

    return work


def test_a_job_runs_and_keeps_its_result():
    runner = JobRunner()
    job = runner.submit(("x",), lambda ctx: 42, title="Answer")
    assert job.wait(WAIT)
    assert job.state is JobState.FINISHED and job.result == 42 and job.error is None
    assert runner.get(("x",)) is job and job.ended and not job.active
    assert job.describe().startswith("Answer: finished in")


def test_a_second_submit_with_the_same_key_joins_the_running_job():
    runner = JobRunner()
    release, started = threading.Event(), threading.Event()
    calls = []

    def work(ctx: JobContext) -> str:
        calls.append(1)
        started.set()
        assert release.wait(WAIT)
        return "once"

    first = runner.submit(("embed", "cat", "minilm"), work, title="Embedding")
    assert started.wait(WAIT)
    second = runner.submit(("embed", "cat", "minilm"), work, title="Embedding again")
    assert second is first and first.state is JobState.RUNNING
    release.set()
    assert first.wait(WAIT) and first.result == "once" and calls == [1]
    # Once it ended, the same key starts a new job.
    again = runner.submit(("embed", "cat", "minilm"), lambda ctx: "twice", title="Embedding")
    assert again is not first and again.wait(WAIT) and again.result == "twice"


def test_heavy_jobs_wait_in_order_for_the_one_slot_and_light_jobs_do_not():
    runner = JobRunner(heavy_slots=1)
    release_a, started_a = threading.Event(), threading.Event()
    order: list[str] = []

    a = runner.submit(("a",), gated(release_a, started_a), title="A")
    assert started_a.wait(WAIT)
    b = runner.submit(("b",), lambda ctx: order.append("b"), title="B")
    c = runner.submit(("c",), lambda ctx: order.append("c"), title="C")
    light = runner.submit(("light",), lambda ctx: "quick", title="Light", heavy=False)
    assert light.wait(WAIT) and light.result == "quick"  # not held up by the heavy queue
    assert b.state is JobState.QUEUED and c.state is JobState.QUEUED
    assert runner.position(b) == 1 and runner.position(c) == 2
    assert b.describe() == "B: waiting for another job to finish"
    assert [j.key for j in runner.active()] == [("a",), ("b",), ("c",)]
    release_a.set()
    assert a.wait(WAIT) and b.wait(WAIT) and c.wait(WAIT)
    assert order == ["b", "c"] and runner.position(c) == 0


def test_two_slots_run_two_heavy_jobs_at_once():
    runner = JobRunner(heavy_slots=2)
    release = threading.Event()
    started = [threading.Event(), threading.Event()]
    jobs = [runner.submit((n,), gated(release, started[n]), title=str(n)) for n in range(2)]
    assert all(s.wait(WAIT) for s in started)  # both started before either was released
    release.set()
    assert all(j.wait(WAIT) for j in jobs)


def test_progress_has_a_rate_and_time_left_and_a_note_before_it():
    runner = JobRunner()
    step, stepped, release = threading.Event(), threading.Event(), threading.Event()

    def work(ctx: JobContext) -> None:
        ctx.note("Looking up what is already embedded…")
        assert step.wait(WAIT)
        ctx.progress(0, 100)
        ctx.progress(40, 100)
        stepped.set()
        assert release.wait(WAIT)

    job = runner.submit(("p",), work, title="Embedding 'shows'", unit="videos")
    while job.state is not JobState.RUNNING or not job.note:
        job.wait(0.01)
    assert "Looking up what is already embedded" in job.describe()
    step.set()
    assert stepped.wait(WAIT)
    snapshot = job.progress
    assert (snapshot.done, snapshot.total) == (40, 100) and snapshot.fraction == 0.4
    assert job.describe().startswith("Embedding 'shows': 40 / 100 videos")
    release.set()
    assert job.wait(WAIT)


def test_cancel_sets_the_flag_the_work_polls_and_keeps_how_far_it_got():
    runner = JobRunner()
    started = threading.Event()

    def work(ctx: JobContext) -> None:
        ctx.progress(0, 10)
        for done in range(1, 11):
            if ctx.should_stop():
                raise JobCancelled
            ctx.progress(done, 10)
            if done == 3:
                started.set()
                while not ctx.should_stop():
                    threading.Event().wait(0.01)

    job = runner.submit(("c",), work, title="Counting", unit="steps")
    assert started.wait(WAIT)
    assert runner.cancel(("c",)) is job
    assert job.wait(WAIT)
    assert job.state is JobState.CANCELLED and job.progress.done == 3
    assert job.describe() == "Counting: cancelled after 3 of 10 steps"


def test_interrupted_error_after_cancel_means_cancelled_and_before_means_failed():
    runner = JobRunner()

    def stop_like_embed_texts(ctx: JobContext) -> None:
        while not ctx.should_stop():
            threading.Event().wait(0.01)
        raise InterruptedError("Embedding stopped after 3 of 9 texts.")

    job = runner.submit(("i",), stop_like_embed_texts, title="Embedding")
    runner.cancel(("i",))
    assert job.wait(WAIT) and job.state is JobState.CANCELLED

    def interrupted(ctx: JobContext) -> None:
        raise InterruptedError("the disk went away")

    failed = runner.submit(("j",), interrupted, title="Embedding")
    assert failed.wait(WAIT) and failed.state is JobState.FAILED and failed.error == "the disk went away"


def test_a_queued_job_cancelled_never_starts():
    runner = JobRunner()
    release, started = threading.Event(), threading.Event()
    ran = []
    first = runner.submit(("first",), gated(release, started), title="First")
    assert started.wait(WAIT)
    queued = runner.submit(("queued",), lambda ctx: ran.append(1), title="Queued")
    runner.cancel(("queued",))
    assert queued.wait(WAIT) and queued.state is JobState.CANCELLED
    release.set()
    assert first.wait(WAIT) and ran == []
    after = runner.submit(("after",), lambda ctx: "ran", title="After")  # the cancelled one left no slot taken
    assert after.wait(WAIT) and after.result == "ran"


@pytest.mark.parametrize(
    "error, message",
    [
        (CatalogError("The catalog 'x' has lost its table."), "The catalog 'x' has lost its table."),
        (ZeroDivisionError("division by zero"), "an unexpected error in the app stopped it"),
    ],
)
def test_a_failing_job_keeps_a_readable_error_and_frees_its_slot(error, message):
    runner = JobRunner()

    def work(ctx: JobContext) -> None:
        raise error

    job = runner.submit(("bad",), work, title="Bad")
    assert job.wait(WAIT)
    assert job.state is JobState.FAILED and job.error == message and job.result is None
    assert job.describe() == f"Bad: failed ({message})"
    if isinstance(error, ZeroDivisionError):  # what it was is kept for engineers, apart from the page's words
        assert detail_of(job.describe()) == "unexpected ZeroDivisionError: division by zero"
    nxt = runner.submit(("next",), lambda ctx: 1, title="Next")
    assert nxt.wait(WAIT) and nxt.result == 1


def test_forget_drops_ended_jobs_only_and_old_ones_are_forgotten_first():
    runner = JobRunner(keep_ended=2)
    release, started = threading.Event(), threading.Event()
    running = runner.submit(("running",), gated(release, started), title="R", heavy=False)
    assert started.wait(WAIT)
    runner.forget(("running",))
    assert runner.get(("running",)) is running
    for n in range(4):
        assert runner.submit((n,), lambda ctx: None, title=str(n), heavy=False).wait(WAIT)
    runner.submit(("last",), lambda ctx: None, title="last", heavy=False).wait(WAIT)
    keys = [j.key for j in runner.jobs()]
    assert ("running",) in keys and (0,) not in keys and (1,) not in keys
    runner.forget((3,))
    assert runner.get((3,)) is None
    release.set()
    assert running.wait(WAIT)
