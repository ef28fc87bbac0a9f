"""Evaluate: how well each strategy predicts what MovieLens users liked, against the baselines a recommender-systems
reader expects, in three views (all users, cold start, new videos), and whether its lists look right to a person
(the on-taste view: genres followed, searches answered), with accuracy and taste drawn against each other.

Opens instantly on a stored result (this machine's cache for the current code, else the one shipped in
sample_data/interactions/). A fresh run is a server job: it goes on when the tab closes, any tab sees its progress
and can cancel it, and the page shows the result when it ends.
"""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from vidrec_core.core.errors import Cancelled, VidrecError
from vidrec_core.core.jobs import JobCancelled, JobContext, JobState
from vidrec_core.core.notice import Notice, joined
from vidrec_core.evaluate.audience import AUDIENCE_BASELINES, AUDIENCE_METRICS
from vidrec_core.evaluate.metrics import METRICS
from vidrec_core.evaluate.report import VIEW_QUESTIONS, reading, row_label, table_records
from vidrec_core.evaluate.results import EvalResult
from vidrec_core.evaluate.run import SHIPPED_RESULT, evaluate, load_result, stored_result
from vidrec_core.evaluate.scorers import BASELINES
from vidrec_core.evaluate.studio import studio_default, studio_reading
from vidrec_core.evaluate.taste import TASTE_METRICS
from vidrec_ui.bootstrap import ensure_app
from vidrec_ui.jobs import follow_jobs, job_runner
from vidrec_ui.notices import engineer_details, plain, say, start_details
from vidrec_ui.text import md_escape

ensure_app(__file__)
start_details()

JOB_KEY = ("evaluate", "sample", "default settings")
SEEN_KEY = "evaluate_jobs_seen"

st.title("Evaluate")
st.caption(
    "MovieLens ratings matched to the sample catalog; a rating ≥ 4 is a liked video. **All users**: each user's last "
    "liked video is hidden and every method ranks the whole catalog for it. **Cold start**: the hidden video is one "
    "of a tenth of the liked videos held out as new (never in any training data). **New videos**: for videos "
    "uploaded today, which viewers should see them? Every user with liked new videos ranks only the new videos. "
    "**On taste**: users' last liked titles typed as a history; do the lists follow their genres, and does a search "
    "line move them? Intervals are 95% bootstrap intervals over users; Δ is the paired difference with the view's "
    "best baseline (on taste: with the default strategy)."
)


@st.cache_data(show_spinner=False, max_entries=4)
def cached_stored() -> dict | None:
    """The disk-cached result for the default settings and the current code; computes nothing."""
    try:
        result = stored_result()
    except VidrecError:
        return None
    return result.as_dict() if result else None


@st.cache_data(show_spinner=False, max_entries=2)
def shipped() -> dict | None:
    result = load_result(SHIPPED_RESULT)
    return result.as_dict() if result else None


def run_evaluation(ctx: JobContext) -> dict:
    """The job: the whole evaluation with the default settings, cached on disk by the engine when it ends."""

    def progress(message: str, fraction: float) -> None:
        ctx.note(message)
        ctx.progress(round(fraction * 100), 100)

    try:
        return evaluate(progress=progress, should_stop=ctx.should_stop).as_dict()
    except Cancelled as exc:
        raise JobCancelled(str(exc)) from exc


runner = job_runner()
job = runner.get(JOB_KEY)
if st.button(
    "Run the evaluation now",
    disabled=job is not None and job.active,
    help="Four to six minutes on 2 CPU cores from an empty cache (the learned adapters are then cached); "
    "it runs on the server, so this tab may close.",
):
    job = runner.submit(
        JOB_KEY, run_evaluation, title="Evaluation", unit="% of the run", heavy=True,
        meta={"cancel_help": "Stops between steps; trained adapters stay cached for the next run."},
    )  # fmt: skip

if job is not None and job.active:
    st.session_state[SEEN_KEY] = job.number
    follow_jobs([JOB_KEY], "evaluate")
