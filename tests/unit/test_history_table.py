"""The table view of a history converts to the text view and back without losing events."""

import pandas as pd

from vidrec_core.profile.history import parse_history
from vidrec_ui.history_editor import events_table, table_to_text


def test_table_round_trip(tiny_recommender):
    text = "Star Voyage\nlike: Ghost Manor | 2 | 2024-05-01\nsearch: haunted cellar\ndislike: Wedding Season"
    events = parse_history(text, tiny_recommender.matcher)
    table = events_table(events)
    assert table["kind"].tolist() == ["watched", "liked", "searched", "disliked"]
    again = table_to_text(table)
    assert again == (
        "Star Voyage (2001)\nlike: Ghost Manor (1999) | 2 | 2024-05-01\nsearch: haunted cellar\n"
        "dislike: Wedding Season (2018)"
    )
    reparsed = parse_history(again, tiny_recommender.matcher)
    assert [(e.kind, e.matched_id, e.weight, e.when) for e in reparsed] == [
        (e.kind, e.matched_id, e.weight, e.when) for e in events
    ]


def test_position_reorders_and_empty_rows_drop():
    table = pd.DataFrame(
        {
            "position": [2, 1, None, 3],
            "kind": ["watched", "searched", "interest", "interest"],
            "text": ["Alien", "space", "", "new at the end"],
            "weight": [1.0, None, 1.0, 1.0],
            "date": [None, None, None, pd.Timestamp("2024-02-03")],
        }
    )
    assert table_to_text(table) == "search: space\nAlien\ninterest: new at the end | 2024-02-03"


def test_empty_history_gives_an_editable_table():
    table = events_table([])
    assert list(table.columns)[:5] == ["position", "kind", "text", "weight", "date"] and table.empty
    assert table_to_text(table) == ""


def test_an_edit_in_the_table_rewrites_the_text_from_the_table_the_viewer_saw(monkeypatch):
    """What the data editor's callback does with Streamlit's change record (edited, deleted and added rows)."""
    from vidrec_ui import history_editor

    state: dict = {}
    written: list[str] = []
    monkeypatch.setattr(history_editor.st, "session_state", state)
    monkeypatch.setattr(history_editor, "set_history", written.append)
    state[history_editor.BASE_KEY] = events_table(parse_history("Alien\nsearch: space\nI love jazz", None))
    state["history_table_x"] = {
        "edited_rows": {1: {"text": "deep space"}},
        "deleted_rows": [2],
        "added_rows": [{"text": "Up", "kind": "liked"}],
    }
    history_editor._apply_edits("history_table_x")
    assert written == ["interest: Alien\nsearch: deep space\nlike: Up"]  # no catalog here: Alien is text
