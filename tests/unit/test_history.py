import pytest

from vidrec_core.data.schema import catalog_from_records
from vidrec_core.data.titles import normalise_title
from vidrec_core.profile.history import EventKind, clean_line, parse_history, replace_title_on_line, title_unmatched
from vidrec_core.profile.matching import TitleMatcher


@pytest.fixture
def matcher():
    catalog = catalog_from_records(
        [
            {"id": "1", "title": "Interstellar", "year": 2014, "popularity": 10},
            {"id": "2", "title": "The Matrix", "year": 1999, "popularity": 9},
            {"id": "3", "title": "Alien", "year": 1979, "popularity": 8},
            {"id": "4", "title": "Alien", "year": 2030, "popularity": 1},
            {"id": "5", "title": "Up", "year": 2009, "popularity": 5},
            {"id": "6", "title": "Amélie", "year": 2001, "popularity": 4},
        ]
    )
    return TitleMatcher(catalog)


def kinds(events):
    return [e.kind for e in events]


def test_titles_prefixes_and_free_text(matcher):
    events = parse_history(
        "Interstellar\nsearch: heist movies\ncomment: loved the ending\nlike: The Matrix\n"
        "dislike: Up\nI love romantic comedies set in New York\ninterest: space\n",
        matcher,
    )
    assert kinds(events) == [
        EventKind.WATCHED,
        EventKind.SEARCHED,
        EventKind.COMMENTED,
        EventKind.LIKED,
        EventKind.DISLIKED,
        EventKind.INTEREST,
        EventKind.INTEREST,
    ]
    assert [e.matched_id for e in events] == ["1", None, None, "2", "5", None, None]
    assert events[1].text == "heist movies"


def test_typos_are_tolerated(matcher):
    (event,) = parse_history("Intersteller", matcher)
    assert event.matched_title == "Interstellar (2014)"
    assert 80 < event.match_score < 100


def test_article_suffix_and_year_disambiguate(matcher):
    events = parse_history("Matrix, The (1999)\nAlien (2030)\nAlien\namelie", matcher)
    assert [e.matched_id for e in events] == ["2", "4", "3", "6"]


def test_search_and_comment_never_match_titles(matcher):
    (event,) = parse_history("search: Alien", matcher)
    assert event.kind == EventKind.SEARCHED and event.matched_id is None


def test_unmatched_watched_line_is_read_as_interest_with_a_note(matcher):
    (event,) = parse_history("watched: A Film Nobody Made", matcher)
    assert event.kind == EventKind.INTEREST
    assert "no catalog title matched" in event.note


def test_an_unmatched_title_carries_the_closest_titles_and_a_sentence_none(matcher):
    title, sentence = parse_history("Matrix Reloaded\nI love films about space.", matcher)
    assert title_unmatched(title) and title.suggestions[0] == "The Matrix (1999)"
    assert not title_unmatched(sentence) and sentence.suggestions == ()
    (nothing_close,) = parse_history("Zzyzx Qqq", matcher)
    assert title_unmatched(nothing_close) and nothing_close.suggestions == ()


def test_one_title_per_suggestion_and_no_one_letter_titles():
    catalog = catalog_from_records(
        [
            {"id": "1", "title": "Heathers", "year": 1989, "popularity": 1},
            {"id": "2", "title": "Heathers", "year": 2030, "popularity": 2},
            {"id": "3", "title": "H.", "year": 2002, "popularity": 3},
        ]
    )
    (event,) = parse_history("Heather", TitleMatcher(catalog, cutoff=99))
    assert event.suggestions == ("Heathers (2030)",)


@pytest.mark.parametrize(
    ("line", "fixed"),
    [
        ("Godfather", "The Godfather (1972)"),
        ("like: Godfather | 2 | 2024-05-01", "like: The Godfather (1972) | 2 | 2024-05-01"),
        ("  dislike:Godfather", "dislike: The Godfather (1972)"),
    ],
)
def test_a_suggestion_rewrites_only_its_line_keeping_prefix_and_fields(line, fixed):
    text = f"Alien\n{line}\nsearch: heists"
    assert replace_title_on_line(text, 2, "The Godfather (1972)") == f"Alien\n{fixed}\nsearch: heists"
    assert replace_title_on_line(text, 9, "X") == text


def test_a_suggested_title_that_reads_like_a_prefix_stays_a_title():
    assert replace_title_on_line("Searching", 1, "Search: The Movie") == "watched: Search: The Movie"


def test_short_strings_need_exact_matches(matcher):
    (event,) = parse_history("Us", matcher)
    assert event.matched_id is None


@pytest.mark.parametrize("text", ["", "   \n\n\t", "# a comment only"])
def test_blank_histories_have_no_events(matcher, text):
    assert parse_history(text, matcher) == []


def test_control_and_bidi_characters_are_removed():
    assert clean_line("Alien\x00\u202e\x1b[31m") == "Alien [31m"


