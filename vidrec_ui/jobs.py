"""Server jobs in the app: one runner per server process, and how pages show their jobs.

The runner (`vidrec_core.core.jobs.JobRunner`) is held in `st.cache_resource`, so every session of this server sees
the same jobs and a job outlives the tab that started it. Jobs are drawn inside `st.fragment(run_every=...)`: a tab
that comes back sees the progress move, and when a job it was showing ends, the whole page runs again and shows
the result, without anyone pressing anything.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import streamlit as st

from vidrec_core.core.jobs import Job, JobKey, JobRunner, JobState
from vidrec_core.core.settings import heavy_jobs
from vidrec_ui.text import md_escape

POLL_SECONDS = 1.0  # how often a page showing jobs looks at them again
SIDEBAR_POLL_SECONDS = 2.0
ENDED_SHOWN_FOR = 1800  # seconds an ended job stays listed on the Data page (each session can dismiss it sooner)


@st.cache_resource(show_spinner=False)
def job_runner() -> JobRunner:
    """The server's one job runner, shared by every session."""
    return JobRunner(heavy_slots=heavy_jobs())


def job_line(job: Job) -> str:
    """Where the job stands, in one line; a queued job says how many jobs are ahead of it."""
    if job.state is not JobState.QUEUED:
        return job.describe()
    runner = job_runner()
    ahead = runner.position(job)
    why = " (one heavy job runs at a time)" if runner.heavy_slots == 1 else ""
    return f"{job.title}: queued, {ahead} job{'' if ahead == 1 else 's'} ahead{why}"


def cancellable(job: Job) -> bool:
    """Whether Cancel can stop it now: any queued job, and a running one whose work stops between steps."""
    return job.active and not job.cancel_requested and (job.state is JobState.QUEUED or job.meta.get("steps", True))


def show_job(job: Job, key: str) -> None:
    """A progress bar with the job's line, and Cancel when cancelling means something now."""
    snapshot = job.progress
    fraction = snapshot.fraction if snapshot is not None and snapshot.total > 0 else 0.0
    st.progress(fraction, text=md_escape(job_line(job)))
    if cancellable(job):
        st.button(
            "Cancel",
            key=f"{key}_cancel_{job.number}",
            on_click=job_runner().cancel,
            args=(job.key,),
            help=job.meta.get("cancel_help", "Stops the job; what it finished is kept."),
        )


def _follow(keys: tuple[JobKey, ...], prefix: str) -> None:
    runner = job_runner()
    jobs = [runner.get(key) for key in keys]
    for job in jobs:
        if job is not None and job.active:
            show_job(job, prefix)
    if any(job is None or job.ended for job in jobs):
        st.rerun()  # the page runs again and shows what the job made


def follow_jobs(keys: Sequence[JobKey], prefix: str) -> None:
    """Show these jobs' progress, refreshed every POLL_SECONDS; run the whole page again when one of them ends.
    Call it only for jobs that are active now."""
    st.fragment(_follow, run_every=POLL_SECONDS)(tuple(tuple(k) for k in keys), prefix)


def rerun_when_one_ends(active: Sequence[Job], state_key: str) -> None:
    """Inside a polling fragment: run the whole page again when a job this session saw active has ended."""
    now = {job.number for job in active}
    seen = st.session_state.get(state_key, set())
    st.session_state[state_key] = now
    if seen - now:
        st.rerun()


def recently_ended(jobs: Sequence[Job], dismissed: set[int]) -> list[Job]:
    """Ended jobs still worth listing: ended in the last ENDED_SHOWN_FOR seconds and not dismissed here."""
    cutoff = time.time() - ENDED_SHOWN_FOR
    return [j for j in jobs if j.ended and (j.ended_at or 0) >= cutoff and j.number not in dismissed]


def _sidebar_jobs() -> None:
    active = job_runner().active()
    for job in active:
        st.caption(md_escape(job_line(job)))
    if not active:
        st.caption("Server jobs finished: see the Data page.")


def sidebar_indicator() -> None:
    """A line per running or queued job in the sidebar, refreshed while any runs; nothing when none does (so
    sessions poll only while there is something to show)."""
    if job_runner().active():
        st.fragment(_sidebar_jobs, run_every=SIDEBAR_POLL_SECONDS)()