elif job is not None and st.session_state.get(SEEN_KEY) == job.number:
    st.session_state.pop(SEEN_KEY)
    cached_stored.clear()  # the job saved its result in the disk cache: read it again
    if job.state is JobState.FINISHED:
        st.success("The evaluation finished: the result below was computed on this machine just now.")
    elif job.state is JobState.CANCELLED:
        st.warning("The evaluation was cancelled; the result below is the last complete one.")
    else:
        say(joined(Notice("The evaluation failed:"), job.error or "no reason given"), st.error)

source = "computed on this machine for the current code"
data = cached_stored()
if data is None:
    data = shipped()
    source = "shipped with the repository (press the button to measure the current code here)"
if data is None:
    st.info("No stored result yet. Press **Run the evaluation now**.")
    st.stop()

result = EvalResult.from_dict(data)
info = result.info
st.caption(
    f"Result {source}: {info.get('created', 'date unknown')}, {info.get('seconds', '?')} s; "
    f"strategies registered then: {', '.join(info.get('strategies_registered', [])) or '?'}."
)

st.subheader("What it says")
# The headline is what the studio runs; where another row scores higher, the lines under it say why it is not run.
headline, *studio_lines = studio_reading(result, *studio_default())
say(headline, st.info)
for line in [*studio_lines, *reading(result)]:
    st.markdown("- " + md_escape(plain(line)))


def ndcg_chart(view: str) -> go.Figure:
    k = result.k_of(view)
    rows = sorted(result.view(view), key=lambda r: r.metrics["ndcg"].value)
    figure = go.Figure(
        go.Bar(
            x=[r.metrics["ndcg"].value for r in rows],
            y=[row_label(r) for r in rows],
            orientation="h",
            marker_color=["#9e9e9e" if r.kind == "baseline" else "#1f77b4" for r in rows],
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [r.metrics["ndcg"].high - r.metrics["ndcg"].value for r in rows],
                "arrayminus": [r.metrics["ndcg"].value - r.metrics["ndcg"].low for r in rows],
            },
            hovertemplate="%{y}: NDCG@" + str(k) + " %{x:.4f}<extra></extra>",
        )
    )
    figure.update_layout(
        height=60 + 24 * len(rows),
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        xaxis_title=f"NDCG@{k} (grey: baselines, blue: vidrec strategies; bars: 95% interval)",
    )
    return figure


def trade_off_chart() -> go.Figure | None:
    """Accuracy (all users' NDCG@10) against taste (typed histories' genre miscalibration), one point per method:
    the default should sit at the top right."""
    accuracy = {(r.method, r.encoder): r.metrics["ndcg"].value for r in result.view("all")}
    points = [r for r in result.view("on-taste") if (r.method, r.encoder) in accuracy]
    if not points:
        return None
    default = next((r.baseline for r in points if r.baseline), None)
    figure = go.Figure()
    for kind, colour in (("baseline", "#9e9e9e"), ("strategy", "#1f77b4")):
        chosen = [r for r in points if r.kind == kind]
        figure.add_trace(
            go.Scatter(
                x=[accuracy[(r.method, r.encoder)] for r in chosen],
                y=[r.metrics["miscalibration"].value for r in chosen],
                mode="markers+text",
                text=[row_label(r) for r in chosen],
                textposition="top center",
                marker={
                    "size": [16 if row_label(r) == default else 10 for r in chosen],
                    "color": colour,
                    "symbol": ["star" if row_label(r) == default else "circle" for r in chosen],
                },
                name="baselines" if kind == "baseline" else "vidrec strategies",
                customdata=[[r.metrics["on_taste"].value] for r in chosen],
                hovertemplate="%{text}<br>NDCG@10 %{x:.4f}<br>miscalibration %{y:.2f}<br>on taste "
                "%{customdata[0]:.2f}<extra></extra>",
            )
        )
    figure.update_layout(
        height=420,
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        xaxis_title="accuracy: all users' NDCG@10 (further right is better)",
        yaxis_title="genre miscalibration (higher up is better)",
        yaxis_autorange="reversed",
    )
    return figure


