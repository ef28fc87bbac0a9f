"""A/B comparison: two strategies (or two settings of one) on the same history, side by side, exportable."""

import pandas as pd
import streamlit as st

from vidrec_core.core.errors import VidrecError
from vidrec_core.core.exports import safe_csv
from vidrec_core.profile.registry import ARTICLE_BASELINE
from vidrec_ui.bootstrap import ensure_app
from vidrec_ui.controls import strategy_controls
from vidrec_ui.history_state import current_history_text, get, put
from vidrec_ui.notices import engineer_details, start_details
from vidrec_ui.resources import current_recommender
from vidrec_ui.text import md_escape

ensure_app(__file__)
start_details()

st.title("Compare two strategies")
st.caption(
    "Both lists answer the same history (edit it on the Recommend page). Videos in both lists are marked ●. "
    "Filters from the Recommend page do not apply here."
)

recommender = current_recommender()
if recommender is None:
    st.stop()
history = current_history_text()
events = recommender.understand(history)
if not events:
    st.info("The history is empty: pick a persona or type a history on the Recommend page first.")
    st.stop()
with st.expander(f"The history ({len(events)} events)"):
    st.text(history)

sides = {}
columns = st.columns(2, gap="large")
# A opens on the article's method, B on the strategy this catalog defaults to: the comparison a demo should show.
for column, (label, prefix) in zip(columns, [("A", "a_"), ("B", "b_")], strict=True):
    with column:
        st.subheader(f"List {label}")
        if label == "A" and get(prefix + "strategy") is None:
            put(prefix + "strategy", ARTICLE_BASELINE)
        default = recommender.default_strategy if label == "B" else None
        choice = strategy_controls(prefix, label=f"Strategy {label}", default=default, missing=recommender.missing)
        try:
            result = recommender.recommend(
                events,
                strategy=choice.strategy,
                k=choice.k,
                diversity=choice.diversity,
                params=choice.params,
                calibration=choice.calibration,
            )
        except VidrecError as exc:
            st.warning(md_escape(exc))
            st.stop()
        sides[label] = (choice.strategy, choice.diversity, result)

ids_a = {r.id for r in sides["A"][2].recommendations}
ids_b = {r.id for r in sides["B"][2].recommendations}
shared = ids_a & ids_b

rows = []
for column, label in zip(columns, ["A", "B"], strict=True):
    strategy, diversity, result = sides[label]
    recs = result.recommendations
    numbers = recommender.list_metrics(result)
    numbers["shared with the other list"] = len(shared) / max(len(recs), 1)
    with column:
        st.dataframe(
            pd.DataFrame(
                {"metric": list(numbers), "value": [None if v is None else round(v, 3) for v in numbers.values()]}
            ),
            hide_index=True,
            width="stretch",
        )
        for position, rec in enumerate(recs, start=1):
            mark = "● " if rec.id in shared else ""
            year = f" ({rec.year})" if rec.year else ""
            st.markdown(f"{mark}**{position}. {md_escape(rec.title)}**{year}  \n{md_escape(rec.because)}")
    for position, rec in enumerate(recs, start=1):
        rows.append(
            {
                "list": label,
                "strategy": strategy,
                "diversity": diversity,
                "rank": position,
                "id": rec.id,
                "title": rec.title,
                "year": rec.year,
                "genres": ", ".join(rec.genres),
                "match": round(rec.match, 4),
                "score": round(rec.score, 4),
                "in both lists": rec.id in shared,
                "because": rec.because,
            }
        )

st.metric("Videos in both lists", f"{len(shared)}")
st.download_button(
    "Export the comparison as CSV",
    data=safe_csv(pd.DataFrame(rows)),
    file_name="vidrec_comparison.csv",
    mime="text/csv",
    icon=":material/download:",
)
engineer_details()