def test_long_lines_are_shortened_with_a_note(matcher):
    (event,) = parse_history("x" * 10_000, matcher)
    assert len(event.text) == 2000 and "shortened" in event.note


def test_normalise_title_folds_accents_and_punctuation():
    assert normalise_title("Amélie!") == "amelie"
    assert normalise_title("Matrix, The") == "the matrix"
    assert normalise_title("Pride & Prejudice") == "pride and prejudice"


def test_matching_works_without_a_catalog():
    (event,) = parse_history("Alien", None)
    assert event.kind == EventKind.INTEREST


def test_weight_and_date_fields(matcher):
    events = parse_history("like: Alien | 2 | 2024-05-01\nInterstellar | 2023-01-02\nsearch: x | lots | 99", matcher)
    assert (events[0].kind, events[0].weight, events[0].when, events[0].matched_id) == (
        EventKind.LIKED,
        2.0,
        "2024-05-01",
        "3",
    )
    assert events[1].when == "2023-01-02" and events[1].weight == 1.0
    assert events[2].text == "x" and events[2].weight == 1.0
    assert "ignored “lots”" in events[2].note and "outside" in events[2].note


def test_format_line_round_trips(matcher):
    from vidrec_core.profile.history import format_line

    lines = [
        format_line(EventKind.LIKED, "Alien", 2.0, "2024-05-01"),
        format_line(EventKind.WATCHED, "Interstellar"),
        format_line(EventKind.SEARCHED, "space  heist"),
    ]
    assert lines == ["like: Alien | 2 | 2024-05-01", "Interstellar", "search: space heist"]
    events = parse_history("\n".join(lines), matcher)
    assert [(e.kind, e.text, e.weight, e.when) for e in events] == [
        (EventKind.LIKED, "Alien", 2.0, "2024-05-01"),
        (EventKind.WATCHED, "Interstellar", 1.0, None),
        (EventKind.SEARCHED, "space heist", 1.0, None),
    ]


def test_huge_catalog_path_matches_like_the_small_one(matcher, monkeypatch):
    import vidrec_core.profile.matching as matching

    small = [matcher.match(t) for t in ("Intersteller", "Alien (2030)", "nothing like a title")]
    monkeypatch.setattr(matching, "PARALLEL_FUZZY_FROM", 0)
    huge = matching.TitleMatcher(matcher.catalog)
    assert [huge.match(t) for t in ("Intersteller", "Alien (2030)", "nothing like a title")] == small


def test_lines_naming_a_missing_title_say_so(matcher):
    events = parse_history(
        "The Notebook\nlike: Pride & Prejudice\nI love romantic comedies set in New York\nsearch: heist", matcher
    )
    notes = [e.note for e in events]
    assert "no catalog title matched" in notes[0] and "no catalog title matched" in notes[1]
    assert notes[2] == "" and notes[3] == ""
    assert events[1].kind == EventKind.LIKED and events[1].matched_id is None


def test_a_history_past_the_limit_keeps_its_most_recent_events_and_says_so(matcher):
    from vidrec_core.profile.history import MAX_EVENTS, history_notices

    lines = [f"search: topic {i}" for i in range(MAX_EVENTS + 500)]
    events = parse_history("\n".join(["# header", *lines, "", "like:"]), matcher)
    assert len(events) == MAX_EVENTS
    assert events[0].text == "topic 500" and events[-1].text == f"topic {MAX_EVENTS + 499}"
    assert events[0].line_no == 502 and events[0].lines_before_not_used == 500
    assert "500 event line(s) before this one were not used" in events[0].note
    assert history_notices(events) == [
        f"This history has {MAX_EVENTS + 500:,} events; only the last {MAX_EVENTS:,} were used. "
        "Older lines above them are left out."
    ]
    assert history_notices(events[1:]) == []


def test_a_prefix_still_being_typed_is_not_an_interest(matcher):
    assert parse_history("like:\nsearch:  ", matcher) == []
    (event,) = parse_history("Alien\ncomment:", matcher)
    assert event.matched_title is not None


@pytest.mark.parametrize(
    "text, shown",
    [
        ("plain title", "plain title"),
        ("two\nlines\ttabbed", "two lines tabbed"),
        ("nul\x00 and esc\x1b", "nul\\x00 and esc\\x1b"),
        ("\u202eevil", "\\u202eevil"),
        ("family 👨\u200d👩\u200d👧 星际", "family 👨\u200d👩\u200d👧 星际"),
    ],
)
def test_visible_shows_hidden_characters_and_keeps_scripts(text, shown):
    from vidrec_core.core.plaintext import visible

    assert visible(text) == shown


def test_the_json_history_carries_an_unmatched_titles_suggestions(matcher):
    from vidrec_core.recommender import event_as_dict

    title, matched = parse_history("Matrix Reloaded\nAlien", matcher)
    assert event_as_dict(title)["suggestions"][0] == "The Matrix (1999)"
    assert "suggestions" not in event_as_dict(matched)