headings = {
    "all": "All users",
    "cold-start": "Cold start (the hidden video is new to the models)",
    "new-items": "New videos: for videos uploaded today, which viewers should see them?",
    "audience": "The audience of a new video: are its real viewers at the top of all users?",
    "on-taste": "On taste: typed histories, their genres followed and their searches answered",
}
views_info = info.get("views", {})
for view, heading in headings.items():
    rows = result.view(view)
    st.subheader(heading)
    if not rows:
        st.info("No user falls in this view with these settings (or the result predates it: run the evaluation).")
        continue
    users = rows[0].users
    if view == "new-items":
        details = views_info.get(view, {})
        st.caption(
            f"{details.get('candidates', '?')} liked videos were held out as new: in no training data and no "
            f"history. Each of the {users:,} users with three or more other liked videos and a liked new video ranks "
            f"only the new videos; Recall@{result.k_of(view)} is the share of their "
            f"{details.get('liked_new_videos', '?')} liked new videos found in the top of each list. This is where "
            "reading the video's text has to earn its place: no method can have seen anyone watch these videos."
        )
    elif view == "cold-start":
        st.caption(
            f"{info.get('cold_items', '?')} liked videos were held out as new; only the {users} users whose hidden "
            "video is one of them are scored, so the intervals are wide. The new-videos view below asks the same "
            "question with far more evidence."
        )
    elif view == "audience":
        details = views_info.get(view, {})
        st.caption(
            f"The same held-out videos, asked the other way round: for each of the {details.get('videos', '?')} new "
            f"videos with a real viewer, all {details.get('users', '?')} users are ranked by how strongly each method "
            "would recommend it to them (each user's scores standardised over the new videos). Recall: the share of "
            f"its real viewers among the top {details.get('k', '?')} users (a tenth); AUC: the chance a real viewer "
            "is ranked above someone who did not watch it. Each method is compared video by video with the most "
            "active viewers first."
        )
        st.dataframe(pd.DataFrame(table_records(result, view)), hide_index=True, width="stretch")
        continue
    elif view == "on-taste":
        details = views_info.get(view, {})
        st.caption(
            f"{users:,} users' last {details.get('history', '?')} liked titles, typed as a history. Genre "
            "miscalibration: how far the list's genre mix is from the history's (Steck 2018; lower is better). On "
            "taste: picks sharing a genre with the history's two main genres. Search response: "
            f"{details.get('users_with_a_search', '?')} of the histories get one `search:` line naming a genre they "
            "hardly watch; the picks of that genre in the new list, minus the old. Each method is compared user by "
            f"user with the default, {details.get('compared_with') or '?'}."
        )
        st.caption(md_escape(VIEW_QUESTIONS[view]))
        chart = trade_off_chart()
        if chart is not None:
            st.plotly_chart(chart, key="trade_off")
        st.dataframe(pd.DataFrame(table_records(result, view)), hide_index=True, width="stretch")
        continue
    else:
        st.caption(f"{users} users; {info.get('skipped_users', '?')} users with fewer liked videos were skipped.")
    st.caption(md_escape(VIEW_QUESTIONS[view]))
    st.plotly_chart(ndcg_chart(view), key=f"ndcg_{view}")
    st.dataframe(pd.DataFrame(table_records(result, view)), hide_index=True, width="stretch")

with st.expander("Data and definitions"):
    for line in info.get("match_report", []):
        st.markdown("- " + md_escape(line))
    st.markdown("**Metrics**")
    for text in [*METRICS.values(), *TASTE_METRICS.values(), *AUDIENCE_METRICS.values()]:
        st.markdown("- " + md_escape(text))
    st.markdown("**Baselines**")
    for name, text in {**BASELINES, **AUDIENCE_BASELINES}.items():
        st.markdown(f"- **{md_escape(name)}**: {md_escape(text)}")
    ease = info.get("ease", {})
    for name, choice in ease.items():
        st.markdown(
            md_escape(f"- EASE λ on the {name} training data: {choice.get('lambda')} (chosen on a validation split)")
        )
    licence = Notice(
        "MovieLens latest-small by GroupLens (Harper & Konstan, 2015), used for research evaluation under the "
        "GroupLens usage licence.",
        "The licence and how the log was matched to the sample: sample_data/interactions/README.md.",
    )
    st.caption(plain(licence))
engineer_details()
