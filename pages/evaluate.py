"""Evaluate: how well each strategy predicts what MovieLens users liked next, against plain baselines.

Opens instantly on a stored result (this machine's cache for the current code, else the one shipped in
sample_data/interactions/); a fresh run happens only on the button and is cached on disk.
"""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from vidrec_core.core.errors import VidrecError
from vidrec_core.evaluate.metrics import METRICS
from vidrec_core.evaluate.report import reading, row_label, table_records
from vidrec_core.evaluate.results import EvalResult
from vidrec_core.evaluate.run import SHIPPED_RESULT, evaluate, load_result, stored_result
from vidrec_core.evaluate.scorers import BASELINES
from vidrec_ui.bootstrap import ensure_app
from vidrec_ui.text import md_escape

ensure_app(__file__)

st.title("Evaluate")
st.caption(
    "Leave-last-out on MovieLens ratings matched to the sample catalog: each user's last liked video (rating ≥ 4) "
    "is hidden, every method ranks the whole catalog minus the user's history, and we look for the hidden video. "
    "Intervals are 95% bootstrap intervals over users."
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


@st.cache_data(show_spinner=False, max_entries=2)
def run_default() -> dict:
    return evaluate().as_dict()


source = "computed on this machine for the current code"
data = st.session_state.get("evaluation_result") or cached_stored()
if data is None:
    data = shipped()
    source = "shipped with the repository (press the button to measure the current code)"

if st.button("Run the evaluation now", help="About half a minute on 2 CPU cores; the result is cached on disk."):
    try:
        with st.spinner("Ranking the catalog for every user and method…"):
            data = run_default()
        st.session_state["evaluation_result"] = data
        cached_stored.clear()
        source = "computed on this machine for the current code"
    except VidrecError as exc:
        st.error(md_escape(exc))

if data is None:
    st.info("No stored result yet. Press **Run the evaluation now** (about half a minute).")
    st.stop()

result = EvalResult.from_dict(data)
k = result.k
info = result.info
st.caption(
    f"Result {source}: {info.get('created', 'date unknown')}, {info.get('seconds', '?')} s; "
    f"strategies registered then: {', '.join(info.get('strategies_registered', [])) or '?'}."
)

st.subheader("What it says")
for line in reading(result):
    st.markdown("- " + md_escape(line))


def ndcg_chart(view: str) -> go.Figure:
    rows = sorted(result.view(view), key=lambda r: r.metrics["ndcg"].value)
    labels = [row_label(r) for r in rows]
    values = [r.metrics["ndcg"].value for r in rows]
    figure = go.Figure(
        go.Bar(
            x=values,
            y=labels,
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
        height=60 + 28 * len(rows),
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        xaxis_title=f"NDCG@{k} (grey: baselines, blue: vidrec strategies; bars: 95% interval)",
    )
    return figure


views = {"all": "All users", "cold-start": "Cold start (the hidden video is new to the models)"}
for view, heading in views.items():
    rows = result.view(view)
    st.subheader(heading)
    if not rows:
        st.info("No user falls in this view with these settings.")
        continue
    users = rows[0].users
    if view == "cold-start":
        st.caption(
            f"{info.get('cold_items', '?')} randomly chosen catalog videos were removed from all training data and "
            f"histories; only the {users} users whose hidden video is one of them are scored. Few users means wide "
            "intervals."
        )
    else:
        st.caption(f"{users} users; {info.get('skipped_users', '?')} users with fewer liked videos were skipped.")
    st.plotly_chart(ndcg_chart(view), key=f"ndcg_{view}")
    st.dataframe(pd.DataFrame(table_records(result, view)), hide_index=True, width="stretch")

with st.expander("Data and definitions"):
    for line in info.get("match_report", []):
        st.markdown("- " + md_escape(line))
    st.markdown("**Metrics**")
    for text in METRICS.values():
        st.markdown("- " + md_escape(text.replace("@k", f"@{k}").replace("top k", f"top {k}")))
    st.markdown("**Baselines**")
    for name, text in BASELINES.items():
        st.markdown(f"- **{md_escape(name)}**: {md_escape(text)}")
    st.caption(
        "MovieLens latest-small by GroupLens (Harper & Konstan, 2015), used for research evaluation under the "
        "GroupLens usage licence; see sample_data/interactions/README.md."
    )
