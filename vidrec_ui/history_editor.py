"""Two views of one history, kept in sync: the quick text box and an editable table."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from vidrec_core.profile.history import Event, EventKind, format_line
from vidrec_ui.history_state import set_history

KINDS = [kind.value for kind in EventKind]
BASE_KEY = "_history_table_base"
TABLE_COLUMNS = ["position", "kind", "text", "weight", "date", "understood as"]


def events_table(events: list[Event]) -> pd.DataFrame:
    # Explicit dtypes: an empty history must still give editable text and date columns.
    return pd.DataFrame(
        {
            "position": pd.Series(range(1, len(events) + 1), dtype="Int64"),
            "kind": pd.Series([e.kind.value for e in events], dtype="string"),
            "text": pd.Series([e.matched_title or e.text for e in events], dtype="string"),
            "weight": pd.Series([float(e.weight) for e in events], dtype="float64"),
            "date": pd.Series([pd.Timestamp(e.when) if e.when else pd.NaT for e in events], dtype="datetime64[ns]"),
            "understood as": pd.Series([_understood(e) for e in events], dtype="string"),
        },
        columns=TABLE_COLUMNS,
    )


def _understood(event: Event) -> str:
    if event.matched_title:
        return f"video: {event.matched_title} (match {event.match_score:.0f})"
    return f"text{': ' + event.note if event.note else ''}"


def table_to_text(table: pd.DataFrame) -> str:
    """Rows back to typed lines, ordered by position (ties keep table order); empty rows are dropped."""
    table = table.copy()
    table["position"] = pd.to_numeric(table["position"], errors="coerce")
    table["position"] = table["position"].fillna(table["position"].max() + 1 if table["position"].notna().any() else 0)
    table = table.sort_values("position", kind="stable")
    lines = []
    for row in table.to_dict("records"):
        text = str(row.get("text") or "").strip()
        if not text:
            continue
        kind = EventKind(row.get("kind") or EventKind.WATCHED.value)
        weight = pd.to_numeric(row.get("weight"), errors="coerce")
        weight = 1.0 if pd.isna(weight) else float(min(max(weight, 0.0), 10.0))
        when = row.get("date")
        when = None if when is None or pd.isna(when) else pd.Timestamp(when).date().isoformat()
        lines.append(format_line(kind, text, weight, when))
    return "\n".join(lines)


def _apply_edits(key: str) -> None:
    changes = st.session_state.get(key) or {}
    base = st.session_state.get(BASE_KEY)
    if base is None:
        return
    table = base.copy()
    for row, edits in changes.get("edited_rows", {}).items():
        for column, value in edits.items():
            table.at[int(row), column] = value
    table = table.drop(index=[i for i in changes.get("deleted_rows", []) if i in table.index])
    added = [
        {"position": None, "kind": EventKind.WATCHED.value, "weight": 1.0, "date": None, **row}
        for row in changes.get("added_rows", [])
    ]
    if added:
        table = pd.concat([table, pd.DataFrame(added)], ignore_index=True)
    set_history(table_to_text(table))


def history_table(events: list[Event]) -> None:
    """The table view; each edit rewrites the text box, so both always show the same history."""
    base = events_table(events)
    digest = hashlib.blake2b(base.to_json().encode(), digest_size=6).hexdigest()
    key = f"history_table_{digest}"  # a new history starts a fresh editor
    # The table the viewer edits lives under one fixed key, not in the callback's arguments: Streamlit 1.67 keeps
    # every widget's metadata for the session's life, and a per-history copy of the table grew memory per edit.
    st.session_state[BASE_KEY] = base
    st.data_editor(
        base,
        key=key,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        on_change=_apply_edits,
        args=(key,),
        disabled=["understood as"],
        column_config={
            "position": st.column_config.NumberColumn(help="Order of events; change it to reorder", step=1),
            "kind": st.column_config.SelectboxColumn(options=KINDS, required=True),
            "text": st.column_config.TextColumn(help="A title, a search, a comment or a sentence", max_chars=2000),
            "weight": st.column_config.NumberColumn(min_value=0.0, max_value=10.0, step=0.5, format="%.1f"),
            "date": st.column_config.DateColumn(help="Optional; when every event has a date, recency uses them"),
        },
    )
